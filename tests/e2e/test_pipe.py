"""The plain Singer pipe, without Meltano: `tap --config --state | target-postgres --config`."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import BIN, clean_environ
from tests.e2e.warehouse import (
    DEFAULT_STREAMS,
    INCREMENTAL,
    START_DATE,
    ids_of,
    last_sync_started_at,
    rewritten_since,
)
from tests.emulator.server import Emulator
from tests.postgres import Postgres
from tests.singer import FAST_RATES

TAP = BIN / "tap-zendesk-objects"
TARGET = BIN / "target-postgres"


def pipe(tmp_path: Path, state: dict | None) -> dict:
    """Run the pipe as a shell script would; return the last state the target wrote."""
    args = f"{TAP} --config c.json"
    if state is not None:
        (tmp_path / "s.json").write_text(json.dumps(state))
        args += " --state s.json"
    script = f"{args} | {TARGET} --config t.json > out.jsonl"
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert lines, "target-postgres wrote no state"
    return json.loads(lines[-1])


def test_pipe_with_a_state_file(tmp_path: Path, emulator_factory, postgres: Postgres) -> None:
    emulator: Emulator = emulator_factory(scale=0.5, seed=4)
    account = emulator.account
    tap_config = {**emulator.config(), **FAST_RATES, "start_date": START_DATE}
    (tmp_path / "c.json").write_text(json.dumps(tap_config))
    target_config = {
        "sqlalchemy_url": postgres.sqlalchemy_url,
        "default_target_schema": "zendesk",
        "load_method": "upsert",
        "hard_delete": True,
    }
    (tmp_path / "t.json").write_text(json.dumps(target_config))

    started = time.monotonic()
    state = pipe(tmp_path, None)
    print(f"first pipe: {time.monotonic() - started:.1f}s")
    assert set(postgres.tables("zendesk")) == DEFAULT_STREAMS
    truth = account.truth(to_epoch(START_DATE))
    for stream in sorted(DEFAULT_STREAMS):
        assert ids_of(postgres, stream) == set(truth[stream]), stream
    before = {stream: ids_of(postgres, stream) for stream in DEFAULT_STREAMS}
    tickets_bookmark = state["bookmarks"]["tickets"]["replication_key_value"]
    first_sync = last_sync_started_at(postgres, "tickets")

    since = int(time.time()) - 120
    updated = account.update_tickets(3)
    created = account.create_tickets(2)
    gone = account.remove_group_membership()
    changed = account.truth(since)

    started = time.monotonic()
    second_state = pipe(tmp_path, state)
    print(f"second pipe: {time.monotonic() - started:.1f}s")
    truth = account.truth(to_epoch(START_DATE))
    for stream in sorted(INCREMENTAL):
        assert ids_of(postgres, stream) == before[stream] | set(truth[stream]), stream
    assert gone not in ids_of(postgres, "group_memberships")
    assert set(created) <= ids_of(postgres, "tickets")
    for tid in updated:
        (row,) = postgres.rows("zendesk", "tickets", f"id = {int(tid)}")
        assert row["subject"] == account.get("tickets", tid)["subject"]
    # The state file was honoured: only the changed tickets were read again.
    rewritten = rewritten_since(postgres, "tickets", first_sync)
    assert set(changed["tickets"]) <= rewritten
    assert len(rewritten) <= len(changed["tickets"]) + 10, (len(rewritten), len(changed["tickets"]))
    assert second_state["bookmarks"]["tickets"]["replication_key_value"] > tickets_bookmark
