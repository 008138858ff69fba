"""Per-bucket request pacing: stay under the configured rates before Zendesk must say 429.

Zendesk keeps separate per-minute budgets for the Core API and for incremental exports, and
the Core budget is shared with every other integration of the account. Requests of one bucket
are spaced evenly (60 / rate seconds apart). Zendesk's rate-limit headers, in every spelling
it uses, are read after each response: when the account's remaining budget runs low, the
spacing grows so that what is left lasts until the window resets, and a small reserve is
left untouched for the account's other integrations.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests
from singer_sdk.exceptions import RetriableAPIError

# Below this share of a budget left, requests are spread over the rest of the window.
LOW_BUDGET_SHARE = 0.2
# This share of a budget is left to the account's other integrations.
RESERVE_SHARE = 0.05
# Window length assumed when Zendesk names no reset time.
DEFAULT_WINDOW_SECONDS = 60.0
# Wait after a 429 that names none.
DEFAULT_RETRY_AFTER_SECONDS = 60.0
# Longest wait a header may ask for (a garbled reset value must not stall a sync for hours).
MAX_HEADER_WAIT_SECONDS = 900.0

# The account-wide budget, in the spellings seen in Zendesk's docs and recordings.
_LIMIT_HEADERS = ("x-rate-limit", "ratelimit-limit", "rate-limit")
_REMAINING_HEADERS = ("x-rate-limit-remaining", "ratelimit-remaining", "rate-limit-remaining")
_RESET_HEADERS = ("ratelimit-reset", "rate-limit-reset", "x-rate-limit-reset")
# Per-endpoint budgets: `zendesk-ratelimit-<name>: total=100; remaining=99; resets=41`, also
# spelt `zendesk-rate-limit-<name>` (seen in real responses of 2023).
_ENDPOINT_PREFIXES = ("zendesk-ratelimit-", "zendesk-rate-limit-")
_COMPOUND = re.compile(r"(total|remaining|resets)\s*=\s*(\d+(?:\.\d+)?)", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Budget:
    """One rate-limit budget as a response reports it."""

    name: str
    limit: int
    remaining: int
    reset: float | None  # seconds until the window resets, when named

    def delay(self) -> float:
        """Seconds to leave before the next request so this budget lasts its window."""
        window = DEFAULT_WINDOW_SECONDS if self.reset is None else self.reset
        window = min(max(window, 0.0), MAX_HEADER_WAIT_SECONDS)
        usable = self.remaining - int(self.limit * RESERVE_SHARE)
        if usable <= 0:
            return window
        if self.remaining > self.limit * LOW_BUDGET_SHARE:
            return 0.0
        return window / (usable + 1)


def _lowered(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(key).lower(): str(value) for key, value in headers.items()}


def _number(text: str | None) -> float | None:
    """The leading number of a header value (`100`, `100.0`, `100, 100;w=60`), or None."""
    if text is None:
        return None
    match = _LEADING_NUMBER.match(text)
    return float(match.group(1)) if match else None


def _first_number(headers: Mapping[str, str], names: tuple[str, ...]) -> float | None:
    for name in names:
        value = _number(headers.get(name))
        if value is not None:
            return value
    return None


def read_budgets(headers: Mapping[str, str]) -> list[Budget]:
    """Every budget the headers report, read case-insensitively in all of Zendesk's spellings.

    The account-wide budget takes the tightest `remaining` among its spellings; each
    `zendesk-ratelimit-<name>` header is a budget of its own.
    """
    lowered = _lowered(headers)
    budgets: list[Budget] = []
    limit = _first_number(lowered, _LIMIT_HEADERS)
    remaining_values = [
        value
        for value in (_number(lowered.get(name)) for name in _REMAINING_HEADERS)
        if value is not None
    ]
    if limit is not None and limit > 0 and remaining_values:
        budgets.append(
            Budget(
                "account",
                int(limit),
                int(min(remaining_values)),
                _first_number(lowered, _RESET_HEADERS),
            )
        )
    for key, value in lowered.items():
        prefix = next((p for p in _ENDPOINT_PREFIXES if key.startswith(p)), None)
        if prefix is None:
            continue
        parts = {name.lower(): float(number) for name, number in _COMPOUND.findall(value)}
        if parts.get("total", 0) > 0 and "remaining" in parts:
            budgets.append(
                Budget(
                    key.removeprefix(prefix),
                    int(parts["total"]),
                    int(parts["remaining"]),
                    parts.get("resets"),
                )
            )
    return budgets


def budget_delay(headers: Mapping[str, str]) -> float:
    """The wait the tightest reported budget asks for (0 when there is room or no headers)."""
    return max((budget.delay() for budget in read_budgets(headers)), default=0.0)


def retry_after_seconds(headers: Mapping[str, str], default: float) -> float:
    """A 429's `Retry-After` (seconds or an HTTP date) in seconds; `default` when absent."""
    value = _lowered(headers).get("retry-after")
    if value is None or not value.strip():
        return default
    seconds = _number(value)
    if seconds is None:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        seconds = when.timestamp() - time.time()
    return max(seconds, 0.0)


def asked_wait(exc: BaseException) -> float:
    """The `Retry-After` of the response an error carries (a 503 may send one), else 0."""
    headers = getattr(getattr(exc, "response", None), "headers", None)
    return retry_after_seconds(headers, 0.0) if isinstance(headers, Mapping) else 0.0


class RateLimitedError(RetriableAPIError):
    """A 429: wait Retry-After, then try again."""

    def __init__(self, message: str, response: requests.Response) -> None:
        super().__init__(message, response)
        self.retry_after = retry_after_seconds(response.headers, DEFAULT_RETRY_AFTER_SECONDS)


class Throttle:
    """Spaces the requests of one bucket so that at most `per_minute` start in any minute."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0:
            msg = f"a request rate must be positive, not {per_minute}"
            raise ValueError(msg)
        self.interval = 60.0 / per_minute
        self._clock = clock
        self._sleep = sleep
        self._next_slot = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until this bucket may send, and take the slot; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay

    def pause(self, seconds: float) -> None:
        """Let no request of this bucket start within `seconds` from now (e.g. Retry-After)."""
        with self._lock:
            self._next_slot = max(self._next_slot, self._clock() + seconds)

    def observe(self, headers: Mapping[str, str]) -> float:
        """Slow down when a budget Zendesk reports runs low, whoever spent it.

        Returns the pause this response asked for (0 when there is room).
        """
        delay = budget_delay(headers)
        if delay > 0:
            self.pause(delay)
        return delay
