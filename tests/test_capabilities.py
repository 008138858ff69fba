"""What the tap advertises is what it does: table versions, and no BATCH messages."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.singer import FAST_RATES, TAP, discover, error_line, run_tap, select

START_DATE = "2020-01-01T00:00:00Z"
FULL_TABLE = {"groups", "group_memberships", "ticket_skips"}
# Incremental exports and the streams derived from them: never read in full.
INCREMENTAL = {"tickets", "ticket_metrics", "ticket_events", "ticket_comments", "organizations"}


@pytest.fixture(scope="module")
def about() -> dict:
    proc = subprocess.run(
        [*TAP, "--about", "--format=json"], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def test_batch_is_not_advertised(about):
    assert "batch" not in about["capabilities"]
    assert "batch_config" not in about["settings"]["properties"]
    assert "activate-version" in about["capabilities"]


def test_a_batch_config_stops_the_run_with_one_line(tmp_path, emulator):
    """The SDK's standard batch_config: the tap says it writes no BATCH, and reads nothing."""
    config = {
        **emulator.config(),
        **FAST_RATES,
        "batch_config": {
            "encoding": {"format": "jsonl", "compression": "gzip"},
            "storage": {"root": f"file://{tmp_path}", "prefix": "batch-"},
        },
    }
    result = run_tap(tmp_path, config)
    assert "batch_config" in error_line(result)
    assert result.returncode == 1
    assert not result.messages
    assert not list(tmp_path.glob("batch-*"))


@pytest.fixture
def catalog(tmp_path, emulator):
    config = {**emulator.config(), **FAST_RATES}
    return select(discover(tmp_path, config), FULL_TABLE | INCREMENTAL)


@pytest.mark.parametrize("setting", [True, None], ids=["on", "default"])
def test_each_activate_version_carries_its_records_version(tmp_path, emulator, catalog, setting):
    config = {**emulator.config(), **FAST_RATES, "start_date": START_DATE}
    if setting is not None:
        config["emit_activate_version_messages"] = setting
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    activated = {m["stream"] for m in result.of_type("ACTIVATE_VERSION")}
    assert activated == FULL_TABLE, "only streams read in full may retire rows"
    for stream in FULL_TABLE:
        (activation,) = result.of_type("ACTIVATE_VERSION", stream)
        records = [
            (index, m)
            for index, m in enumerate(result.messages)
            if m["type"] == "RECORD" and m["stream"] == stream
        ]
        assert records, stream
        assert {m.get("version") for _, m in records} == {activation["version"]}, stream
        assert result.messages.index(activation) > records[-1][0], "activated after its rows"
    for stream in INCREMENTAL:
        assert result.records(stream), stream
        assert all("version" not in m for m in result.of_type("RECORD", stream)), stream


def test_versions_off_when_the_setting_is_false(tmp_path, emulator, catalog):
    config = {**emulator.config(), **FAST_RATES, "emit_activate_version_messages": False}
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not result.of_type("ACTIVATE_VERSION")
    assert result.records("groups")
    assert all("version" not in m for m in result.of_type("RECORD"))
