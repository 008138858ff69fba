"""Zendesk's deprecation warnings (`x-zendesk-api-warn`), logged once per endpoint per run."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests

API_WARN_HEADER = "x-zendesk-api-warn"
MAX_WARNING_CHARS = 300


def log_api_warning(seen: set[str], logger: logging.Logger, response: requests.Response) -> None:
    """Log the response's API warning, unless this endpoint's is in `seen` (this run's)."""
    text = response.headers.get(API_WARN_HEADER)  # requests' headers ignore letter case
    if not text:
        return
    method = response.request.method if response.request is not None else "GET"
    endpoint = f"{method} {urlsplit(str(response.url)).path}"
    if endpoint in seen:
        return
    seen.add(endpoint)
    text = " ".join(str(text).split())
    if len(text) > MAX_WARNING_CHARS:
        text = text[: MAX_WARNING_CHARS - 3] + "..."
    logger.warning("Zendesk warns about %s: %s (logged once per endpoint)", endpoint, text)
