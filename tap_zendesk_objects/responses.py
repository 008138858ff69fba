"""Decoding Zendesk responses once, and reading Zendesk's error bodies."""

from __future__ import annotations

from typing import Any

import msgspec
import requests

_CACHE_ATTRIBUTE = "_zendesk_payload"


class InvalidBodyError(ValueError):
    """The body is not the JSON object Zendesk sends (truncated, HTML from a proxy...)."""


def payload(response: requests.Response) -> dict[str, Any]:
    """Return the response's JSON object, decoded once and cached on the response."""
    cached = getattr(response, _CACHE_ATTRIBUTE, None)
    if cached is None:
        try:
            cached = msgspec.json.decode(response.content)
        except msgspec.DecodeError as exc:
            msg = f"invalid JSON body ({len(response.content)} bytes): {exc}"
            raise InvalidBodyError(msg) from None
        if not isinstance(cached, dict):
            msg = f"expected a JSON object, got {type(cached).__name__}"
            raise InvalidBodyError(msg)
        setattr(response, _CACHE_ATTRIBUTE, cached)
    return cached


def error_text(response: requests.Response) -> str:
    """Summarise Zendesk's error body in any of its four shapes, or the HTTP reason."""
    try:
        body = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return response.reason or ""
    if not isinstance(body, dict):
        return response.reason or ""
    error = body.get("error")
    if isinstance(error, dict):
        parts = [error.get("title"), error.get("message")]
    elif "errors" in body and isinstance(body["errors"], list):
        parts = [
            str(item.get("detail") or item.get("title") or item.get("code"))
            for item in body["errors"]
            if isinstance(item, dict)
        ]
    else:
        parts = [error, body.get("description") or body.get("error_description")]
    return ": ".join(str(part) for part in parts if part) or (response.reason or "")
