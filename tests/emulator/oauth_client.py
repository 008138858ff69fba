"""Test-side helpers for the emulator's OAuth token endpoint: the two grants, a bearer GET,
and the checks of an OAuth error answer and of a dead access token.
"""

from __future__ import annotations

import requests

from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET
from tests.emulator.server import Emulator

ME = "/api/v2/users/me"


CLIENT = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def token(emu: Emulator, **body) -> requests.Response:
    return requests.post(emu.base_url + "/oauth/tokens", json=body, timeout=10)


def client_credentials(emu: Emulator, **extra) -> requests.Response:
    return token(emu, grant_type="client_credentials", **CLIENT, **extra)


def refresh(emu: Emulator, refresh_token: str, **extra) -> requests.Response:
    return token(emu, grant_type="refresh_token", refresh_token=refresh_token, **CLIENT, **extra)


def api(emu: Emulator, access_token: str, path: str = ME, **params) -> requests.Response:
    headers = {"Authorization": f"Bearer {access_token}"}
    return requests.get(emu.base_url + path, headers=headers, params=params, timeout=10)


def assert_error(r: requests.Response, status: int, error: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "error_description"}
    assert body["error"] == error
    assert body["error_description"]


def assert_dead(emu: Emulator, access_token: str) -> None:
    r = api(emu, access_token)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_token"
