"""Rate limits, faults and crashes against the emulator: the tap keeps going and loses nothing.

- Zendesk's default limits on, the tap at its defaults: a full sync with few or no 429s.
- 10% of requests faulted (5xx, 429, reset, truncated body, slow answer): every truth record.
- The tap killed at random points and rerun from its last STATE: every truth record in the end,
  and no STATE ever names a bookmark beyond the records written before it.
- No credential in any stderr the suite's tap runs produced, not even a 3-character one.
"""

from __future__ import annotations

import json
import math
import random
import signal
import subprocess
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.bookmarks import START_EPOCH, assert_bookmarks_never_run_ahead
from tests.emulator.account_truth import TAP_STREAMS
from tests.emulator.fixtures import settled_account
from tests.emulator.server import Emulator
from tests.emulator.server_auth import ACCESS_TOKEN, API_TOKEN
from tests.singer import (
    FAST_RATES,
    TAP,
    TAP_STDERR,
    discover,
    record_stderr,
    run_tap,
    secrets_of,
    select,
    write_json,
)

START_DATE = "2000-01-01T00:00:00Z"
# Every seed from 1 to 10, none picked by hand: with 10% faults each run meets several 5xx,
# 429s, resets, cut-off bodies and slow answers (the test fails a seed that meets too few).
FAULT_SEEDS = tuple(range(1, 11))


def full_catalog(tmp_path: Path, emu: Emulator, config: dict[str, Any]) -> dict[str, Any]:
    """Segment's 16 streams selected (the opt-in ones too), discovered with faults and limits off.

    The 15 beyond them meet faults in test_more_collections.py.
    """
    fault_rate, limits = emu.fault_rate, emu.rate_limits
    emu.fault_rate, emu.rate_limits = 0.0, False
    try:
        return select(discover(tmp_path, config), set(TAP_STREAMS))
    finally:
        emu.fault_rate, emu.rate_limits = fault_rate, limits
        emu.reset_counts()


def missing_ids(emu: Emulator, emitted: dict[str, set[int]]) -> dict[str, int]:
    """How many truth ids of each stream were never emitted."""
    truth = emu.account.truth(START_EPOCH)
    return {
        stream: len(set(ids) - emitted.get(stream, set()))
        for stream, ids in truth.items()
        if set(ids) - emitted.get(stream, set())
    }


def emitted_ids(messages: list[dict[str, Any]]) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        if message["type"] == "RECORD":
            ids[message["stream"]].add(message["record"]["id"])
    return ids


# Rate limits -----------------------------------------------------------------------


@pytest.mark.slow
def test_rate_limits_at_zendesk_defaults_cause_no_429_and_only_the_waits_they_force(tmp_path):
    """Core 200/min and exports 10/min on the emulator; the tap's rate settings at defaults.

    Export pages of 60 make 12 requests on the 10/min export budget (plus the users export,
    which has its own): the first 10 go at once, the rest when the first leave the window.
    """
    with Emulator(settled_account(scale=0.2), rate_limits=True) as emu:
        config = {**emu.config(), "start_date": START_DATE, "export_page_size": 60}
        catalog = full_catalog(tmp_path, emu, config)
        emu.reset_rate_windows()  # discovery's requests belong to an earlier minute
        started = time.monotonic()
        result = run_tap(tmp_path, config, catalog=catalog)
        elapsed = time.monotonic() - started
        statuses, requests_made = emu.status_counts(), emu.request_counts()
    assert result.returncode == 0, result.stderr[-3000:]
    assert missing_ids(emu, emitted_ids(result.messages)) == {}
    exports = sum(
        n
        for path, n in requests_made.items()
        if path.startswith("/api/v2/incremental/") and not path.endswith("/users/cursor")
    )
    report = f"{statuses=} {exports=} requests={sum(requests_made.values())} {elapsed=:.0f}s"
    print(report)
    assert exports > 10, report  # more than one minute's export budget
    assert statuses.get(429, 0) == 0, report
    # The windows the export budget forces, and no more (plus start-up and the work).
    assert elapsed < (math.ceil(exports / 10) - 1) * 60 + 20, report


# Faults ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("fault_seed", FAULT_SEEDS)
def test_ten_percent_faults_lose_nothing(tmp_path, fault_seed):
    with Emulator(
        settled_account(), fault_rate=0.1, fault_seed=fault_seed, slow_seconds=0.2
    ) as emu:
        # Small export pages: more requests, so more of them meet a fault.
        config = {**emu.config(), **FAST_RATES, "start_date": START_DATE, "export_page_size": 100}
        catalog = full_catalog(tmp_path, emu, config)
        result = run_tap(tmp_path, config, catalog=catalog)
        statuses = emu.status_counts()
    assert result.returncode == 0, result.stderr[-3000:]
    assert missing_ids(emu, emitted_ids(result.messages)) == {}
    failures = sum(n for status, n in statuses.items() if status != 200)
    print(f"seed {fault_seed}: {statuses}")
    assert failures >= 2, f"seed {fault_seed} met too few faults to prove anything: {statuses}"
    assert "retry" in result.stderr or "Retry-After" in result.stderr


# Crashes ---------------------------------------------------------------------------


def run_and_kill(
    tmp_path: Path,
    config: dict[str, Any],
    catalog: dict[str, Any],
    state: dict[str, Any] | None,
    *,
    after_lines: int | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Run the tap, SIGKILL it after N lines of output (0: at once); (messages read, finished).

    Kill points are counted in output, never in time, so they land at the same place on a
    fast machine and on a busy one.
    """
    args = [
        *TAP,
        "--config",
        str(write_json(tmp_path / "config.json", config)),
        "--catalog",
        str(write_json(tmp_path / "catalog.json", catalog)),
    ]
    if state is not None:
        args += ["--state", str(write_json(tmp_path / "state.json", state))]
    stderr_path = tmp_path / "stderr.txt"
    with (
        stderr_path.open("w") as stderr,
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True) as proc,
    ):
        killed = threading.Event()
        lines: list[str] = []
        assert proc.stdout is not None
        if after_lines == 0:  # during start-up, before the first message
            killed.set()
            proc.send_signal(signal.SIGKILL)
        for line in proc.stdout:
            if killed.is_set() or not line.endswith("\n"):
                break  # cut mid-line by the kill: a target would drop it too
            lines.append(line)
            if after_lines is not None and len(lines) >= after_lines:
                killed.set()
                proc.send_signal(signal.SIGKILL)
                break  # what the pipe still holds was never read: the stricter case
        proc.wait(timeout=600)
    record_stderr(stderr_path.read_text(), config)
    finished = proc.returncode == 0 and not killed.is_set()
    if not killed.is_set():
        assert proc.returncode == 0, stderr_path.read_text()[-3000:]
    return [json.loads(line) for line in lines], finished


def test_state_is_written_per_export_page_and_never_ahead_of_records(tmp_path):
    with Emulator(settled_account()) as emu:
        config = {**emu.config(), **FAST_RATES, "start_date": START_DATE, "export_page_size": 100}
        catalog = full_catalog(tmp_path, emu, config)
        result = run_tap(tmp_path, config, catalog=catalog)
        pages = emu.request_counts()["/api/v2/incremental/ticket_events"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert assert_bookmarks_never_run_ahead(emu, result.messages) > 0
    ticket_event_bookmarks = {
        state["value"]["bookmarks"].get("ticket_events", {}).get("replication_key_value")
        for state in result.of_type("STATE")
    } - {None}
    # One STATE before every page after the first, and one at the end.
    assert pages >= 5
    assert len(ticket_event_bookmarks) >= pages - 1


@pytest.mark.parametrize("kill_seed", [1, 2, 3, 4])
def test_killed_at_random_points_and_rerun_from_last_state_loses_nothing(tmp_path, kill_seed):
    rng = random.Random(kill_seed)
    with Emulator(settled_account()) as emu:
        config = {**emu.config(), **FAST_RATES, "start_date": START_DATE, "export_page_size": 100}
        catalog = full_catalog(tmp_path, emu, config)
        union: dict[str, set[int]] = defaultdict(set)
        state: dict[str, Any] | None = None
        lines_per_run: list[int] = []
        killed = checked = 0
        for attempt in range(12):
            # Eight runs killed by output lines (every third during start-up, before any
            # output); then runs that may finish. A run that ends before its kill point
            # ends the test.
            how: dict[str, Any] = {}
            if attempt < 8:
                how = {"after_lines": 0 if attempt % 3 == 2 else rng.randint(1, 1500)}
            messages, finished = run_and_kill(tmp_path, config, catalog, state, **how)
            lines_per_run.append(len(messages))
            killed += not finished
            checked += assert_bookmarks_never_run_ahead(emu, messages, union)
            for stream, ids in emitted_ids(messages).items():
                union[stream] |= ids
            states = [m["value"] for m in messages if m["type"] == "STATE"]
            state = states[-1] if states else state
            if finished:
                break
        else:
            pytest.fail(f"no run finished: {lines_per_run=}")
        report = f"{killed=} {lines_per_run=}"
        print(report)
        assert missing_ids(emu, union) == {}, report
    assert killed >= 4, report
    assert checked > 0, report


# Secrets ---------------------------------------------------------------------------


def test_no_credential_in_any_tap_log(emulator, tmp_path):
    """Failures that print URLs and bodies, then a scan of every run of this worker so far."""
    config = {**emulator.config(), **FAST_RATES}
    oauth = {key: value for key, value in config.items() if key not in ("email", "api_token")}
    runs = [
        run_tap(tmp_path, {**config, "api_token": "wrong-" + API_TOKEN}),
        run_tap(tmp_path, {**oauth, "access_token": "wrong-" + ACCESS_TOKEN}),
        run_tap(tmp_path, {**oauth, "access_token": ACCESS_TOKEN, "start_date": "nope"}),
        # A credential pasted into a URL by mistake: the error names the URL's path.
        run_tap(tmp_path, {**config, "api_url": f"{emulator.base_url}/{API_TOKEN}"}),
        run_tap(tmp_path, {**config, "subdomain": f"{API_TOKEN}.zendesk.com.zendesk.com"}),
    ]
    assert all(run.returncode != 0 for run in runs)
    assert "********" in runs[3].stderr
    scanned = list(TAP_STDERR)
    assert len(scanned) >= len(runs)
    secrets = secrets_of() | {"wrong-" + API_TOKEN, "wrong-" + ACCESS_TOKEN}
    leaks = [(i, secret) for i, text in enumerate(scanned) for secret in secrets if secret in text]
    assert leaks == [], f"{len(leaks)} credential(s) found in {len(scanned)} tap logs"


@pytest.mark.parametrize("setting", ["api_token", "client_secret"])
def test_a_three_character_secret_is_masked_too(emulator, tmp_path, setting):
    """A secret however short never shows: a wrong 3-character one, also pasted into the
    subdomain by mistake so that the error line quotes it (masked as a whole token)."""
    secret = "Zq7"
    base = emulator.config() if setting == "api_token" else emulator.oauth_config()
    config = {**base, **FAST_RATES, setting: secret}
    runs = [
        run_tap(tmp_path, config),
        run_tap(tmp_path, {**config, "subdomain": f"{secret}.zendesk.com.zendesk.com"}),
    ]
    assert all(run.returncode == 1 for run in runs)
    assert "'********.zendesk.com.zendesk.com'" in runs[1].stderr, runs[1].stderr[-2000:]
    for run in runs:
        assert secret not in run.stderr, run.stderr[-2000:]
        assert secret not in json.dumps(run.messages)
