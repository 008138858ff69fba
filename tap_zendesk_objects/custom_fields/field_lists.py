"""Reading the field-definition lists for the custom columns: each at most once a run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap_zendesk_objects.client import PlanRestrictedError
from tap_zendesk_objects.custom_fields.definitions import Collection, FieldDef, parse_definitions
from tap_zendesk_objects.errors import TapError
from tap_zendesk_objects.families import ListStream, SharedReads

if TYPE_CHECKING:
    from singer_sdk import Tap


class FieldLists(SharedReads):
    """Per run: the field definitions read, each list at most once.

    The definition lists read in full this run are kept by endpoint, as Zendesk sent their
    rows: the ticket_fields, user_fields and organization_fields streams and the custom
    columns share one read of each.
    """

    def __init__(self, tap: Tap) -> None:
        super().__init__()
        self.tap = tap
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
        stream = _definitions_stream(collection)(tap=self.tap)
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


def _definitions_stream(collection: Collection) -> type[ListStream]:
    return _DEFINITION_STREAMS[collection.definitions]


def _make_definitions_stream(endpoint: str) -> type[ListStream]:
    """A list stream over one definition list, used only for its requests."""
    return type(
        f"_{endpoint.title().replace('_', '')}Definitions",
        (ListStream,),
        {
            "__doc__": f"The /api/v2/{endpoint} list, read for custom-field columns.",
            "name": f"{endpoint}_definitions",
            "path": f"/api/v2/{endpoint}",
            "records_key": endpoint,
            "schema": {"type": "object", "properties": {}},
            "plan_gated": True,  # 403/404: a warning and the standard schema
        },
    )


_DEFINITION_STREAMS = {
    name: _make_definitions_stream(name)
    for name in ("ticket_fields", "user_fields", "organization_fields")
}
