"""Per-ticket reads done in the time other requests wait for their budget window.

An export waits minutes for its budget (10 requests a minute), while per-ticket reads such as
conversation logs spend other budgets. Rather than a second thread (two writers of one
stdout, and a state that must cover both), the waiting request's own thread reads queued
tickets until its wait is over: records go out between two pages of the export, where the
output is whole, and the run's length is set by its slowest budget, not by their sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class IdleReader(Protocol):
    """A stream with tickets queued for reading (see follow_ups.FollowUpStream)."""

    def has_work(self) -> bool:
        """True while tickets are queued."""

    def ready_in(self) -> float:
        """Seconds until its own budgets allow its next request (0: now)."""

    def read_next(self) -> None:
        """Read the next queued ticket, all its pages, and write its records."""


class IdleReads:
    """The readers that may work while a request waits, and the waits that let them."""

    def __init__(self, clock: Callable[[], float], pause: Callable[[float], bool]) -> None:
        self._clock = clock
        self._pause = pause  # sleeps; returns True when a stop was asked
        self._readers: list[IdleReader] = []
        self._busy = False

    def add(self, reader: IdleReader) -> None:
        """Let `reader` work in later waits."""
        if reader not in self._readers:
            self._readers.append(reader)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """While a reader reads a ticket: the waits of its own requests only sleep."""
        busy, self._busy = self._busy, True
        try:
            yield
        finally:
            self._busy = busy

    def wait(self, seconds: float) -> bool:
        """Sleep `seconds`, reading queued tickets meanwhile; True when a stop was asked.

        A wait inside a reader's own request (its budget, a retry) only sleeps: readers do
        not nest, and none starts a request its budgets would make outlast the wait.
        """
        deadline = self._clock() + seconds
        if not self._busy and self._work_until(deadline):
            return True
        return self._pause(max(deadline - self._clock(), 0.0))

    def _work_until(self, deadline: float) -> bool:
        """Read tickets while one fits before `deadline`; True when a stop was asked."""
        while True:
            left = deadline - self._clock()
            waiting = [
                (reader.ready_in(), index)
                for index, reader in enumerate(self._readers)
                if reader.has_work()
            ]
            fitting = [(delay, index) for delay, index in waiting if delay < left]
            if not fitting:
                return False
            delay, index = min(fitting)
            if delay > 0 and self._pause(delay):
                return True
            self._readers[index].read_next()
