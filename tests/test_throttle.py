"""The throttle and its header reading, on a fake clock (no sleeping, no network)."""

from __future__ import annotations

import email.utils
import json
import math
import time
from pathlib import Path

import pytest
import requests

from tap_zendesk_objects.client import (
    MAX_TRIES,
    RETRY_BACKOFF_BASE_SECONDS,
    RETRY_BACKOFF_CAP_SECONDS,
    retry_backoff,
)
from tap_zendesk_objects.responses import error_text, error_title
from tap_zendesk_objects.tap import TapZendeskObjects
from tap_zendesk_objects.throttle import (
    Budget,
    Throttle,
    budget_delay,
    read_budgets,
    retry_after_seconds,
)


class FakeClock:
    """A monotonic clock that only moves when the throttle sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


SAMPLE_CATALOG = Path(__file__).parents[1] / "catalog.sample.json"


def make(per_minute: int) -> tuple[Throttle, FakeClock]:
    clock = FakeClock()
    return Throttle(per_minute, clock=clock, sleep=clock.sleep), clock


def test_requests_are_spaced_evenly():
    throttle, clock = make(10)
    waits = [throttle.wait() for _ in range(4)]
    assert waits == pytest.approx([0, 6, 6, 6])
    assert clock.now == pytest.approx(1018)


def test_time_already_spent_counts_towards_the_spacing():
    throttle, clock = make(10)
    throttle.wait()
    clock.now += 4  # the request and its records took 4 s
    assert throttle.wait() == pytest.approx(2)
    clock.now += 10
    assert throttle.wait() == 0


def test_pause_pushes_the_next_request_back_but_never_forward():
    throttle, _clock = make(200)
    throttle.pause(5)
    assert throttle.wait() == pytest.approx(5)
    throttle.pause(0.01)  # shorter than the spacing: the spacing wins
    assert throttle.wait() == pytest.approx(0.3)


def test_non_positive_rates_are_refused():
    with pytest.raises(ValueError, match="positive"):
        Throttle(0)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Rate-Limit": "200", "X-Rate-Limit-Remaining": "150"},
        {"x-rate-limit": "200", "x-rate-limit-remaining": "150"},
        {"RateLimit-Limit": "200", "RateLimit-Remaining": "150", "RateLimit-Reset": "41"},
        {"rate-limit": "200", "rate-limit-remaining": "150", "rate-limit-reset": "41"},
        {"RATE-LIMIT": "200", "Rate-Limit-Remaining": "150"},
        {"ratelimit-limit": "200, 200;w=60", "ratelimit-remaining": "150"},
    ],
)
def test_every_spelling_of_the_account_budget_is_read(headers):
    (budget,) = read_budgets(headers)
    assert (budget.limit, budget.remaining) == (200, 150)


def test_the_tightest_remaining_wins_and_endpoint_budgets_are_read_too():
    headers = requests.structures.CaseInsensitiveDict(
        {
            "X-Rate-Limit": "700",
            "X-Rate-Limit-Remaining": "650",
            "ratelimit-remaining": "640",
            "ratelimit-reset": "20",
            "Zendesk-RateLimit-incremental-exports": "total=10; remaining=1; resets=30",
        }
    )
    budgets = {b.name: b for b in read_budgets(headers)}
    assert budgets["account"] == Budget("account", 700, 640, 20.0)
    assert budgets["incremental-exports"] == Budget("incremental-exports", 10, 1, 30.0)
    # Plenty left of the account budget, one export left for 30 s: wait half of it.
    assert budget_delay(headers) == pytest.approx(15)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Rate-Limit": "abc", "X-Rate-Limit-Remaining": "1"},
        {"X-Rate-Limit-Remaining": "1"},
        {"X-Rate-Limit": "0", "X-Rate-Limit-Remaining": "0"},
        {"zendesk-ratelimit-tickets-index": "garbage"},
    ],
)
def test_missing_or_garbled_headers_ask_for_nothing(headers):
    assert budget_delay(headers) == 0


def test_budget_delay_grows_as_the_budget_runs_low():
    # Core 200/min: room above 20% (40), spread below it, the last 5% (10) left to others.
    assert Budget("a", 200, 41, 30).delay() == 0
    low = [Budget("a", 200, remaining, 30).delay() for remaining in (40, 30, 20, 11)]
    assert low == sorted(low)
    assert low[0] == pytest.approx(30 / 31)
    assert Budget("a", 200, 10, 30).delay() == 30
    assert Budget("a", 200, 0, 30).delay() == 30
    # Exports 10/min: no reserve, every request of the window is usable.
    assert Budget("e", 10, 1, 12).delay() == pytest.approx(6)
    assert Budget("e", 10, 0, 12).delay() == 12
    # No reset named: a minute; an absurd one is capped.
    assert Budget("e", 10, 0, None).delay() == 60
    assert Budget("e", 10, 0, 10**9).delay() == 900


def test_observe_slows_the_bucket_down():
    throttle, _clock = make(200)
    throttle.wait()
    assert throttle.observe({"X-Rate-Limit": "200", "X-Rate-Limit-Remaining": "199"}) == 0
    assert throttle.wait() == pytest.approx(0.3)
    throttle.observe(
        {"X-Rate-Limit": "200", "X-Rate-Limit-Remaining": "3", "rate-limit-reset": "42"}
    )
    assert throttle.wait() == pytest.approx(42)


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
        ceiling = min(RETRY_BACKOFF_BASE_SECONDS * 2 ** (failures - 1), RETRY_BACKOFF_CAP_SECONDS)
        assert ceiling / 2 <= retry_backoff(failures) <= ceiling
    worst = sum(
        min(RETRY_BACKOFF_BASE_SECONDS * 2 ** (n - 1), RETRY_BACKOFF_CAP_SECONDS)
        for n in range(1, MAX_TRIES)
    )
    assert 60 <= worst <= 300  # gives a flaky network minutes, never hours


class FixedWindowServer:
    """Zendesk's budget as the emulator keeps it: `limit` requests per clock minute."""

    def __init__(self, clock: FakeClock, limit: int, others_per_window: int = 0) -> None:
        self.clock, self.limit, self.others = clock, limit, others_per_window
        self.window, self.used = -1, 0
        self.served = self.refused = 0

    def request(self) -> dict[str, str]:
        window = int(self.clock.now // 60)
        if window != self.window:  # other integrations spend their share at the window start
            self.window, self.used = window, min(self.others, self.limit)
        reset = str(max(1, math.ceil((window + 1) * 60 - self.clock.now)))
        if self.used >= self.limit:
            self.refused += 1
            return {"Retry-After": reset}
        self.used += 1
        self.served += 1
        return {
            "X-Rate-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(self.limit - self.used),
            "ratelimit-reset": reset,
        }


@pytest.mark.parametrize(
    ("rate", "limit", "others"),
    [(10, 10, 0), (10, 10, 6), (200, 200, 0), (200, 200, 150), (200, 200, 195)],
)
def test_the_throttle_avoids_429s_even_when_others_spend_the_budget(rate, limit, others):
    throttle, clock = make(rate)
    server = FixedWindowServer(clock, limit, others)
    while clock.now < 1000 + 20 * 60:
        throttle.wait()
        headers = server.request()
        if "Retry-After" in headers:
            throttle.pause(float(headers["Retry-After"]))
        else:
            throttle.observe(headers)
        clock.now += 0.01  # the request itself
    assert server.refused == 0
    # ... and it still uses what the others leave, but the reserve.
    usable = max(limit - others - int(limit * 0.05), 0) * 20
    assert server.served >= usable * 0.75


def test_error_text_reads_all_four_zendesk_shapes():
    def response(body: bytes, reason: str = "Bad") -> requests.Response:
        resp = requests.Response()
        resp._content = body
        resp.reason = reason
        return resp

    assert error_text(response(b'{"error":"Couldn\'t authenticate you"}')) == (
        "Couldn't authenticate you"
    )
    assert error_text(response(b'{"error":"RecordNotFound","description":"Not found"}')) == (
        "RecordNotFound: Not found"
    )
    nested = response(b'{"error":{"title":"Forbidden","message":"Access\\nrestricted"}}')
    assert error_text(nested) == "Forbidden: Access restricted"
    assert error_title(nested) == "Forbidden"
    oauth = b'{"error":"invalid_token","error_description":"The access token is invalid"}'
    assert error_text(response(oauth)) == "invalid_token: The access token is invalid"
    listed = b'{"errors":[{"code":"X","title":"T","detail":"Offset pagination is limited"}]}'
    assert error_text(response(listed)) == "Offset pagination is limited"
    assert error_text(response(b"<html>proxy error</html>", "Bad Gateway")) == "Bad Gateway"
    long = error_text(response(b'{"error":"' + b"x" * 5000 + b'"}'))
    assert len(long) <= 300


@pytest.mark.parametrize(
    ("settings", "intervals"),
    [
        ({}, {"groups": 0.3, "tickets": 6.0, "ticket_events": 6.0, "users": 3.0}),
        (
            {"users_export_requests_per_minute": 60, "incremental_requests_per_minute": 30},
            {"groups": 0.3, "tickets": 2.0, "organizations": 2.0, "users": 1.0},
        ),
    ],
)
def test_each_stream_spends_its_own_zendesk_budget(settings, intervals):
    # The users cursor export has a budget of its own (20 a minute), apart from the 10 a
    # minute that the other incremental exports share; lists spend the Core API budget.
    tap = TapZendeskObjects(
        config={"subdomain": "acme", "access_token": "t0ken-value", **settings},
        catalog=json.loads(SAMPLE_CATALOG.read_text()),  # with a catalog nothing is read
        parse_env_config=False,
    )
    streams = tap.streams
    for name, interval in intervals.items():
        assert streams[name].throttle.interval == pytest.approx(interval), name
    assert streams["tickets"].throttle is streams["ticket_events"].throttle
    assert streams["users"].throttle is not streams["tickets"].throttle
