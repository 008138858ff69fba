"""Per-bucket request pacing: spend each rate budget, never more, before Zendesk must say 429.

Zendesk keeps separate budgets for the Core API and for incremental exports (most per minute,
some over longer windows), and the Core budget is shared with every other integration of the
account. Each bucket admits a request at once while its budget for the last window (60 s
unless the bucket says otherwise) is not spent (a sliding window), and otherwise waits only
as long as the window needs. Zendesk's rate-limit headers, in every spelling it uses, are
read after each response: when the account has fewer requests left than the window thinks
(other integrations spend the same budget), the tap sends no more than Zendesk reports until
its window resets, and a small reserve of the Core budget is left untouched for the account's
other integrations. An endpoint's own budget (`zendesk-ratelimit-<name>`) paces only the
endpoints whose answers report it: one spent endpoint budget holds back no other endpoint.
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# This share of the account's Core budget is left to its other integrations.
RESERVE_SHARE = 0.05
# Zendesk's account budget is per minute: the window of a bucket unless it names another, and
# the reset assumed when Zendesk names none.
WINDOW_SECONDS = 60.0
# The other integrations' pace is estimated over at least this many seconds (before that,
# the last estimate stands); answers whose reset times differ by more than the slack belong
# to different windows of Zendesk's.
MIN_ESTIMATE_SPAN_SECONDS = 2.0
SAME_WINDOW_SLACK_SECONDS = 2.0
# Zendesk names resets in whole seconds: the tap's own requests of one more second count as
# the window's, so that the rounding never passes them off as the others'.
RESET_ROUNDING_SECONDS = 1.0
# When requests under way fill a whole budget at once (concurrent streams of one bucket),
# how often to look again for room.
IN_FLIGHT_POLL_SECONDS = 0.05
# Wait after a 429 that names none.
DEFAULT_RETRY_AFTER_SECONDS = 60.0
# Longest wait a header may ask for (a garbled reset value must not stall a sync for hours).
MAX_HEADER_WAIT_SECONDS = 900.0
# `time_for` plays out at most this many requests, and scales beyond.
MAX_SIMULATED_REQUESTS = 20_000

# The account-wide budget's name among the budgets read from headers.
ACCOUNT = "account"
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
                ACCOUNT,
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


class _Allowance:
    """What one budget's headers allow until Zendesk's window resets.

    `left`: requests Zendesk still allowed when it answered (`seen`), less the reserve and
    less the tap's requests since. `others`: requests a second that the account's other
    integrations spend from the same budget, from what Zendesk counted beyond the tap's own
    requests: `theirs` in the `span` seconds of this window so far, plus the last window's
    (`before`). So an answer grown old while the tap waited for another bucket is read as
    what is left of it now, not as what was left then.
    """

    __slots__ = ("before", "left", "others", "seen", "span", "theirs", "until")

    def __init__(self, left: float, seen: float, until: float, theirs: float, span: float) -> None:
        self.left, self.seen, self.until = left, seen, until
        self.theirs, self.span = theirs, span
        self.before = (0.0, 0.0)
        self.others = 0.0

    def follow(self, previous: _Allowance | None) -> None:
        """Estimate the others' pace over this window and the one before."""
        last = 0.0
        if previous is not None:
            last, self.before = previous.others, previous.before
            if abs(self.until - previous.until) > SAME_WINDOW_SLACK_SECONDS:  # a new window
                self.before = (previous.theirs, previous.span)
        theirs, span = self.before[0] + self.theirs, self.before[1] + self.span
        self.others = theirs / span if span >= MIN_ESTIMATE_SPAN_SECONDS else last

    def room(self, now: float) -> float:
        """Requests Zendesk allows the tap now, as far as the tap can tell."""
        return self.left - self.others * max(now - self.seen, 0.0)


class Throttle:
    """One rate bucket: at most `budget` requests in any window, and no more than Zendesk allows.

    A sliding window of `window_seconds` (60 unless said otherwise): a request starts at once
    while fewer than `budget` requests finished in the last window (or are still under way),
    else as soon as the oldest of them leaves the window. A request counts from the moment it
    finished (answered or failed), the latest moment Zendesk can have counted it, so the
    window is safe whether Zendesk counts in fixed clock windows or in sliding ones.
    `reserve_share` of the rate is never spent (left to the account's other integrations). A
    bucket with a `parent` (the exports, whose requests also count against the account's
    Core budget) waits for room in both.

    The headers rule over the window (`observe`): when Zendesk reports fewer requests left
    than the window thinks, because other integrations spend the same budget, no more than
    that (less the reserve, for the account's budget, and less what the others are seen to
    spend meanwhile) are sent until Zendesk's window resets. The account's budget holds back
    every request of the bucket (kept by the parent, for a bucket that has one). An
    endpoint's own budget (`zendesk-ratelimit-<name>`) is kept by name, one for the bucket
    (several export endpoints report `incremental-exports`), but holds back only the
    requests of the endpoints whose answers reported it: `wait` and `observe` take the
    endpoint, the stream's path template. A request of no endpoint (None) is held back by
    the window and the account's budget only.
    """

    def __init__(
        self,
        per_window: int,
        *,
        window_seconds: float = WINDOW_SECONDS,
        reserve_share: float = 0.0,
        parent: Throttle | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        if per_window <= 0:
            msg = f"a request rate must be positive, not {per_window}"
            raise ValueError(msg)
        if window_seconds <= 0:
            msg = f"a rate window must be positive, not {window_seconds} s"
            raise ValueError(msg)
        self.budget = max(per_window - int(per_window * reserve_share), 1)
        self.window_seconds = float(window_seconds)
        self.parent = parent
        self._clock = clock
        self._sleep = sleep
        self._on_wait = on_wait  # told of each wait before it begins
        self._lock: threading.Lock = parent._lock if parent is not None else threading.Lock()
        self._finished: deque[float] = deque()  # when each request of the window finished
        self._in_flight = 0
        self._allowances: dict[str, _Allowance] = {}  # by budget name (ACCOUNT, or the header's)
        # Endpoint (path template) -> the names of the endpoint budgets its answers reported:
        # the only budgets, besides the account's, that hold back its requests.
        self._gates: dict[str, set[str]] = {}

    def wait(self, endpoint: str | None = None) -> float:
        """Block until a request of `endpoint` may start, and count it; the seconds waited.

        `sleep` returning true (a stop was asked) ends the wait early: the caller stops.
        """
        waited = 0.0
        while True:
            with self._lock:
                delay = self._delay(self._clock(), endpoint)
                if delay <= 0:
                    self._start(endpoint)
                    return waited
            if not waited and self._on_wait is not None:
                self._on_wait(delay)
            waited += delay
            if self._sleep(delay):  # a stop was asked: the caller stops before sending
                with self._lock:
                    self._start(endpoint)
                return waited

    def ready_in(self, endpoint: str | None = None) -> float:
        """Seconds until a request of `endpoint` may start (0: now), counting nothing."""
        with self._lock:
            return max(self._delay(self._clock(), endpoint), 0.0)

    def time_for(self, requests: int, seconds_each: float = 0.0) -> float:
        """Seconds until `requests` more requests, one after another, could be done.

        What this bucket's window and its parent's allow, from the requests they hold now,
        each request taking `seconds_each`; nothing is counted. (The headers' allowances,
        which last a window at most, are left out.) For the time left of a long read.
        """
        with self._lock:
            now = self._clock()
            windows: list[tuple[int, float, list[float]]] = []
            bucket: Throttle | None = self
            while bucket is not None:
                since = now - bucket.window_seconds
                held = [moment for moment in bucket._finished if moment > since]
                windows.append((bucket.budget, bucket.window_seconds, held))
                bucket = bucket.parent
        simulated = min(requests, MAX_SIMULATED_REQUESTS)
        moment = now
        for _ in range(simulated):
            start = moment
            for budget, window, held in windows:
                if len(held) >= budget:
                    start = max(start, held[-budget] + window)
            moment = start + seconds_each
            for _budget, _window, held in windows:
                held.append(moment)
        taken = moment - now
        return taken * requests / simulated if simulated else 0.0

    def done(self) -> None:
        """The request counted by the last `wait` finished (answered or failed): date it."""
        with self._lock:
            self._finish(self._clock())

    def observe(self, headers: Mapping[str, str], endpoint: str | None = None) -> None:
        """Spend no more than the budgets a response of `endpoint` reports, whoever spent the rest.

        The endpoint budgets it reports hold back that endpoint's requests from now on (and
        those of every other endpoint that reported them). The other integrations' pace is
        what Zendesk counted in its window (the window before the reset it names) beyond the
        tap's own requests of that time.
        """
        with self._lock:
            now = self._clock()
            for budget in read_budgets(headers):
                account = budget.name == ACCOUNT
                owner = self.parent if account and self.parent else self
                if not account and endpoint is not None:
                    self._gates.setdefault(endpoint, set()).add(budget.name)
                reserve = int(budget.limit * RESERVE_SHARE) if account else 0
                # The account's budget is per minute; an endpoint's, the bucket's window.
                window = WINDOW_SECONDS if account else owner.window_seconds
                reset = window if budget.reset is None else budget.reset
                reset = min(max(reset, 0.0), MAX_HEADER_WAIT_SECONDS)
                span = max(window - reset, 0.0)
                ours = owner._finished_since(now - span - RESET_ROUNDING_SECONDS)
                theirs = budget.limit - budget.remaining - ours
                allowance = _Allowance(
                    budget.remaining - reserve, now, now + reset, max(theirs, 0), span
                )
                allowance.follow(owner._allowances.get(budget.name))
                owner._allowances[budget.name] = allowance

    # Under the lock ------------------------------------------------------------------

    def _gating(self, endpoint: str | None) -> list[_Allowance]:
        """The allowances that hold back a request of `endpoint` in this bucket."""
        names = self._gates.get(endpoint, ()) if endpoint is not None else ()
        return [
            allowance
            for name in (ACCOUNT, *names)
            if (allowance := self._allowances.get(name)) is not None
        ]

    def _delay(self, now: float, endpoint: str | None = None) -> float:
        """Seconds until a request of `endpoint` may start (0 or less: now)."""
        delay = self._window_delay(now)
        for allowance in self._gating(endpoint):  # past their reset, they say nothing
            if allowance.until > now and allowance.room(now) < 1:
                delay = max(delay, allowance.until - now)
        if self.parent is not None:  # the account's budget and the parent's window
            delay = max(delay, self.parent._delay(now))
        return delay

    def _window_delay(self, now: float) -> float:
        finished = self._finished
        while finished and finished[0] <= now - self.window_seconds:
            finished.popleft()
        # How many of the window's requests must leave it before one more fits.
        excess = len(finished) + self._in_flight - self.budget + 1
        if excess <= 0:
            return 0.0
        if excess > len(finished):  # the whole budget is under way at once: poll
            return IN_FLIGHT_POLL_SECONDS
        return finished[excess - 1] + self.window_seconds - now

    def _finished_since(self, moment: float) -> int:
        count = 0
        for finished in reversed(self._finished):
            if finished <= moment:
                break
            count += 1
        return count

    def _start(self, endpoint: str | None = None) -> None:
        self._in_flight += 1
        for allowance in self._gating(endpoint):
            allowance.left -= 1
        if self.parent is not None:
            self.parent._start()

    def _finish(self, now: float) -> None:
        self._in_flight = max(self._in_flight - 1, 0)
        self._finished.append(now)
        if self.parent is not None:
            self.parent._finish(now)
