"""How far a run has come: a progress line per stream, and the run's closing figures.

A first sync of a real account takes hours, at the pace Zendesk's budgets set. An export
walks time from its start point to the moment its read began, so the time of the last
record of each page says what share of that range is read; the pages read so far say how
many are left, and the stream's budget how long they will take. All of it is worked out at
page boundaries, from figures the tap has anyway: no request, and nothing per record.

Lines (INFO, on the tap's logger, so in `meltano run` output and an orchestrator's run view):
- an export, at most once a minute of the run's clock and once when its read is done:
  `Progress 'tickets': 42% of 2025-12-07T00:00:00Z .. 2026-12-07T01:00:00Z, 12,000 records,
  about 3 min 10 s left`;
- a list or a per-parent read, once a minute while it takes longer than a minute:
  `Progress 'macros': 1,200 records, 12 pages`;
- at the end of the run: `Sync finished: 156,029 records, 79 requests (0 x 429), 182.8 s,
  175.1 s waiting for the budget`, and the same figures in the SDK's metrics log.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from singer_sdk import metrics

from tap_zendesk_objects.timeutil import epoch_to_iso

if TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Auth

# A stream's progress line comes at most this often (seconds of the run's clock).
PROGRESS_INTERVAL_SECONDS = 60.0
# A minute that ends a millisecond early is a minute (clock readings are floats).
INTERVAL_SLACK_SECONDS = 0.001
# The share a line shows before the read's last page: 100% only when it is done.
LAST_SHARE_BEFORE_DONE = 99


def duration_words(seconds: float) -> str:
    """`45 s`, `3 min 10 s`, `2 h 5 min`, `1 d 3 h`: two units at most, a zero one left out."""
    whole = max(round(seconds), 0)
    if whole < 60:
        return f"{whole} s"
    units = [("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)]
    for index, (name, size) in enumerate(units[:-1]):
        if whole >= size:
            smaller, smaller_size = units[index + 1]
            big, rest = divmod(whole, size)
            small = rest // smaller_size
            return f"{big} {name} {small} {smaller}" if small else f"{big} {name}"
    return f"{whole} s"  # pragma: no cover (whole >= 60 has a unit above)


class StreamProgress:
    """One stream's read so far: pages, records, and for an export the time range covered.

    `time_for(requests, seconds_each)` says how long the stream's budgets need for that many
    more requests (`Throttle.time_for`).
    """

    def __init__(
        self,
        name: str,
        clock: Callable[[], float],
        logger: logging.Logger,
        time_for: Callable[[int, float], float],
    ) -> None:
        self.name = name
        self._clock = clock
        self._logger = logger
        self._time_for = time_for
        self.began = clock()
        self._last_line = self.began
        self.pages = 0
        self.records = 0
        self.waited = 0.0  # seconds this stream's requests waited for budget windows
        self.start: int | None = None  # the export's range, epoch seconds
        self.end = 0
        self.reached: int | None = None  # the last record's time read so far
        self._reached_by_page: list[int] = []  # `reached` after each page of the range
        self._range_began, self._range_waited = self.began, 0.0
        self.shares: list[int] = []  # every share a line showed for the range, in order

    def cover(self, start: int, end: int) -> None:
        """The read walks time from `start` to `end` (the moment it began).

        An export read per parent (custom object records, per object) covers a new range
        for each parent: its share and time left start again; its records add up.
        """
        self.start, self.end = start, max(end, start)
        self.reached, self._reached_by_page, self.shares = None, [], []
        self._range_began, self._range_waited = self._clock(), self.waited

    def page(self, records: int, first: int | None = None, last: int | None = None) -> None:
        """A page was read: its record count, and its first and last records' times."""
        self.pages += 1
        self.records += records
        if self.start is not None:
            if self.reached is None and first is not None and first > self.start:
                # Nothing lies before the first record (a full first sync starts at 1970).
                self.start = min(first, self.end)
            if last is not None:
                self.reached = last if self.reached is None else max(self.reached, last)
            self._reached_by_page.append(self.start if self.reached is None else self.reached)
        now = self._clock()
        if now - self._last_line >= PROGRESS_INTERVAL_SECONDS - INTERVAL_SLACK_SECONDS:
            self._last_line = now
            self._logger.info("%s", self.line(now))

    def finish(self) -> None:
        """The read is done: an export says 100% (a list says nothing more)."""
        if self.start is not None:
            self._last_line = self._clock()
            self._logger.info("%s", self.line(self._last_line, done=True))

    def share(self, *, done: bool = False) -> int:
        """Whole percent of the range read; below 100 until the read is done, never less."""
        if done:
            percent = 100
        else:
            span = self.end - (self.start or 0)
            covered = (self.reached or 0) - (self.start or 0) if self.reached is not None else 0
            ratio = 1.0 if span <= 0 else min(max(covered / span, 0.0), 1.0)
            percent = min(math.floor(ratio * 100), LAST_SHARE_BEFORE_DONE)
        if self.shares:
            percent = max(percent, self.shares[-1])
        self.shares.append(percent)
        return percent

    def time_left(self, now: float) -> float | None:
        """Seconds until the read is done, or None while it cannot be told.

        Pages left: as many per second of range as in the later half of the pages so far
        (an account holds more records of recent times than of old ones). Each takes as
        long as the pages so far took when not waiting for their budget, and they go no
        faster than the budgets' windows allow.
        """
        read = len(self._reached_by_page)
        if self.start is None or self.reached is None or not read:
            return None
        left = self.end - self.reached
        if left <= 0:
            return 0.0
        half = read // 2
        since = self._reached_by_page[half - 1] if half else self.start
        pages, covered = read - half, self.reached - since
        if covered <= 0:
            pages, covered = read, self.reached - self.start
        if covered <= 0:
            return None
        pages_left = math.ceil(pages * left / covered)
        waited = self.waited - self._range_waited
        working = max(now - self._range_began - waited, 0.0) / read
        return self._time_for(pages_left, working)

    def line(self, now: float, *, done: bool = False) -> str:
        """The progress line."""
        records = f"{self.records:,} records"
        if self.start is None:
            return f"Progress '{self.name}': {records}, {self.pages:,} pages"
        text = (
            f"Progress '{self.name}': {self.share(done=done)}% of {epoch_to_iso(self.start)}"
            f" .. {epoch_to_iso(self.end)}, {records}"
        )
        left = None if done else self.time_left(now)
        if left is not None:
            text += f", about {duration_words(left)} left"
        return text


class _CountedAuth:
    """The run's authenticator, counting each request it lets go out (retries included)."""

    def __init__(self, inner: Auth, stats: RunStats) -> None:
        self._inner = inner
        self._stats = stats

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        authenticated = self._inner(request)  # may ask for a token first (counted there)
        self._stats.requests += 1
        return authenticated


class RunStats:
    """The run's figures: requests, 429s, time waiting for budget windows, wall time.

    Requests are counted as they go out (`authenticator`: each try of each request, once
    its credentials are on it), plus the OAuth token requests. Waits are the wall time of
    the throttles' waits, per-ticket reads done in them included (a wait inside another,
    such as a per-ticket read's own, counts once).
    """

    def __init__(self, clock: Callable[[], float], logger: logging.Logger) -> None:
        self._clock = clock
        self._logger = logger
        self.started = clock()
        self.requests = 0
        self.rate_limited = 0  # 429 answers
        self.waiting = 0.0
        self._depth = 0
        self._auth: _CountedAuth | None = None

    def stream_progress(self, name: str, time_for: Callable[[int, float], float]) -> StreamProgress:
        """A stream's progress, on the run's clock, from now."""
        return StreamProgress(name, self._clock, self._logger, time_for)

    def authenticator(self, inner: Auth) -> Auth:
        """`inner` (the run's one authenticator), counting the requests it signs."""
        if self._auth is None or self._auth._inner is not inner:
            self._auth = _CountedAuth(inner, self)
        return self._auth

    @contextmanager
    def budget_wait(self, progress: StreamProgress | None) -> Iterator[None]:
        """Time a throttle's wait, for the stream's progress and (outermost only) the run."""
        began = self._clock()
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            waited = self._clock() - began
            if progress is not None:
                progress.waited += waited
            if not self._depth:
                self.waiting += waited

    def figures(self, records: int, token_requests: int = 0) -> dict[str, Any]:
        """The closing figures: records written, requests, 429s, seconds, seconds waiting."""
        return {
            "records": records,
            "requests": self.requests + token_requests,
            "rate_limited": self.rate_limited,
            "seconds": self._clock() - self.started,
            "waiting": self.waiting,
        }

    def finish(self, records: int, token_requests: int, *, succeeded: bool) -> None:
        """The closing line, and the same figures as SDK metric points."""
        figures = self.figures(records, token_requests)
        self._logger.info(
            "Sync %s: %s records, %s requests (%s x 429), %.1f s, %.1f s waiting for the budget",
            "finished" if succeeded else "stopped",
            f"{figures['records']:,}",
            f"{figures['requests']:,}",
            f"{figures['rate_limited']:,}",
            figures["seconds"],
            figures["waiting"],
        )
        run: dict[str, Any] = {metrics.Tag.JOB_TYPE: "sync", metrics.Tag.PID: os.getpid()}
        status = metrics.Status.SUCCEEDED if succeeded else metrics.Status.FAILED
        points = [
            metrics.Point("counter", metrics.Metric.RECORD_COUNT, figures["records"], run),
            metrics.Point("counter", metrics.Metric.HTTP_REQUEST_COUNT, figures["requests"], run),
            metrics.Point(
                "counter",
                metrics.Metric.HTTP_REQUEST_COUNT,
                figures["rate_limited"],
                {**run, metrics.Tag.HTTP_STATUS_CODE: 429},
            ),
            metrics.Point(
                "timer",
                metrics.Metric.SYNC_DURATION,
                round(figures["seconds"], 3),
                {**run, metrics.Tag.STATUS: status},
            ),
            metrics.Point(
                "timer",
                metrics.Metric.JOB_DURATION,
                round(figures["waiting"], 3),
                {metrics.Tag.JOB_TYPE: "rate_budget_wait", metrics.Tag.PID: os.getpid()},
            ),
        ]
        logger = metrics.get_metrics_logger()
        for point in points:
            metrics.log(logger, point)
