"""Every use of the Singer SDK's private API, in one place, with what each one replaces.

The SDK offers no public hook for these six; everything else the tap needs it reaches
through public API (`Tap.state_writer`, `Stream.tap_state`, `Stream.stream_maps`, the
`emit_activate_version_messages` property, `signal.signal` for stop signals, ...).

1. `Stream._write_record_message` is replaced by `write_record`: the SDK builds a
   RecordMessage object, re-walks the record for deselected properties and writes one line
   per record; the tap writes an already projected record as a ready message dict, batched
   (`projection.py`, `record_lines.py`). It is the largest single saving of a sync.
2. `Stream._write_schema_message` is called for derived streams (`derived.py`): the SDK
   writes a SCHEMA only from `Stream.sync`, which derived streams never run. It is also
   overridden to write a stream's SCHEMA once per run: the SDK writes it at every
   `Stream.sync`, once per parent context of a child stream (each custom object's fields).
3. `Stream._write_activate_version_message` is called by full-table lists after a whole
   read (`families.py`): the SDK writes it before the first record, when a failed read
   would still retire the table's rows.
4. `Stream._stream_version` is read and set: the table version carried by RECORD and
   ACTIVATE_VERSION messages; the SDK sets it only together with its early message.
5. `Stream._increment_stream_state` is called for an export read only for its derived
   streams: the SDK moves the bookmarks of selected streams only.
6. `PluginBase._validate_config` is overridden: it is the only check that runs before
   discovery reads anything (the tap's cross-setting rules must run there too).

Besides, the tap overrides three SDK methods marked `@final` (`FINAL_OVERRIDES`), each in
the module that needs it, calling the SDK's own through `super()`: public names, but the SDK
does not expect them replaced, so they are guarded like the private ones.

`REVIEWED_SOURCES` holds a digest of the source of each of these SDK functions (and of the
SDK function whose work the override takes over), for every SDK release the tap was
checked against; `tests/test_sdk_internals.py` fails when the installed SDK's source
differs, so an SDK upgrade forces a re-read of this module instead of a silent break.
"""

from __future__ import annotations

import hashlib
import inspect
from typing import TYPE_CHECKING, Any

from singer_sdk import Stream, Tap

if TYPE_CHECKING:
    from collections.abc import Callable

# "Class.function" -> digests of its source in the SDK releases reviewed (0.54.9, 0.55.0b7).
REVIEWED_SOURCES: dict[str, frozenset[str]] = {
    "Stream._write_record_message": frozenset({"292b7bed3988"}),
    "Stream._generate_record_messages": frozenset({"9b5f9fbcdedb", "32cfecc1136a"}),
    "Stream._write_schema_message": frozenset({"4077b24e5440"}),
    "Stream._write_activate_version_message": frozenset({"b5295d35a81b"}),
    "Stream._increment_stream_state": frozenset({"cabc0edb2fd4"}),
    "Stream.sync": frozenset({"6b4262dcdddf"}),  # final; also where the SDK sets `_stream_version`
    "Tap._validate_config": frozenset({"0584b9e347e3", "33b44786025e"}),
    "Tap.sync_all": frozenset({"e4412393757b"}),
    "Tap.run_sync_dry_run": frozenset({"da3cd8ec5cd9"}),
}
# SDK methods marked `@final` that the tap overrides all the same -> where, and why.
# `tests/test_sdk_internals.py` fails when the package overrides one not listed here.
FINAL_OVERRIDES: dict[str, str] = {
    "Stream.sync": "streams/client.py: a stream's permanent failure ends that stream only",
    "Tap.sync_all": "tap.py: the checks before the run, the per-ticket reads after it, the "
    "output written out however the run ends",
    "Tap.run_sync_dry_run": "tap.py: the per-ticket reads the exports queued",
}
_OWNERS: dict[str, type] = {"Stream": Stream, "Tap": Tap}


def source_digest(qualified_name: str) -> str:
    """The digest of the installed SDK's source of `Class.function`."""
    owner, _, attribute = qualified_name.partition(".")
    function: Callable[..., Any] = getattr(_OWNERS[owner], attribute)
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:12]


def changed_sources() -> list[str]:
    """The SDK functions whose installed source is not one of the reviewed ones."""
    return [
        name for name, reviewed in REVIEWED_SOURCES.items() if source_digest(name) not in reviewed
    ]


class StreamInternals:
    """Mixin, placed before the SDK's Stream: public names for the SDK's private ones."""

    # The table version of this stream's records (see `set_table_version`).
    table_version: int | None = None

    def __init__(self, tap: Any, *args: Any, **kwargs: Any) -> None:
        self.tap = tap  # the SDK keeps it as `_tap` only
        super().__init__(tap, *args, **kwargs)  # type: ignore[call-arg]  # the SDK's Stream's
        # (1) The SDK's per-record call goes straight to `write_record` (no extra frame).
        self._write_record_message = self.write_record

    def write_record(self, record: dict) -> None:
        """Write one RECORD; streams override this (the SDK's own way by default).

        Replaces (1): `__init__` makes this the stream's `_write_record_message`, so every
        RECORD the SDK would write goes through here.
        """
        super()._write_record_message(record)  # type: ignore[misc]  # a mixin: the SDK's Stream, later in the MRO, has it

    # Whether this run wrote the stream's SCHEMA already (see `_write_schema_message`).
    schema_written = False

    def write_schema(self) -> None:
        """(2) The stream's SCHEMA message(s), one per stream map."""
        self._write_schema_message()

    def _write_schema_message(self) -> None:
        """(2) Replaces the SDK's: the SCHEMA once per run, however many contexts are synced."""
        if self.schema_written:
            return
        self.schema_written = True
        super()._write_schema_message()  # type: ignore[misc]  # a mixin: the SDK's Stream, later in the MRO, has it

    def write_activate_version(self) -> None:
        """(3) ACTIVATE_VERSION with the version this stream's records carried."""
        self._write_activate_version_message(self.table_version)  # type: ignore[attr-defined]  # a mixin: the SDK's Stream, later in the MRO, has it

    def set_table_version(self, version: int | None) -> None:
        """(4) The table version this stream's RECORD messages carry (None: none)."""
        self.table_version = version  # read per record by the tap's own writer
        self._stream_version = version  # read by the SDK's

    def advance_bookmark(self, record: dict, context: Any) -> None:
        """(5) Move the bookmark to `record`, also for a stream that is not selected."""
        self._increment_stream_state(record, context=context)  # type: ignore[attr-defined]  # a mixin: the SDK's Stream, later in the MRO, has it


class TapInternals:
    """Mixin, placed before the SDK's Tap."""

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Replaces (6): the SDK's schema check, then the tap's `check_settings`."""
        errors: list[str] = super()._validate_config(raise_errors=False)  # type: ignore[misc]  # the SDK's Tap's
        if raise_errors:
            self.check_settings(errors)
        return errors

    def check_settings(self, schema_errors: list[str]) -> None:
        """Fail on the schema's errors and the tap's own rules (the tap defines it)."""
        raise NotImplementedError
