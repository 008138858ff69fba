"""Decoding Zendesk responses once, reading Zendesk's error bodies, and its API warnings."""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit

import msgspec
import requests

from tap_zendesk_objects.errors import InvalidBodyError

_CACHE_ATTRIBUTE = "_zendesk_payload"
# A NUL character as JSON writes it: PostgreSQL refuses NUL in text, so none is passed on.
_ESCAPED_NUL = b"\\u0000"
_SURROGATE = re.compile("[\ud800-\udfff]")
_MISSING_SCOPES = re.compile(r"missing the following required scopes?:\s*(.+)", re.IGNORECASE)


def payload(response: requests.Response) -> dict[str, Any]:
    """Return the response's JSON object, decoded once and cached on the response."""
    cached = getattr(response, _CACHE_ATTRIBUTE, None)
    if cached is None:
        content = response.content
        try:
            cached = msgspec.json.decode(content)
        except msgspec.DecodeError as exc:
            cached = _decode_leniently(content, exc)
        else:
            if _ESCAPED_NUL in content:  # one C-level search per page
                cached = _clean(cached)
        if not isinstance(cached, dict):
            msg = f"expected a JSON object, got {type(cached).__name__}"
            raise InvalidBodyError(msg)
        setattr(response, _CACHE_ATTRIBUTE, cached)
    return cached


def _decode_leniently(content: bytes, error: msgspec.DecodeError) -> Any:
    """Decode what msgspec refuses but JSON allows (a lone UTF-16 surrogate escape).

    The standard decoder accepts an escaped lone surrogate (U+D800 to U+DFFF); such a
    character cannot be written as UTF-8, so it becomes U+FFFD, and every record of the
    page is kept.
    """
    try:
        decoded = json.loads(content)
    except (ValueError, RecursionError):
        msg = f"invalid JSON body ({len(content)} bytes): {error}"
        raise InvalidBodyError(msg) from None
    return _clean(decoded)


def _clean(value: Any) -> Any:
    """`value` with NUL characters removed and lone surrogates replaced, in every string."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value.replace("\x00", ""))
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def release_body(response: requests.Response) -> None:
    """Drop a decoded response's raw bytes (4 MB for an export page); `payload` stays."""
    if getattr(response, _CACHE_ATTRIBUTE, None) is not None:
        response._content = b""


def release_page(response: requests.Response) -> None:
    """Drop what is left of a decoded page but its paging keys (sideloads such as metric sets).

    Called once the paginator has read the page, before the next request may wait its turn.
    """
    cached = getattr(response, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        for key in [key for key, value in cached.items() if isinstance(value, list)]:
            del cached[key]


# Error details longer than this are cut: one line, not a page of HTML or JSON.
MAX_DETAIL_CHARS = 300


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_DETAIL_CHARS:
        text = text[: MAX_DETAIL_CHARS - 3] + "..."
    return text


def _error_body(response: requests.Response) -> dict[str, Any] | None:
    try:
        body = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return None
    return body if isinstance(body, dict) else None


def error_text(response: requests.Response) -> str:
    """Summarise Zendesk's error body in any of its four shapes, or the HTTP reason, on one line.

    `{"error": "...", "description": "..."}`, `{"error": {"title", "message"}}`,
    `{"error": "invalid_token", "error_description": "..."}` and
    `{"errors": [{"code", "title", "detail"}]}`.
    """
    body = _error_body(response)
    if body is None:
        return _one_line(response.reason or "")
    error = body.get("error")
    if isinstance(error, dict):
        parts = [error.get("title"), error.get("message")]
    elif isinstance(body.get("errors"), list):
        parts = [
            str(item.get("detail") or item.get("title") or item.get("code"))
            for item in body["errors"]
            if isinstance(item, dict)
        ]
    else:
        parts = [error, body.get("description") or body.get("error_description")]
    text = ": ".join(str(part) for part in parts if part)
    return _one_line(text or response.reason or "")


def error_title(response: requests.Response) -> str:
    """The short part of an error body (`No help desk at acme.zendesk.com`), or error_text."""
    body = _error_body(response)
    error = body.get("error") if body else None
    if isinstance(error, dict) and error.get("title"):
        return _one_line(str(error["title"]))
    if isinstance(error, str) and error:
        return _one_line(error)
    return error_text(response)


def missing_scopes(detail: str) -> str | None:
    """The OAuth scopes a 403 says the token lacks (`read`), or None."""
    match = _MISSING_SCOPES.search(detail)
    return match.group(1).strip().rstrip(".") if match else None


# Zendesk's deprecation warnings (`x-zendesk-api-warn`), logged once per endpoint per run.
API_WARN_HEADER = "x-zendesk-api-warn"
MAX_WARNING_CHARS = 300


def log_api_warning(seen: set[str], logger: logging.Logger, response: requests.Response) -> None:
    """Log the response's API warning, unless this endpoint's is in `seen` (this run's)."""
    text = response.headers.get(API_WARN_HEADER)  # requests' headers ignore letter case
    if not text:
        return
    request = response.request  # None on a Response made by hand (the stubs say never)
    method = request.method if request is not None else "GET"  # type: ignore[redundant-expr]
    endpoint = f"{method} {urlsplit(str(response.url)).path}"
    if endpoint in seen:
        return
    seen.add(endpoint)
    text = " ".join(str(text).split())
    if len(text) > MAX_WARNING_CHARS:
        text = text[: MAX_WARNING_CHARS - 3] + "..."
    logger.warning("Zendesk warns about %s: %s (logged once per endpoint)", endpoint, text)
