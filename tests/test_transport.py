"""Bodies read in one call: same bytes, same errors, connections reused, streaming untouched."""

from __future__ import annotations

import pytest
import requests

from tap_zendesk_objects.http.transport import mount_whole_body_adapter
from tests.emulator.server_auth import API_TOKEN, EMAIL

TICKETS = "/api/v2/incremental/tickets/cursor"


def sessions() -> tuple[requests.Session, requests.Session]:
    """A plain requests session and one with the tap's adapter, both authenticated."""
    plain, whole = requests.Session(), requests.Session()
    mount_whole_body_adapter(whole)
    for session in (plain, whole):
        session.auth = (f"{EMAIL}/token", API_TOKEN)
    return plain, whole


def test_same_body_and_connection_reused(emulator):
    plain, whole = sessions()
    url = emulator.base_url + TICKETS
    params = {"start_time": 0, "include": "metric_sets"}
    expected = plain.get(url, params=params, timeout=30)
    got = whole.get(url, params=params, timeout=30)
    assert got.status_code == 200 and len(got.content) > 100_000
    assert got.content == expected.content
    assert got.json() == expected.json()
    conn_pool = got.raw._pool  # the urllib3 pool the response came from
    for _ in range(3):
        assert whole.get(emulator.base_url + "/api/v2/groups", timeout=30).ok
    assert conn_pool.num_requests == 4
    assert conn_pool.num_connections == 1  # one keep-alive connection for every request


@pytest.mark.parametrize("kind", ["truncated", "reset"])
def test_failures_raise_what_requests_raises(emulator_factory, kind):
    emu = emulator_factory(fault_rate=1.0, fault_kinds=(kind,))
    plain, whole = sessions()
    url = emu.base_url + TICKETS
    with pytest.raises(requests.exceptions.RequestException) as by_requests:
        plain.get(url, params={"start_time": 0}, timeout=30)
    with pytest.raises(requests.exceptions.RequestException) as by_adapter:
        whole.get(url, params={"start_time": 0}, timeout=30)
    assert type(by_adapter.value) is type(by_requests.value)
    emu.fault_rate = 0
    assert whole.get(url, params={"start_time": 0}, timeout=30).ok  # the pool recovers


def test_streaming_callers_still_stream(emulator):
    _, whole = sessions()
    response = whole.get(emulator.base_url + "/api/v2/groups", stream=True, timeout=30)
    first = next(response.iter_content(64))
    assert first.startswith(b"{")
    response.close()
