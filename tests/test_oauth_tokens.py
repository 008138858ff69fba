"""The token provider and the refresh-token file, driven directly (clock injected).

`OAuthClient` against the real emulator sharing the same fake clock: when a token is reused,
when it is renewed, what lifetime it assumes; one token request at a time; a 401'd token
dropped once. `RefreshTokenFile`: 0600, the chain's newest token, a new configured token
starting a new chain, two runs sharing one file.
"""

from __future__ import annotations

import io
import json
import logging
import stat
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from tap_zendesk_objects.auth.credentials import OAuthClient
from tap_zendesk_objects.auth.masking import MASK, MaskingStream
from tap_zendesk_objects.auth.refresh_tokens import RefreshTokenFile
from tap_zendesk_objects.errors import ConfigError
from tests.emulator.fixtures import FakeClock
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET
from tests.emulator.server import Emulator
from tests.emulator.zendesk import SUBDOMAIN

LOGGER = logging.getLogger("tests.oauth_tokens")
T0 = 1000.0


def settings(emu: Emulator, **extra: Any) -> dict[str, Any]:
    return {**emu.oauth_config(), **extra}


def provider(emu: Emulator, clock: FakeClock, **extra: Any) -> OAuthClient:
    return OAuthClient(settings(emu, **extra), LOGGER, clock=clock)


def answers(emu: Emulator, token: str) -> int:
    """The status Zendesk answers a request made with `token`."""
    headers = {"Authorization": f"Bearer {token}"}
    return requests.get(f"{emu.base_url}/api/v2/users/me", headers=headers, timeout=10).status_code


def sent_with(token: str) -> requests.PreparedRequest:
    request = requests.Request("GET", "http://zendesk.invalid/api/v2/groups").prepare()
    request.headers["Authorization"] = f"Bearer {token}"
    return request


def minted(emu: Emulator) -> int:
    return sum(emu.oauth.token_requests().values())


# Renewal margin ------------------------------------------------------------------------------


def test_a_30_minute_token_is_reused_until_1740_s_and_renewed_then(emulator, clock):
    tokens = provider(emulator, clock)  # oauth_token_lifetime: the default 1800 s
    first = tokens.current_token()
    clock.now = T0 + 1739.9
    assert tokens.current_token() == first
    assert minted(emulator) == 1
    clock.now = T0 + 1740
    second = tokens.current_token()
    assert second != first
    assert minted(emulator) == 2
    assert answers(emulator, first) == 200, "renewed a minute before the old token expired"
    clock.now = T0 + 1800
    assert answers(emulator, first) == 401
    assert tokens.current_token() == second
    assert answers(emulator, second) == 200


def test_a_20_second_token_is_renewed_at_18_s(emulator, clock):
    emulator.oauth.token_lifetime = 20  # Zendesk answers expires_in 20, whatever was asked
    tokens = provider(emulator, clock)
    first = tokens.current_token()
    clock.now = T0 + 17.9
    assert tokens.current_token() == first
    clock.now = T0 + 18
    second = tokens.current_token()
    assert second != first
    assert minted(emulator) == 2
    clock.now = T0 + 18 + 17.9
    assert tokens.current_token() == second
    clock.now = T0 + 36
    assert tokens.current_token() not in (first, second)
    assert minted(emulator) == 3


@pytest.mark.parametrize(("lifetime", "renewed_at"), [(600, 540), (400, 360), (301, 270.9)])
def test_the_configured_lifetime_is_asked_for_and_kept(emulator, clock, lifetime, renewed_at):
    assert emulator.oauth.token_lifetime is None  # the emulator grants what is asked
    tokens = provider(emulator, clock, oauth_token_lifetime=lifetime)
    first = tokens.current_token()
    clock.now = T0 + renewed_at - 0.01
    assert tokens.current_token() == first
    clock.now = T0 + renewed_at
    assert tokens.current_token() != first
    assert minted(emulator) == 2


class ScriptedSession:
    """A token endpoint that answers `body` (status 200) and counts its requests."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body
        self.posts: list[dict[str, Any]] = []
        self.entered = threading.Event()
        self.proceed = threading.Event()
        self.proceed.set()

    def post(self, url: str, *, json: dict[str, Any], **_: Any) -> requests.Response:
        self.posts.append(json)
        self.entered.set()
        assert self.proceed.wait(30)
        response = requests.Response()
        response.status_code = 200
        response._content = _json_bytes({**self.body, "access_token": f"token-{len(self.posts)}"})
        return response


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode()


def test_an_answer_without_expires_in_keeps_the_lifetime_asked(clock):
    session = ScriptedSession({"token_type": "bearer", "scope": "read"})
    config = {
        "subdomain": SUBDOMAIN,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "oauth_token_lifetime": 900,
    }
    tokens = OAuthClient(config, LOGGER, clock=clock, session=session)  # type: ignore[arg-type]
    assert tokens.current_token() == "token-1"
    assert session.posts[0]["expires_in"] == 900, "the lifetime is always asked for"
    assert session.posts[0]["scope"] == "read"
    assert session.posts[0]["grant_type"] == "client_credentials"
    clock.now = T0 + 839.9
    assert tokens.current_token() == "token-1"
    clock.now = T0 + 840
    assert tokens.current_token() == "token-2"


# One refresh at a time, one replay per rejection ----------------------------------------------


def test_one_token_request_at_a_time(clock):
    session = ScriptedSession({"expires_in": 1800})
    session.proceed.clear()  # the first token request hangs until every caller is waiting
    config = {"subdomain": SUBDOMAIN, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    tokens = OAuthClient(config, LOGGER, clock=clock, session=session)  # type: ignore[arg-type]
    got: list[str] = []
    callers = [threading.Thread(target=lambda: got.append(tokens.current_token())) for _ in "x" * 8]
    for caller in callers:
        caller.start()
    assert session.entered.wait(30)
    session.proceed.set()
    for caller in callers:
        caller.join(30)
    assert got == ["token-1"] * 8
    assert len(session.posts) == 1


def test_a_rejected_token_is_dropped_once(emulator, clock):
    tokens = provider(emulator, clock)
    first = tokens.current_token()
    tokens.token_rejected(sent_with(first))
    second = tokens.current_token()
    assert second != first
    # A second request that was in flight with the old token: no further token is minted.
    tokens.token_rejected(sent_with(first))
    assert tokens.current_token() == second
    assert minted(emulator) == 2


# The refresh-token file ------------------------------------------------------------------


def test_the_refresh_grant_spends_the_newest_token_and_keeps_the_next(emulator, clock, tmp_path):
    path = tmp_path / "nested" / "chain.json"
    configured = emulator.oauth.issue_refresh_token("read")
    tokens = provider(emulator, clock, refresh_token=configured, oauth_token_file=str(path))
    first = tokens.current_token()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kept = json.loads(path.read_text())["refresh_token"]
    assert emulator.oauth.live_refresh_tokens() == {kept}
    assert configured not in path.read_text()
    clock.now = T0 + 1740
    second = tokens.current_token()
    assert answers(emulator, first) == 401, "rotation killed the old access token"
    assert answers(emulator, second) == 200
    newest = json.loads(path.read_text())["refresh_token"]
    assert newest != kept
    assert emulator.oauth.live_refresh_tokens() == {newest}

    # The next run, same settings: it starts from the file, not from the spent config token.
    again = provider(emulator, clock, refresh_token=configured, oauth_token_file=str(path))
    assert answers(emulator, again.current_token()) == 200
    assert emulator.oauth.token_requests() == {"refresh_token": 3}


def test_a_newly_authorized_refresh_token_starts_a_new_chain(emulator, clock, tmp_path):
    path = tmp_path / "chain.json"
    old = emulator.oauth.issue_refresh_token("read")
    provider(emulator, clock, refresh_token=old, oauth_token_file=str(path)).current_token()
    emulator.oauth.expire_refresh_tokens()  # e.g. unused for too long: the admin authorizes again
    new = emulator.oauth.issue_refresh_token("read")
    tokens = provider(emulator, clock, refresh_token=new, oauth_token_file=str(path))
    assert answers(emulator, tokens.current_token()) == 200
    assert emulator.oauth.live_refresh_tokens() == {json.loads(path.read_text())["refresh_token"]}


def test_two_runs_sharing_one_token_file_take_turns(emulator, clock, tmp_path):
    path = tmp_path / "chain.json"
    configured = emulator.oauth.issue_refresh_token("read")
    runs = [
        provider(emulator, clock, refresh_token=configured, oauth_token_file=str(path))
        for _ in range(2)
    ]
    failures: list[BaseException] = []

    def refresh_repeatedly(tokens: OAuthClient) -> None:
        try:
            for _ in range(10):
                tokens.token_rejected(sent_with(tokens.current_token()))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=refresh_repeatedly, args=(run,)) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert emulator.oauth.token_requests() == {"refresh_token": 20}
    assert emulator.oauth.live_refresh_tokens() == {json.loads(path.read_text())["refresh_token"]}


def test_a_token_file_that_cannot_be_written_is_named(emulator, clock, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    path = blocker / "chain.json"
    configured = emulator.oauth.issue_refresh_token("read")
    tokens = provider(emulator, clock, refresh_token=configured, oauth_token_file=str(path))
    with pytest.raises(ConfigError) as caught:
        tokens.current_token()
    assert str(caught.value).startswith(f"the OAuth token file {path} cannot be used")
    assert "`oauth_token_file`" in str(caught.value)
    assert emulator.oauth.token_requests() == {}, "the token is not spent when it cannot be kept"


def test_a_corrupt_token_file_is_named(tmp_path):
    path = tmp_path / "chain.json"
    path.write_text("{not json")
    chain = RefreshTokenFile(path, "configured-refresh-token")
    with pytest.raises(ConfigError, match="not valid JSON"), chain.locked():
        chain.newest()


def test_a_missing_token_file_means_the_configured_token(tmp_path):
    chain = RefreshTokenFile(Path(tmp_path / "absent.json"), "configured-refresh-token")
    with chain.locked():
        assert chain.newest() == "configured-refresh-token"


def test_the_default_token_file_is_one_per_account_however_the_subdomain_is_spelled(
    emulator, clock, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    spellings = ("emulator", "Emulator.zendesk.com", "https://emulator.zendesk.com/")
    configured = emulator.oauth.issue_refresh_token("read")
    for subdomain in spellings:
        tokens = provider(emulator, clock, subdomain=subdomain, refresh_token=configured)
        assert answers(emulator, tokens.current_token()) == 200, subdomain
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.suffix == ".json")
    assert len(files) == 1, files
    assert files[0].parent == tmp_path / "tap-zendesk-objects"
    assert files[0].name.startswith("refresh-token-emulator-")
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert emulator.oauth.live_refresh_tokens() == {
        json.loads(files[0].read_text())["refresh_token"]
    }


def test_a_refresh_token_read_from_the_file_is_masked_on_stderr(
    emulator, clock, tmp_path, monkeypatch
):
    path = tmp_path / "chain.json"
    configured = emulator.oauth.issue_refresh_token("read")
    provider(emulator, clock, refresh_token=configured, oauth_token_file=str(path)).current_token()
    from_file = json.loads(path.read_text())["refresh_token"]
    written = io.StringIO()
    monkeypatch.setattr(sys, "stderr", MaskingStream(written, [configured, CLIENT_SECRET]))
    # The next run: only the config's secrets are known up front, the file's token is not.
    tokens = provider(emulator, clock, refresh_token=configured, oauth_token_file=str(path))
    access = tokens.current_token()
    sys.stderr.write(f"a proxy echoed {from_file} and {access}\n")
    assert written.getvalue() == f"a proxy echoed {MASK} and {MASK}\n"


def test_a_short_secret_is_masked_where_it_stands_as_a_token():
    """Under 6 characters a secret is masked as a whole token, not inside longer words."""
    written = io.StringIO()
    MaskingStream(written, ["abc", "x"]).write('token abc. /abc/ "abc" abcde tabc; x in box\n')
    assert written.getvalue() == f'token {MASK}. /{MASK}/ "{MASK}" abcde tabc; {MASK} in box\n'
