"""Converting a custom field's value to its column's declared type (null when it cannot be)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from typing import Any


class _UnconvertibleError(Exception):
    """A value that cannot take its column's type.

    Raised as a fresh instance every time: re-raising one shared instance would chain every
    traceback onto it and keep each page's records alive for the whole run.
    """


_INTEGER_TEXT = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?=$|[T ])")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def _to_string(value: Any) -> Any:
    if type(value) is str or value is None:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _to_integer(value: Any) -> Any:
    if type(value) is int or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if _INTEGER_TEXT.fullmatch(text):
            return int(text.split(".")[0])
    raise _UnconvertibleError


def _to_number(value: Any) -> Any:
    if type(value) is float:
        if math.isfinite(value):
            return value
        raise _UnconvertibleError
    if type(value) is int or value is None:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if _NUMBER_TEXT.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return int(number) if number.is_integer() and "." not in text else number
    raise _UnconvertibleError


def _to_boolean(value: Any) -> Any:
    if type(value) is bool or value is None:
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "":
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise _UnconvertibleError


def _to_date(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        match = _DATE_TEXT.match(text)
        if match:
            day = match.group(0)
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                raise _UnconvertibleError from None
            return day
    raise _UnconvertibleError


def _to_string_list(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        if all(type(item) is str for item in value):
            return value
        return [_to_string(item) for item in value if item is not None]
    if isinstance(value, str):
        return [value] if value else []
    raise _UnconvertibleError


def _identity(value: Any) -> Any:
    return value


def column_kind(schema: Mapping[str, Any]) -> str:
    """`integer`, `number`, `boolean`, `date`, `string`, `array` or `any` for a column schema."""
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    types.discard("null")
    if len(types) != 1:
        return "any"
    (json_type,) = types
    if json_type == "string" and schema.get("format") == "date":
        return "date"
    return json_type if json_type in _CONVERTERS else "any"


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _to_date,
    "array": _to_string_list,
    "any": _identity,
}
_KIND_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date",
    "array": "a list",
    "string": "text",
}


def converter(
    schema: Mapping[str, Any], column: str, stream: str, logger: logging.Logger
) -> Callable[[Any], Any]:
    """A value converter for one column; unconvertible values -> None, warned about once."""
    kind = column_kind(schema)
    convert = _CONVERTERS[kind]
    if kind in ("any", "string"):  # these never fail
        return convert
    warned = False

    def run(value: Any) -> Any:
        nonlocal warned
        try:
            return convert(value)
        except _UnconvertibleError:
            if not warned:
                warned = True
                shown = repr(value)
                if len(shown) > 40:
                    shown = shown[:37] + "..."
                logger.warning(
                    "Stream '%s', column '%s': value %s is not %s; emitted as null "
                    "(further unconvertible values of this column are not logged)",
                    stream,
                    column,
                    shown,
                    _KIND_WORDS[kind],
                )
            return None

    return run
