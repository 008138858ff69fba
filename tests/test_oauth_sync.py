"""OAuth syncs against the emulator: what a user of client credentials or a refresh token sees.

- Short-lived tokens (20 s) with Zendesk's default rate limits: full syncs spanning several
  token lifetimes emit every truth id, minting about one token per lifetime; the refresh grant
  rotates several times and leaves the newest refresh token in its 0600 file.
- The next refresh-grant run finds that token by itself; without the file it fails clearly.
- A token revoked mid-run costs one refresh and one replayed request, nothing else.
"""

from __future__ import annotations

import itertools
import json
import math
import stat
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tap_zendesk_objects.streams import STREAM_TYPES
from tests.bookmarks import START_EPOCH, assert_bookmarks_never_run_ahead
from tests.emulator.fixtures import settled_account
from tests.emulator.server import Emulator
from tests.oauth_runs import api_token_config, assert_no_secret, oauth_config, refresh_config
from tests.singer import (
    FAST_RATES,
    TAP,
    SyncResult,
    discover,
    error_line,
    record_stderr,
    run_tap,
    select,
    write_json,
)

LIFETIME = 20  # seconds: the emulator's access tokens in the long runs
# The incremental export bucket paces at 10 requests a minute (6 s apart): pages of 60 at
# scale 0.2 make 11 export requests, about a minute at the tap's default rates.
LONG_SCALE, LONG_PAGE = 0.2, 60
DEFAULT_STREAMS = sorted(t.name for t in STREAM_TYPES if t.selected_by_default)
TICKETS_EXPORT = "/api/v2/incremental/tickets/cursor"


def assert_every_truth_id(
    emu: Emulator, result: SyncResult, streams: list[str], *, once: bool = True
) -> None:
    """Every stream emitted exactly its truth ids (compared as tests/test_sync.py does)."""
    truth = emu.account.truth(START_EPOCH)
    for stream in streams:
        assert truth[stream], f"the emulator has no {stream}: the test would prove nothing"
        emitted = [record["id"] for record in result.records(stream)]
        assert set(emitted) == set(truth[stream]), stream
        if once:
            assert len(emitted) == len(truth[stream]), f"{stream}: records emitted twice"


def token_file_mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# Long runs: several token lifetimes at Zendesk's default rate limits -----------------------


def long_sync(tmp_path: Path, emu: Emulator, config: dict[str, Any]) -> tuple[SyncResult, float]:
    """A full sync of every default stream (no catalog: discovery too), timed."""
    started = time.monotonic()
    result = run_tap(tmp_path, config)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    # The precondition of the token count below: the run outlived two token lifetimes.
    assert elapsed > 2 * LIFETIME, f"run took {elapsed:.0f} s, not over {2 * LIFETIME} s"
    return result, elapsed


def assert_about_one_token_per_lifetime(tokens: int, elapsed: float, report: str) -> None:
    # A token is renewed at 90% of its lifetime (the margin is 10% of 20 s), plus the first.
    assert 2 <= tokens <= math.ceil(elapsed / (LIFETIME * 0.9)) + 1, report


@pytest.mark.slow
def test_client_credentials_sync_spanning_several_token_lifetimes(tmp_path):
    with Emulator(settled_account(LONG_SCALE), rate_limits=True, token_lifetime=LIFETIME) as emu:
        config = oauth_config(emu, export_page_size=LONG_PAGE)
        result, elapsed = long_sync(tmp_path, emu, config)
        tokens = emu.oauth.token_requests()
        statuses = emu.status_counts()
        report = f"elapsed={elapsed:.1f}s {tokens=} {statuses=}"
        print(report)
        assert result.streams() == set(DEFAULT_STREAMS), report
        assert_every_truth_id(emu, result, DEFAULT_STREAMS)
    assert set(tokens) == {"client_credentials"}, report
    assert_about_one_token_per_lifetime(tokens["client_credentials"], elapsed, report)
    assert "OAuth token 2 obtained" in result.stderr, "the log shows the renewals"
    assert_no_secret(result, config)


@pytest.mark.slow
def test_refresh_grant_sync_rotating_several_times_keeps_the_newest_token(tmp_path):
    with Emulator(settled_account(LONG_SCALE), rate_limits=True, token_lifetime=LIFETIME) as emu:
        config = refresh_config(emu, tmp_path, export_page_size=LONG_PAGE)
        result, elapsed = long_sync(tmp_path, emu, config)
        tokens = emu.oauth.token_requests()
        statuses = emu.status_counts()
        live = emu.oauth.live_refresh_tokens()
        report = f"elapsed={elapsed:.1f}s {tokens=} {statuses=}"
        print(report)
        assert_every_truth_id(emu, result, DEFAULT_STREAMS)
    assert set(tokens) == {"refresh_token"}, report
    rotations = tokens["refresh_token"]  # every refresh grant that succeeded rotated the token
    assert rotations >= 2, report
    assert_about_one_token_per_lifetime(rotations, elapsed, report)
    token_file = Path(config["oauth_token_file"])
    assert token_file_mode(token_file) == 0o600
    kept = json.loads(token_file.read_text())["refresh_token"]
    assert live == {kept}, "the file holds the one refresh token Zendesk accepts next"
    assert kept != config["refresh_token"]
    assert_no_secret(result, config)


# The next refresh-grant runs -------------------------------------------------------------


def test_refresh_grant_runs_again_and_again_without_the_user_changing_anything(tmp_path):
    with Emulator(settled_account(0.2), token_lifetime=LIFETIME) as emu:
        config = refresh_config(emu, tmp_path, **FAST_RATES)
        # --discover first, as a user does: its token request already rotates the chain.
        catalog = select(discover(tmp_path, config), {"groups", "tickets"})
        config_path = tmp_path / "config.json"
        runs = []
        for _ in range(3):
            result = run_tap(tmp_path, config, catalog=catalog)
            assert result.returncode == 0, result.stderr[-3000:]
            assert_every_truth_id(emu, result, ["groups", "tickets"])
            assert_no_secret(result, config)
            runs.append(result)
        assert json.loads(config_path.read_text()) == config, "the config is never rewritten"
        assert emu.oauth.token_requests() == {"refresh_token": 4}
        assert emu.status_counts().get(401, 0) == 0

        # Without its file the run falls back on the config's token, spent by the first run.
        Path(config["oauth_token_file"]).unlink()
        failed = run_tap(tmp_path, config, catalog=catalog)
    line = error_line(failed)
    assert "invalid_grant" in line
    assert "used, expired or revoked" in line
    assert "client credentials" in line
    assert failed.messages == []
    assert_no_secret(failed, config)


# A token revoked mid-run -------------------------------------------------------------------


class HoldAfterFirstExportPage:
    """Holds every API request after the first tickets export page until `release()`.

    By then the tap has written that page's records (a STATE flushes them before the next
    request), so the test reads a RECORD line, acts, and releases: no timing involved.
    """

    def __init__(self, emu: Emulator) -> None:
        self._authorize = emu.oauth.authorize
        self._first_page_served = False
        self._released = threading.Event()
        emu.oauth.authorize = self  # type: ignore[method-assign]

    def __call__(self, token: str, path: str) -> int:
        if self._first_page_served:
            self._released.wait(120)
        elif path == TICKETS_EXPORT:
            self._first_page_served = True
        return self._authorize(token, path)

    def release(self) -> None:
        self._released.set()


def test_a_token_revoked_mid_run_costs_one_refresh_and_one_replay(emulator_factory, tmp_path):
    emu = emulator_factory(account=settled_account(0.2))
    streams = ["groups", "organizations", "tickets", "users"]
    catalog = select(discover(tmp_path, api_token_config(emu)), set(streams))
    config = oauth_config(emu, **FAST_RATES, export_page_size=50)
    emu.reset_counts()
    hold = HoldAfterFirstExportPage(emu)
    args = [
        *TAP,
        "--config",
        str(write_json(tmp_path / "config.json", config)),
        "--catalog",
        str(write_json(tmp_path / "catalog.json", catalog)),
    ]
    stderr_path = tmp_path / "stderr.txt"
    lines: list[str] = []
    revoked = False
    with (
        stderr_path.open("w") as stderr,
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=stderr, text=True) as proc,
    ):
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                lines.append(line)
                if not revoked and json.loads(line)["type"] == "RECORD":
                    emu.oauth.revoke_access_tokens()  # Zendesk revokes the run's token
                    revoked = True
                    hold.release()
        finally:
            hold.release()
        returncode = proc.wait(timeout=300)
    stderr_text = stderr_path.read_text()
    record_stderr(stderr_text, config)
    result = SyncResult(returncode, stderr_text, [json.loads(line) for line in lines])
    assert result.returncode == 0, stderr_text[-3000:]
    assert revoked
    assert emu.status_counts().get(401) == 1, emu.status_counts()
    assert emu.oauth.token_requests() == {"client_credentials": 2}, "one refresh"
    assert "401; replaying it with a new token" in stderr_text
    assert emu.request_counts()[TICKETS_EXPORT] >= 3, "the tickets export has pages to go"
    assert_every_truth_id(emu, result, streams)
    # The replayed page wrote no STATE of its own, and none ran ahead of the records.
    assert assert_bookmarks_never_run_ahead(emu, result.messages) > 0
    states = [json.dumps(m["value"], sort_keys=True) for m in result.of_type("STATE")]
    assert all(a != b for a, b in itertools.pairwise(states)), "a STATE repeated"
    assert_no_secret(result, config)
