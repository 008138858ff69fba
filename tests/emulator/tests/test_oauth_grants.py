"""The emulator's OAuth grants as Zendesk's: what the client-credentials and refresh-token
grants answer, how refresh tokens rotate, when tokens expire or are revoked (real HTTP on
loopback).
"""

from __future__ import annotations

import threading

import pytest

from tests.emulator.fixtures import FakeClock
from tests.emulator.oauth_client import api, assert_dead, assert_error, client_credentials, refresh
from tests.emulator.server_auth import ACCESS_TOKEN


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
