"""The 15 opt-in collections beyond Segment's 16: exactly the truth, at the fewest requests."""

from __future__ import annotations

import math

import pytest
import requests

from tap_zendesk_objects.streams import STREAM_TYPES
from tap_zendesk_objects.timeutil import to_epoch
from tests.emulator.account import Account
from tests.emulator.more_collections import MORE_STREAMS, new_metric_events, truth
from tests.emulator.server import Emulator
from tests.emulator.zendesk import visible_cutoff
from tests.singer import FAST_RATES, SyncResult, discover, run_tap, select

START_DATE = "2020-01-01T00:00:00Z"
LIST_PAGE = 100
METRIC_EVENTS = "/api/v2/incremental/ticket_metric_events"
LISTS = {
    "brands": "/api/v2/brands",
    "tags": "/api/v2/tags",
    "macros": "/api/v2/macros",
    "triggers": "/api/v2/triggers",
    "automations": "/api/v2/automations",
    "views": "/api/v2/views",
    "custom_statuses": "/api/v2/custom_statuses",
    "custom_roles": "/api/v2/custom_roles",
    "sla_policies": "/api/v2/slas/policies",
    "schedules": "/api/v2/business_hours/schedules",
    "user_fields": "/api/v2/user_fields",
    "organization_fields": "/api/v2/organization_fields",
}
# What a sync with the default selection requested before these streams existed (scale 1,
# seed 1, measured with the tap of the commit before them): it must not change.
DEFAULT_SELECTION_REQUESTS = {
    "/api/v2/activities": 2,
    "/api/v2/group_memberships": 1,
    "/api/v2/groups": 1,
    "/api/v2/organization_memberships": 3,
    "/api/v2/incremental/organizations": 1,
    "/api/v2/satisfaction_ratings": 2,
    "/api/v2/incremental/ticket_events": 2,
    "/api/v2/ticket_fields": 1,
    "/api/v2/ticket_forms": 1,
    "/api/v2/skips": 1,
    "/api/v2/incremental/tickets/cursor": 2,
    "/api/v2/incremental/users/cursor": 1,
    "/api/v2/users/me": 1,  # the admin check before the exports, once per run
}


def tap_config(emulator: Emulator, **overrides) -> dict:
    return {**emulator.config(), **FAST_RATES, "start_date": START_DATE, **overrides}


def keys(result: SyncResult, stream: str) -> list:
    """Each record's primary key, as the emulator's truth spells it."""
    if stream == "tags":
        return [r["name"] for r in result.records(stream)]
    if stream == "schedule_holidays":
        return [(r["schedule_id"], r["id"]) for r in result.records(stream)]
    return [r["id"] for r in result.records(stream)]


def expected(emulator: Emulator, start: str | int = START_DATE) -> dict[str, dict]:
    return truth(emulator.account, to_epoch(start), visible_cutoff())


def export_pages(emulator: Emulator, start: int, per_page: int = 1000) -> int:
    """Requests a plain walk of the time-based metric event export needs from `start`."""
    session = requests.Session()
    session.auth = (emulator.config()["email"] + "/token", emulator.config()["api_token"])
    pages, start_time = 0, start
    while True:
        body = session.get(
            emulator.base_url + METRIC_EVENTS,
            params={"start_time": start_time, "per_page": per_page},
            timeout=30,
        ).json()
        pages += 1
        if body.get("end_of_stream") or not body["count"] or body["end_time"] <= start_time:
            return pages
        start_time = body["end_time"]


@pytest.fixture(scope="module")
def full_sync(tmp_path_factory):
    """One sync of every stream of the registry at scale 1."""
    tmp_path = tmp_path_factory.mktemp("every-stream")
    with Emulator(Account(scale=1, seed=1)) as emulator:
        config = tap_config(emulator)
        catalog = select(discover(tmp_path, config))
        emulator.reset_counts()
        result = run_tap(tmp_path, config, catalog=catalog)
        assert result.returncode == 0, result.stderr[-2000:]
        yield result, emulator, catalog


@pytest.mark.parametrize("stream", MORE_STREAMS)
def test_every_stream_selected_emits_exactly_the_truth(full_sync, stream):
    result, emulator, _ = full_sync
    want = expected(emulator)[stream]
    assert want, f"the emulator has no {stream}: the test would prove nothing"
    got = keys(result, stream)
    assert set(got) == set(want)
    assert len(got) == len(want), "records emitted twice"


def test_every_stream_writes_its_schema_once(full_sync):
    result, _, catalog = full_sync
    schemas = [message["stream"] for message in result.of_type("SCHEMA")]
    assert sorted(schemas) == sorted({entry["tap_stream_id"] for entry in catalog["streams"]})
    assert len(schemas) == len(STREAM_TYPES)


def test_every_new_record_says_when_it_was_read(full_sync):
    result, _, _ = full_sync
    for stream in MORE_STREAMS:
        assert all(r.get("received_at") for r in result.records(stream)), stream


def test_new_streams_are_read_at_the_floor(full_sync):
    _, emulator, _ = full_sync
    account, counts = emulator.account, emulator.request_counts()
    for stream, endpoint in LISTS.items():
        floor = max(math.ceil(len(account.records(stream)) / LIST_PAGE), 1)
        assert counts.get(endpoint) == floor, endpoint  # field lists: one read for both uses
    for schedule in account.records("schedules"):
        assert counts[f"/api/v2/business_hours/schedules/{schedule['id']}/holidays"] == 1
    # Identities ride on the users export, and the field lists serve both their streams and
    # the custom columns: Segment's collections cost what they cost without the new ones.
    for endpoint, made in DEFAULT_SELECTION_REQUESTS.items():
        assert counts[endpoint] == made, endpoint
    # Metric events: the fewest pages of the time-based export.
    pages = export_pages(emulator, to_epoch(START_DATE))
    assert counts[METRIC_EVENTS] == pages
    events = len(expected(emulator)["ticket_metric_events"])
    assert pages <= math.ceil(events / 1000) + 2 < math.ceil(events / 100), "cursor mode is 10x"


def test_new_full_table_lists_activate_their_version_after_reading(full_sync):
    result, _, _ = full_sync
    for stream in set(MORE_STREAMS) - {"ticket_metric_events", "user_identities"}:
        (activation,) = result.of_type("ACTIVATE_VERSION", stream)
        positions = [i for i, m in enumerate(result.messages) if m.get("stream") == stream]
        assert result.messages.index(activation) == positions[-1], stream
    assert not result.of_type("ACTIVATE_VERSION", "ticket_metric_events")
    assert not result.of_type("ACTIVATE_VERSION", "user_identities")


def test_rows_join_the_account(full_sync):
    result, emulator, _ = full_sync
    account = emulator.account
    holidays = {h: s for s, ids in account.holidays_by_schedule.items() for h in ids}
    assert all(r["schedule_id"] == holidays[r["id"]] for r in result.records("schedule_holidays"))
    users, tickets = result.ids("users"), {t["id"] for t in account.records("tickets")}
    assert all(r["user_id"] in users for r in result.records("user_identities"))
    assert all(r["ticket_id"] in tickets for r in result.records("ticket_metric_events"))
    statuses = result.ids("custom_statuses")
    assert {t["custom_status_id"] for t in result.records("tickets")} <= statuses
    sla = [r for r in result.records("ticket_metric_events") if r["type"] == "apply_sla"]
    assert sla and all(isinstance(r["sla"]["policy"], dict) for r in sla)
    rules = result.records("triggers") + result.records("views")
    assert all(isinstance(r["conditions"]["all"], list) for r in rules)
    assert all(isinstance(i["start_time"], int) for s in result.records("schedules")
               for i in s["intervals"])  # fmt: skip


def test_default_selection_makes_the_requests_it_made_before(tmp_path, emulator):
    config = tap_config(emulator)
    catalog = discover(tmp_path, config)  # the default selection, as discovered
    emulator.reset_counts()
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert emulator.request_counts() == DEFAULT_SELECTION_REQUESTS
    assert not result.streams() & set(MORE_STREAMS)


@pytest.mark.parametrize("end_of_stream", [False, True], ids=["no-flag", "end_of_stream"])
def test_metric_events_small_pages_lose_nothing_and_repeat_nothing(
    tmp_path, emulator, end_of_stream
):
    """Seven a page: shared seconds make oversized pages and boundary repeats."""
    emulator.metric_events_end_of_stream = end_of_stream
    config = tap_config(emulator, export_page_size=7, start_date="2026-01-01T00:00:00Z")
    catalog = select(discover(tmp_path, config), {"ticket_metric_events"})
    emulator.reset_counts()
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    want = expected(emulator, "2026-01-01T00:00:00Z")["ticket_metric_events"]
    got = keys(result, "ticket_metric_events")
    assert want and set(got) == set(want) and len(got) == len(want)
    pages = emulator.request_counts()[METRIC_EVENTS]
    assert pages == export_pages(emulator, to_epoch("2026-01-01T00:00:00Z"), 7)


def test_metric_event_state_never_runs_ahead_of_the_records(tmp_path, emulator):
    config = tap_config(emulator, export_page_size=500)
    catalog = select(discover(tmp_path, config), {"ticket_metric_events"})
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    latest, bookmarks = None, []
    for message in result.messages:
        if message["type"] == "RECORD":
            latest = max(latest or 0, to_epoch(message["record"]["time"]))
        elif message["type"] == "STATE":
            value = message["value"]["bookmarks"].get("ticket_metric_events", {})
            if "replication_key_value" in value:
                bookmark = to_epoch(value["replication_key_value"])
                assert bookmark == latest, "a STATE covers exactly the records before it"
                bookmarks.append(bookmark)
    assert len(bookmarks) > 5, "one STATE per page, so a restart resumes at the last page"


def test_second_run_reads_only_new_metric_events_and_changed_identities(tmp_path, emulator):
    account = emulator.account
    config = tap_config(emulator)
    streams = {"ticket_metric_events", "user_identities"}
    catalog = select(discover(tmp_path, config), streams)
    first = run_tap(tmp_path, config, catalog=catalog)
    assert first.returncode == 0, first.stderr[-2000:]
    state = first.final_state
    assert "users" in state["bookmarks"], "identities move with the users' bookmark"

    new_events = new_metric_events(account, 4)
    changed_users = account.update_users(3)
    emulator.reset_counts()
    second = run_tap(tmp_path, config, catalog=catalog, state=state)
    assert second.returncode == 0, second.stderr[-2000:]

    since = to_epoch(state["bookmarks"]["ticket_metric_events"]["replication_key_value"])
    assert set(keys(second, "ticket_metric_events")) == set(
        expected(emulator, since)["ticket_metric_events"]
    )
    assert set(new_events) <= second.ids("ticket_metric_events")
    assert len(second.ids("ticket_metric_events")) < 20, "the second run re-read old events"
    identities = {i for u in changed_users for i in account.identities_by_user.get(u, [])}
    assert identities and identities <= second.ids("user_identities")
    assert len(second.ids("user_identities")) < 30
    assert emulator.request_counts()[METRIC_EVENTS] == export_pages(emulator, since)


def test_plan_gated_streams_warn_and_stay_empty(tmp_path, emulator):
    emulator.enterprise = emulator.professional = False  # a Team plan
    config = tap_config(emulator)
    gated = {"sla_policies", "schedules", "schedule_holidays", "custom_roles"}
    catalog = select(discover(tmp_path, config), gated | {"brands"})
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not result.streams() & gated
    assert result.records("brands")
    for sentence in ("SLA policies need", "Business-hours schedules need", "Custom roles need"):
        assert sentence in result.stderr
    for stream in gated:
        assert not result.of_type("ACTIVATE_VERSION", stream), "would empty the table"


@pytest.mark.slow
def test_ten_percent_faults_lose_nothing_of_the_new_streams(tmp_path):
    account = Account(scale=1, seed=1, now=visible_cutoff() - 3600)  # the truth cannot move
    with Emulator(account, fault_rate=0.1, fault_seed=7, slow_seconds=0.1) as emulator:
        config = tap_config(emulator, export_page_size=100)
        emulator.fault_rate = 0.0
        catalog = select(discover(tmp_path, config), set(MORE_STREAMS))
        emulator.fault_rate = 0.1
        emulator.reset_counts()
        result = run_tap(tmp_path, config, catalog=catalog)
        statuses = emulator.status_counts()
        assert result.returncode == 0, result.stderr[-3000:]
        want = expected(emulator)
    assert sum(n for status, n in statuses.items() if status != 200) >= 3, statuses
    for stream in MORE_STREAMS:
        got = keys(result, stream)
        assert set(got) == set(want[stream]), stream
        assert len(got) == len(want[stream]), f"{stream}: records emitted twice"
