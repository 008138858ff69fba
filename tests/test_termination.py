"""SIGTERM (a scheduler cancelling the run): state written, a non-zero exit, no traceback.

Each signal is sent on an event the run shows (a line of output or of its log), never
after a sleep: while the tap writes to a full pipe, while it waits for its rate budget, and
while the retry library waits out a long Retry-After.
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tap_zendesk_objects.run.context import DUPLICATE_SIGNAL_SECONDS
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.singer import FAST_RATES, TAP, discover, select, write_json

START_DATE = "2020-01-01T00:00:00Z"
# A stopped run exits at once: far sooner than any wait it was in.
PROMPT_EXIT_SECONDS = 30
STREAMLESS_CATALOG: dict[str, Any] = {"streams": []}


def start_tap(tmp_path: Path, config: dict[str, Any], catalog: dict[str, Any]) -> subprocess.Popen:
    args = [*TAP, "--config", str(write_json(tmp_path / "c.json", config))]
    args += ["--catalog", str(write_json(tmp_path / "cat.json", catalog))]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def assert_stopped_cleanly(returncode: int, out: str, err: str) -> None:
    assert returncode == 128 + signal.SIGTERM, err[-3000:]
    assert "stopped by signal 15; state written" in err
    assert "Traceback" not in err
    messages = [json.loads(line) for line in out.splitlines()]  # every line whole
    assert messages[-1]["type"] == "STATE"
    for stream, bookmark in messages[-1]["value"].get("bookmarks", {}).items():
        key, value = bookmark.get("replication_key"), bookmark.get("replication_key_value")
        if value is None:
            continue
        emitted = [m["record"][key] for m in messages if m.get("stream") == stream and
                   m["type"] == "RECORD"]  # fmt: skip
        assert emitted and value <= max(emitted), f"{stream}: bookmark ahead of its records"


def test_sigterm_while_blocked_on_a_full_pipe(tmp_path, emulator):
    """Records go out in batches larger than a pipe holds: once the first RECORD line is
    read and reading stops, the tap is blocked writing, the case where a state written from
    inside the signal handler would garble a record."""
    config = {**emulator.config(), "start_date": START_DATE}
    with start_tap(tmp_path, config, select(discover(tmp_path, config))) as proc:
        assert proc.stdout is not None
        head = []
        for line in proc.stdout:
            head.append(line)
            if json.loads(line)["type"] == "RECORD":
                break
        assert proc.poll() is None, "the run ended before it could be stopped"
        proc.send_signal(signal.SIGTERM)
        out, err = read_to_the_end(proc)
    assert_stopped_cleanly(proc.returncode, "".join(head) + out, err)


def read_to_the_end(proc: subprocess.Popen) -> tuple[str, str]:
    """The rest of stdout and stderr, through the file objects (their buffers included)."""
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True)
    reader.start()
    err = proc.stderr.read()
    proc.wait(timeout=60)
    reader.join(60)
    return "".join(out), err


def stop_on_log_line(proc: subprocess.Popen, needle: str) -> tuple[str, str, float]:
    """SIGTERM the run when its log shows `needle`; (stdout, stderr, seconds to exit)."""
    out: list[str] = []
    assert proc.stdout is not None and proc.stderr is not None
    reader = threading.Thread(target=lambda: out.extend(proc.stdout), daemon=True)
    reader.start()
    err = []
    for line in proc.stderr:
        err.append(line)
        if needle in line:
            break
    assert proc.poll() is None, "".join(err[-20:])
    signalled = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    err.extend(proc.stderr)
    proc.wait(timeout=60)
    took = time.monotonic() - signalled
    reader.join(60)
    return "".join(out), "".join(err), took


@pytest.mark.slow
def test_sigterm_cuts_a_pacing_wait_short(tmp_path, emulator):
    """One export request a minute: the second waits a minute, and is stopped in it."""
    config = {**emulator.config(), "start_date": START_DATE, "incremental_requests_per_minute": 1}
    catalog = select(discover(tmp_path, config), {"tickets", "ticket_events", "organizations"})
    with start_tap(tmp_path, config, catalog) as proc:
        out, err, took = stop_on_log_line(proc, "Rate budget 'incremental' spent for now")
    assert_stopped_cleanly(proc.returncode, out, err)
    assert took < PROMPT_EXIT_SECONDS, err[-2000:]


@pytest.mark.slow
def test_sigterm_cuts_a_retry_after_wait_short(tmp_path, emulator_factory):
    """Every request answered 429 with Retry-After: 600: the retry library sleeps, and a
    signal ends its sleep and the run."""
    emu = emulator_factory(scale=0.2)
    config = {**emu.config(), "start_date": START_DATE}
    catalog = select(discover(tmp_path, config), {"groups"})
    emu.fault_rate, emu.fault_kinds, emu.fault_retry_after = 1.0, ("429",), 600
    with start_tap(tmp_path, config, catalog) as proc:
        out, err, took = stop_on_log_line(proc, "waiting 600.0 s (Retry-After)")
    assert_stopped_cleanly(proc.returncode, out, err)
    assert took < PROMPT_EXIT_SECONDS, err[-2000:]


def read_until_record(proc: subprocess.Popen, stream: str | None = None) -> list[str]:
    """stdout lines up to the first RECORD (of `stream`, if given); then reading stops."""
    assert proc.stdout is not None
    head = []
    for line in proc.stdout:
        head.append(line)
        message = json.loads(line)
        if message["type"] == "RECORD" and stream in (None, message["stream"]):
            return head
    raise AssertionError("the run wrote no such RECORD")


def test_sigterm_during_a_full_table_list_ends_on_a_state(tmp_path, emulator_factory):
    """ticket_skips is read in full (its state never changes), in pages that outgrow the
    pipe: stopped while it is read, the output still ends on a STATE after its records."""
    config = {**emulator_factory(scale=5).config(), "start_date": START_DATE}
    catalog = select(discover(tmp_path, config), {"groups", "ticket_skips"})
    with start_tap(tmp_path, config, catalog) as proc:
        head = read_until_record(proc, "ticket_skips")
        assert proc.poll() is None, "the run ended before it could be stopped"
        proc.send_signal(signal.SIGTERM)
        out, err = read_to_the_end(proc)
    assert_stopped_cleanly(proc.returncode, "".join(head) + out, err)
    skips = [m for m in map(json.loads, out.splitlines()) if m.get("stream") == "ticket_skips"]
    assert not any(m["type"] == "ACTIVATE_VERSION" for m in skips), "a stopped read retires none"


def test_a_duplicate_sigterm_is_the_same_stop(tmp_path, emulator):
    """Meltano forwards SIGTERM and the OS delivers it too: a second signal, sent once the
    tap has taken the first (while blocked writing to a full pipe), changes nothing: every
    line whole, the state written, a STATE last."""
    config = {**emulator.config(), "start_date": START_DATE}
    with start_tap(tmp_path, config, select(discover(tmp_path, config))) as proc:
        head = read_until_record(proc)
        assert proc.poll() is None, "the run ended before it could be stopped"
        proc.send_signal(signal.SIGTERM)
        assert proc.stderr is not None
        taken = []
        for line in proc.stderr:
            taken.append(line)
            if "Signal 15: stopping" in line:
                break
        proc.send_signal(signal.SIGTERM)
        out, err = read_to_the_end(proc)
    assert_stopped_cleanly(proc.returncode, "".join(head) + out, "".join(taken) + err)


def test_a_later_second_signal_stops_at_once(emulator, clock):
    """In the tap itself, on a fake clock: a repeat within the interval is ignored; one
    after it ends the run at once."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        tap = TapZendeskObjects(
            config={**emulator.config(), **FAST_RATES}, catalog=STREAMLESS_CATALOG, clock=clock
        )
        tap.handle_stop_signal(signal.SIGTERM, None)
        clock.now += DUPLICATE_SIGNAL_SECONDS / 2
        tap.handle_stop_signal(signal.SIGTERM, None)  # the same stop: nothing happens
        assert tap.run.stop.signal == signal.SIGTERM
        clock.now += DUPLICATE_SIGNAL_SECONDS
        with pytest.raises(SystemExit) as stopped:
            tap.handle_stop_signal(signal.SIGINT, None)
        assert stopped.value.code == 128 + signal.SIGINT
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
