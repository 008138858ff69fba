"""Filling a page of records' custom columns from the raw container Zendesk sends."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tap_zendesk_objects.custom_fields.naming import prefixed
from tap_zendesk_objects.custom_fields.values import column_kind, converter

if TYPE_CHECKING:
    from tap_zendesk_objects.custom_fields.definitions import Collection

# Column name, the type its values usually already have (passed through as is), converter.
Target = tuple[str, type | None, Callable[[Any], Any]]
_FAST_TYPES: dict[str, type | None] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": None,
    "array": None,
    "any": None,
}


def target(name: str, schema: Mapping[str, Any], stream: str, logger: logging.Logger) -> Target:
    """How one column is filled: values of its usual type go through untouched."""
    return name, _FAST_TYPES[column_kind(schema)], converter(schema, name, stream, logger)


@dataclass
class ColumnMapper:
    """Fills a stream's custom columns from its raw container, page by page."""

    collection: Collection
    nulls: dict[str, None]
    targets: dict[Any, Target | None]  # field id (tickets) or key (users, orgs) -> column
    # Key mode (users/orgs from a catalog, no definitions read): targets found on first sight.
    columns: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    make: Callable[[str], Target] | None = None

    def apply(self, records: list[dict]) -> None:
        """Set every custom column of every record: its converted value, else null."""
        if not self.nulls:
            return
        if self.collection.by_key:
            self._apply_by_key(records)
        else:
            self._apply_by_id(records)

    def _apply_by_id(self, records: list[dict]) -> None:
        """Tickets: `custom_fields` is a list of {id, value}."""
        container, nulls, targets = self.collection.container, self.nulls, self.targets
        for record in records:
            record.update(nulls)
            values = record.get(container)
            if type(values) is not list:
                continue
            for item in values:
                try:
                    found = targets[item["id"]]
                except (KeyError, TypeError, IndexError):
                    found = self._find_item(item)
                if found is not None:
                    name, fast, convert = found
                    value = item.get("value")
                    if value is None or type(value) is fast:
                        record[name] = value
                    else:
                        record[name] = convert(value)

    def _apply_by_key(self, records: list[dict]) -> None:
        """Users and organizations: the container is an object keyed by field key."""
        container, nulls, targets = self.collection.container, self.nulls, self.targets
        for record in records:
            record.update(nulls)
            values = record.get(container)
            if type(values) is not dict:
                continue
            for key, value in values.items():
                try:
                    found = targets[key]
                except KeyError:
                    found = self._find(key)
                if found is not None:
                    name, fast, convert = found
                    if value is None or type(value) is fast:
                        record[name] = value
                    else:
                        record[name] = convert(value)

    def _find_item(self, item: Any) -> Target | None:
        """A ticket's {id, value} not seen before (or malformed: then nothing)."""
        if type(item) is not dict:
            return None
        ident = item.get("id")
        try:
            return self.targets[ident]
        except KeyError:
            return self._find(ident)
        except TypeError:  # an unhashable id: no field has it
            return None

    def _find(self, ident: Any) -> Target | None:
        """Key mode: the column `custom_<key>` if the schema has it. Else nothing."""
        found = None
        if self.make is not None and isinstance(ident, str):
            name = prefixed(ident)
            if name in self.columns:
                found = self.make(name)
        self.targets[ident] = found
        return found
