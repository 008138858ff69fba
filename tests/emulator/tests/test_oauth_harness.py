"""The emulator's OAuth side as a test harness: token requests counted and outside the rate
budgets, faults on the token endpoint, /users/me's role switch, the issuer on its own, and
the command line's token lifetime and client lines.
"""

from __future__ import annotations

import json

import pytest
import requests

from tests.emulator.fixtures import FakeClock
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET, OAuthIssuer
from tests.emulator.oauth_client import CLIENT, ME, api, client_credentials, refresh, token
from tests.emulator.server_auth import ACCESS_TOKEN


# ---------------------------------------------------------------- accounting
def test_token_requests_counted_and_free_of_rate_budgets(emulator_factory):
    emu = emulator_factory(rate_limits=True, core_per_minute=2)
    for _ in range(5):
        assert client_credentials(emu).ok
    r = token(emu, grant_type="password", **CLIENT)
    assert r.status_code == 400 and "X-Rate-Limit" not in r.headers
    rt = emu.oauth.issue_refresh_token()
    assert refresh(emu, rt).ok and refresh(emu, rt).status_code == 400
    assert emu.request_counts() == {"/oauth/tokens": 8}
    assert emu.oauth.token_requests() == {
        "client_credentials": 5,
        "password": 1,
        "refresh_token": 2,
    }
    assert emu.status_counts() == {200: 6, 400: 2}
    # the core budget of 2 is untouched by the 8 token requests
    access = client_credentials(emu).json()["access_token"]
    r = api(emu, access, "/api/v2/groups")
    assert r.ok and r.headers["X-Rate-Limit-Remaining"] == "1"


def test_fault_injection_applies_to_the_token_endpoint(emulator_factory):
    emu = emulator_factory(fault_rate=1.0, fault_kinds=("503",))
    assert client_credentials(emu).status_code == 503
    assert emu.request_counts() == {"/oauth/tokens": 1}


def test_token_requests_unreadable_body_counted_without_grant(emulator):
    url = emulator.base_url + "/oauth/tokens"
    requests.post(url, data={"grant_type": "client_credentials"}, timeout=10)
    assert emulator.oauth.token_requests() == {"": 1}


# ---------------------------------------------------------------- users/me and role
@pytest.mark.parametrize("role", ["agent", "end-user"])
def test_users_me_honours_role(emulator, role):
    emulator.role = role
    r = api(emulator, ACCESS_TOKEN)
    assert r.ok
    user = r.json()["user"]
    assert set(r.json()) == {"user"}
    assert user["role"] == role and user["role_type"] is None
    emulator.role = "admin"
    admin = api(emulator, ACCESS_TOKEN).json()["user"]
    assert admin["role"] == "admin" and admin["id"] == user["id"]


def test_issuer_on_its_own():
    clock = FakeClock()
    issuer = OAuthIssuer(token_lifetime=400, clock=clock)
    body = json.dumps({"grant_type": "client_credentials", **CLIENT}).encode()
    status, answer = issuer.token_response("application/json", body)
    assert status == 200 and answer["expires_in"] == 400
    assert issuer.authorize(answer["access_token"], ME) == 200
    clock.now += 400
    assert issuer.authorize(answer["access_token"], ME) == 401
    assert issuer.token_requests() == {"client_credentials": 1}


def test_command_line_token_lifetime_and_client_lines():
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]  # the repository: `python -m tests.emulator`
    cmd = [sys.executable, "-m", "tests.emulator", "--port", "0", "--scale", "0.1",
           "--token-lifetime", "20"]  # fmt: skip
    with subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, text=True) as proc:
        try:
            lines = [proc.stdout.readline()]
            while "Ctrl-C" not in lines[-1]:
                assert lines[-1], "the emulator's output ended before its Ctrl-C line"
                lines.append(proc.stdout.readline())
            text = "".join(lines)
            base_url = lines[0].split(" at ")[1].split()[0]
            assert f"client_id={CLIENT_ID}" in text and f"client_secret={CLIENT_SECRET}" in text
            rt = text.split("refresh_token=")[1].split()[0]
            url = base_url + "/oauth/tokens"
            body = {"grant_type": "client_credentials", **CLIENT}
            assert requests.post(url, json=body, timeout=10).json()["expires_in"] == 20
            body = {"grant_type": "refresh_token", "refresh_token": rt, **CLIENT}
            assert requests.post(url, json=body, timeout=10).ok
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
