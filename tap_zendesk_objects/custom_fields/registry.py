"""The run's custom fields: columns added at discovery, a catalog's adopted, mappers built."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from tap_zendesk_objects.config.checks import check_config
from tap_zendesk_objects.config.schema import CREDENTIAL_SETTINGS
from tap_zendesk_objects.custom_fields.columns import discovered_columns
from tap_zendesk_objects.custom_fields.definitions import COLLECTIONS
from tap_zendesk_objects.custom_fields.field_lists import FieldLists
from tap_zendesk_objects.custom_fields.mapping import ColumnMapper, Target, target
from tap_zendesk_objects.custom_fields.naming import PREFIX, column_names, key_explains
from tap_zendesk_objects.errors import TapError

if TYPE_CHECKING:
    from singer_sdk import Stream, Tap
    from singer_sdk.singerlib import Catalog

    from tap_zendesk_objects.run.context import RunContext


def declared_schema(stream: Stream) -> dict[str, Any]:
    """The schema the stream's class declares, without the columns this run added."""
    return cast("dict[str, Any]", type(stream).schema)  # a dict on the tap's stream classes


class CustomFieldRegistry:
    """Per run: the field lists read (each at most once) and each stream's mapper.

    The tap creates one (`run.custom_fields`) before discovery, which is its first user.
    """

    def __init__(self, tap: Tap, run: RunContext) -> None:
        self.tap = tap
        self.field_lists = FieldLists(tap, run)
        self._mappers: dict[str, ColumnMapper] = {}

    # Discovery ----------------------------------------------------------------------------

    def credentials_problem(self) -> str | None:
        """Why field definitions cannot be read with this config, or None."""
        config = self.tap.config
        if not any(config.get(key) for key in CREDENTIAL_SETTINGS):
            return "no credentials in the config"
        try:
            check_config(config)
        except TapError as exc:
            return str(exc)
        return None

    def discover(self, streams: Iterable[Stream]) -> None:
        """Give tickets, users and organizations one column per active custom field."""
        wanted = [s for s in streams if s.name in COLLECTIONS]
        if not wanted:
            return
        problem = self.credentials_problem()
        if problem is not None:
            self.tap.logger.warning(
                "Custom fields not discovered (%s): tickets, users and organizations keep "
                "their standard columns",
                problem,
            )
            return
        for stream in wanted:
            collection = COLLECTIONS[stream.name]
            definitions = self.field_lists.definitions(collection)
            if not definitions:
                continue
            base = declared_schema(stream)
            columns = discovered_columns(definitions, collection, base["properties"])
            schema = {**base, "properties": {**base["properties"], **columns}}
            stream.schema = schema  # type: ignore[misc]  # the tap's streams: a class attribute
            self.tap.logger.info(
                "Stream '%s': %d custom field column(s) discovered", stream.name, len(columns)
            )

    # Syncing ------------------------------------------------------------------------------

    def adopt_catalog(self, streams: Iterable[Stream], catalog: Catalog) -> None:
        """Catalog runs: tickets, users and organizations take the catalog's schema as theirs.

        The SDK keeps a catalog's schema apart (`effective_schema`); making it the stream's
        own schema too means every step that reads `schema` sees the catalog's custom
        columns, whichever of the two it reads.
        """
        for stream in streams:
            if stream.name not in COLLECTIONS:
                continue
            entry = catalog.get_stream(stream.name)
            if entry is not None and entry.schema.properties:
                stream.schema = entry.schema.to_dict()  # type: ignore[misc]  # as in `discover`

    def mapper(self, stream: Stream) -> ColumnMapper:
        """The stream's mapper, built on first use from the schema the stream runs with."""
        mapper = self._mappers.get(stream.name)
        if mapper is None:
            mapper = self._build(stream)
            self._mappers[stream.name] = mapper
        return mapper

    def _build(self, stream: Stream) -> ColumnMapper:
        """Field lists are read only when the column names alone cannot place the values."""
        collection = COLLECTIONS[stream.name]
        standard = declared_schema(stream)["properties"]
        mask = stream.mask
        columns = {
            name: schema
            for name, schema in stream.effective_schema.get("properties", {}).items()
            if name.startswith(PREFIX) and name not in standard and mask[("properties", name)]
        }
        if not columns:
            return ColumnMapper(collection, {}, {})
        logger = stream.logger

        def make(name: str) -> Target:
            return target(name, columns[name], stream.name, logger)

        nulls = dict.fromkeys(columns)
        read = self.field_lists.tried(collection)
        needs_definitions = not collection.by_key or not all(key_explains(n) for n in columns)
        if collection.by_key and not read and not needs_definitions:
            return ColumnMapper(collection, nulls, {}, columns, make)
        definitions = self.field_lists.definitions(collection)
        if definitions is None:
            if collection.by_key:  # still map what the keys explain
                return ColumnMapper(collection, nulls, {}, columns, make)
            return ColumnMapper(collection, nulls, {})
        names = column_names(definitions, collection.by_key, standard)
        targets: dict[Any, Target | None] = {}
        for definition in definitions:
            name = names[definition.id]
            if name in columns:
                ident = definition.key if collection.by_key else definition.id
                targets[ident] = make(name)
        unmatched = sorted(set(columns) - {t[0] for t in targets.values() if t})
        if unmatched:
            logger.warning(
                "Stream '%s': column(s) %s of the catalog match no current Zendesk field "
                "(deleted or renamed?); they stay null. Run discovery to refresh the catalog.",
                stream.name,
                ", ".join(unmatched),
            )
        return ColumnMapper(collection, nulls, targets)
