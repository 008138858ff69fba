"""Streams read out of another stream's responses, at no request of their own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from singer_sdk import Stream, Tap

from tap_zendesk_objects.records.projection import SchemaProjection
from tap_zendesk_objects.sdk_internals import StreamInternals

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_zendesk_objects.run.context import RunContext


class DerivedStream(SchemaProjection, StreamInternals, Stream):
    """A collection read out of its parent's responses: it costs no request.

    The parent writes this stream's SCHEMA once per run, then hands it rows page by page.
    It keeps no bookmark of its own: the parent's bookmark covers it.
    """

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    parent_stream_type: type[Stream]
    state_partitioning_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, tap: Tap, *args: Any, run: RunContext, **kwargs: Any) -> None:
        """`run`: what the run shares (derived streams take nothing from it yet)."""
        self.run = run
        super().__init__(tap, *args, **kwargs)
        self.emitted = 0

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Never called: the parent emits this stream's rows."""
        return iter(())

    def begin(self) -> None:
        """Write the SCHEMA message, once, when the parent starts."""
        if self.selected:
            self.write_schema()

    def emit(self, rows: Iterable[dict]) -> None:
        """Write RECORD messages for rows taken from the parent's page."""
        if not self.selected:
            return
        for row in rows:
            self.write_record(self.project(row))
            self.emitted += 1

    def finish(self) -> None:
        """Log the count, as the SDK does for ordinary streams."""
        if self.selected:
            self.log(
                "Emitted %d records from '%s' pages",
                self.emitted,
                self.parent_stream_type.name,
            )
