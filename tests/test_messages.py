"""The Singer messages themselves: stream maps and flattening honoured, RECORD envelopes whole."""

from __future__ import annotations

import datetime as dt
import io
import sys

import pytest

from tap_zendesk_objects.records.record_lines import write_all
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2020-01-01T00:00:00Z"
STREAMS = {"groups", "users", "tickets", "ticket_metrics", "ticket_skips"}


@pytest.fixture(scope="module")
def account_and_catalog(tmp_path_factory):
    """An emulator at scale 1 and a catalog selecting a mix of list, export and derived."""
    tmp_path = tmp_path_factory.mktemp("messages")
    with Emulator(Account(scale=1, seed=2)) as emulator:
        config = {**emulator.config(), **FAST_RATES, "start_date": START_DATE}
        yield emulator, config, select(discover(tmp_path, config), STREAMS)


def test_record_envelopes_carry_time_extracted_and_version(tmp_path, account_and_catalog):
    _, config, catalog = account_and_catalog
    started = dt.datetime.now(dt.UTC)
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    records = result.of_type("RECORD")
    assert {m["stream"] for m in records} == STREAMS
    for message in records:
        extracted = dt.datetime.fromisoformat(message["time_extracted"].replace("Z", "+00:00"))
        assert started - dt.timedelta(seconds=5) <= extracted <= dt.datetime.now(dt.UTC)
    (activate,) = result.of_type("ACTIVATE_VERSION", "ticket_skips")
    skips = [m for m in records if m["stream"] == "ticket_skips"]
    assert {m.get("version") for m in skips} == {activate["version"]}
    assert all("version" not in m for m in records if m["stream"] == "tickets")
    # Every stream's records come after its SCHEMA, and the last message is a STATE.
    first = {}
    for index, message in enumerate(result.messages):
        first.setdefault((message["type"], message.get("stream")), index)
    for stream in STREAMS:
        assert first[("SCHEMA", stream)] < first[("RECORD", stream)]
    assert result.messages[-1]["type"] == "STATE"


def test_stream_maps_rename_filter_and_alias(tmp_path, account_and_catalog):
    emulator, config, catalog = account_and_catalog
    maps = {
        "groups": {"group_name": "name", "name": "__NULL__"},
        "users": {"__filter__": "role == 'admin'"},
        "ticket_metrics": {"__alias__": "metrics"},
    }
    result = run_tap(tmp_path, {**config, "stream_maps": maps}, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    groups = result.records("groups")
    names = {g["name"] for g in emulator.account.records("groups")}
    assert groups and all("name" not in g for g in groups)
    assert {g["group_name"] for g in groups} == names
    roles = {u["role"] for u in result.records("users")}
    assert roles == {"admin"}
    assert result.records("metrics") and not result.records("ticket_metrics")
    assert result.of_type("SCHEMA", "metrics")


def test_flattening_reaches_every_record(tmp_path, account_and_catalog):
    _, config, catalog = account_and_catalog
    flat = {**config, "flattening_enabled": True, "flattening_max_depth": 1}
    result = run_tap(tmp_path, flat, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    tickets = result.records("tickets")
    assert tickets and all("via" not in t and "via__channel" in t for t in tickets)


class _TrickleStdout(io.RawIOBase):
    """A raw stdout that takes at most 7 bytes a write, like a pipe interrupted by signals."""

    def __init__(self) -> None:
        self.buffer, self.data = self, bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        taken = bytes(chunk[:7])
        self.data += taken
        return len(taken)


def test_partial_writes_are_completed(monkeypatch):
    out = _TrickleStdout()
    monkeypatch.setattr(sys, "stdout", out)
    line = b'{"type":"STATE","value":{"bookmarks":{}}}\n' * 3
    write_all(bytearray(line))
    assert bytes(out.data) == line
