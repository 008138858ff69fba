"""Custom fields against the emulator: discovery gives one typed, nullable column per active
field, and a catalog run emits every record's values equal to the truth.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.custom_fields_expected import (
    BAD,
    FIELD_LISTS,
    STREAMS,
    custom_columns,
    definitions,
    expected_columns,
    expected_value,
    tap_config,
)
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.singer import TAP, discover, run_tap, select

# Field type -> (JSON type, format) of its column.
TYPES = {
    "text": ("string", None), "textarea": ("string", None), "regexp": ("string", None),
    "partialcreditcard": ("string", None), "dropdown": ("string", None),
    "tagger": ("string", None), "date": ("string", "date"), "integer": ("integer", None),
    "decimal": ("number", None), "checkbox": ("boolean", None),
    "multiselect": ("array", None), "lookup": ("integer", None),
}  # fmt: skip


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    """Discovery, then a catalog run of tickets, users and organizations, with request counts."""
    tmp_path = tmp_path_factory.mktemp("custom")
    with Emulator(Account(scale=1, seed=1)) as emulator:
        config = tap_config(emulator.config())
        catalog = discover(tmp_path, config)
        discovery_counts = emulator.request_counts()
        emulator.reset_counts()
        result = run_tap(tmp_path, config, catalog=select(catalog, set(STREAMS)))
        yield emulator.account, catalog, discovery_counts, emulator.request_counts(), result


def test_discovery_reads_each_field_list_once(synced):
    _, _, discovery_counts, _, _ = synced
    assert {path: discovery_counts.get(path) for path in FIELD_LISTS} == dict.fromkeys(
        FIELD_LISTS, 1
    )


@pytest.mark.parametrize("stream", STREAMS)
def test_one_typed_nullable_column_per_active_custom_field(synced, stream):
    account, catalog, _, _, _ = synced
    entry = next(e for e in catalog["streams"] if e["tap_stream_id"] == stream)
    columns = custom_columns(entry["schema"], stream)
    expected = expected_columns(account, stream)
    assert sorted(columns) == sorted(expected.values())
    kinds = {row["id"]: row["type"] for row in definitions(account, stream)}
    for field_id, name in expected.items():
        json_type, fmt = TYPES[kinds[field_id]]
        assert columns[name]["type"] == [json_type, "null"], name
        assert columns[name].get("format") == fmt, name
        if json_type == "array":
            assert columns[name]["items"]["type"] == ["string"]
    inactive = [row for row in definitions(account, stream) if not row["active"]]
    if stream == "tickets":
        assert inactive, "the emulator should have an inactive ticket field"


def test_catalog_run_reads_only_the_ticket_field_list(synced):
    _, _, _, counts, result = synced
    assert result.returncode == 0, result.stderr[-2000:]
    assert counts.get("/api/v2/ticket_fields") == 1
    assert "/api/v2/user_fields" not in counts
    assert "/api/v2/organization_fields" not in counts


@pytest.mark.parametrize("stream", STREAMS)
def test_values_equal_the_truth_for_every_field_of_every_record(synced, stream):
    account, _, _, _, result = synced
    records = {record["id"]: record for record in result.records(stream)}
    truth = account.truth_custom_values(stream)
    assert records and set(records) <= set(truth)
    assert len(records) == len(account.truth(0)[stream])
    columns = expected_columns(account, stream)
    kinds = {row["id"]: row["type"] for row in definitions(account, stream)}
    container = {"tickets": "custom_fields", "users": "user_fields"}.get(
        stream, "organization_fields"
    )
    bad_columns = set()
    checked = 0
    for record_id, record in records.items():
        assert container in record, "the raw container stays"
        for field_id, name in columns.items():
            want = expected_value(kinds[field_id], truth[record_id].get(field_id))
            if want is BAD:
                bad_columns.add(name)
                want = None
            got = record[name]
            assert got == want, (stream, record_id, name, truth[record_id].get(field_id))
            if want is not None:
                assert type(got) is type(want), (stream, record_id, name)
            checked += 1
    assert checked == len(records) * len(columns)
    assert bad_columns, "the emulator should send unconvertible values"
    for name in columns.values():
        warnings = re.findall(
            rf"Stream '{stream}', column '{name}': value .* emitted as null", result.stderr
        )
        assert len(warnings) == (1 if name in bad_columns else 0), name


def test_discovery_without_config_keeps_the_standard_schema(tmp_path):
    proc = subprocess.run([*TAP, "--discover"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    streams = {e["tap_stream_id"]: e for e in json.loads(proc.stdout)["streams"]}
    for stream in STREAMS:
        assert custom_columns(streams[stream]["schema"], stream) == {}
    assert "Custom fields not discovered (no credentials" in proc.stderr
