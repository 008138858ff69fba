"""Bad input: one clear line on stderr naming the problem, a non-zero exit, no traceback.

Config, state and catalog mistakes, and the API answers a wrong setup gets (401, 403, 404).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tap_zendesk_objects.http.retries as retries
from tap_zendesk_objects.errors import ZendeskAPIError
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.server import Emulator
from tests.emulator.server_auth import ACCESS_TOKEN, EMAIL
from tests.oauth_runs import assert_no_secret
from tests.singer import (
    FAST_RATES,
    discover,
    error_line,
    run_tap,
    select,
)


def base_config(emulator: Emulator) -> dict:
    return {**emulator.config(), **FAST_RATES}


# Config ----------------------------------------------------------------------------


def test_a_config_mistake_is_one_line_a_non_zero_exit_and_no_request(emulator, tmp_path):
    """End to end through the command line; every other case is a unit test of check_config
    (tests/test_config_checks.py). A secret in the config never shows in the line."""
    secret = "an-api-token-that-must-not-show"
    config = {**emulator.oauth_config(), **FAST_RATES, "email": EMAIL, "api_token": secret}
    result = run_tap(tmp_path, config)
    line = error_line(result)
    assert result.returncode == 1
    assert line.startswith("conflicting credentials: ")
    for needle in ("`client_id`/`client_secret`", "`email`/`api_token`"):
        assert needle in line
    assert result.messages == []
    assert_no_secret(result, config)
    assert emulator.request_counts() == {}, "a config error must stop the tap before any request"
    assert emulator.oauth.token_requests() == {}


def test_subdomain_variants_that_are_accepted(emulator, tmp_path):
    catalog = select(discover(tmp_path, base_config(emulator)), {"groups"})
    for subdomain in ("emulator", "Emulator.zendesk.com", "https://emulator.zendesk.com/"):
        result = run_tap(
            tmp_path, {**base_config(emulator), "subdomain": subdomain}, catalog=catalog
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.ids("groups")


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ('{"subdomain": ', ["config file", "not valid JSON", "line 1"]),
        ("[1, 2]", ["config file", "must hold a JSON object, not an array"]),
    ],
)
def test_malformed_config_file(tmp_path, text, needles):
    path = tmp_path / "broken.json"
    path.write_text(text)
    result = run_tap(tmp_path, {}, extra_args=["--config", str(path)])
    line = error_line(result)
    for needle in [str(path), *needles]:
        assert needle in line


def test_missing_config_file(tmp_path):
    missing = tmp_path / "nope.json"
    result = run_tap(tmp_path, {}, extra_args=["--config", str(missing)])
    assert error_line(result) == f"the config file {missing} does not exist"


# State -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (None, ["does not exist"]),
        ('{"bookmarks": {"tickets": ', ["not valid JSON"]),
        ("[]", ["must hold a JSON object, not an array"]),
        ('"bookmarks"', ["must hold a JSON object, not a string"]),
        ('{"bookmarks": []}', ["`bookmarks` must be an object"]),
        ('{"bookmarks": {"tickets": 5}}', ["bookmark of stream 'tickets' is not an object"]),
        (
            '{"bookmarks": {"tickets": {"replication_key_value": "soon"}}}',
            ["bookmark of stream 'tickets' is 'soon', not a time"],
        ),
        ('{"type": "STATE", "value": {"bookmarks": {}}}', ["whole STATE message", "`value`"]),
    ],
)
def test_unreadable_or_malformed_state(emulator, tmp_path, text, needles):
    path = tmp_path / "state.json"
    if text is not None:
        path.write_text(text)
    result = run_tap(tmp_path, base_config(emulator), extra_args=["--state", str(path)])
    line = error_line(result)
    assert line.startswith(f"the state file {path}")
    for needle in needles:
        assert needle in line
    assert emulator.request_counts() == {}


def test_unreadable_state_file(emulator, tmp_path):
    path = tmp_path / "state.json"
    path.write_text("{}")
    path.chmod(0)
    try:
        path.read_text()  # root reads anything: then a folder stands in as the unreadable file
    except PermissionError:
        expected = f"cannot read the state file {path}: Permission denied"
    else:
        path.unlink()
        path.mkdir()
        expected = f"the state file {path} is a directory"
    result = run_tap(tmp_path, base_config(emulator), extra_args=["--state", str(path)])
    assert error_line(result) == expected
    assert emulator.request_counts() == {}


def test_state_the_tap_wrote_is_accepted(emulator, tmp_path):
    catalog = select(discover(tmp_path, base_config(emulator)), {"organizations"})
    first = run_tap(tmp_path, base_config(emulator), catalog=catalog)
    assert first.returncode == 0
    again = run_tap(tmp_path, base_config(emulator), catalog=catalog, state=first.final_state)
    assert again.returncode == 0, again.stderr[-2000:]


# Catalog ---------------------------------------------------------------------------


def test_catalog_naming_an_unknown_stream(emulator, tmp_path):
    catalog = discover(tmp_path, base_config(emulator))
    bogus = json.loads(json.dumps(catalog["streams"][0]))
    bogus["tap_stream_id"] = bogus["stream"] = "tickets_archive"
    catalog["streams"].append(bogus)
    result = run_tap(tmp_path, base_config(emulator), catalog=catalog)
    line = error_line(result)
    assert "unknown stream(s) tickets_archive" in line
    assert "tickets" in line.split("this tap has:")[1]


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ('{"streams": [', ["catalog file", "not valid JSON"]),
        ('{"stream": []}', ["no `streams` list", "--discover"]),
        ('{"streams": [{"schema": {}}]}', ["entry 0 of `streams` names no stream"]),
    ],
)
def test_malformed_catalog(emulator, tmp_path, text, needles):
    path = tmp_path / "catalog.json"
    path.write_text(text)
    result = run_tap(tmp_path, base_config(emulator), extra_args=["--catalog", str(path)])
    line = error_line(result)
    for needle in needles:
        assert needle in line


# What Zendesk answers a wrong setup ------------------------------------------------


def test_401_with_a_wrong_api_token(emulator, tmp_path):
    config = {**base_config(emulator), "api_token": "not-the-right-token-42"}
    line = error_line(run_tap(tmp_path, config))
    assert "401" in line
    assert f"API token of {EMAIL}" in line
    assert "`email` and `api_token`" in line
    assert "not-the-right-token-42" not in line


def test_401_with_a_wrong_oauth_token(emulator, tmp_path):
    config = {**base_config(emulator), "access_token": "expired-oauth-token-42"}
    del config["email"], config["api_token"]
    line = error_line(run_tap(tmp_path, config))
    assert "401" in line
    assert "OAuth access_token" in line
    assert "invalid_token" in line


def test_the_right_oauth_token_works(emulator, tmp_path):
    config = {**base_config(emulator), "access_token": ACCESS_TOKEN}
    del config["email"], config["api_token"]
    catalog = select(discover(tmp_path, config), {"groups"})
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]


def test_non_admin_credentials_stop_before_any_export_naming_the_role(emulator, tmp_path):
    catalog = select(discover(tmp_path, base_config(emulator)), {"groups", "tickets"})
    emulator.role = "agent"  # users/me says agent; the exports would answer 403
    emulator.reset_counts()
    result = run_tap(tmp_path, base_config(emulator), catalog=catalog)
    line = error_line(result)
    assert f"API token of {EMAIL} acts as {EMAIL}" in line
    assert "role is agent" in line
    assert "tickets need an admin" in line
    assert "deselect" in line
    assert emulator.request_counts() == {"/api/v2/users/me": 1}, "checked before any stream"


def test_exports_agents_may_read_need_no_admin(emulator, tmp_path):
    """The Help Center's article export and the custom object record export allow agents."""
    streams = {"help_center_articles", "custom_object_records"}
    catalog = select(discover(tmp_path, base_config(emulator)), streams)
    emulator.role = "agent"
    emulator.reset_counts()
    result = run_tap(tmp_path, base_config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/api/v2/users/me" not in emulator.request_counts()
    assert result.streams() == streams


def test_an_export_read_for_a_selected_stream_is_checked_too(emulator, tmp_path):
    """conversation_log alone: the tickets export is read for it, and needs an admin."""
    catalog = select(discover(tmp_path, base_config(emulator)), {"conversation_log"})
    emulator.role = "agent"
    emulator.reset_counts()
    result = run_tap(tmp_path, base_config(emulator), catalog=catalog)
    assert "tickets need an admin" in error_line(result)
    assert emulator.request_counts() == {"/api/v2/users/me": 1}


def test_lists_alone_need_no_admin_and_no_check(emulator, tmp_path):
    catalog = select(discover(tmp_path, base_config(emulator)), {"groups"})
    emulator.role = "agent"
    emulator.reset_counts()
    result = run_tap(tmp_path, base_config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "/api/v2/users/me" not in emulator.request_counts()


def test_403_on_an_enterprise_stream_is_only_a_warning(emulator_factory, tmp_path):
    emu = emulator_factory(scale=0.2, enterprise=False)
    catalog = select(discover(tmp_path, base_config(emu)), {"audit_logs", "ticket_forms"})
    result = run_tap(tmp_path, base_config(emu), catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "skipped" in result.stderr


def test_404_at_the_account_root_means_a_wrong_subdomain(emulator_factory, tmp_path):
    emu = emulator_factory(scale=0.2, unknown_subdomain=True)
    line = error_line(run_tap(tmp_path, base_config(emu)))
    assert "no Zendesk account at" in line
    assert "404" in line
    assert "use `acme`" in line
    assert "not `acme.zendesk.com`" in line


def test_404_at_the_account_root_beats_plan_gating(emulator_factory, tmp_path):
    """A wrong subdomain must not pass for "a plan without audit logs"."""
    emu = emulator_factory(scale=0.2, unknown_subdomain=True)
    catalog = select(discover(tmp_path, base_config(emu)), {"audit_logs"})
    line = error_line(run_tap(tmp_path, base_config(emu), catalog=catalog))
    assert "no Zendesk account at" in line


def test_a_transient_error_that_never_ends_fails_naming_endpoint_and_status(
    emulator_factory, no_retry_waits
):
    """In process, with the backoff waits cut to zero: the real ones add up to minutes."""
    emu = emulator_factory(scale=0.2, fault_rate=1.0, fault_kinds=("503",))
    tap = TapZendeskObjects(config=base_config(emu), parse_env_config=False)
    with pytest.raises(ZendeskAPIError) as caught:
        list(tap.streams["groups"].get_records(None))
    message = str(caught.value)
    assert message.startswith("GET /api/v2/groups: 503 ")
    assert f"still failing after {retries.MAX_TRIES} tries" in message
    assert emu.request_counts()["/api/v2/groups"] == retries.MAX_TRIES


def test_an_unreachable_host_fails_the_same_way(no_retry_waits):
    config = {"subdomain": "acme", "access_token": "x" * 20, "api_url": "http://127.0.0.1:9"}
    tap = TapZendeskObjects(config={**config, **FAST_RATES}, parse_env_config=False)
    with pytest.raises(ZendeskAPIError, match=r"GET /api/v2/groups: connection failed"):
        list(tap.streams["groups"].get_records(None))


def test_usage_errors_stay_short(tmp_path):
    config = {"subdomain": "acme", "access_token": "x" * 20}
    result = run_tap(tmp_path, config, extra_args=["--no-such-option"])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 4


def test_missing_file_paths_are_never_guessed(tmp_path):
    """`--config` given twice: both files are checked, the missing one is named."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"subdomain": "acme", "access_token": "x" * 20}))
    missing = Path(tmp_path / "missing.json")
    result = run_tap(tmp_path, {}, extra_args=["--config", str(good), "--config", str(missing)])
    assert str(missing) in error_line(result)
