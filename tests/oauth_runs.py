"""Configs and checks shared by the OAuth tests that run the tap against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.emulator.server import Emulator
from tests.singer import SyncResult, shown_secrets

START_DATE = "2000-01-01T00:00:00Z"


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


def assert_no_secret(result: SyncResult, config: dict[str, Any]) -> None:
    """No client secret, refresh token or access token on stdout or stderr."""
    stdout = json.dumps(result.messages)
    leaked = shown_secrets(stdout, config) + shown_secrets(result.stderr, config)
    assert not leaked, f"{len(leaked)} secret(s) on the tap's output"
