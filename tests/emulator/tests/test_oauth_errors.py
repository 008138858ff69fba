"""The emulator's OAuth refusals as Zendesk's: token requests it refuses (grant type, client,
scope, expires_in, body, route), and API requests a token's scopes do not allow.
"""

from __future__ import annotations

import json

import pytest
import requests

from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET
from tests.emulator.oauth_client import (
    CLIENT,
    ME,
    api,
    assert_error,
    client_credentials,
    refresh,
    token,
)
from tests.emulator.server_auth import ACCESS_TOKEN


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
