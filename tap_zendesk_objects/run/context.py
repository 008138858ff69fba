"""The run context: everything one run shares, built by the tap, used by every stream.

A stream reaches the run through `stream.run` (a `RunContext`), never through the tap class:
the budgets and their throttles, the credentials, stop control, the lists read once for
several streams, the failures and API warnings so far, the custom-field registry, and the
run's figures. What the Singer SDK's own `Tap` offers (`config`, `logger`, `state_writer`,
`message_writer`, `initialized_at`) streams still read from `stream.tap`, typed as the SDK's
`Tap`.

This module is a leaf of the package: it imports only its siblings in `run/`. What the
context holds from the layers above (a throttle, credentials, the custom-field registry) it
names by the small protocols below, which those classes meet; the tap builds the real ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NoReturn, Protocol

from tap_zendesk_objects.run.idle_reads import IdleReads
from tap_zendesk_objects.run.progress import RunStats

if TYPE_CHECKING:
    import requests
    from singer_sdk import Stream
    from singer_sdk.helpers.types import Auth

# A second stop signal this soon after the first is the same stop, delivered twice (Meltano
# forwards SIGTERM to the tap, which may also get it from the OS); a later one stops at once.
DUPLICATE_SIGNAL_SECONDS = 2.0


class Pacing(Protocol):
    """One rate bucket's pacing (`http.throttle.Throttle`), as streams use it."""

    def wait(self, endpoint: str | None = None) -> float:
        """Block until a request to `endpoint` may start; the seconds waited."""
        ...

    def ready_in(self, endpoint: str | None = None) -> float:
        """Seconds until a request to `endpoint` may start (0: now)."""
        ...

    def time_for(self, requests: int, seconds_each: float = 0.0) -> float:
        """Seconds the budgets need for that many more requests."""
        ...

    def done(self) -> None:
        """A request that `wait` let start has ended."""
        ...

    def observe(self, headers: Mapping[str, str], endpoint: str | None = None) -> None:
        """Read Zendesk's rate-limit headers of an answer."""
        ...


class Credentials(Protocol):
    """The run's credentials (`auth.credentials.Credentials`), as streams use them."""

    description: str  # for messages, never a secret
    settings: str  # the settings that hold them
    refreshable: bool  # a 401 may be cured by a new token
    advice: str  # what to tell a user whose credentials got a 401
    authenticator: Auth

    def token_rejected(self, request: requests.PreparedRequest) -> None:
        """Zendesk answered 401 to `request`: stop using its token."""
        ...


class ColumnFiller(Protocol):
    """Fills a page of records' custom columns (`custom_fields.mapping.ColumnMapper`)."""

    def apply(self, records: list[dict]) -> None:
        """Set every custom column of every record."""
        ...


class CustomFields(Protocol):
    """The run's custom fields (`custom_fields.registry.CustomFieldRegistry`)."""

    @property
    def field_lists(self) -> SharedReads:
        """The field-definition lists read this run (shared with their streams)."""
        ...

    def mapper(self, stream: Stream) -> ColumnFiller:
        """The stream's custom-column filler, built on first use."""
        ...


class SharedReads:
    """Lists read in full this run, by endpoint, kept so that nothing asks for them twice."""

    def __init__(self) -> None:
        self._rows: dict[str, list[dict]] = {}

    def rows_read(self, endpoint: str) -> list[dict] | None:
        """The rows of a list already read in full this run, if any."""
        return self._rows.get(endpoint)

    def offer_rows(self, endpoint: str, rows: list[dict]) -> None:
        """Keep a list some stream read in full, so it is not requested again."""
        self._rows.setdefault(endpoint, rows)


class StopControl:
    """Stop signals: taken at any moment, acted on only at safe points.

    The SDK writes the state from inside the signal handler, which can land in the middle of
    writing a record (a write blocked on a slow target) and garble stdout. Here the handler
    only asks to stop (`ask`); the run stops before its next request (`stop_if_asked`), after
    the records already read are written, with a STATE covering exactly those. The same
    signal again within DUPLICATE_SIGNAL_SECONDS is the first one delivered twice and is
    ignored; a later second signal stops at once, and so does one that comes while a request
    waits for its next try (Retry-After, backoff): the state is written and the run ends there.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        logger: logging.Logger,
        on_stop: Callable[[int], NoReturn],
    ) -> None:
        """`on_stop(signal)` writes what was read and exits 128+signal (the tap's)."""
        self._clock = clock
        self._logger = logger
        self._on_stop = on_stop
        self.signal: int | None = None
        self._signal_at = 0.0
        # True while the retry library sleeps before the next try of a request (a backoff
        # or Retry-After wait): a stop signal then ends the wait and the run at once.
        self.in_retry_wait = False
        self.event = threading.Event()  # set when a stop is asked: cuts short a throttle wait

    def ask(self, signum: int) -> None:
        """A stop signal came (SIGTERM/SIGINT): stop at the next safe point."""
        now = self._clock()
        if self.signal is not None:
            if now - self._signal_at < DUPLICATE_SIGNAL_SECONDS:
                return
            raise SystemExit(128 + signum)
        self.signal, self._signal_at = signum, now
        self.event.set()
        self._logger.warning("Signal %d: stopping before the next request", signum)
        if self.in_retry_wait:  # asleep between two tries of a request, nothing half-written
            self.stop_if_asked()

    def stop_if_asked(self) -> None:
        """At a safe point: when a stop was asked, write the state and exit 128+signal."""
        if self.signal is not None:
            self._on_stop(self.signal)


class RunContext:
    """What one run shares: the tap builds one, before discovery, and hands it to each stream.

    `credentials` makes the run's credentials on first use (after the config is checked);
    `pacing(bucket)` makes one rate bucket's throttle, and `throttle_for` keeps one per bucket;
    `stream_named(name)` is a stream of the catalog, or one read only for others;
    `on_stop(signal)` ends the run at a safe point. The tap sets `custom_fields` right after
    making the context (the registry reads its field lists through streams of this run).
    """

    custom_fields: CustomFields

    def __init__(
        self,
        *,
        logger: logging.Logger,
        clock: Callable[[], float],
        sleep: Callable[[float], bool] | None,
        credentials: Callable[[], Credentials],
        pacing: Callable[[str], Pacing],
        stream_named: Callable[[str], Stream],
        on_stop: Callable[[int], NoReturn],
    ) -> None:
        """`clock` and `sleep` time every wait of the run (tests give fakes).

        `sleep(seconds)` returns True when a stop was asked; by default it is cut short by
        a stop signal.
        """
        self.clock = clock
        self.stop = StopControl(clock, logger, on_stop)
        # Requests, 429s and budget waits of the run, and each stream's progress lines.
        self.run_stats = RunStats(clock, logger)
        # Per-ticket reads done while other requests wait for their budgets.
        self.idle_reads = IdleReads(clock, sleep or self.stop.event.wait)
        self.shared_reads = SharedReads()  # lists read in full, not to be read twice
        self.failures: list[str] = []  # one line per failed stream
        self.api_warnings_seen: set[str] = set()  # endpoints whose API warning was logged
        self.stream_named = stream_named
        self._make_credentials = credentials
        self._credentials: Credentials | None = None
        self._make_pacing = pacing
        self._throttles: dict[str, Pacing] = {}

    @property
    def credentials(self) -> Credentials:
        """The run's credentials, used by every request (discovery's field lists too)."""
        if self._credentials is None:
            self._credentials = self._make_credentials()
        return self._credentials

    @property
    def token_requests(self) -> int:
        """OAuth token requests sent this run (0 when no credentials were made)."""
        return int(getattr(self._credentials, "token_requests", 0))

    def throttle_for(self, bucket: str) -> Pacing:
        """One pacing per rate bucket, shared by the streams that spend it."""
        if bucket not in self._throttles:
            self._throttles[bucket] = self._make_pacing(bucket)
        return self._throttles[bucket]
