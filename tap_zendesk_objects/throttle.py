"""Per-bucket request pacing: stay under the configured rates before Zendesk must say 429.

Zendesk keeps separate per-minute budgets for the Core API and for incremental exports, and
the Core budget is shared with every other integration of the account. Requests of one bucket
are spaced evenly (60 / rate seconds apart), and when Zendesk's rate-limit headers show the
account's remaining budget running low, the spacing grows so other integrations keep room.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping

# Below this share of the account's budget left, the tap slows down.
LOW_BUDGET_SHARE = 0.2

_REMAINING_HEADERS = ("x-rate-limit-remaining", "ratelimit-remaining", "rate-limit-remaining")
_LIMIT_HEADERS = ("x-rate-limit", "ratelimit-limit", "rate-limit")
_RESET_HEADERS = ("ratelimit-reset", "rate-limit-reset")
_COMPOUND = re.compile(r"(total|remaining|resets)\s*=\s*(\d+)", re.IGNORECASE)


def read_budget(headers: Mapping[str, str]) -> tuple[int, int, float | None] | None:
    """(limit, remaining, seconds to reset) from any of Zendesk's header spellings, or None."""
    lowered = {key.lower(): value for key, value in headers.items()}
    limit = _first_int(lowered, _LIMIT_HEADERS)
    remaining = _first_int(lowered, _REMAINING_HEADERS)
    reset = _first_int(lowered, _RESET_HEADERS)
    for key, value in lowered.items():
        if key.startswith("zendesk-ratelimit-"):
            parts = {name.lower(): int(number) for name, number in _COMPOUND.findall(value)}
            tighter = remaining is None or parts.get("remaining", remaining) < remaining
            if "total" in parts and "remaining" in parts and tighter:
                limit, remaining = parts["total"], parts["remaining"]
                reset = parts.get("resets", reset)
    if limit is None or remaining is None or limit <= 0:
        return None
    return limit, remaining, None if reset is None else float(reset)


def _first_int(headers: Mapping[str, str], names: tuple[str, ...]) -> int | None:
    for name in names:
        value = headers.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                continue
    return None


class Throttle:
    """Spaces the requests of one bucket so that at most `per_minute` start in any minute."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until this bucket may send; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay

    def pause(self, seconds: float) -> None:
        """Push the next slot back, e.g. after a 429's Retry-After."""
        with self._lock:
            self._next_slot = max(self._next_slot, self._clock() + seconds)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Slow down when the account's remaining budget runs low, whoever spent it."""
        budget = read_budget(headers)
        if budget is None:
            return
        limit, remaining, reset = budget
        if remaining > limit * LOW_BUDGET_SHARE:
            return
        # Spread what is left of the window over the time until it resets.
        window = reset if reset is not None else 60.0
        share_left = max(remaining, 1) / 2
        self.pause(window / share_left)
