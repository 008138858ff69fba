"""OAuth settings: `--about` documents them, `--discover` works with OAuth settings alone, and
the deprecated API token says so once per run (OAuth runs never do).
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.oauth_runs import api_token_config, oauth_config
from tests.singer import FAST_RATES, TAP, discover, record_stderr, run_tap, select

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
