"""The emulator's authentication, subdomain and paths, plan and role switches, and its command
line (real HTTP on loopback).
"""

from __future__ import annotations

import requests

from tests.emulator.client import V2, get, session
from tests.emulator.server_auth import ACCESS_TOKEN, API_TOKEN, EMAIL, config


# ---------------------------------------------------------------- auth and basics
def test_auth_token_and_bearer(emulator):
    for kind in ("token", "bearer"):
        with session(kind) as s:
            r = s.get(emulator.base_url + V2 + "/users/me.json", timeout=10)
            assert r.status_code == 200
            assert r.json()["user"]["email"] == EMAIL
            assert r.json()["user"]["role"] == "admin"


def test_auth_failures(emulator):
    url = emulator.base_url + V2 + "/users/me"
    r = requests.get(url, timeout=10)
    assert r.status_code == 401
    assert r.json() == {"error": "Couldn't authenticate you"}
    r = requests.get(url, auth=(f"{EMAIL}/token", "wrong"), timeout=10)
    assert r.status_code == 401
    assert r.json() == {"error": "Couldn't authenticate you"}
    r = requests.get(url, auth=(EMAIL, API_TOKEN), timeout=10)  # password style: refused
    assert r.status_code == 401
    r = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_token"
    assert "error_description" in r.json()


def test_unknown_subdomain(emulator_factory, http):
    emu = emulator_factory(unknown_subdomain=True)
    for path in ("/users/me", "/groups", "/incremental/tickets/cursor"):
        r = get(http, emu, path, start_time=0)
        assert r.status_code == 404
        assert r.json()["error"]["title"].startswith("No help desk at ")


def test_json_suffix_optional_and_unknown_path(emulator, http):
    a = get(http, emulator, "/groups.json").json()
    b = get(http, emulator, "/groups").json()
    assert a == b
    r = get(http, emulator, "/no_such_thing")
    assert r.status_code == 404
    assert r.json()["error"] == "InvalidEndpoint"


def test_config_helper(emulator):
    cfg = config(emulator.base_url)
    assert cfg == {
        "subdomain": "emulator",
        "api_url": emulator.base_url,
        "email": EMAIL,
        "api_token": API_TOKEN,
    }
    assert emulator.base_url.startswith("http://127.0.0.1:")


def test_enterprise_switch(emulator, http):
    assert get(http, emulator, "/audit_logs").ok
    assert get(http, emulator, "/ticket_forms").ok
    emulator.enterprise = False
    r = get(http, emulator, "/audit_logs")
    assert r.status_code == 403
    assert r.json()["error"]["title"] == "Forbidden"
    assert "restricted" in r.json()["error"]["message"]
    assert get(http, emulator, "/ticket_forms").status_code == 404
    assert get(http, emulator, "/groups").ok


def test_agent_role_is_refused_what_needs_an_admin(emulator, http):
    emulator.role = "agent"
    for path in ("/incremental/tickets/cursor", "/incremental/ticket_events", "/audit_logs",
                 "/satisfaction_ratings"):  # fmt: skip
        r = get(http, emulator, path, start_time=0)
        assert r.status_code == 403, path
        assert r.json()["error"]["title"] == "Forbidden"
    assert get(http, emulator, "/groups").ok
    assert get(http, emulator, "/group_memberships").ok


def test_command_line_runs_until_sigterm():
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]  # the repository: `python -m tests.emulator`
    cmd = [
        sys.executable,
        "-m",
        "tests.emulator",
        "--port",
        "0",
        "--scale",
        "0.1",
        "--no-enterprise",
    ]
    with subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, text=True) as proc:
        try:
            first = proc.stdout.readline()
            base_url = first.split(" at ")[1].split()[0]
            assert base_url.startswith("http://127.0.0.1:")
            with session("bearer") as s:
                assert s.get(base_url + V2 + "/users/me", timeout=10).ok
                assert s.get(base_url + V2 + "/audit_logs", timeout=10).status_code == 403
            rest = proc.stdout.readline() + proc.stdout.readline()
            assert API_TOKEN in rest and ACCESS_TOKEN in rest
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
