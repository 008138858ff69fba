"""The emulator serves the 15 collections beyond Segment's 16 as Zendesk's reference says."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.emulator import more_collections
from tests.emulator.account import Account
from tests.emulator.client import get, walk_cursor_list
from tests.emulator.more_collections import MORE_STREAMS, truth

METRIC_EVENTS = "/incremental/ticket_metric_events"


def test_every_new_collection_has_records_and_is_deterministic():
    # A fixed `now`: two accounts built on either side of a second would differ in their times.
    first = Account(scale=0.3, seed=4, now=1_790_000_000)
    again = Account(scale=0.3, seed=4, now=1_790_000_000)
    for stream in MORE_STREAMS:
        assert first.records(stream), stream
        assert first.records(stream) == again.records(stream), stream


def test_the_first_16_collections_are_unchanged_by_the_new_ones(monkeypatch):
    """The new collections draw from a random stream of their own."""
    with_them = Account(scale=0.3, seed=4, now=1_790_000_000)
    monkeypatch.setattr(more_collections, "build", lambda account: None)
    without = Account(scale=0.3, seed=4, now=1_790_000_000)
    for collection in ("users", "tickets", "ticket_events", "organizations", "audit_logs"):
        assert with_them.records(collection) == without.records(collection), collection


def test_new_collections_join_the_account():
    account = Account(scale=0.5, seed=2)
    tickets, users = account.records("tickets"), account.records("users")
    assert {t["custom_status_id"] for t in tickets} <= {
        s["id"] for s in account.records("custom_statuses")
    }
    assert {t["brand_id"] for t in tickets} <= {b["id"] for b in account.records("brands")}
    roles = {r["id"]: r for r in account.records("custom_roles")}
    for role_id, members in Counter(u["custom_role_id"] for u in users).items():
        if role_id is not None:
            assert roles[role_id]["team_member_count"] == members
    tags = Counter(tag for t in tickets for tag in t["tags"])
    assert {t["name"]: t["count"] for t in account.records("tags")} == dict(tags)
    ticket_ids, user_ids = {t["id"] for t in tickets}, {u["id"] for u in users}
    assert {e["ticket_id"] for e in account.records("ticket_metric_events")} <= ticket_ids
    assert {i["user_id"] for i in account.records("user_identities")} <= user_ids
    for schedule in account.records("schedules"):
        for interval in schedule["intervals"]:  # minutes since Sunday, within one day
            assert interval["start_time"] // 1440 == (interval["end_time"] - 1) // 1440


def test_rule_lists_paginate_in_zendesks_orders(emulator, http):
    macros, pages = walk_cursor_list(http, emulator, "/macros", "macros")
    assert pages == 2 and len(macros) == 130
    assert [(m["title"], m["id"]) for m in macros] == sorted((m["title"], m["id"]) for m in macros)
    tags, _ = walk_cursor_list(http, emulator, "/tags", "tags", size=2)
    assert [t["count"] for t in tags] == sorted((t["count"] for t in tags), reverse=True)
    assert all(set(t) == {"name", "count"} for t in tags), "Zendesk gives tags no id"
    views, _ = walk_cursor_list(http, emulator, "/views", "views")
    assert {v["id"] for v in views} == set(truth(emulator.account, 0, 0)["views"])
    assert len(views) < len(emulator.account.records("views")), "others' personal views hidden"


def test_unpaged_lists_ignore_page_parameters(emulator, http):
    statuses = get(http, emulator, "/custom_statuses", **{"page[size]": 2}).json()
    assert set(statuses) == {"custom_statuses"} and len(statuses["custom_statuses"]) == 8
    pending = get(http, emulator, "/custom_statuses", status_categories="pending").json()
    assert {s["status_category"] for s in pending["custom_statuses"]} == {"pending"}
    policies = get(http, emulator, "/slas/policies").json()
    assert policies["next_page"] is None and policies["count"] == 3


def test_holidays_per_schedule_without_a_schedule_id(emulator, http):
    for schedule in get(http, emulator, "/business_hours/schedules").json()["schedules"]:
        answer = get(http, emulator, f"/business_hours/schedules/{schedule['id']}/holidays")
        holidays = answer.json()["holidays"]
        assert holidays and all("schedule_id" not in h for h in holidays)
    assert get(http, emulator, "/business_hours/schedules/1/holidays").status_code == 404


@pytest.mark.parametrize(
    ("path", "switch", "status"),
    [
        ("/custom_roles", "enterprise", 403),
        ("/slas/policies", "professional", 403),
        ("/business_hours/schedules", "professional", 404),
        ("/business_hours/schedules/360100/holidays", "professional", 404),
    ],
)
def test_plan_switches(emulator, http, path, switch, status):
    assert get(http, emulator, path).status_code == 200
    setattr(emulator, switch, False)
    assert get(http, emulator, path).status_code == status


def test_metric_events_time_mode_and_cursor_mode(emulator, http):
    body = get(http, emulator, METRIC_EVENTS, start_time=0).json()
    assert body["count"] == len(body["ticket_metric_events"]) >= 1000
    assert "end_of_stream" not in body, "as in Zendesk's reference"
    emulator.metric_events_end_of_stream = True
    assert get(http, emulator, METRIC_EVENTS, start_time=0).json()["end_of_stream"] is False
    cursor = get(http, emulator, METRIC_EVENTS, start_time=0, **{"page[size]": 100}).json()
    assert len(cursor["ticket_metric_events"]) == 100 and cursor["meta"]["has_more"]
    refused = get(http, emulator, METRIC_EVENTS, start_time=0, **{"page[size]": 1000})
    assert refused.status_code == 400


def test_identities_sideload_only_when_asked(emulator, http):
    path = "/incremental/users/cursor"
    plain = get(http, emulator, path, start_time=0, per_page=5).json()
    assert "identities" not in plain
    body = get(http, emulator, path, start_time=0, per_page=5, include="identities").json()
    users = {u["id"] for u in body["users"]}
    assert body["identities"] and {i["user_id"] for i in body["identities"]} <= users
