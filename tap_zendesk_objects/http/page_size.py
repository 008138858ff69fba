"""Export pages that never come back: ask for fewer records, then grow back.

A block of huge tickets can make an export page time out (a read timeout, 502 or 504) at
1000 records every time. The retry of such a request asks for half as many records, down
to a floor; after a few pages that came back, the size doubles again up to `export_page_size`.
Both export kinds take `per_page` on every request (`cursor` or `start_time` stays as it
was), so the bookmark and the no-loss, no-duplicate guarantees hold. When even the floor
times out, the error names `export_page_size`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from singer_sdk.exceptions import RetriableAPIError

PAGE_SIZE_FLOOR = 50
# Pages that must come back at a reduced size before it doubles again.
GROW_AFTER_SUCCESSES = 3
TIMEOUT_STATUSES = frozenset({502, 504})


class AdaptivePageSize:
    """The per_page of one export: `configured`, halved on timeouts, grown back on success."""

    def __init__(self, configured: int) -> None:
        self.configured = self.current = configured
        self.floor = min(PAGE_SIZE_FLOOR, configured)
        self._successes = 0

    def shrink(self) -> bool:
        """Halve (not below the floor); False when already at the floor."""
        if self.current <= self.floor:
            return False
        self.current = max(self.floor, self.current // 2)
        self._successes = 0
        return True

    def succeeded(self) -> None:
        """A page came back: after a few in a row, double towards the configured size."""
        if self.current >= self.configured:
            return
        self._successes += 1
        if self._successes >= GROW_AFTER_SUCCESSES:
            self.current = min(self.configured, self.current * 2)
            self._successes = 0

    @property
    def shrunk_to_floor(self) -> bool:
        """True when the size is down to its floor (below what was configured)."""
        return self.current <= self.floor < self.configured


def is_timeout(exc: BaseException) -> bool:
    """A read timeout, or a 502/504 from Zendesk's gateway."""
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    response = getattr(exc, "response", None) if isinstance(exc, RetriableAPIError) else None
    return response is not None and response.status_code in TIMEOUT_STATUSES


def set_per_page(request: Any, per_page: int) -> None:
    """Change the `per_page` of a prepared request, keeping every other parameter."""
    if not isinstance(request, requests.PreparedRequest) or not request.url:
        return
    parts = urlsplit(request.url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "per_page"]
    query.append(("per_page", str(per_page)))
    request.url = urlunsplit(parts._replace(query=urlencode(query)))
