"""The emulator's rate limits (headers and 429s), injected faults, and request counts."""

from __future__ import annotations

import time

import pytest
import requests

from tests.emulator.client import V2, get

# ---------------------------------------------------------------- rate limits and faults
# Ten seconds into a clock minute: the rate windows of a test cannot roll over mid-test.
FROZEN_RATE_CLOCK = 1_800_000_010.0


def test_rate_limit_headers_on_every_response(emulator, http):
    responses = [
        get(http, emulator, "/groups"),
        requests.get(emulator.base_url + V2 + "/groups", timeout=10),  # 401
        get(http, emulator, "/nope"),  # 404
        get(http, emulator, "/incremental/organizations", start_time=0, per_page=1),
        get(http, emulator, "/incremental/users/cursor", start_time=0, per_page=1),
    ]
    for r in responses:
        for h in ("X-Rate-Limit", "X-Rate-Limit-Remaining", "ratelimit-limit",
                  "ratelimit-remaining", "ratelimit-reset"):  # fmt: skip
            assert h in r.headers, (r.url, h)
        assert r.headers["X-Rate-Limit"] == "200"
    inc = responses[3].headers["Zendesk-RateLimit-incremental-exports"]
    assert inc.startswith("total=10; remaining=") and "resets=" in inc
    cur = responses[4].headers["Zendesk-RateLimit-incremental-exports-cursor"]
    assert cur.startswith("total=20; remaining=")


def test_rate_limits_429(emulator_factory, http):
    emu = emulator_factory(rate_limits=True, core_per_minute=50, incremental_per_minute=2,
                           users_cursor_per_minute=3)  # fmt: skip
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK
    path = "/incremental/organizations"
    assert get(http, emu, path, start_time=0, per_page=1).ok
    assert get(http, emu, path, start_time=0, per_page=1).ok
    r = get(http, emu, "/incremental/ticket_events", start_time=0, per_page=1)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) == 50  # to the end of the frozen minute
    assert r.json()["error"] == "APIRateLimitExceeded"
    # the users cursor export has its own bucket
    for _ in range(3):
        assert get(http, emu, "/incremental/users/cursor", start_time=0, per_page=1).ok
    assert get(http, emu, "/incremental/users/cursor", start_time=0, per_page=1).status_code == 429
    assert get(http, emu, "/groups").ok  # core still has room
    emu.rate_limits = False
    assert get(http, emu, path, start_time=0, per_page=1).ok
    assert emu.status_counts()[429] == 2


def test_core_rate_limit(emulator_factory, http):
    emu = emulator_factory(rate_limits=True, core_per_minute=3)
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK
    assert [get(http, emu, "/groups").status_code for _ in range(4)] == [200, 200, 200, 429]
    r = get(http, emu, "/groups")
    assert r.headers["X-Rate-Limit-Remaining"] == "0"
    assert int(r.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("status", ["500", "502", "503", "504", "409"])
def test_fault_server_errors(emulator_factory, http, status):
    emu = emulator_factory(fault_rate=1.0, fault_kinds=(status,))
    r = get(http, emu, "/groups")
    assert r.status_code == int(status)
    assert "error" in r.json()


def test_fault_429(emulator_factory, http):
    emu = emulator_factory(fault_rate=1.0, fault_kinds=("429",))
    r = get(http, emu, "/incremental/organizations", start_time=0)
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"


def test_fault_reset(emulator_factory, http):
    emu = emulator_factory(fault_rate=1.0, fault_kinds=("reset",))
    with pytest.raises(requests.exceptions.ConnectionError):
        get(http, emu, "/groups")
    assert emu.status_counts() == {0: 1}
    emu.fault_rate = 0
    assert get(http, emu, "/groups").ok


def test_fault_truncated(emulator_factory, http):
    emu = emulator_factory(fault_rate=1.0, fault_kinds=("truncated",))
    with pytest.raises(requests.exceptions.RequestException):
        get(http, emu, "/incremental/tickets/cursor", start_time=0)
    emu.fault_rate = 0
    assert get(http, emu, "/groups").ok


def test_fault_slow(emulator_factory, http):
    emu = emulator_factory(fault_rate=1.0, fault_kinds=("slow",), slow_seconds=0.3)
    started = time.monotonic()
    assert get(http, emu, "/groups").ok
    assert time.monotonic() - started >= 0.3
    with pytest.raises(requests.exceptions.Timeout):
        http.get(emu.base_url + V2 + "/groups", timeout=0.1)


def test_fault_injection_is_seeded(emulator_factory, http):
    def run(seed):
        emu = emulator_factory(fault_rate=0.5, fault_seed=seed, fault_kinds=("500", "503"))
        return [get(http, emu, "/groups").status_code for _ in range(20)]

    a, b = run(7), run(7)
    assert a == b and 200 in a and {500, 503} & set(a)


def test_request_counts(emulator, http):
    get(http, emulator, "/groups.json")
    get(http, emulator, "/groups", **{"page[size]": 2})
    get(http, emulator, "/incremental/tickets/cursor.json", start_time=0, per_page=1)
    requests.get(emulator.base_url + V2 + "/users/me", timeout=10)
    emulator.fault_rate, emulator.fault_kinds = 1.0, ("503",)
    get(http, emulator, "/groups")
    assert emulator.request_counts() == {
        "/api/v2/groups": 3,
        "/api/v2/incremental/tickets/cursor": 1,
        "/api/v2/users/me": 1,
    }
    assert emulator.status_counts() == {200: 3, 401: 1, 503: 1}
    emulator.reset_counts()
    assert emulator.request_counts() == {} and emulator.status_counts() == {}
