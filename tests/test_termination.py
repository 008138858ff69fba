"""SIGTERM (a scheduler cancelling the run): state written, a non-zero exit, no traceback."""

from __future__ import annotations

import json
import signal
import subprocess
import time

from tests.singer import TAP, discover, select, write_json


def test_sigterm_writes_state_and_exits_143(tmp_path, emulator):
    # Default pacing (10 export requests a minute) keeps the run going long enough to stop it.
    config = {**emulator.config(), "start_date": "2020-01-01T00:00:00Z"}
    catalog = select(discover(tmp_path, config))
    args = [*TAP, "--config", str(write_json(tmp_path / "c.json", config))]
    args += ["--catalog", str(write_json(tmp_path / "cat.json", catalog))]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert "stopped by signal 15; state written" in err
    assert "Traceback" not in err
    messages = [json.loads(line) for line in out.splitlines()]
    assert messages[-1]["type"] == "STATE"
    assert any(m["type"] == "RECORD" for m in messages)
