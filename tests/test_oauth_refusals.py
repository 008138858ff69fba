"""OAuth runs the tap refuses: every refusal (wrong secret, spent refresh token, agent role,
scope, a 401 after a refresh, a failing token endpoint, config mistakes) is one clear line
with no secret in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tap_zendesk_objects.http.retries as retries
from tap_zendesk_objects.errors import ZendeskAPIError
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET
from tests.emulator.server_auth import EMAIL
from tests.oauth_runs import api_token_config, assert_no_secret, oauth_config, refresh_config
from tests.singer import (
    FAST_RATES,
    discover,
    error_line,
    run_tap,
    select,
)


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
    emulator_factory, tmp_path, no_retry_waits
):
    """In process, with the backoff waits cut to zero: the real ones add up to minutes."""
    emu = emulator_factory(scale=0.2)
    catalog = select(discover(tmp_path, api_token_config(emu)), {"groups"})
    emu.fault_rate, emu.fault_kinds = 1.0, ("503",)
    emu.reset_counts()
    config = {**oauth_config(emu), **FAST_RATES}
    tap = TapZendeskObjects(config=config, catalog=catalog, parse_env_config=False)
    with pytest.raises(ZendeskAPIError) as caught:
        list(tap.streams["groups"].get_records(None))
    message = str(caught.value)
    assert message.startswith("POST /oauth/tokens: 503 ")
    assert message.endswith(f"still failing after {retries.MAX_TRIES} tries")
    assert emu.request_counts() == {"/oauth/tokens": retries.MAX_TRIES}
    assert CLIENT_SECRET not in message
