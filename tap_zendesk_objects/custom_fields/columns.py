"""A custom field's column schema, and the columns discovery adds to a stream."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tap_zendesk_objects.custom_fields.definitions import Collection, FieldDef
from tap_zendesk_objects.custom_fields.naming import column_names

# Field type -> (JSON type, format); anything unknown is a string.
_TYPES: dict[str, tuple[str, str | None]] = {
    "text": ("string", None),
    "textarea": ("string", None),
    "regexp": ("string", None),
    "partialcreditcard": ("string", None),
    "dropdown": ("string", None),
    "tagger": ("string", None),
    "date": ("string", "date"),
    "integer": ("integer", None),
    "decimal": ("number", None),
    "checkbox": ("boolean", None),
    "multiselect": ("array", None),
    "lookup": ("integer", None),
}


def column_schema(definition: FieldDef, label: str) -> dict[str, Any]:
    """Nullable JSON schema of a field's column."""
    json_type, fmt = _TYPES.get(definition.type, ("string", None))
    schema: dict[str, Any] = {"type": [json_type, "null"]}
    if fmt:
        schema["format"] = fmt
    if json_type == "array":
        schema["items"] = {"type": ["string"]}
    schema["description"] = (
        f"Zendesk {label} field {definition.id} ({definition.type}): {definition.title}"
    )
    return schema


def discovered_columns(
    definitions: list[FieldDef], collection: Collection, reserved: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Column name -> schema, one per active field, in the account's field order."""
    names = column_names(definitions, collection.by_key, reserved)
    return {names[d.id]: column_schema(d, collection.label) for d in definitions if d.active}
