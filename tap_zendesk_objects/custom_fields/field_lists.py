"""Reading the field-definition lists for the custom columns: each at most once a run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap_zendesk_objects.custom_fields.definitions import Collection, FieldDef, parse_definitions
from tap_zendesk_objects.errors import PlanRestrictedError, TapError
from tap_zendesk_objects.run.context import SharedReads
from tap_zendesk_objects.streams.families import ListStream
from tap_zendesk_objects.streams.fields import (
    OrganizationFieldDefinitions,
    TicketFieldDefinitions,
    UserFieldDefinitions,
)

if TYPE_CHECKING:
    from singer_sdk import Tap

    from tap_zendesk_objects.run.context import RunContext

# The stream that reads each definition list, by its collection key.
_READERS: dict[str, type[ListStream]] = {
    stream.records_key: stream
    for stream in (TicketFieldDefinitions, UserFieldDefinitions, OrganizationFieldDefinitions)
}


class FieldLists(SharedReads):
    """Per run: the field definitions read, each list at most once.

    The definition lists read in full this run are kept by endpoint, as Zendesk sent their
    rows: the ticket_fields, user_fields and organization_fields streams and the custom
    columns share one read of each.
    """

    def __init__(self, tap: Tap, run: RunContext) -> None:
        super().__init__()
        self.tap = tap
        self.run = run
        self._definitions: dict[str, list[FieldDef] | None] = {}
        self._unreachable: str | None = None

    def definitions(self, collection: Collection) -> list[FieldDef] | None:
        """The collection's custom field definitions, read once per run; None if unreadable."""
        if collection.stream not in self._definitions:
            self._definitions[collection.stream] = self._read(collection)
        return self._definitions[collection.stream]

    def tried(self, collection: Collection) -> bool:
        """Whether this run has already read (or tried to read) the collection's list."""
        return collection.stream in self._definitions

    def _read(self, collection: Collection) -> list[FieldDef] | None:
        logger = self.tap.logger
        what = f"custom {collection.label} fields"
        if self._unreachable is not None:
            logger.warning(
                "%s not read (%s); '%s' keeps its standard columns",
                what,
                self._unreachable,
                collection.stream,
            )
            return None
        rows = self._rows.get(collection.definitions)
        stream = _READERS[collection.definitions](tap=self.tap, run=self.run)
        try:
            if rows is None:
                rows = list(stream.request_records(None))
                self._rows[collection.definitions] = rows
        except PlanRestrictedError as exc:
            logger.warning(
                "%s not read: %s. '%s' keeps its standard columns (the raw `%s` stays). "
                "Reading field definitions needs an agent or admin token with read access.",
                what,
                exc,
                collection.stream,
                collection.container,
            )
            return None
        except TapError as exc:
            self._unreachable = str(exc)
            logger.warning(
                "%s not read: %s. '%s' keeps its standard columns (the raw `%s` stays).",
                what,
                exc,
                collection.stream,
                collection.container,
            )
            return None
        return parse_definitions(rows, collection)
