"""The throttle and its header reading, on a fake clock (no sleeping, no network)."""

from __future__ import annotations

import bisect
import json
import math
import random
from pathlib import Path

import pytest
import requests

from tap_zendesk_objects.http.responses import error_text, error_title
from tap_zendesk_objects.http.throttle import (
    Budget,
    Throttle,
    read_budgets,
)
from tap_zendesk_objects.tap import TapZendeskObjects


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


def make(per_window: int, **kwargs) -> tuple[Throttle, FakeClock]:
    clock = FakeClock()
    return Throttle(per_window, clock=clock, sleep=clock.sleep, **kwargs), clock


def send(
    throttle: Throttle, clock: FakeClock, seconds: float = 0.0, endpoint: str | None = None
) -> float:
    """One request of `endpoint` through the throttle, taking `seconds`; returns the wait
    before it."""
    waited = throttle.wait(endpoint)
    clock.now += seconds
    throttle.done()
    return waited


def test_a_bucket_spends_its_budget_at_once_then_waits_for_the_window():
    throttle, clock = make(10)
    assert [send(throttle, clock) for _ in range(10)] == [0] * 10
    assert clock.now == 1000  # ten requests, no wait
    assert send(throttle, clock) == pytest.approx(60)  # the oldest leaves the window
    assert [send(throttle, clock) for _ in range(9)] == [0] * 9
    assert send(throttle, clock) == pytest.approx(60)


def test_the_window_slides_with_each_request_and_counts_from_its_end():
    throttle, clock = make(3)
    send(throttle, clock, seconds=2)  # finishes at 1002
    clock.now += 10
    send(throttle, clock, seconds=1)  # finishes at 1013
    send(throttle, clock)  # at 1013
    assert send(throttle, clock) == pytest.approx(1062 - 1013)  # 60 s after the first ended
    assert clock.now == pytest.approx(1062)
    assert send(throttle, clock) == pytest.approx(1073 - 1062)  # then after the second
    clock.now += 100  # a quiet spell empties the window
    assert [send(throttle, clock) for _ in range(3)] == [0, 0, 0]


def test_a_request_under_way_holds_its_place():
    throttle, clock = make(2)
    throttle.wait()  # under way, not finished
    send(throttle, clock)
    assert throttle.wait() > 0  # two in the window, one of them still open


def test_the_core_bucket_keeps_a_reserve_the_others_do_not():
    assert Throttle(200, reserve_share=0.05).budget == 190
    assert Throttle(700, reserve_share=0.05).budget == 665
    assert Throttle(10).budget == 10
    assert Throttle(1, reserve_share=0.05).budget == 1


def test_export_requests_count_against_the_core_budget_too():
    core, clock = make(5)
    exports = Throttle(10, parent=core, clock=clock, sleep=clock.sleep)
    assert [send(exports, clock) for _ in range(3)] == [0, 0, 0]
    assert [send(core, clock) for _ in range(2)] == [0, 0]
    assert send(core, clock) == pytest.approx(60)  # five in the Core window: three exports
    clock.now += 100
    assert [send(exports, clock) for _ in range(5)] == [0] * 5
    assert send(exports, clock) == pytest.approx(60)  # Core is full, though exports are not


def test_non_positive_rates_are_refused():
    with pytest.raises(ValueError, match="positive"):
        Throttle(0)


def test_a_stop_ends_the_wait_early():
    clock = FakeClock()
    throttle = Throttle(1, clock=clock, sleep=lambda seconds: True)  # Event.wait: set
    throttle.wait()
    throttle.done()
    assert throttle.wait() == pytest.approx(60)  # it would have waited, but returned at once
    assert clock.now == 1000


# Zendesk's minute has just begun: nothing tells how fast the others spend yet.
ACCOUNT_HEADERS = {"X-Rate-Limit": "200", "ratelimit-reset": "59"}
# Endpoints, as streams name them (their path templates).
TICKETS = "/api/v2/incremental/tickets/cursor"
TICKET_EVENTS = "/api/v2/incremental/ticket_events"
ORGANIZATIONS = "/api/v2/incremental/organizations"
USERS = "/api/v2/incremental/users/cursor"
GROUPS = "/api/v2/groups"


def test_headers_rule_when_zendesk_reports_less_than_the_window_thinks():
    throttle, clock = make(200, reserve_share=0.05)
    send(throttle, clock)
    # Other integrations spent most of the minute: 13 left, 10 of them the reserve.
    throttle.observe({**ACCOUNT_HEADERS, "X-Rate-Limit-Remaining": "13"})
    assert [send(throttle, clock) for _ in range(3)] == [0, 0, 0]
    assert send(throttle, clock) == pytest.approx(59)  # until Zendesk's window resets
    assert [send(throttle, clock) for _ in range(5)] == [0] * 5  # the window has room again


def test_an_old_answer_counts_what_the_others_spent_since():
    throttle, clock = make(200, reserve_share=0.05)
    send(throttle, clock)
    # Half-way through Zendesk's minute, 109 left: the others spent 90 in 30 s. The tap
    # then waits 20 s for another bucket, while they spend 60 more: 39 are left to it now.
    headers = {"X-Rate-Limit": "200", "X-Rate-Limit-Remaining": "109", "ratelimit-reset": "30"}
    throttle.observe(headers)
    clock.now += 20
    assert [send(throttle, clock) for _ in range(39)] == [0] * 39
    assert send(throttle, clock) == pytest.approx(10)  # none until the reset


def test_plenty_reported_leaves_the_window_in_charge():
    throttle, clock = make(10)
    throttle.observe({**ACCOUNT_HEADERS, "X-Rate-Limit-Remaining": "199"})
    assert [send(throttle, clock) for _ in range(10)] == [0] * 10
    assert send(throttle, clock) == pytest.approx(60)  # the window, not the headers


def test_endpoint_budgets_have_no_reserve_and_the_account_budget_goes_to_core():
    core, clock = make(200, reserve_share=0.05)
    users = Throttle(20, parent=core, clock=clock, sleep=clock.sleep)
    send(users, clock, endpoint=USERS)
    users.observe(
        {
            "X-Rate-Limit": "200",
            "X-Rate-Limit-Remaining": "150",
            "Zendesk-RateLimit-incremental-exports-cursor": "total=20; remaining=2; resets=59",
        },
        USERS,
    )
    assert [send(users, clock, endpoint=USERS) for _ in range(2)] == [0, 0]  # the two left
    assert send(users, clock, endpoint=USERS) == pytest.approx(59)
    assert send(core, clock) == 0  # the users budget is not Core's
    core.observe({**ACCOUNT_HEADERS, "X-Rate-Limit-Remaining": "10"})  # only the reserve left
    assert send(users, clock, endpoint=USERS) == pytest.approx(59)  # exports wait for Core too


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
    throttle, clock = make(10)
    throttle.observe(headers)
    assert [send(throttle, clock) for _ in range(10)] == [0] * 10


# The header: one page of the tickets export spent that endpoint's budget.
TICKETS_SPENT = {"Zendesk-RateLimit-tickets-index": "total=100; remaining=0; resets=468"}


def test_a_spent_endpoint_budget_holds_back_only_that_endpoint():
    core, clock = make(200, reserve_share=0.05)
    exports = Throttle(1000, parent=core, clock=clock, sleep=clock.sleep)
    send(exports, clock, endpoint=TICKETS)
    exports.observe(TICKETS_SPENT, TICKETS)
    # The other endpoints of the bucket, Core's lists and requests of no endpoint go at once.
    assert [send(exports, clock, endpoint=e) for e in (TICKET_EVENTS, ORGANIZATIONS)] == [0, 0]
    assert send(exports, clock) == 0
    assert send(core, clock, endpoint=GROUPS) == 0
    assert clock.slept == []
    # The tickets export itself waits for the reset Zendesk names, and then goes.
    assert send(exports, clock, endpoint=TICKETS) == pytest.approx(468)
    assert clock.slept == [pytest.approx(468)]
    assert send(exports, clock, endpoint=TICKETS) == 0


def test_a_spent_endpoint_budget_is_past_at_its_reset():
    exports, clock = make(1000)
    exports.observe(TICKETS_SPENT, TICKETS)
    assert send(exports, clock, endpoint=TICKET_EVENTS) == 0
    clock.now += 468  # the tap was busy elsewhere until the reset
    assert send(exports, clock, endpoint=TICKETS) == 0
    assert clock.slept == []


def test_other_endpoints_do_not_spend_an_endpoint_budget():
    exports, clock = make(1000)
    exports.observe(
        {"Zendesk-RateLimit-tickets-index": "total=100; remaining=2; resets=30"}, TICKETS
    )
    assert [send(exports, clock, endpoint=TICKET_EVENTS) for _ in range(5)] == [0] * 5
    assert [send(exports, clock, endpoint=TICKETS) for _ in range(2)] == [0, 0]  # still two
    assert send(exports, clock, endpoint=TICKETS) == pytest.approx(30)


def test_a_budget_two_endpoints_report_holds_back_each_once_it_reported_it():
    exports, clock = make(1000)
    shared = {"Zendesk-RateLimit-incremental-exports": "total=10; remaining=3; resets=40"}
    exports.observe(shared, TICKETS)
    # Ticket events have not reported it: they do not spend it and it does not hold them.
    assert [send(exports, clock, endpoint=TICKET_EVENTS) for _ in range(4)] == [0] * 4
    exports.observe(shared, TICKET_EVENTS)  # now they have: one allowance, spent by both
    assert send(exports, clock, endpoint=TICKETS) == 0
    assert send(exports, clock, endpoint=TICKET_EVENTS) == 0
    assert send(exports, clock, endpoint=TICKETS) == 0
    assert clock.slept == []
    assert send(exports, clock, endpoint=TICKET_EVENTS) == pytest.approx(40)  # three spent
    exports.observe({"Zendesk-RateLimit-incremental-exports": "total=10; remaining=0; resets=60"})
    assert send(exports, clock, endpoint=TICKETS) == pytest.approx(60)  # by name, for both
    assert send(exports, clock, endpoint=ORGANIZATIONS) == 0  # never reported it


def test_the_account_budget_still_holds_back_every_request():
    core, clock = make(200, reserve_share=0.05)
    exports = Throttle(1000, parent=core, clock=clock, sleep=clock.sleep)
    exports.observe({**ACCOUNT_HEADERS, "X-Rate-Limit-Remaining": "10"}, TICKETS)  # the reserve
    for throttle, endpoint in [(exports, TICKET_EVENTS), (exports, None), (core, GROUPS)]:
        assert send(throttle, clock, endpoint=endpoint) == pytest.approx(59), endpoint
        core.observe({**ACCOUNT_HEADERS, "X-Rate-Limit-Remaining": "10"}, GROUPS)


def test_a_bucket_of_600_requests_in_10_minutes_waits_for_its_oldest_request():
    # Side-conversation events: 600 requests per 10 minutes.
    throttle, clock = make(600, window_seconds=600)
    assert sum(send(throttle, clock, seconds=0.5) for _ in range(600)) == 0
    first = 1000.5  # the oldest request finished then
    assert clock.now == pytest.approx(1300)
    assert send(throttle, clock) == pytest.approx(first + 600 - 1300)  # after 10 minutes, not 1
    assert clock.now == pytest.approx(first + 600)


def test_the_window_length_must_be_positive():
    with pytest.raises(ValueError, match="window"):
        Throttle(10, window_seconds=0)


def test_a_budget_without_reset_waits_a_minute_and_an_absurd_reset_is_capped():
    throttle, clock = make(10)
    throttle.observe({"X-Rate-Limit": "200", "X-Rate-Limit-Remaining": "0"})
    assert send(throttle, clock) == pytest.approx(60)
    throttle.observe({"Zendesk-RateLimit-x": f"total=10; remaining=0; resets={10**9}"}, GROUPS)
    assert send(throttle, clock, endpoint=GROUPS) == pytest.approx(900)


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


class ZendeskBudget:
    """Zendesk's budget on the fake clock, counted per clock minute (fixed) or over the last
    60 s (sliding). Another integration spends `others` a minute of it, evenly, and is never
    refused: whatever the tap takes early in a window, the others still take later."""

    def __init__(self, clock: FakeClock, limit: int, others: int = 0, *, sliding: bool) -> None:
        self.clock, self.limit, self.others, self.sliding = clock, limit, others, sliding
        self.times: list[float] = []  # every request counted, the tap's and the others'
        self.next_other = 0.0
        self.served = self.refused = 0

    def request(self) -> dict[str, str]:
        now = self.clock.now
        while self.others and self.next_other <= now:
            self.times.append(self.next_other)
            self.next_other += 60 / self.others
        if self.sliding:
            first = bisect.bisect_right(self.times, now - 60)
            reset = self.times[first] + 60 - now if first < len(self.times) else 60
        else:
            first = bisect.bisect_left(self.times, now // 60 * 60)
            reset = now // 60 * 60 + 60 - now
        remaining = self.limit - (len(self.times) - first)
        if remaining <= 0:
            self.refused += 1
            return {"Retry-After": str(math.ceil(reset))}
        self.times.append(now)
        self.served += 1
        return {
            "X-Rate-Limit": str(self.limit),
            "X-Rate-Limit-Remaining": str(remaining - 1),
            "ratelimit-reset": str(math.ceil(reset)),
        }


def simulate(throttle: Throttle, zendesk: ZendeskBudget, clock: FakeClock, seed: int | None):
    """20 minutes of requests; with a seed, now and then a wait for another bucket."""
    rng = random.Random(seed)
    clock.now = 1000.5  # mid-minute: a fixed minute starts at 1020
    while clock.now < 1000 + 20 * 60:
        throttle.wait()
        clock.now += 0.01  # Zendesk counts the request while it is under way
        headers = zendesk.request()
        throttle.done()
        if "Retry-After" in headers:
            clock.now += float(headers["Retry-After"])
        else:
            throttle.observe(headers)
        if seed is not None and rng.random() < 0.05:
            clock.now += rng.uniform(1, 40)


CASES = [
    (10, 10, 0, 0, False),
    (10, 10, 0, 0, True),
    (200, 200, 0, 0.05, False),
    (200, 200, 0, 0.05, True),
    (10, 10, 6, 0, False),
    (200, 200, 160, 0.05, False),
    (200, 200, 100, 0.05, False),
]


@pytest.mark.parametrize(("rate", "limit", "others", "reserve", "sliding"), CASES)
def test_no_429_whether_zendesk_counts_fixed_or_sliding_minutes(
    rate, limit, others, reserve, sliding
):
    """Others spending the budget too: tested where Zendesk counts clock minutes, as its
    `resets` header says it does (with a sliding count they may take the last requests of
    a window between two of the tap's, which then waits out a 429)."""
    throttle, clock = make(rate, reserve_share=reserve)
    zendesk = ZendeskBudget(clock, limit, others, sliding=sliding)
    simulate(throttle, zendesk, clock, seed=None)
    assert zendesk.refused == 0
    # ... and it spends what the others leave, but the reserve.
    usable = min(limit - others - int(limit * reserve), throttle.budget) * 20
    assert zendesk.served >= usable * 0.9


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(("rate", "limit", "others", "reserve", "sliding"), CASES)
def test_no_429_after_waiting_for_other_buckets(rate, limit, others, reserve, sliding, seed):
    throttle, clock = make(rate, reserve_share=reserve)
    zendesk = ZendeskBudget(clock, limit, others, sliding=sliding)
    simulate(throttle, zendesk, clock, seed=seed)
    assert zendesk.refused == 0


def test_a_sync_waits_only_the_windows_its_requests_need():
    """25 export requests at 10 a minute: two windows of 60 s, whatever the pages cost."""
    throttle, clock = make(10)
    started = clock.now
    for _ in range(25):
        send(throttle, clock, seconds=0.2)
    assert clock.now - started <= 2 * 60 + 25 * 0.2


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
    ("settings", "budgets"),
    [
        ({}, {"groups": 190, "tickets": 10, "ticket_events": 10, "users": 20}),
        (
            {"users_export_requests_per_minute": 60, "incremental_requests_per_minute": 30},
            {"groups": 190, "tickets": 30, "organizations": 30, "users": 60},
        ),
    ],
)
def test_each_stream_spends_its_own_zendesk_budget(settings, budgets):
    # The users cursor export has a budget of its own (20 a minute), apart from the 10 a
    # minute that the other incremental exports share; lists spend the Core API budget
    # (200 a minute less a 5% reserve), and so do the exports, as Zendesk counts them.
    tap = TapZendeskObjects(
        config={"subdomain": "acme", "access_token": "t0ken-value", **settings},
        catalog=json.loads(SAMPLE_CATALOG.read_text()),  # with a catalog nothing is read
        parse_env_config=False,
    )
    streams = tap.streams
    for name, budget in budgets.items():
        assert streams[name].throttle.budget == budget, name
    assert streams["tickets"].throttle is streams["ticket_events"].throttle
    assert streams["users"].throttle is not streams["tickets"].throttle
    core = streams["groups"].throttle
    assert streams["users"].throttle.parent is core
    assert streams["tickets"].throttle.parent is core
    assert core.parent is None
