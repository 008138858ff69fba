"""The retry policy, expressed through the SDK's backoff hooks: in process, no real waits.

The `backoff` library sleeps with `time.sleep`; here that sleep only records what it was
asked for, so the tests check the waits without spending them.
"""

from __future__ import annotations

import email.utils
import json
import signal
import time
from pathlib import Path

import pytest
import requests
from singer_sdk.exceptions import RetriableAPIError

import tap_zendesk_objects.http.retries as retries
from tap_zendesk_objects.errors import RateLimitedError, ZendeskAPIError
from tap_zendesk_objects.http.throttle import retry_after_seconds
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.inprocess import sync_in_process
from tests.singer import FAST_RATES, select

SAMPLE_CATALOG = Path(__file__).parents[1] / "catalog.sample.json"
URL = "https://acme.zendesk.com/api/v2/groups"


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    """What the retry library asked to sleep, instead of sleeping."""
    waits: list[float] = []
    monkeypatch.setattr(retries.backoff._sync.time, "sleep", waits.append)
    return waits


@pytest.fixture
def groups():
    tap = TapZendeskObjects(
        config={"subdomain": "acme", "access_token": "t0ken-value", **FAST_RATES},
        catalog=json.loads(SAMPLE_CATALOG.read_text()),
        parse_env_config=False,
    )
    return tap.streams["groups"]


def response(status: int, **headers: str) -> requests.Response:
    answer = requests.Response()
    answer.status_code, answer.url = status, URL
    answer.headers.update(headers)
    answer.request = requests.Request("GET", URL).prepare()
    answer._content = b"{}"
    return answer


def scripted(*outcomes):
    """A request function that raises or returns each outcome in turn; counts its calls."""
    calls = []

    def request(prepared, context):
        calls.append(prepared)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    return request, calls


def test_each_failure_waits_what_it_names_or_backs_off(groups, slept):
    request, calls = scripted(
        RateLimitedError(
            "GET /api/v2/groups: 429 rate limited", response(429, **{"Retry-After": "7"})
        ),
        RateLimitedError("GET /api/v2/groups: 429 rate limited", response(429)),
        RetriableAPIError("GET /api/v2/groups: 503", response(503, **{"Retry-After": "3"})),
        requests.exceptions.ConnectionError("reset"),
        RetriableAPIError("GET /api/v2/groups: 502", response(502)),
        response(200),
    )
    answer = groups.request_decorator(request)(response(200).request, None)
    assert answer.status_code == 200
    assert len(calls) == 6
    assert slept[:3] == [7.0, 60.0, 3.0]  # Retry-After, its 60 s default, Retry-After on a 503
    # Then doubling backoff with jitter, counted from the first transient failure.
    assert 0.5 <= slept[3] <= 1.0
    assert 1.0 <= slept[4] <= 2.0


def test_409_conflicts_from_zendesk_are_retried_with_backoff(slept, capsys):
    """Zendesk's 409 (concurrent work colliding), answered by the emulator to a third of the
    requests of a real sync: each is retried after a doubling backoff, and nothing is lost."""
    account = Account(scale=0.2, seed=1, now=int(time.time()) - 3600)
    with Emulator(account, fault_rate=0.33, fault_kinds=("409",), fault_seed=2) as emu:
        config = {**emu.config(), **FAST_RATES, "start_date": "2000-01-01T00:00:00Z"}
        catalog = select(json.loads(SAMPLE_CATALOG.read_text()), {"groups", "tickets", "users"})
        messages = sync_in_process(config, catalog, capsys)
        conflicts = emu.status_counts().get(409, 0)
    assert conflicts >= 3, f"too few 409s to prove anything: {emu.status_counts()}"
    truth = account.truth(0)
    for stream in ("groups", "tickets", "users"):
        written = {
            m["record"]["id"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream
        }
        assert written == set(truth[stream]), stream
    # One backoff per 409 (a stream's backoff doubles from its first failure, with jitter).
    assert len(slept) == conflicts
    assert all(wait >= retries.RETRY_BACKOFF_BASE_SECONDS / 2 for wait in slept)
    assert max(slept) <= retries.RETRY_BACKOFF_CAP_SECONDS


def test_transient_failures_give_up_after_max_tries(groups, slept):
    failure = RetriableAPIError("GET /api/v2/groups: 503 Service Unavailable", response(503))
    request, calls = scripted(*[failure] * retries.MAX_TRIES)
    with pytest.raises(ZendeskAPIError) as caught:
        groups.request_decorator(request)(response(200).request, None)
    assert str(caught.value) == (
        f"GET /api/v2/groups: 503 Service Unavailable: still failing after "
        f"{retries.MAX_TRIES} tries"
    )
    assert len(calls) == retries.MAX_TRIES
    assert len(slept) == retries.MAX_TRIES - 1


def test_429s_are_waited_out_until_the_patience_ends(groups, slept, monkeypatch):
    monkeypatch.setattr(retries, "RATE_LIMIT_PATIENCE_SECONDS", 0)
    limited = RateLimitedError("GET /api/v2/groups: 429 rate limited", response(429))
    request, calls = scripted(limited, limited)
    with pytest.raises(ZendeskAPIError, match="Zendesk kept refusing for over 0 minutes; lower"):
        groups.request_decorator(request)(response(200).request, None)
    assert len(calls) == 1


def test_a_429_does_not_use_up_the_tries_of_transient_failures(groups, slept):
    failure = RetriableAPIError("GET /api/v2/groups: 500", response(500))
    limited = RateLimitedError("GET /api/v2/groups: 429 rate limited", response(429))
    outcomes = [failure] * (retries.MAX_TRIES - 1) + [limited] + [failure] * 3
    request, calls = scripted(*outcomes, response(200))
    assert groups.request_decorator(request)(response(200).request, None).status_code == 200
    assert len(calls) == len(outcomes) + 1


def test_a_stop_signal_while_the_wait_is_logged_stops_before_the_sleep(groups, slept, monkeypatch):
    """The signal lands while the wait line is written (a test, or a scheduler, reacting to
    it), before the library sleeps: the run stops there, not after the Retry-After."""
    log = groups.log

    def log_then_signal(message, *args, **kwargs):
        log(message, *args, **kwargs)
        if "Retry-After" in message:
            groups.tap.handle_stop_signal(signal.SIGTERM, None)

    monkeypatch.setattr(groups, "log", log_then_signal)
    limited = RateLimitedError(
        "GET /api/v2/groups: 429 rate limited", response(429, **{"Retry-After": "600"})
    )
    request, calls = scripted(limited, response(200))
    with pytest.raises(SystemExit) as stopped:
        groups.request_decorator(request)(response(200).request, None)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert (slept, len(calls)) == ([], 1)


def test_the_wait_generator_follows_retry_after_else_doubles(groups, monkeypatch):
    monkeypatch.setattr(retries, "retry_backoff", lambda failures: float(failures))
    waits = groups.backoff_wait_generator()
    next(waits)  # primed, as the library does
    named = RetriableAPIError("503", response(503, **{"Retry-After": "12"}))
    plain = RetriableAPIError("503", response(503))
    assert [waits.send(e) for e in (plain, named, plain, plain)] == [1.0, 12.0, 3.0, 4.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1.0), ("2.5", 2.5), (" 93 ", 93.0), ("-4", 0.0), ("soon", 60.0), ("", 60.0)],
)
def test_retry_after(value, expected):
    assert retry_after_seconds({"Retry-After": value}, 60.0) == expected


def test_retry_after_any_case_missing_or_a_date():
    assert retry_after_seconds({"retry-after": "7"}, 60.0) == 7
    assert retry_after_seconds({"RETRY-AFTER": "8"}, 60.0) == 8
    assert retry_after_seconds({}, 60.0) == 60
    in_30s = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_after_seconds({"Retry-After": in_30s}, 60.0) <= 31


def test_retry_backoff_is_short_doubling_capped_and_bounded():
    for failures in range(1, 30):
        ceiling = min(
            retries.RETRY_BACKOFF_BASE_SECONDS * 2 ** (failures - 1),
            retries.RETRY_BACKOFF_CAP_SECONDS,
        )
        assert ceiling / 2 <= retries.retry_backoff(failures) <= ceiling
    worst = sum(
        min(retries.RETRY_BACKOFF_BASE_SECONDS * 2 ** (n - 1), retries.RETRY_BACKOFF_CAP_SECONDS)
        for n in range(1, retries.MAX_TRIES)
    )
    assert 60 <= worst <= 300  # gives a flaky network minutes, never hours
