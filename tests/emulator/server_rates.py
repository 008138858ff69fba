"""Zendesk's rate limits for the emulator: per clock-window budgets, their headers, and 429s.

Every request but the token endpoint's spends the account's Core budget; incremental exports
spend their own budget too, and the users cursor export a third. Endpoints with a budget of
their own add it with `add_bucket` (the conversation log's per minute, the side conversation
event export's per 10 minutes), besides Core or instead of it (Help Center requests, which
Zendesk counts apart from Support's). The headers always report the budgets; only with
`Emulator.rate_limits` on does an empty one refuse (429 with Retry-After). Limits and the
clock are read from the emulator at every request, so tests may change them while it runs.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.emulator.oauth import TOKEN_PATH
from tests.emulator.server_request import HTTPError

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


class Bucket:
    """One budget: what the current clock window (a minute unless `period` says) has spent."""

    def __init__(self, name: str, header: str | None, period: int = 60) -> None:
        self.name, self.header, self.period = name, header, period
        self.window = 0
        self.used = 0

    def state(self, limit: int, now: float, others_per_minute: int = 0) -> tuple[int, int]:
        """(remaining, seconds to reset) of this clock window's budget.

        `others_per_minute`: requests another integration of the account spends in each
        minute, evenly over it, in the same budget.
        """
        period = self.period
        window = int(now // period)
        if window != self.window:
            self.window, self.used = window, 0
        others = int(others_per_minute * (now - window * period) / 60)
        reset = max(1, math.ceil((window + 1) * period - now))
        return max(0, limit - self.used - others), reset


def limit_body(path: str) -> dict[str, Any]:
    """The body of a 429 for `path` (exports name their own budget; the custom object
    record export answers in JSON:API style, as its reference shows)."""
    if path.startswith("/api/v2/incremental/custom_objects/"):
        return {
            "errors": [
                {
                    "code": "RateLimitExceeded",
                    "status": "429",
                    "title": "Too Many Requests",
                    "detail": "Number of allowed incremental export API requests per minute "
                    "exceeded",
                }
            ]
        }
    if path.startswith("/api/v2/incremental/"):
        return {
            "error": "APIRateLimitExceeded",
            "description": "Number of allowed incremental export API requests per minute exceeded",
        }
    return {
        "error": "APIRateLimitExceeded",
        "description": "Number of allowed API requests per minute exceeded",
    }


class RateLimits:
    """The budgets of one emulator."""

    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator
        self._lock = threading.Lock()
        self._buckets = {
            "core": Bucket("core", None),
            "incremental": Bucket("incremental", "Zendesk-RateLimit-incremental-exports"),
            "users_cursor": Bucket("users_cursor", "Zendesk-RateLimit-incremental-exports-cursor"),
        }
        # Budgets endpoints added: (which paths spend it, bucket, emulator attribute of its limit)
        self._added: list[tuple[Callable[[str], bool], Bucket, str]] = []
        self._instead_of_core: set[str] = set()  # names of added budgets that replace Core

    def add_bucket(
        self,
        name: str,
        header: str | None,
        limit_attribute: str,
        spends: Callable[[str], bool],
        period: int = 60,
        instead_of_core: bool = False,
    ) -> None:
        """A budget of its own for the paths `spends` accepts (besides Core, or instead of it
        with `instead_of_core`), its limit read from the emulator's attribute
        `limit_attribute` per window of `period` seconds. `header` None reports it in the
        account headers (X-Rate-Limit, ratelimit-*, rate-limit-*), as Core is reported."""
        bucket = Bucket(name, header, period)
        self._buckets[name] = bucket
        self._added.append((spends, bucket, limit_attribute))
        if instead_of_core:
            self._instead_of_core.add(name)

    def for_path(self, path: str) -> list[Bucket]:
        """The budgets a request for `path` spends."""
        if path == TOKEN_PATH:
            return []  # Zendesk documents no rate limit for the token endpoint
        buckets = [self._buckets["core"]]
        if path == "/api/v2/incremental/users/cursor":
            buckets.append(self._buckets["users_cursor"])
        elif path.startswith("/api/v2/incremental/"):
            buckets.append(self._buckets["incremental"])
        buckets += [bucket for spends, bucket, _ in self._added if spends(path)]
        if any(b.name in self._instead_of_core for b in buckets):
            buckets.remove(self._buckets["core"])
        return buckets

    def reset_windows(self) -> None:
        """Forget what the current minute's budgets hold, as if the next minute had begun."""
        with self._lock:
            for bucket in self._buckets.values():
                bucket.used = 0

    def consume(self, buckets: list[Bucket], path: str) -> None:
        """Spend one request of each budget; 429 first if limits are on and one is empty."""
        now = self.emu.rate_clock()
        with self._lock:
            states = [self._state(b, now) for b in buckets]
            if self.emu.rate_limits:
                for (remaining, reset), _b in zip(states, buckets, strict=True):
                    if remaining <= 0:
                        raise HTTPError(429, limit_body(path), {"Retry-After": str(reset)})
            for b in buckets:
                b.used += 1

    def headers(self, buckets: list[Bucket]) -> dict[str, str]:
        """The rate-limit headers of an answer that spent these budgets."""
        now = self.emu.rate_clock()
        headers: dict[str, str] = {}
        with self._lock:
            for b in buckets:
                limit = self._limit(b)
                remaining, reset = self._state(b, now)
                if not self.emu.rate_limits:
                    remaining = limit  # limits off: a budget nothing spends
                if b.header is None:
                    headers.update(
                        {
                            "X-Rate-Limit": str(limit),
                            "X-Rate-Limit-Remaining": str(remaining),
                            "ratelimit-limit": str(limit),
                            "ratelimit-remaining": str(remaining),
                            "ratelimit-reset": str(reset),
                            "rate-limit": str(limit),
                            "rate-limit-remaining": str(remaining),
                            "rate-limit-reset": str(reset),
                        }
                    )
                else:
                    headers[b.header] = f"total={limit}; remaining={remaining}; resets={reset}"
        return headers

    def _state(self, bucket: Bucket, now: float) -> tuple[int, int]:
        others = self.emu.other_core_per_minute if bucket.name == "core" else 0
        return bucket.state(self._limit(bucket), now, others)

    def _limit(self, bucket: Bucket) -> int:
        for _spends, added, attribute in self._added:
            if added is bucket:
                return getattr(self.emu, attribute)
        return {
            "core": self.emu.core_per_minute,
            "incremental": self.emu.incremental_per_minute,
            "users_cursor": self.emu.users_cursor_per_minute,
        }[bucket.name]
