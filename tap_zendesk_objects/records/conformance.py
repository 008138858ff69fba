"""No RECORD violates its own SCHEMA: a value of the wrong JSON type becomes null.

Zendesk's JSON almost always has the documented types, but not always (a comment's `via` sent
as a string, an object where a string is expected), and a target that validates records, or a
warehouse column, refuses such a row. Each page's rows are checked against the stream's
schema with msgspec (in C, a few microseconds a row); only a row that fails is looked at
column by column in Python, and each column that contradicts its schema becomes null, with
one warning per stream and column per run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Union

import msgspec

logger = logging.getLogger("tap-zendesk-objects")

_SCALARS: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,  # msgspec takes an int for a float, as JSON schema does
    "boolean": bool,
    "null": type(None),
}


def json_type(schema: Mapping[str, Any], name: str = "T") -> Any:
    """The msgspec type of a JSON schema (`Any` where the schema does not constrain it)."""
    kinds = schema.get("type")
    if kinds is None or "anyOf" in schema or "oneOf" in schema:
        return Any
    parts = [
        _kind_type(kind, schema, name) for kind in ([kinds] if isinstance(kinds, str) else kinds)
    ]
    if Any in parts:
        return Any
    union = parts[0] if len(parts) == 1 else Union[tuple(parts)]  # noqa: UP007
    try:
        msgspec.inspect.type_info(union)
    except TypeError:  # a union msgspec cannot check (two object types, say)
        return Any
    return union


def _kind_type(kind: str, schema: Mapping[str, Any], name: str) -> Any:
    if kind == "object":
        properties = schema.get("properties")
        if not properties:
            return dict[str, Any]
        return record_type(properties, name)
    if kind == "array":
        items = schema.get("items")
        item = json_type(items, f"{name}_item") if items else Any
        return list[item]  # type: ignore[valid-type]  # a type built at run time, for msgspec
    return _SCALARS.get(kind, Any)


def record_type(properties: Mapping[str, Any], name: str = "Row") -> Any:
    """A Struct of the properties' types: keys it does not name are ignored, any may be missing.

    A Struct, not a TypedDict: the checked copy msgspec builds is then a compact object that
    the cycle collector does not track, several times cheaper for wide rows.
    """
    fields = [
        (f"f{index}", json_type(value, f"{name}_{index}"), None)
        for index, value in enumerate(properties.values())
    ]
    rename = {f"f{index}": key for index, key in enumerate(properties)}
    return msgspec.defstruct(name, fields, rename=rename, gc=False)


class RowConformance:
    """Checks rows against one stream's schema; nulls what contradicts it.

    `checked` gives the Struct the writer encodes: the schema's keys only (absent ones null),
    every value of its column's type. Columns with typed fields inside (a comment's `via`,
    ticket `custom_fields`) are checked in depth by a second Struct and passed on as they
    came, so the open objects keep every key Zendesk sent.
    """

    def __init__(self, stream_name: str, properties: Mapping[str, Any]) -> None:
        self.stream_name = stream_name
        self.keys = frozenset(properties)
        self.column_types = {key: json_type(value, key) for key, value in properties.items()}
        deep = {key: value for key, value in properties.items() if _typed_inside(value)}
        self.row_type = record_type(
            {key: ({} if key in deep else value) for key, value in properties.items()},
            f"{stream_name}_row",
        )
        self.deep_type = record_type(deep, f"{stream_name}_deep") if deep else None
        self.nullable = {
            key for key, value in properties.items() if "null" in _kinds(value.get("type"))
        }
        self.warned: set[str] = set()

    def checked(self, row: dict[str, Any]) -> Any:
        """The row as the Struct to write; the row is mended first if it needs to be."""
        convert, deep_type = msgspec.convert, self.deep_type
        try:
            if deep_type is not None:
                convert(row, deep_type)
            return convert(row, self.row_type)
        except msgspec.ValidationError:
            self.mend(row)
        try:
            return convert(row, self.row_type)
        except msgspec.ValidationError:  # a key column of the wrong type: passed on as is
            for key in row.keys() - self.keys:
                del row[key]
            return row

    def mended(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row itself, mended where it contradicts the schema (for the SDK's writer)."""
        self.checked(row)
        return row

    def mend(self, row: dict[str, Any]) -> None:
        """Null each column whose value contradicts its schema (warning once per column)."""
        for key, value in row.items():
            column_type = self.column_types.get(key)
            if column_type is None or value is None:
                continue
            try:
                msgspec.convert(value, column_type)
            except msgspec.ValidationError as exc:
                if key not in self.nullable:
                    continue  # a key column: the target says what it makes of it
                row[key] = None
                if key not in self.warned:
                    self.warned.add(key)
                    logger.warning(
                        "Stream '%s': column '%s' held a %s that its schema does not allow "
                        "(%s); written as null (warned once per column per run)",
                        self.stream_name,
                        key,
                        type(value).__name__,
                        exc,
                    )


def _typed_inside(schema: Mapping[str, Any]) -> bool:
    """True for an object with typed properties, or an array of such (at any depth)."""
    kinds = _kinds(schema.get("type"))
    if "object" in kinds and schema.get("properties"):
        return True
    items = schema.get("items")
    return "array" in kinds and isinstance(items, Mapping) and _typed_inside(items)


def _kinds(kinds: Any) -> list[str]:
    if kinds is None:
        return ["null"]
    return [kinds] if isinstance(kinds, str) else list(kinds)
