"""Custom fields, unit: values converted to their column's type (or null with one warning a
column), and the mapper that fills every column of a record.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tap_zendesk_objects.custom_fields.definitions import COLLECTIONS
from tap_zendesk_objects.custom_fields.mapping import ColumnMapper, target
from tap_zendesk_objects.custom_fields.values import converter
from tests.custom_fields_expected import BAD

# Unit: values -------------------------------------------------------------------------------


def column(json_type: str, fmt: str | None = None) -> dict:
    schema: dict[str, Any] = {"type": [json_type, "null"]}
    if fmt:
        schema["format"] = fmt
    return schema


@pytest.mark.parametrize(
    ("schema", "raw", "expected"),
    [
        (column("integer"), "745", 745),
        (column("integer"), " -12 ", -12),
        (column("integer"), 12.0, 12),
        (column("integer"), "", None),
        (column("integer"), "n/a", BAD),
        (column("integer"), 1.5, BAD),
        (column("integer"), True, BAD),
        (column("number"), "5.1", 5.1),
        (column("number"), "745", 745),
        (column("number"), 3, 3),
        (column("number"), "1,5", BAD),
        (column("number"), "nan", BAD),
        (column("boolean"), "true", True),
        (column("boolean"), "False", False),
        (column("boolean"), False, False),
        (column("boolean"), "maybe", BAD),
        (column("string", "date"), "2012-07-23T00:00:00Z", "2012-07-23"),
        (column("string", "date"), "2018-11-04T00:00:00+02:00", "2018-11-04"),
        (column("string", "date"), "2018-11-04", "2018-11-04"),
        (column("string", "date"), "2018-02-30", BAD),
        (column("string", "date"), "soon", BAD),
        (column("string", "date"), 1_700_000_000, BAD),
        (column("string"), "Ünïcode ✓", "Ünïcode ✓"),
        (column("string"), 745, "745"),
        (column("string"), True, "true"),
        (column("array"), ["a", "b"], ["a", "b"]),
        (column("array"), "solo", ["solo"]),
        (column("array"), ["a", 1, None], ["a", "1"]),
        (column("array"), {"a": 1}, BAD),
    ],
)
def test_values_are_converted_to_the_column_type(schema, raw, expected):
    messages: list[str] = []
    logger = logging.getLogger("test.custom_fields.convert")
    handler = _ListHandler(messages)
    logger.addHandler(handler)
    try:
        convert = converter(schema, "custom_x", "tickets", logger)
        assert convert(None) is None
        got = convert(raw)
    finally:
        logger.removeHandler(handler)
    if expected is BAD:
        assert got is None
        assert len(messages) == 1 and "custom_x" in messages[0]
    else:
        assert got == expected and type(got) is type(expected)
        assert messages == []


def test_one_warning_per_column_however_many_bad_values():
    messages: list[str] = []
    logger = logging.getLogger("test.custom_fields.once")
    handler = _ListHandler(messages)
    logger.addHandler(handler)
    try:
        convert = converter(column("integer"), "custom_seats", "tickets", logger)
        assert [convert(v) for v in ("n/a", "x", "7", "?")] == [None, None, 7, None]
    finally:
        logger.removeHandler(handler)
    assert len(messages) == 1


def test_mapper_fills_every_column_and_keeps_the_raw_container():
    logger = logging.getLogger("test.custom_fields.mapper")
    seats = target("custom_seats", column("integer"), "tickets", logger)
    mapper = ColumnMapper(
        COLLECTIONS["tickets"],
        {"custom_seats": None, "custom_gone": None},
        {1: seats},
    )
    records = [
        {"id": 1, "custom_fields": [{"id": 1, "value": "3"}, {"id": 99, "value": "x"}]},
        {"id": 2, "custom_fields": None},
        {"id": 3, "custom_fields": ["junk", {"id": [1], "value": 1}]},
    ]
    mapper.apply(records)
    assert [(r["custom_seats"], r["custom_gone"]) for r in records] == [
        (3, None),
        (None, None),
        (None, None),
    ]
    assert records[0]["custom_fields"][0] == {"id": 1, "value": "3"}


def test_mapper_by_key_finds_columns_named_after_keys():
    logger = logging.getLogger("test.custom_fields.keys")
    columns = {"custom_plan": column("string"), "custom_logins": column("integer")}

    def make(name):
        return target(name, columns[name], "users", logger)

    mapper = ColumnMapper(COLLECTIONS["users"], dict.fromkeys(columns), {}, columns, make)
    records = [{"user_fields": {"plan": "gold", "logins": "12", "new_field": 1}}, {}]
    mapper.apply(records)
    assert records[0] == {
        "user_fields": {"plan": "gold", "logins": "12", "new_field": 1},
        "custom_plan": "gold",
        "custom_logins": 12,
    }
    assert records[1] == {"custom_plan": None, "custom_logins": None}


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())
