"""Records shaped to their schema by the tap itself, so the SDK can skip per-record work.

Profiling a full sync showed two SDK steps as the largest costs: type conformance (about
20,000 records/s on 2 cores, against 55,000 without it) and the recursive walk that pops
deselected properties from every nested object. Zendesk's JSON already has the schema's
types, and the tap converts the few values it reshapes (custom fields, flattened metrics),
so what still matters is keeping only the schema's selected top-level keys: done here, once
per record, with a precomputed key tuple.

Records of a stream without stream maps or flattening then go to the tap's `BatchingWriter`
in ready message dicts, each record as the Struct its schema check built (`conformance.py`):
the selected keys only, every one present (null when Zendesk sent none), so that check also
does the projection. Any other stream (stream maps, flattening, or a catalog that deselects
a property below the top level) is projected here, mended, and takes the SDK's whole path.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, cast

from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.mapper import SameRecordTransform

from tap_zendesk_objects.records.conformance import RowConformance
from tap_zendesk_objects.records.record_lines import BatchingWriter
from tap_zendesk_objects.timeutil import utc_now_iso

if TYPE_CHECKING:
    from singer_sdk import Tap
    from singer_sdk.singerlib import SelectionMask

TOP_LEVEL_BREADCRUMB = 2  # ("properties", name)


class SchemaProjection:
    """Mixin for streams whose records are projected onto their schema's selected keys."""

    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE
    schema: dict
    effective_schema: dict
    mask: SelectionMask
    name: str
    tap: Tap
    table_version: int | None
    # When the records being written were read: set per page, the RECORDs' time_extracted.
    extracted_at: str | None = None
    # True when every row is built by the tap with exactly the schema's properties (none
    # passed through from Zendesk): nothing to project while the whole schema is selected.
    builds_rows: ClassVar[bool] = False

    @cached_property
    def schema_keys(self) -> tuple[str, ...]:
        """The schema's selected top-level properties (from the catalog when one is given)."""
        mask = self.mask
        properties = self.effective_schema["properties"]  # the catalog's, when one is given
        return tuple(key for key in properties if mask[("properties", key)])

    @cached_property
    def deselects_nested_properties(self) -> bool:
        """True when the catalog deselects a property inside an object property."""
        return any(
            len(breadcrumb) > TOP_LEVEL_BREADCRUMB and not selected
            for breadcrumb, selected in self.mask.items()
        )

    @cached_property
    def schema_key_set(self) -> frozenset[str]:
        """`schema_keys` as a set, for a C-level difference with each record's keys."""
        return frozenset(self.schema_keys)

    @cached_property
    def row_conformance(self) -> RowConformance:
        """The check of rows against the selected part of the schema (see conformance)."""
        properties = self.effective_schema["properties"]
        return RowConformance(self.name, {key: properties[key] for key in self.schema_keys})

    @cached_property
    def rows_already_projected(self) -> bool:
        """True for rows the tap builds key by key from its schema, all of it selected."""
        return self.builds_rows and self.schema_key_set == self.schema["properties"].keys()

    def project(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record, in place, without keys outside the selected schema keys.

        Records written as checked Structs (see `write_record`) are left as they
        are: the Struct holds the selected keys only.
        """
        if self.rows_already_projected or self.record_envelope is not None:
            return record
        for key in record.keys() - self.schema_key_set:
            del record[key]
        return record

    @cached_property
    def record_envelope(self) -> dict[str, Any] | None:
        """The RECORD message dict refilled per record, when records go out as projected.

        None when stream maps, flattening or a nested deselection need the SDK's path, or
        when the tap was given a writer that takes only message objects.
        """
        maps = self.stream_maps  # type: ignore[attr-defined]  # a mixin: the SDK's Stream, later in the MRO, has it
        plain = (
            len(maps) == 1
            and type(maps[0]) is SameRecordTransform
            and not maps[0].flattening_enabled
            and not self.deselects_nested_properties
            and isinstance(self.tap.message_writer, BatchingWriter)
        )
        return {"type": "RECORD", "stream": maps[0].stream_alias} if plain else None

    def write_record(self, record: dict) -> None:
        """Write the projected record, as a ready message dict when the stream has no maps."""
        envelope = self.record_envelope
        if envelope is None:
            super().write_record(self.row_conformance.mended(record))  # type: ignore[misc]  # StreamInternals'
            return
        envelope["record"] = self.row_conformance.checked(record)
        version = self.table_version
        if version is not None:
            envelope["version"] = version
        envelope["time_extracted"] = self.extracted_at or utc_now_iso()
        cast("BatchingWriter", self.tap.message_writer).write_record(envelope)  # see envelope
        envelope["record"] = None  # hold no reference to the record
