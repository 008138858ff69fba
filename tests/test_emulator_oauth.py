"""The emulator's OAuth token endpoint behaves as Zendesk's (real HTTP on loopback)."""

from __future__ import annotations

import json
import threading

import pytest
import requests

from tests.emulator.fixtures import FakeClock
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET, OAuthIssuer
from tests.emulator.server import Emulator
from tests.emulator.server_auth import ACCESS_TOKEN

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


# ---------------------------------------------------------------- the two grants
def test_client_credentials_shape_and_use(emulator):
    r = client_credentials(emulator, scope="read", expires_in=3600)
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert set(body) == {"access_token", "token_type", "scope", "expires_in"}
    assert body["token_type"] == "bearer" and body["scope"] == "read"
    assert body["expires_in"] == 3600
    assert len(body["access_token"]) >= 40 and body["access_token"] != ACCESS_TOKEN
    me = api(emulator, body["access_token"])
    assert me.status_code == 200 and me.json()["user"]["role"] == "admin"


def test_client_credentials_defaults(emulator):
    body = client_credentials(emulator).json()
    assert body["scope"] == "read write" and body["expires_in"] == 1800
    assert "refresh_token" not in body


def test_earlier_client_credentials_tokens_stay_valid(emulator):
    first = client_credentials(emulator).json()["access_token"]
    second = client_credentials(emulator).json()["access_token"]
    assert first != second
    assert api(emulator, first).ok and api(emulator, second).ok


def test_refresh_grant_shape_without_expires_in(emulator):
    rt = emulator.oauth.issue_refresh_token("read")
    r = refresh(emulator, rt)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {
        "access_token",
        "refresh_token",
        "token_type",
        "scope",
        "refresh_token_expires_in",
    }
    assert body["token_type"] == "bearer" and body["scope"] == "read"
    assert body["refresh_token_expires_in"] == 2592000
    assert body["refresh_token"] != rt
    assert api(emulator, body["access_token"]).ok


def test_refresh_grant_echoes_expires_in_when_sent(emulator):
    body = refresh(emulator, emulator.oauth.issue_refresh_token(), expires_in=7200).json()
    assert body["expires_in"] == 7200
    emulator.oauth.token_lifetime = 20
    body = refresh(emulator, body["refresh_token"], expires_in=7200).json()
    assert body["expires_in"] == 20  # the lifetime granted, not the one asked


def test_refresh_scope_kept_or_narrowed(emulator):
    rt = emulator.oauth.issue_refresh_token("read tickets:read")
    body = refresh(emulator, rt).json()
    assert body["scope"] == "read tickets:read"
    body = refresh(emulator, body["refresh_token"], scope="tickets:read").json()
    assert body["scope"] == "tickets:read"
    r = refresh(emulator, body["refresh_token"], scope="read")  # wider than granted
    assert_error(r, 400, "invalid_scope")


def test_issue_refresh_token_refuses_unknown_scope(emulator):
    with pytest.raises(ValueError, match="scope"):
        emulator.oauth.issue_refresh_token("admin")


# ---------------------------------------------------------------- rotation
def test_rotation_kills_old_refresh_and_access_tokens(emulator):
    first = refresh(emulator, emulator.oauth.issue_refresh_token()).json()
    assert api(emulator, first["access_token"]).ok
    second = refresh(emulator, first["refresh_token"]).json()
    assert_dead(emulator, first["access_token"])  # dies at the refresh, not at its expiry
    assert api(emulator, second["access_token"]).ok
    assert_error(refresh(emulator, first["refresh_token"]), 400, "invalid_grant")
    third = refresh(emulator, second["refresh_token"])
    assert third.status_code == 200
    assert api(emulator, third.json()["access_token"]).ok


def test_refresh_token_is_single_use_under_a_race(emulator):
    rt = emulator.oauth.issue_refresh_token()
    statuses: list[int] = []

    def go() -> None:
        statuses.append(refresh(emulator, rt).status_code)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 400, 400, 400]


# ---------------------------------------------------------------- expiry and revocation
def test_access_token_expiry_follows_the_clock(emulator, clock):
    body = client_credentials(emulator, expires_in=600).json()
    clock.now += 599
    assert api(emulator, body["access_token"]).ok
    clock.now += 1
    assert_dead(emulator, body["access_token"])


def test_token_lifetime_override(emulator_factory):
    emu = emulator_factory(token_lifetime=20)
    fake = FakeClock()
    emu.oauth.clock = fake
    body = client_credentials(emu, expires_in=3600).json()
    assert body["expires_in"] == 20
    fake.now += 19.9
    assert api(emu, body["access_token"]).ok
    fake.now += 0.1
    assert_dead(emu, body["access_token"])
    emu.oauth.token_lifetime = None
    assert client_credentials(emu).json()["expires_in"] == 1800


def test_default_lifetime_without_expires_in(emulator, clock):
    body = refresh(emulator, emulator.oauth.issue_refresh_token()).json()
    clock.now += 1799
    assert api(emulator, body["access_token"]).ok
    clock.now += 1
    assert_dead(emulator, body["access_token"])
    # the refresh token outlives its access token
    assert refresh(emulator, body["refresh_token"]).ok


def test_refresh_token_expiry(emulator, clock):
    rt = emulator.oauth.issue_refresh_token()
    clock.now += 2592000
    assert_error(refresh(emulator, rt), 400, "invalid_grant")
    rt = emulator.oauth.issue_refresh_token()
    emulator.oauth.expire_refresh_tokens()
    assert_error(refresh(emulator, rt), 400, "invalid_grant")


def test_revoke_access_tokens(emulator):
    cc = client_credentials(emulator).json()["access_token"]
    rt_body = refresh(emulator, emulator.oauth.issue_refresh_token()).json()
    emulator.oauth.revoke_access_tokens()
    assert_dead(emulator, cc)
    assert_dead(emulator, rt_body["access_token"])
    assert api(emulator, ACCESS_TOKEN).ok  # the static token is not an issued one
    # new tokens work again: by either grant
    assert api(emulator, client_credentials(emulator).json()["access_token"]).ok
    assert api(emulator, refresh(emulator, rt_body["refresh_token"]).json()["access_token"]).ok


def test_unknown_bearer_token_is_invalid_token(emulator):
    assert_dead(emulator, "not-a-token")


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "body",
    [
        {"grant_type": "password", "username": "a", "password": "b"},
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": "http://x"},
        {"grant_type": "implicit"},
        {"grant_type": 7},
    ],
)
def test_unsupported_grant_type(emulator, body):
    assert_error(token(emulator, **CLIENT, **body), 400, "unsupported_grant_type")


@pytest.mark.parametrize(
    "creds",
    [
        {},
        {"client_id": CLIENT_ID},
        {"client_id": CLIENT_ID, "client_secret": "wrong"},
        {"client_id": "someone-else", "client_secret": CLIENT_SECRET},
        {"client_id": CLIENT_ID, "client_secret": None},
    ],
)
@pytest.mark.parametrize("grant", ["client_credentials", "refresh_token"])
def test_invalid_client(emulator, creds, grant):
    rt = emulator.oauth.issue_refresh_token()
    r = token(emulator, grant_type=grant, refresh_token=rt, **creds)
    assert_error(r, 401, "invalid_client")
    assert r.json()["error_description"].startswith("Client authentication failed")
    assert refresh(emulator, rt).ok  # a refused request does not spend the refresh token


@pytest.mark.parametrize("scope", ["admin", "read admin", "tickets:delete", "impersonate", 5])
def test_invalid_scope(emulator, scope):
    r = client_credentials(emulator, scope=scope)
    assert_error(r, 400, "invalid_scope")
    assert r.json()["error_description"] == "The requested scope is invalid, unknown, or malformed."


@pytest.mark.parametrize("expires_in", [300, 172800, 0, -5, "soon", 1800.5, True])
def test_expires_in_out_of_bounds(emulator, expires_in):
    r = client_credentials(emulator, expires_in=expires_in)
    assert_error(r, 400, "invalid_request")
    assert "expires_in" in r.json()["error_description"]


@pytest.mark.parametrize("expires_in", [301, 172799, "900"])
def test_expires_in_inside_bounds(emulator, expires_in):
    r = client_credentials(emulator, expires_in=expires_in)
    assert r.status_code == 200 and r.json()["expires_in"] == int(expires_in)


def test_invalid_grant_cases(emulator):
    unknown = refresh(emulator, "no-such-refresh-token")
    assert_error(unknown, 400, "invalid_grant")
    assert unknown.json()["error_description"].startswith("The provided authorization grant")
    missing = token(emulator, grant_type="refresh_token", **CLIENT)
    assert_error(missing, 400, "invalid_request")
    # an access token is not a refresh token
    access = client_credentials(emulator).json()["access_token"]
    assert_error(refresh(emulator, access), 400, "invalid_grant")


def test_form_encoded_and_malformed_bodies_refused(emulator):
    url = emulator.base_url + "/oauth/tokens"
    form = {"grant_type": "client_credentials", **CLIENT}
    assert_error(requests.post(url, data=form, timeout=10), 400, "invalid_request")
    bad = [
        ("application/json", b"{not json"),
        ("application/json", b'["grant_type"]'),
        ("text/plain", json.dumps(form).encode()),
        ("application/json", b""),
    ]
    for content_type, data in bad:
        r = requests.post(url, data=data, headers={"Content-Type": content_type}, timeout=10)
        assert_error(r, 400, "invalid_request")
    # the same JSON with a charset parameter is fine
    headers = {"Content-Type": "application/json; charset=utf-8"}
    assert requests.post(url, data=json.dumps(form), headers=headers, timeout=10).ok


def test_routes_and_methods(emulator):
    assert requests.get(emulator.base_url + "/oauth/tokens", timeout=10).status_code == 401
    r = api(emulator, ACCESS_TOKEN, "/oauth/tokens")
    assert r.status_code == 404 and r.json()["error"] == "InvalidEndpoint"
    body = {"grant_type": "client_credentials", **CLIENT}
    for path in ("/oauth/tokens.json", "/api/v2/oauth/tokens", "/api/v2/users/me"):
        r = requests.post(emulator.base_url + path, json=body, timeout=10)
        assert r.status_code == 404, path


# ---------------------------------------------------------------- scopes
def test_scope_enforcement(emulator):
    def access(scope: str) -> str:
        return client_credentials(emulator, scope=scope).json()["access_token"]

    tickets_only = access("tickets:read")
    r = api(emulator, tickets_only, "/api/v2/ticket_fields")
    assert r.status_code == 403
    assert r.json() == {
        "error": "Forbidden",
        "description": "You are missing the following required scopes: read",
    }
    assert api(emulator, tickets_only, "/api/v2/groups").status_code == 403
    export = "/api/v2/incremental/tickets/cursor"
    assert api(emulator, tickets_only, export, start_time=0, per_page=1).ok
    events = api(emulator, tickets_only, "/api/v2/incremental/ticket_events", start_time=0)
    assert events.status_code == 403
    users_only = access("users:read")
    assert api(emulator, users_only, ME).ok
    assert api(emulator, users_only, "/api/v2/incremental/users/cursor", start_time=0).ok
    assert api(emulator, access("write"), "/api/v2/groups").status_code == 403
    assert api(emulator, access("read"), "/api/v2/groups").ok
    assert api(emulator, access("read write"), "/api/v2/ticket_fields").ok


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

    root = Path(__file__).resolve().parent.parent
    cmd = [sys.executable, "-m", "tests.emulator", "--port", "0", "--scale", "0.1",
           "--token-lifetime", "20"]  # fmt: skip
    with subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, text=True) as proc:
        try:
            lines = [proc.stdout.readline()]
            while "Ctrl-C" not in lines[-1]:
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
