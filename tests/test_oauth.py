"""OAuth against the emulator: what a user of client credentials or a refresh token sees.

- Short-lived tokens (20 s) with Zendesk's default rate limits: full syncs spanning several
  token lifetimes emit every truth id, minting about one token per lifetime; the refresh grant
  rotates several times and leaves the newest refresh token in its 0600 file.
- The next refresh-grant run finds that token by itself; without the file it fails clearly.
- Every refusal is one clear line with no secret in it; a token revoked mid-run costs one
  refresh and one replayed request, nothing else.
- `--about` documents the settings, `--discover` works with OAuth settings alone, and the
  deprecated API token says so once per run.
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

import tap_zendesk_objects.retries as retries
from tap_zendesk_objects.errors import ZendeskAPIError
from tap_zendesk_objects.streams import STREAM_TYPES
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET
from tests.emulator.server import Emulator
from tests.emulator.server_auth import EMAIL
from tests.singer import (
    FAST_RATES,
    TAP,
    SyncResult,
    discover,
    record_stderr,
    run_tap,
    select,
    shown_secrets,
    write_json,
)
from tests.test_bad_input import assert_refused_before_any_request, error_line
from tests.test_resilience import account, assert_bookmarks_never_run_ahead

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
LIFETIME = 20  # seconds: the emulator's access tokens in the long runs
# The incremental export bucket paces at 10 requests a minute (6 s apart): pages of 60 at
# scale 0.2 make 11 export requests, about a minute at the tap's default rates.
LONG_SCALE, LONG_PAGE = 0.2, 60
DEFAULT_STREAMS = sorted(t.name for t in STREAM_TYPES if t.selected_by_default)
TICKETS_EXPORT = "/api/v2/incremental/tickets/cursor"


def oauth_config(emu: Emulator, **extra: Any) -> dict[str, Any]:
    """Client credentials alone: no email, api_token or access_token."""
    return {**emu.oauth_config(), "start_date": START_DATE, **extra}


def refresh_config(emu: Emulator, tmp_path: Path, **extra: Any) -> dict[str, Any]:
    """The refresh grant, from a token an admin just authorized, its chain kept in tmp_path."""
    return oauth_config(
        emu,
        refresh_token=emu.oauth.issue_refresh_token("read"),
        oauth_token_file=str(tmp_path / "state" / "zendesk-refresh-token.json"),
        **extra,
    )


def api_token_config(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {**emu.config(), "start_date": START_DATE, **extra}


def token_count(emu: Emulator) -> int:
    return sum(emu.oauth.token_requests().values())


def assert_no_secret(result: SyncResult, config: dict[str, Any]) -> None:
    """No client secret, refresh token or access token on stdout or stderr."""
    stdout = json.dumps(result.messages)
    leaked = shown_secrets(stdout, config) + shown_secrets(result.stderr, config)
    assert not leaked, f"{len(leaked)} secret(s) on the tap's output"


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


def test_client_credentials_sync_spanning_several_token_lifetimes(tmp_path):
    with Emulator(account(LONG_SCALE), rate_limits=True, token_lifetime=LIFETIME) as emu:
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


def test_refresh_grant_sync_rotating_several_times_keeps_the_newest_token(tmp_path):
    with Emulator(account(LONG_SCALE), rate_limits=True, token_lifetime=LIFETIME) as emu:
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
    with Emulator(account(0.2), token_lifetime=LIFETIME) as emu:
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


# One clear line each, no secret ------------------------------------------------------------


@pytest.fixture
def tickets_catalog(emulator, tmp_path) -> dict[str, Any]:
    """groups and tickets (an export: the run checks the user is an admin first)."""
    catalog = select(discover(tmp_path, api_token_config(emulator)), {"groups", "tickets"})
    emulator.reset_counts()
    return catalog


def failed_run(
    tmp_path: Path, config: dict[str, Any], catalog: dict[str, Any] | None = None
) -> str:
    result = run_tap(tmp_path, config, catalog=catalog)
    line = error_line(result)
    assert result.returncode == 1
    assert not result.records("groups") and not result.records("tickets")
    assert_no_secret(result, config)
    return line


def test_wrong_client_secret(emulator, tmp_path, tickets_catalog):
    config = oauth_config(emulator, client_secret="not-the-" + CLIENT_SECRET)
    line = failed_run(tmp_path, config, tickets_catalog)
    assert "invalid_client" in line
    assert f"OAuth client {CLIENT_ID}" in line
    assert "`client_secret`" in line
    assert emulator.oauth.token_requests() == {"client_credentials": 1}, "never retried"


def test_refused_refresh_token(emulator, tmp_path, tickets_catalog):
    config = refresh_config(emulator, tmp_path)
    emulator.oauth.expire_refresh_tokens()
    line = failed_run(tmp_path, config, tickets_catalog)
    assert "invalid_grant" in line
    assert "used, expired or revoked" in line
    assert "authorize again" in line.lower()
    assert emulator.oauth.token_requests() == {"refresh_token": 1}


def test_non_admin_user_is_named_with_its_role(emulator, tmp_path, tickets_catalog):
    emulator.role = "agent"
    line = failed_run(tmp_path, oauth_config(emulator), tickets_catalog)
    assert f"OAuth client {CLIENT_ID} (client credentials) acts as {EMAIL}" in line
    assert "role is agent" in line
    assert "tickets need an admin" in line
    counts = emulator.request_counts()
    assert counts == {"/oauth/tokens": 1, "/api/v2/users/me": 1}, "stopped before any stream"


def test_disallowed_scope_is_named(emulator, tmp_path, tickets_catalog):
    config = oauth_config(emulator, oauth_scope="tickets:read admin:all")
    line = failed_run(tmp_path, config, tickets_catalog)
    assert "invalid_scope" in line
    assert "'tickets:read admin:all'" in line
    assert "`oauth_scope`" in line
    assert emulator.request_counts() == {"/oauth/tokens": 1}


def test_a_scope_that_cannot_read_the_user_is_named(emulator, tmp_path, tickets_catalog):
    """An allowed scope that does not reach /users/me: the check says so, no stream to deselect."""
    config = oauth_config(emulator, oauth_scope="tickets:read")
    line = failed_run(tmp_path, config, tickets_catalog)
    assert line.startswith("GET /api/v2/users/me: 403 ")
    assert "'tickets:read'" in line
    assert "set `oauth_scope` to `read`" in line
    assert "current_user" not in line and "deselect" not in line
    assert emulator.request_counts() == {"/oauth/tokens": 1, "/api/v2/users/me": 1}


def test_a_401_that_persists_after_a_refresh(emulator, tmp_path, tickets_catalog):
    emulator.oauth.dead_on_arrival = True  # every new token is refused from its first use
    line = failed_run(tmp_path, oauth_config(emulator), tickets_catalog)
    assert "401" in line
    assert "invalid_token" in line
    assert "also after a token refresh" in line
    assert f"OAuth client {CLIENT_ID}" in line
    assert "`client_id` and `client_secret`" in line
    assert emulator.oauth.token_requests() == {"client_credentials": 2}, "one refresh, no more"
    assert emulator.status_counts().get(401) == 2


def test_a_token_endpoint_that_keeps_failing_is_retried_then_named(
    emulator_factory, tmp_path, monkeypatch
):
    """In process, with the backoff waits cut to zero: the real ones add up to minutes."""
    emu = emulator_factory(scale=0.2)
    catalog = select(discover(tmp_path, api_token_config(emu)), {"groups"})
    emu.fault_rate, emu.fault_kinds = 1.0, ("503",)
    emu.reset_counts()
    monkeypatch.setattr(retries, "retry_backoff", lambda _failures: 0.0)
    config = {**oauth_config(emu), **FAST_RATES}
    tap = TapZendeskObjects(config=config, catalog=catalog, parse_env_config=False)
    with pytest.raises(ZendeskAPIError) as caught:
        list(tap.streams["groups"].get_records(None))
    message = str(caught.value)
    assert message.startswith("POST /oauth/tokens: 503 ")
    assert message.endswith(f"still failing after {retries.MAX_TRIES} tries")
    assert emu.request_counts() == {"/oauth/tokens": retries.MAX_TRIES}
    assert CLIENT_SECRET not in message


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (
            {"email": EMAIL, "api_token": "an-api-token-that-must-not-show"},
            ["conflicting credentials", "`client_id`/`client_secret`", "`email`/`api_token`"],
        ),
        (
            {"access_token": "an-access-token-that-must-not-show"},
            ["conflicting credentials", "`access_token`"],
        ),
        (
            {"client_secret": None},
            ["`client_id` and `client_secret`", "`client_secret` is missing"],
        ),
        (
            {"client_id": None, "refresh_token": "a-refresh-token-that-must-not-show"},
            ["`client_id` is missing"],
        ),
        ({"oauth_token_lifetime": 100}, ["`oauth_token_lifetime`", "300", "172800", "not 100"]),
        ({"oauth_token_lifetime": 172_800}, ["`oauth_token_lifetime`", "not 172800"]),
        ({"oauth_scope": " "}, ["`oauth_scope` is empty"]),
    ],
)
def test_oauth_config_mistakes_stop_before_any_request(emulator, tmp_path, change, needles):
    config = {**oauth_config(emulator), **change}
    result = assert_refused_before_any_request(emulator, tmp_path, config, needles)
    assert_no_secret(result, config)
    assert emulator.oauth.token_requests() == {}


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
    emu = emulator_factory(account=account(0.2))
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


# Settings, discovery, the API token's deprecation ---------------------------------------------


def test_about_documents_the_oauth_settings():
    proc = subprocess.run(
        [*TAP, "--about", "--format", "json"], capture_output=True, text=True, check=True
    )
    settings = json.loads(proc.stdout)["settings"]["properties"]
    for key in ("client_id", "client_secret", "refresh_token", "oauth_scope"):
        assert settings[key]["title"] and settings[key]["description"], key
    for key in ("oauth_token_lifetime", "oauth_token_file"):
        assert settings[key]["title"] and settings[key]["description"], key
    assert settings["client_secret"].get("secret") is True
    assert settings["refresh_token"].get("secret") is True
    assert not settings["client_id"].get("secret")
    assert settings["oauth_scope"]["default"] == "read"
    assert settings["oauth_token_lifetime"]["default"] == 1800
    assert "integer" in settings["oauth_token_lifetime"]["type"]
    assert "0600" in settings["oauth_token_file"]["description"]


def test_discover_with_client_credentials_alone_finds_the_custom_field_columns(emulator, tmp_path):
    with_token = discover(tmp_path, api_token_config(emulator))
    emulator.reset_counts()
    with_oauth = discover(tmp_path, oauth_config(emulator))
    assert emulator.oauth.token_requests() == {"client_credentials": 1}
    counts = emulator.request_counts()
    assert {"/api/v2/ticket_fields", "/api/v2/user_fields", "/api/v2/organization_fields"} <= set(
        counts
    ), "the field lists were read with the OAuth token"

    def columns(catalog: dict[str, Any]) -> dict[str, set[str]]:
        return {e["stream"]: set(e["schema"]["properties"]) for e in catalog["streams"]}

    assert columns(with_oauth) == columns(with_token)
    custom = {c for c in columns(with_oauth)["tickets"] if c.startswith("custom_")}
    assert custom, "the tickets schema has the custom field columns"


def test_api_token_auth_warns_once_per_run(emulator, tmp_path):
    config = {**api_token_config(emulator), **FAST_RATES}
    catalog = select(discover(tmp_path, config), {"groups", "tickets"})
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    warnings = [line for line in result.stderr.splitlines() if "2027-04-30" in line]
    assert len(warnings) == 1, warnings
    assert "deprecated" in warnings[0]
    assert "`client_id`" in warnings[0] and "`client_secret`" in warnings[0]
    discovery = subprocess.run(
        [*TAP, "--config", str(tmp_path / "config.json"), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    record_stderr(discovery.stderr, config)
    assert discovery.stderr.count("2027-04-30") == 1


def test_oauth_runs_never_print_the_deprecation(emulator, tmp_path, tickets_catalog):
    result = run_tap(tmp_path, {**oauth_config(emulator), **FAST_RATES}, catalog=tickets_catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "2027-04-30" not in result.stderr
