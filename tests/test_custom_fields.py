"""Custom fields as typed, nullable columns: naming, types, values, and the runs that go wrong."""

from __future__ import annotations

import http.client
import json
import logging
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tap_zendesk_objects.custom_fields.definitions import (
    COLLECTIONS,
    FieldDef,
    parse_definitions,
)
from tap_zendesk_objects.custom_fields.mapping import ColumnMapper, target
from tap_zendesk_objects.custom_fields.naming import column_names, slug
from tap_zendesk_objects.custom_fields.values import converter
from tap_zendesk_objects.schemas.people import ORGANIZATIONS, USERS
from tap_zendesk_objects.schemas.tickets import TICKETS
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, TAP, discover, run_tap, select

START_DATE = "2000-01-01T00:00:00Z"
STREAMS = ("tickets", "users", "organizations")
DEFINITIONS = {
    "tickets": "ticket_fields",
    "users": "user_fields",
    "organizations": "organization_fields",
}
FIELD_LISTS = {f"/api/v2/{name}" for name in DEFINITIONS.values()}
STANDARD = {"tickets": TICKETS, "users": USERS, "organizations": ORGANIZATIONS}
# Field type -> (JSON type, format) of its column.
TYPES = {
    "text": ("string", None), "textarea": ("string", None), "regexp": ("string", None),
    "partialcreditcard": ("string", None), "dropdown": ("string", None),
    "tagger": ("string", None), "date": ("string", "date"), "integer": ("integer", None),
    "decimal": ("number", None), "checkbox": ("boolean", None),
    "multiselect": ("array", None), "lookup": ("integer", None),
}  # fmt: skip
# The emulator's ticket fields, by title, and the columns the design gives them.
TICKET_COLUMNS = {
    "Order number": "custom_order_number",
    "Steps to reproduce 🐞": "custom_steps_to_reproduce",
    "VIP customer": "custom_vip_customer",
    "Renewal date": "custom_renewal_date",
    "Seats": "custom_seats",
    "Contract value (€)": "custom_contract_value",
    "Product code": "custom_product_code",
    "Card": "custom_card",
    "Affected products": "custom_affected_products",
    "Customer tier": "custom_customer_tier",
    "Account manager": "custom_account_manager",
    "Customer-Tier": None,  # slugs like "Customer tier", which has the lower id: custom_<id>
    "🔥🔥 !!": None,  # empty slug: custom_<id>
}
BAD = object()  # an unconvertible value


# Unit: naming -------------------------------------------------------------------------------


def field(fid: int, title: str = "", key: str | None = None, ftype: str = "text", active=True):
    return FieldDef(id=fid, type=ftype, title=title, key=key, active=active)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Order number", "order_number"),
        ("Contract value (€)", "contract_value"),
        ("  --Already__snake--  ", "already_snake"),
        ("ABC123 xyz", "abc123_xyz"),
        ("Société générale", "soci_t_g_n_rale"),
        ("🔥🔥 !!", ""),
    ],
)
def test_slug_lowercases_and_joins_runs_of_other_characters(title, expected):
    assert slug(title) == expected


def test_a_shared_name_goes_to_the_lowest_id_and_the_others_fall_back_to_their_id():
    fields = [field(30, "Customer-Tier"), field(10, "Customer tier"), field(20, "CUSTOMER  TIER")]
    assert column_names(fields, by_key=False) == {
        10: "custom_customer_tier",
        20: "custom_20",
        30: "custom_30",
    }


def test_unusable_titles_and_standard_columns_fall_back_to_the_id():
    fields = [field(1, "🔥"), field(2, ""), field(3, "Fields"), field(4, "Status id")]
    names = column_names(fields, by_key=False, reserved={"custom_fields", "custom_status_id"})
    assert names == {1: "custom_1", 2: "custom_2", 3: "custom_3", 4: "custom_4"}


def test_names_are_cut_to_63_bytes_and_may_then_collide():
    long_title = "a" * 80
    names = column_names([field(2, long_title + "x"), field(1, long_title)], by_key=False)
    assert names == {1: "custom_" + "a" * 56, 2: "custom_2"}
    (name,) = column_names([field(5, key="é" * 40)], by_key=True).values()
    assert len(name.encode()) <= 63 and name == "custom_" + "é" * 28


def test_user_and_organization_columns_use_the_key():
    fields = [field(7, "Plan (new!)", key="plan_tier"), field(8, "whatever", key=None)]
    assert column_names(fields, by_key=True) == {7: "custom_plan_tier", 8: "custom_8"}


def test_inactive_fields_still_hold_their_name_so_no_other_column_is_renamed():
    fields = [field(1, "Tier", active=False), field(2, "tier")]
    assert column_names(fields, by_key=False) == {1: "custom_tier", 2: "custom_2"}


def test_system_ticket_fields_are_left_out():
    rows = [
        {"id": 1, "type": "subject", "title": "Subject", "removable": False, "active": True},
        {"id": 2, "type": "text", "title": "Order", "removable": True, "active": True},
        {"id": 3, "type": "priority", "title": "Priority", "active": True},
        {"id": 4, "type": "lookup", "title": "Manager", "active": False},
    ]
    parsed = parse_definitions(rows, COLLECTIONS["tickets"])
    assert [(d.id, d.active) for d in parsed] == [(2, True), (4, False)]


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


# Against the emulator -----------------------------------------------------------------------


def tap_config(base_url_config: dict) -> dict:
    return {**base_url_config, **FAST_RATES, "start_date": START_DATE}


def definitions(account: Account, stream: str) -> list[dict]:
    rows = account.records(DEFINITIONS[stream])
    if stream == "tickets":
        rows = [row for row in rows if row.get("removable")]
    return rows


def expected_columns(account: Account, stream: str) -> dict[int, str]:
    """Field id -> column, per the design, for the emulator's fields (active ones)."""
    out = {}
    for row in definitions(account, stream):
        if not row["active"]:
            continue
        if stream == "tickets":
            name = TICKET_COLUMNS[row["title"]] or f"custom_{row['id']}"
        else:
            name = "custom_" + row["key"]
        out[row["id"]] = name
    return out


def custom_columns(schema: dict, stream: str) -> dict[str, dict]:
    standard = STANDARD[stream]["properties"]
    return {k: v for k, v in schema["properties"].items() if k not in standard}


def expected_value(ftype: str, raw: Any) -> Any:
    """The emulator's raw value converted to its column's type (BAD when it cannot be)."""
    if raw is None:
        return None
    if ftype in ("integer", "lookup"):
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        return int(raw) if isinstance(raw, str) and re.fullmatch(r"-?\d+", raw) else BAD
    if ftype == "decimal":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw
        return float(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else BAD
    if ftype == "date":
        return raw[:10]
    return raw


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


# A proxy in front of the emulator, to refuse or change the field lists --------------------

Rewrite = Callable[[str, int, bytes], tuple[int, bytes]]
FORBIDDEN = json.dumps(
    {"error": {"title": "Forbidden", "message": "Access to this resource is restricted."}}
).encode()


@contextmanager
def proxy(upstream: str, rewrite: Rewrite) -> Iterator[str]:
    """An HTTP server that forwards GETs to `upstream`, letting `rewrite` change answers."""
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request("GET", self.path, headers=headers)
                response = conn.getresponse()
                status, body = response.status, response.read()
            finally:
                conn.close()
            path = urlsplit(self.path).path.removesuffix(".json")
            status, body = rewrite(path, status, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def refuse_field_lists(path: str, status: int, body: bytes) -> tuple[int, bytes]:
    return (403, FORBIDDEN) if path in FIELD_LISTS else (status, body)


def test_403_on_the_field_lists_gives_the_standard_schema_and_a_warning(emulator, tmp_path):
    with proxy(emulator.base_url, refuse_field_lists) as url:
        config = tap_config({**emulator.config(), "api_url": url})
        args = [*TAP, "--config", str(_write(tmp_path / "c.json", config)), "--discover"]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    streams = {e["tap_stream_id"]: e for e in json.loads(proc.stdout)["streams"]}
    for stream in STREAMS:
        assert custom_columns(streams[stream]["schema"], stream) == {}
    assert len(re.findall(r"custom \w+ fields not read: .*403", proc.stderr)) == 3


def test_403_on_the_field_lists_during_a_catalog_run_is_a_warning(emulator, tmp_path):
    config = tap_config(emulator.config())
    catalog = select(discover(tmp_path, config), set(STREAMS))
    with proxy(emulator.base_url, refuse_field_lists) as url:
        result = run_tap(tmp_path, {**config, "api_url": url}, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "custom ticket fields not read" in result.stderr
    tickets = result.records("tickets")
    assert tickets and all(t["custom_seats"] is None for t in tickets)
    # users and organizations map by key, without their field lists
    assert any(u["custom_user_text"] is not None for u in result.records("users"))


def test_a_field_deactivated_or_deleted_after_the_catalog_was_made(emulator, tmp_path):
    config = tap_config(emulator.config())
    catalog = select(discover(tmp_path, config), set(STREAMS))
    account = emulator.account
    by_title = {row["title"]: row["id"] for row in account.records("ticket_fields")}
    deactivated, deleted = by_title["Seats"], by_title["Card"]

    def change(path: str, status: int, body: bytes) -> tuple[int, bytes]:
        if path not in FIELD_LISTS or status != 200:
            return status, body
        data = json.loads(body)
        rows = next(v for v in data.values() if isinstance(v, list))
        for row in rows:
            if row["id"] == deactivated or row.get("key") == "user_integer":
                row["active"] = False
        rows[:] = [row for row in rows if row["id"] != deleted]
        return status, json.dumps(data).encode()

    with proxy(emulator.base_url, change) as url:
        proxied = {**config, "api_url": url}
        result = run_tap(tmp_path, proxied, catalog=catalog)
        rediscovered = discover(tmp_path, proxied)
    assert result.returncode == 0, result.stderr[-2000:]
    tickets = result.records("tickets")
    truth = account.truth_custom_values("tickets")
    assert any(t["custom_seats"] is not None for t in tickets), "still mapped by id"
    assert all(
        t["custom_seats"] == expected_value("integer", truth[t["id"]][deactivated])
        or expected_value("integer", truth[t["id"]][deactivated]) is BAD
        for t in tickets
    )
    assert all(t["custom_card"] is None for t in tickets)
    assert "custom_card of the catalog match no current Zendesk field" in result.stderr
    users = result.records("users")
    assert any(u["custom_user_integer"] is not None for u in users)
    entry = next(e for e in rediscovered["streams"] if e["tap_stream_id"] == "tickets")
    names = set(custom_columns(entry["schema"], "tickets"))
    assert "custom_seats" not in names and "custom_card" not in names
    assert "custom_order_number" in names


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path


def test_no_field_list_is_read_when_the_catalog_wants_no_custom_column(emulator, tmp_path):
    config = tap_config(emulator.config())
    catalog = select(discover(tmp_path, config), set(STREAMS))
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            crumb = metadata["breadcrumb"]
            if crumb and crumb[-1].startswith("custom_") and crumb[-1] != "custom_fields":
                metadata["metadata"]["selected"] = crumb[-1] == "custom_user_text"
    emulator.reset_counts()
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not FIELD_LISTS & set(emulator.request_counts())
    ticket = result.records("tickets")[0]
    assert "custom_seats" not in ticket and "custom_fields" in ticket
    users = result.records("users")
    assert "custom_user_integer" not in users[0]
    assert any(u["custom_user_text"] is not None for u in users)
