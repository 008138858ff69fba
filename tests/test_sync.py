"""Full and incremental syncs against the emulator: the truth's ids, at the request floor."""

from __future__ import annotations

import copy
import math

import pytest

from tap_zendesk_objects.timeutil import to_epoch
from tests.emulator.account import Account
from tests.emulator.account_truth import TAP_STREAMS
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2020-01-01T00:00:00Z"
EXPORT_PAGE, LIST_PAGE = 1000, 100
DERIVED = {"ticket_metrics", "ticket_comments", "attachments"}
LIST_ENDPOINTS = {
    "groups": "/api/v2/groups",
    "ticket_fields": "/api/v2/ticket_fields",
    "ticket_forms": "/api/v2/ticket_forms",
    "ticket_skips": "/api/v2/skips",
    "organization_memberships": "/api/v2/organization_memberships",
    "group_memberships": "/api/v2/group_memberships",
    "satisfaction_ratings": "/api/v2/satisfaction_ratings",
    "activities": "/api/v2/activities",
    "audit_logs": "/api/v2/audit_logs",
}
# Reading the custom-field definitions once per run is within the floor; the ticket field
# list is also a stream, and one read serves both.
FIELD_LISTS = {"/api/v2/ticket_fields", "/api/v2/user_fields", "/api/v2/organization_fields"}
SHARED_FIELD_LISTS = {"/api/v2/ticket_fields"}


def tap_config(emulator: Emulator, **overrides) -> dict:
    return {**emulator.config(), **FAST_RATES, "start_date": START_DATE, **overrides}


@pytest.fixture(scope="module")
def full_sync(tmp_path_factory):
    """One full sync of Segment's streams (opt-in ones too) at scale 1, and the account after.

    The streams beyond them are tested in test_more_collections.py and the conversation and
    Help Center tests.
    """
    tmp_path = tmp_path_factory.mktemp("full")
    with Emulator(Account(scale=1, seed=1)) as emulator:
        config = tap_config(emulator)
        catalog = select(discover(tmp_path, config), set(TAP_STREAMS))
        emulator.reset_counts()
        result = run_tap(tmp_path, config, catalog=catalog)
        yield result, emulator, catalog


def test_full_sync_exits_cleanly(full_sync):
    result, _, _ = full_sync
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("stream", sorted(TAP_STREAMS))
def test_full_sync_emits_exactly_the_truth(full_sync, stream):
    result, emulator, _ = full_sync
    truth = emulator.account.truth(to_epoch(START_DATE))[stream]
    assert truth, f"the emulator has no {stream}: the test would prove nothing"
    emitted = [record["id"] for record in result.records(stream)]
    assert set(emitted) == set(truth)
    assert len(emitted) == len(truth), "records emitted twice"


def test_each_schema_is_written_once_per_stream(full_sync):
    result, _, _ = full_sync
    schemas = [message["stream"] for message in result.of_type("SCHEMA")]
    assert sorted(schemas) == sorted(TAP_STREAMS)


def test_state_does_not_grow_with_parent_records(full_sync):
    result, _, _ = full_sync
    bookmarks = result.final_state["bookmarks"]
    for stream in DERIVED:
        assert "partitions" not in bookmarks.get(stream, {})
    assert len(str(result.final_state)) < 4000


ADMIN_CHECK = "/api/v2/users/me"


def test_requests_are_at_the_floor(full_sync):
    _, emulator, _ = full_sync
    account, counts = emulator.account, emulator.request_counts()
    truth = account.truth(to_epoch(START_DATE))
    start = to_epoch(START_DATE)
    updates = [u for u in account.records("ticket_events") if u["timestamp"] >= start]
    exports = {
        "/api/v2/incremental/tickets/cursor": len(truth["tickets"]),
        "/api/v2/incremental/users/cursor": len(truth["users"]),
        "/api/v2/incremental/organizations": len(truth["organizations"]),
        "/api/v2/incremental/ticket_events": len(updates),
    }
    for endpoint, records in exports.items():
        floor = math.ceil(records / EXPORT_PAGE)
        assert floor <= counts.get(endpoint, 0) <= floor + 1, endpoint  # + one closing page
    for stream, endpoint in LIST_ENDPOINTS.items():
        served = len(account.records(stream))
        floor = max(math.ceil(served / LIST_PAGE), 1)
        extra = 1 if endpoint in FIELD_LISTS - SHARED_FIELD_LISTS else 0
        assert floor <= counts.get(endpoint, 0) <= floor + extra, endpoint
    # The admin check before the exports: one request per run.
    assert counts.get(ADMIN_CHECK) == 1
    allowed = set(exports) | set(LIST_ENDPOINTS.values()) | FIELD_LISTS | {ADMIN_CHECK}
    assert set(counts) <= allowed, f"unexpected requests: {set(counts) - allowed}"
    assert (
        sum(counts.values())
        <= sum(math.ceil(n / EXPORT_PAGE) + 1 for n in exports.values())
        + sum(max(math.ceil(len(account.records(s)) / LIST_PAGE), 1) for s in LIST_ENDPOINTS)
        + 3
        + 1
    )


def test_ticket_events_rows_carry_their_update(full_sync):
    result, emulator, _ = full_sync
    updates = {u["id"]: u for u in emulator.account.records("ticket_events")}
    rows = result.records("ticket_events")
    changes = [row for row in rows if row["event_type"] == "Change"]
    assert changes, "no Change events to check"
    for row in rows:
        update = updates[row["ticket_event_id"]]
        assert row["ticket_id"] == update["ticket_id"]
        assert to_epoch(row["timestamp"]) == update["timestamp"]
        assert row["ticket_event_via"] == update["via"]
        assert row["via"] is None or isinstance(row["via"], str)
    for row in changes:
        child = next(
            c for c in updates[row["ticket_event_id"]]["child_events"] if c["id"] == row["id"]
        )
        assert row["field_name"] in child
        assert row["value"] is None or isinstance(row["value"], str)
    assert all("body" not in row for row in rows)


def test_comments_and_attachments_join_their_ticket(full_sync):
    result, emulator, _ = full_sync
    by_update = {u["id"]: u for u in emulator.account.records("ticket_events")}
    comments = {c["id"]: c for c in result.records("ticket_comments")}
    for comment in comments.values():
        assert comment["ticket_id"] == by_update[comment["ticket_event_id"]]["ticket_id"]
        assert isinstance(comment["via"], dict | type(None))
        assert comment["body"] is not None
    for attachment in result.records("attachments"):
        assert attachment["ticket_id"] == comments[attachment["comment_id"]]["ticket_id"]


def test_ticket_metrics_are_flattened(full_sync):
    result, emulator, _ = full_sync
    truth = {m["id"]: m for m in emulator.account.records("ticket_metrics")}
    for row in result.records("ticket_metrics"):
        raw = truth[row["id"]]
        assert row["ticket_id"] == raw["ticket_id"]
        assert row["reply_time_in_minutes_calendar"] == raw["reply_time_in_minutes"]["calendar"]
        assert (
            row["full_resolution_time_in_minutes_business"]
            == (raw["full_resolution_time_in_minutes"]["business"])
        )


def test_deleted_tickets_and_users_are_flagged(full_sync):
    result, _, _ = full_sync
    deleted = [t for t in result.records("tickets") if t["status"] == "deleted"]
    assert deleted, "the account has no deleted tickets"
    assert all(t["_sdc_deleted_at"] for t in deleted)
    assert all(
        t.get("_sdc_deleted_at") is None
        for t in result.records("tickets")
        if t["status"] != "deleted"
    )
    inactive = [u for u in result.records("users") if u["active"] is False]
    assert inactive and all(u["_sdc_deleted_at"] for u in inactive)


def test_full_table_lists_activate_their_version_after_reading(full_sync):
    result, _, _ = full_sync
    for stream in ("groups", "ticket_fields", "ticket_forms", "ticket_skips",
                   "organization_memberships", "group_memberships"):  # fmt: skip
        activations = result.of_type("ACTIVATE_VERSION", stream)
        assert len(activations) == 1, stream
        positions = [i for i, m in enumerate(result.messages) if m.get("stream") == stream]
        assert result.messages.index(activations[0]) == positions[-1], "sent before the records"
        versions = {r["version"] for r in result.of_type("RECORD", stream)}
        assert versions == {activations[0]["version"]}
    for stream in ("tickets", "ticket_events", "ticket_metrics", "users"):
        assert not result.of_type("ACTIVATE_VERSION", stream)


def test_first_sync_defaults_to_one_year_of_tickets(tmp_path, emulator):
    config = {**emulator.config(), **FAST_RATES}
    result = run_tap(
        tmp_path, config, catalog=select(discover(tmp_path, config), {"tickets", "users"})
    )
    assert result.returncode == 0, result.stderr[-2000:]
    year_ago = emulator.account.now - 365 * 86400
    stamps = [t["generated_timestamp"] for t in result.records("tickets")]
    assert stamps and min(stamps) >= year_ago - 86400
    assert len(result.ids("tickets")) < len(emulator.account.records("tickets"))
    assert result.ids("users") == set(emulator.account.truth(0)["users"]), "users are read in full"


def bookmark(state: dict, stream: str) -> int:
    return to_epoch(state["bookmarks"][stream]["replication_key_value"])


def test_second_sync_emits_only_what_changed(tmp_path, emulator):
    account = emulator.account
    config = tap_config(emulator)
    catalog = select(discover(tmp_path, config))
    first = run_tap(tmp_path, config, catalog=catalog)
    assert first.returncode == 0, first.stderr[-2000:]
    state = first.final_state

    updated, deleted, created = (
        account.update_tickets(5),
        account.delete_tickets(2),
        account.create_tickets(3),
    )
    users_updated, users_deleted = account.update_users(3), account.delete_users(1)
    orgs_updated = account.update_organizations(2)
    ratings = account.update_satisfaction_ratings(2)
    audits = account.create_audit_logs(2)
    gone = account.remove_group_membership()

    second = run_tap(tmp_path, config, catalog=catalog, state=state)
    assert second.returncode == 0, second.stderr[-2000:]

    for stream in ("tickets", "ticket_events", "ticket_comments", "attachments", "ticket_metrics",
                   "satisfaction_ratings", "audit_logs"):  # fmt: skip
        source = "tickets" if stream == "ticket_metrics" else stream
        if stream in {"ticket_comments", "attachments"}:
            source = "ticket_events"
        expected = set(account.truth(bookmark(state, source))[stream])
        assert second.ids(stream) == expected, stream
    for stream in ("users", "organizations"):
        since = bookmark(state, stream)
        expected = {r["id"] for r in account.records(stream) if to_epoch(r["updated_at"]) >= since}
        assert second.ids(stream) == expected, stream

    changed = set(updated) | set(deleted) | set(created)
    assert changed <= second.ids("tickets")
    assert len(second.ids("tickets")) < 50, "the second sync re-read old tickets"
    tickets = {t["id"]: t for t in second.records("tickets")}
    for ticket_id in updated + created:
        raw = account.get("tickets", ticket_id)
        assert tickets[ticket_id]["updated_at"] == raw["updated_at"]
        assert tickets[ticket_id]["status"] == raw["status"]
    for ticket_id in deleted:
        assert tickets[ticket_id]["status"] == "deleted" and tickets[ticket_id]["_sdc_deleted_at"]
    assert set(users_updated) | set(users_deleted) <= second.ids("users")
    assert set(orgs_updated) <= second.ids("organizations")
    assert set(ratings) <= second.ids("satisfaction_ratings")
    assert set(audits) <= second.ids("audit_logs")
    assert gone not in second.ids("group_memberships")
    assert len(second.of_type("ACTIVATE_VERSION", "group_memberships")) == 1


def test_plan_restricted_streams_warn_and_stay_empty(tmp_path, emulator):
    emulator.enterprise = False
    config = tap_config(emulator)
    catalog = select(discover(tmp_path, config), {"ticket_forms", "audit_logs", "groups"})
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not result.records("ticket_forms") and not result.records("audit_logs")
    assert result.records("groups")
    assert "Ticket forms need" in result.stderr and "Audit logs need" in result.stderr
    assert not result.of_type("ACTIVATE_VERSION", "ticket_forms"), "would empty the table"


def deselect(catalog: dict, stream: str, *path: str) -> None:
    """Mark one property (top level or nested) as not selected."""
    entry = next(e for e in catalog["streams"] if e["tap_stream_id"] == stream)
    breadcrumb = [part for name in path for part in ("properties", name)]
    for metadata in entry["metadata"]:
        if metadata["breadcrumb"] == breadcrumb:
            metadata["metadata"]["selected"] = False
            return
    entry["metadata"].append({"breadcrumb": breadcrumb, "metadata": {"selected": False}})


def test_property_selection_drops_deselected_properties(tmp_path, emulator):
    config = tap_config(emulator)
    catalog = select(discover(tmp_path, config), {"tickets", "ticket_comments", "ticket_events"})
    deselect(catalog, "tickets", "description")
    deselect(catalog, "tickets", "custom_fields")
    deselect(catalog, "ticket_comments", "body")
    deselect(catalog, "ticket_comments", "via", "source")
    deselect(catalog, "ticket_events", "value")  # a column the tap builds itself
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    tickets, comments = result.records("tickets"), result.records("ticket_comments")
    assert tickets and comments
    events = result.records("ticket_events")
    assert any(e.get("field_name") for e in events)
    assert not any("value" in e for e in events)
    assert not any("description" in t or "custom_fields" in t for t in tickets)
    assert all("subject" in t and "status" in t for t in tickets)
    assert not any("body" in c for c in comments)
    assert all("source" not in (c.get("via") or {}) for c in comments)
    assert any(c.get("via", {}).get("channel") for c in comments)
    schema = result.of_type("SCHEMA", "tickets")[0]["schema"]["properties"]
    assert "description" not in schema and "subject" in schema


def test_small_export_pages_lose_nothing_and_repeat_nothing(tmp_path, emulator):
    """Many pages: shared timestamps make oversized pages and boundary repeats."""
    config = tap_config(emulator, export_page_size=7)
    streams = {"organizations", "ticket_events", "ticket_comments", "tickets", "users"}
    result = run_tap(tmp_path, config, catalog=select(discover(tmp_path, config), streams))
    assert result.returncode == 0, result.stderr[-2000:]
    truth = emulator.account.truth(to_epoch(START_DATE))
    for stream in streams:
        emitted = [record["id"] for record in result.records(stream)]
        assert set(emitted) == set(truth[stream]), stream
        assert len(emitted) == len(set(emitted)), f"{stream}: boundary records emitted twice"
    counts = emulator.request_counts()
    assert counts["/api/v2/incremental/organizations"] >= 40 // 7
    assert counts["/api/v2/incremental/ticket_events"] > 100


def test_ticket_field_list_read_once_for_stream_and_custom_columns(tmp_path, emulator):
    config = tap_config(emulator)
    discovered = discover(tmp_path, config)
    alone = run_tap(tmp_path, config, catalog=select(copy.deepcopy(discovered), {"tickets"}))
    catalog = select(copy.deepcopy(discovered), {"tickets", "ticket_fields"})
    deselect(catalog, "ticket_fields", "type")  # the definitions still need it
    deselect(catalog, "ticket_fields", "title")
    emulator.reset_counts()
    both = run_tap(tmp_path, config, catalog=catalog)
    assert alone.returncode == both.returncode == 0, both.stderr[-2000:]
    served = len(emulator.account.records("ticket_fields"))
    assert emulator.request_counts()["/api/v2/ticket_fields"] == math.ceil(served / LIST_PAGE)
    fields = both.records("ticket_fields")
    assert len(fields) == served and not any("type" in f or "title" in f for f in fields)

    def custom(result):
        return {
            t["id"]: {
                k: v for k, v in t.items() if k.startswith("custom_") and k != "custom_fields"
            }
            for t in result.records("tickets")
        }

    columns = custom(both)
    assert columns == custom(alone)
    assert any(value is not None for row in columns.values() for value in row.values())
