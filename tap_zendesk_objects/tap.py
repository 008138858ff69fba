"""The tap: settings, the stream registry, and the checks that run before any request."""

from __future__ import annotations

import copy
import functools
import gc
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, cast

from singer_sdk import Stream, Tap
from singer_sdk.helpers.capabilities import CapabilitiesEnum, PluginCapabilities
from singer_sdk.singerlib import StateMessage

from tap_zendesk_objects import __version__
from tap_zendesk_objects.auth.credentials import credentials_for
from tap_zendesk_objects.config.checks import check_config
from tap_zendesk_objects.config.schema import CONFIG_SCHEMA
from tap_zendesk_objects.custom_fields.registry import CustomFieldRegistry
from tap_zendesk_objects.errors import ConfigError
from tap_zendesk_objects.http.rate_buckets import (
    ACCOUNT_BUCKETS,
    CORE_BUCKET,
    RATE_SETTINGS,
    RATE_WINDOWS,
)
from tap_zendesk_objects.http.throttle import RESERVE_SHARE, WINDOW_SECONDS, Throttle
from tap_zendesk_objects.records.record_lines import BatchingWriter
from tap_zendesk_objects.run.context import RunContext
from tap_zendesk_objects.sdk_internals import TapInternals
from tap_zendesk_objects.streams import AUXILIARY_STREAM_TYPES, STREAM_TYPES
from tap_zendesk_objects.streams.follow_ups import FollowUpStream
from tap_zendesk_objects.streams.outcomes import raise_if_any_failed
from tap_zendesk_objects.streams.preflight import check_admin, check_bookmarks_not_ahead

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

# Young-generation size for the cycle collector during a sync (Python's default is 700):
# above the container count of a decoded 1,000-record page.
SYNC_GC_THRESHOLDS = (200_000, 50, 10)
# Pacing waits at least this long are logged (shorter ones would flood the log).
LOGGED_WAIT_SECONDS = 1.0


@contextmanager
def sync_gc() -> Iterator[None]:
    """Collect cycles rarely during a sync, and never re-scan what start-up loaded.

    A decoded page holds tens of thousands of dicts and lists: with the default thresholds
    the cycle collector runs hundreds of times per page and keeps re-scanning the live page
    and the SDK's start-up objects, about a tenth of a sync's CPU. Records are trees freed
    by reference counting (a full scale-5 sync leaves some 130 objects in cycles), so rarer
    collections cost no memory. Collection is on during the sync even where the program
    turned it off for start-up (`launch.py`); the settings are restored after.
    """
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    gc.freeze()
    gc.set_threshold(*SYNC_GC_THRESHOLDS)
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()
        gc.set_threshold(*thresholds)
        gc.unfreeze()


class TapZendeskObjects(TapInternals, Tap):
    """Copies a Zendesk Support account's objects: Segment's 16 collections and 33 opt-in ones."""

    name = "tap-zendesk-objects"
    # A copy: the SDK adds its own settings to this dict in place when it checks a config.
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)
    message_writer_class = BatchingWriter  # msgspec, and RECORD lines batched
    # The SDK's, less BATCH: records reach the target as RECORD messages only.
    capabilities: ClassVar[list[CapabilitiesEnum]] = [
        capability for capability in Tap.capabilities if capability != PluginCapabilities.BATCH
    ]

    @classmethod
    def get_plugin_version(cls) -> str:
        """`--about`'s version: the package's own, not an editable install's stale metadata."""
        return __version__

    def __init__(
        self,
        *args: Any,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], bool] | None = None,
        **kwargs: Any,
    ) -> None:
        """`clock` and `sleep` time every wait of the run (tests give fakes).

        `sleep(seconds)` returns True when a stop was asked; by default it is cut short by
        a stop signal.
        """
        self._auxiliary_streams: dict[str, Stream] = {}
        # What the run shares with every stream; made before the SDK's __init__, which
        # runs discovery (the custom-field columns).
        self.run = RunContext(
            logger=self.logger,
            clock=clock,
            sleep=sleep,
            credentials=lambda: credentials_for(self.config, self.logger),
            pacing=self.make_throttle,
            stream_named=self.stream_named,
            on_stop=self.stop_now,
        )
        self.custom_fields = CustomFieldRegistry(self, self.run)
        self.run.custom_fields = self.custom_fields
        super().__init__(*args, **kwargs)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.handle_stop_signal)
            signal.signal(signal.SIGINT, self.handle_stop_signal)
        if self.input_catalog is not None:
            known = {stream_type.name for stream_type in STREAM_TYPES}
            unknown = sorted(set(self.input_catalog) - known)
            if unknown:
                msg = (
                    f"the catalog names unknown stream(s) {', '.join(unknown)}; "
                    f"this tap has: {', '.join(sorted(known))}"
                )
                raise ConfigError(msg)

    # The SDK marks sync_all and run_sync_dry_run final; the tap wraps both (its checks
    # before the run, the per-ticket reads after it, the output written out either way).
    def sync_all(self) -> None:  # type: ignore[misc]  # SDK-final: see above
        """Sync, and write out queued RECORD lines whichever way the sync ends.

        A failed stream does not stop the others: the run fails once they are done.
        """
        check_bookmarks_not_ahead(self)
        self.feeders_first()
        succeeded = False
        try:
            with sync_gc():
                check_admin(self, self.run, self.streams.values())
                super().sync_all()
                self.drain_follow_ups()
            succeeded = not self.run.failures
        finally:
            self.end_output()
            self.run.run_stats.finish(
                self.writer.records_written, self.run.token_requests, succeeded=succeeded
            )
        raise_if_any_failed(self.run.failures)

    def run_sync_dry_run(  # type: ignore[misc]  # SDK-final: see above
        self, dry_run_record_limit: int | None = 1, streams: Iterable[Stream] | None = None
    ) -> bool:
        """The SDK's dry run (`--test`), with the per-ticket reads the exports queued."""
        tested = super().run_sync_dry_run(dry_run_record_limit, streams)
        self.drain_follow_ups()
        return tested

    def feeders_first(self) -> None:
        """Sync first the exports that queue selected per-ticket reads; the rest by name.

        Those reads (conversation logs, side conversations) are done while the other
        streams wait for their budgets: queued early, they fill every later wait. The
        catalog, and a run that selects none of them, keep the SDK's order.
        """
        streams = self.streams
        ordered = sorted(
            streams.values(),
            key=lambda stream: (
                not any(
                    isinstance(child, FollowUpStream) and child.selected
                    for child in stream.child_streams
                )
            ),
        )
        streams.clear()
        streams.update((stream.name, stream) for stream in ordered)

    def stream_named(self, name: str) -> Any:
        """A stream of the catalog, or one the tap reads only for others (made once).

        Such an auxiliary stream (the Help Center's article index) is never in the catalog
        and writes nothing: other streams take its rows as their parents.
        """
        if name in self.streams:
            return self.streams[name]
        if name not in self._auxiliary_streams:
            self._auxiliary_streams[name] = AUXILIARY_STREAM_TYPES[name](tap=self, run=self.run)
        return self._auxiliary_streams[name]

    def drain_follow_ups(self) -> None:
        """Read the tickets the per-ticket streams still have queued, once all else is done."""
        for stream in self.streams.values():
            if isinstance(stream, FollowUpStream):
                stream.drain()

    @property
    def writer(self) -> BatchingWriter:
        """The run's Singer writer (`message_writer_class`)."""
        return cast("BatchingWriter", self.message_writer)

    def end_output(self) -> None:
        """Write out queued records, and a STATE after them when any went out since the last.

        The SDK's state writer skips a STATE equal to the last one written, so the records of
        a full-table list (which moves no bookmark) would otherwise be the last lines.
        """
        self.writer.flush_records()
        if self.writer.owes_state:
            self.write_message(StateMessage(value=self.state))

    def check_settings(self, schema_errors: list[str]) -> None:
        """The SDK's schema check, then ours, each failing with one clear sentence."""
        if schema_errors:
            raise ConfigError("invalid config: " + "; ".join(schema_errors))
        check_config(self.config)

    def handle_stop_signal(self, signum: int, frame: FrameType | None) -> None:
        """SIGTERM/SIGINT: stop at the next safe point, not in the middle of a write.

        See `StopControl` (run/context.py): the handler only asks; requests stop at the next
        safe point, or at once when asleep between two tries of a request.
        """
        self.run.stop.ask(signum)

    def stop_now(self, signum: int) -> NoReturn:
        """End the run at a safe point: what was read is written, with its STATE; exit 128+."""
        self.end_output()
        sys.stderr.write(f"tap-zendesk-objects: stopped by signal {signum}; state written\n")
        raise SystemExit(128 + signum)

    def make_throttle(self, bucket: str) -> Throttle:
        """The pacing of one rate bucket (the run keeps one per bucket: `run.throttle_for`).

        Export requests count against the Core budget too, as Zendesk counts them; Help
        Center requests only against their own. Only the account's own budgets (Core, Help
        Center) keep a reserve for the account's other integrations.
        """
        setting, default = RATE_SETTINGS[bucket]
        rate = int(self.config.get(setting) or default)
        account = bucket in ACCOUNT_BUCKETS
        return Throttle(
            rate,
            window_seconds=RATE_WINDOWS.get(bucket, WINDOW_SECONDS),
            reserve_share=RESERVE_SHARE if account else 0.0,
            parent=None if account else self.core_throttle(),
            clock=self.run.clock,
            sleep=self.run.idle_reads.wait,  # queued per-ticket reads fill the wait
            on_wait=functools.partial(self._log_wait, bucket),
        )

    def core_throttle(self) -> Throttle:
        """The Core budget's throttle, which every other bucket's requests spend too."""
        return cast("Throttle", self.run.throttle_for(CORE_BUCKET))  # made by make_throttle

    def _log_wait(self, bucket: str, seconds: float) -> None:
        if seconds >= LOGGED_WAIT_SECONDS:
            self.logger.info(
                "Rate budget '%s' spent for now: next request in %.1f s", bucket, seconds
            )

    def discover_streams(self) -> list[Stream]:
        """Every collection; tickets, users and organizations with custom-field columns.

        With an input catalog the streams run with the catalog's schemas (custom columns
        included), so no field list is read here; the streams map values to those columns.
        """
        streams: list[Stream] = [
            stream_type(tap=self, run=self.run) for stream_type in STREAM_TYPES
        ]
        if self.input_catalog is None:
            self.custom_fields.discover(streams)
        else:
            self.custom_fields.adopt_catalog(streams, self.input_catalog)
        return streams
