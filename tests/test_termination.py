"""SIGTERM (a scheduler cancelling the run): state written, a non-zero exit, no traceback."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pytest

from tests.singer import TAP, discover, select, write_json


@pytest.mark.parametrize("delay", [3, 7])
def test_sigterm_writes_state_and_exits_143(tmp_path, emulator, delay):
    # Default pacing (10 export requests a minute) keeps the run going long enough to stop it,
    # and stdout is not read meanwhile: the tap is blocked writing to a full pipe, the case
    # where a state written from inside the signal handler would garble a record.
    config = {**emulator.config(), "start_date": "2020-01-01T00:00:00Z"}
    catalog = select(discover(tmp_path, config))
    args = [*TAP, "--config", str(write_json(tmp_path / "c.json", config))]
    args += ["--catalog", str(write_json(tmp_path / "cat.json", catalog))]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "stopped by signal 15; state written" in err
    assert "Traceback" not in err
    messages = [json.loads(line) for line in out.splitlines()]  # every line whole
    assert messages[-1]["type"] == "STATE"
    assert any(m["type"] == "RECORD" for m in messages)
    for stream, bookmark in messages[-1]["value"].get("bookmarks", {}).items():
        key, value = bookmark.get("replication_key"), bookmark.get("replication_key_value")
        if value is None:
            continue
        emitted = [m["record"][key] for m in messages if m.get("stream") == stream and
                   m["type"] == "RECORD"]  # fmt: skip
        assert emitted and value <= max(emitted), f"{stream}: bookmark ahead of its records"
