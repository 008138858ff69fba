"""The emulator's account: seeded and scaled, its mutations and the truth it reports, the
properties of its records, and a full walk of the API that equals that truth.
"""

from __future__ import annotations

import time
from collections import Counter

from tests.emulator.account import Account
from tests.emulator.account_truth import TAP_STREAMS
from tests.emulator.client import walk_cursor_export, walk_cursor_list, walk_time_export


# ---------------------------------------------------------------- account
def test_determinism():
    a, b = Account(seed=3, now=1_750_000_000), Account(seed=3, now=1_750_000_000)
    c = Account(seed=4, now=1_750_000_000)
    for coll in ("tickets", "users", "ticket_events", "organizations", "audit_logs"):
        assert a.records(coll) == b.records(coll)
    assert a.records("tickets") != c.records("tickets")
    assert a.update_tickets(2) == b.update_tickets(2)


def test_scale():
    acc = Account(scale=0.5, seed=2)
    truth = acc.truth(0)
    assert len(truth["tickets"]) == 500 and len(truth["users"]) == 100


def test_mutations_then_truth(emulator, http):
    acc = emulator.account
    since = int(time.time()) - 120
    before = acc.truth(since)
    assert all(not v for k, v in before.items() if k in ("tickets", "ticket_events", "audit_logs"))
    updated = acc.update_tickets(3)
    deleted = acc.delete_tickets(2)
    created = acc.create_tickets(2)
    truth = acc.truth(since)
    assert set(truth["tickets"]) == set(updated) | set(deleted) | set(created)
    assert set(truth["ticket_metrics"]) == {acc.metric_by_ticket[t] for t in updated + created}
    assert len(truth["ticket_events"]) >= 3 * 2 + 2 * 2
    assert len(truth["attachments"]) >= 3
    tickets, _, _ = walk_cursor_export(http, emulator, "/incremental/tickets/cursor", "tickets",
                                       start=since, support_type_scope="all",
                                       include="metric_sets")  # fmt: skip
    assert {t["id"] for t in tickets} == set(truth["tickets"])
    for t in tickets:
        assert (t["status"] == "deleted") == (t["id"] in deleted)
    events, _ = walk_time_export(http, emulator, "/incremental/ticket_events", "ticket_events",
                                 start=since, support_type_scope="all",
                                 include="comment_events")  # fmt: skip
    assert {c["id"] for e in events for c in e["child_events"]} == set(truth["ticket_events"])
    # users, organizations, ratings, audit logs, memberships, groups
    uids = acc.update_users(2) + acc.delete_users(1) + acc.create_users(1)
    oids = acc.update_organizations(1) + acc.create_organizations(2)
    rids = acc.update_satisfaction_ratings(2)
    lids = acc.create_audit_logs(3)
    truth = acc.truth(since)
    assert set(truth["satisfaction_ratings"]) == set(rids) and len(rids) == 2
    assert set(truth["audit_logs"]) == set(lids)
    users, _, _ = walk_cursor_export(
        http, emulator, "/incremental/users/cursor", "users", start=since
    )
    assert {u["id"] for u in users} == set(uids)
    orgs, _ = walk_time_export(http, emulator, "/incremental/organizations", "organizations",
                               start=since)  # fmt: skip
    assert {o["id"] for o in orgs} == set(oids)
    gm = acc.remove_group_membership()
    om = acc.remove_organization_membership()
    gid = acc.rename_group()
    items, _ = walk_cursor_list(http, emulator, "/group_memberships", "group_memberships")
    assert gm not in {m["id"] for m in items}
    items, _ = walk_cursor_list(
        http, emulator, "/organization_memberships", "organization_memberships"
    )
    assert om not in {m["id"] for m in items}
    groups, _ = walk_cursor_list(http, emulator, "/groups", "groups")
    assert "#" in next(g["name"] for g in groups if g["id"] == gid)
    assert gm not in acc.truth(0)["group_memberships"]


def test_account_shapes():
    acc = Account(seed=1)
    tickets = acc.records("tickets")
    assert any(t["id"] > 2**32 for t in tickets)
    assert any(u["id"] > 2**32 for u in acc.records("users"))
    assert any(c["id"] > 2**32 for p in acc.records("ticket_events") for c in p["child_events"])
    assert max(Counter(t["generated_timestamp"] for t in tickets).values()) >= 5
    assert max(len(c["body"].encode()) for c in acc.records("ticket_comments")) > 60_000
    assert any(a["thumbnails"] for a in acc.records("attachments"))
    newest = max(t["generated_timestamp"] for t in tickets)
    assert newest <= acc.now - 600
    assert min(t["generated_timestamp"] for t in tickets) >= acc.now - 550 * 86400
    for p in acc.records("ticket_events"):
        assert 1 <= len(p["child_events"]) <= 4
        assert isinstance(p["via"], str)
    kinds = Counter(
        c["event_type"] for p in acc.records("ticket_events") for c in p["child_events"]
    )
    assert {"Create", "Change", "Comment", "Notification"} <= set(kinds)
    assert any(p["updater_id"] == -1 for p in acc.records("ticket_events"))
    assert any("latitude" not in p["system"] for p in acc.records("ticket_events"))
    change = next(
        c for p in acc.records("ticket_events") for c in p["child_events"]
        if c["event_type"] == "Change" and "status" in c
    )  # fmt: skip
    assert "previous_value" in change and isinstance(change["via"], str)
    values = acc.truth_custom_values("tickets")
    flat = [v for rec in values.values() for v in rec.values()]
    assert "n/a" in flat and None in flat and True in flat
    assert any(isinstance(v, list) for v in flat)
    assert any(isinstance(v, str) and v.endswith("T00:00:00Z") for v in flat)
    assert any(isinstance(v, str) and v.isdigit() for v in flat)
    users = acc.truth_custom_values("users")
    assert len(users) == 200
    assert any(u["user_fields"]["user_decimal"] is not None for u in acc.records("users"))
    assert any(not u["active"] for u in acc.records("users"))
    assert {"end-user", "agent", "admin"} == {u["role"] for u in acc.records("users")}
    assert acc.truth_custom_values("organizations")
    titles = [f["title"] for f in acc.records("ticket_fields")]
    assert "🔥🔥 !!" in titles


SEGMENT_PROPERTIES = {  # Zendesk-side properties of the seed's collections (not tap-derived)
    "groups": ["id", "url", "deleted", "name", "created_at", "updated_at"],
    "users": ["id", "url", "name", "email", "time_zone", "phone", "locale_id", "locale",
              "organization_id", "role", "verified", "external_id", "alias", "active", "shared",
              "last_login_at", "two_factor_auth_enabled", "signature", "details", "notes",
              "custom_role_id", "moderator", "ticket_restriction", "only_private_comments",
              "restricted_agent", "suspended", "chat_only", "updated_at"],
    "tickets": ["id", "url", "external_id", "type", "subject", "raw_subject", "description",
                "priority", "status", "recipient", "requester_id", "submitter_id", "assignee_id",
                "organization_id", "group_id", "collaborator_ids", "forum_topic_id", "problem_id",
                "has_incidents", "due_at", "tags", "sharing_agreement_ids", "created_at",
                "updated_at", "ticket_form_id", "generated_timestamp", "via", "custom_fields",
                "fields", "satisfaction_rating"],
    "ticket_fields": ["id", "url", "type", "title", "raw_title", "description",
                      "raw_description", "position", "active", "required", "collapsed_for_agents",
                      "regexp_for_validation", "title_in_portal", "raw_title_in_portal",
                      "visible_in_portal", "editable_in_portal", "required_in_portal", "tag",
                      "removable", "created_at", "updated_at"],
    "ticket_metrics": ["id", "ticket_id", "group_stations", "assignee_stations", "reopens",
                       "replies", "reply_time_in_minutes", "first_resolution_time_in_minutes",
                       "full_resolution_time_in_minutes", "agent_wait_time_in_minutes",
                       "requester_wait_time_in_minutes", "on_hold_time_in_minutes",
                       "created_at", "updated_at", "assignee_updated_at", "requester_updated_at",
                       "status_updated_at", "initially_assigned_at", "assigned_at",
                       "latest_comment_added_at"],
    "ticket_events": ["id", "ticket_id", "timestamp", "updater_id", "via", "system",
                      "created_at", "via_reference_id", "event_type", "child_events"],
    "activities": ["id", "url", "verb", "title", "created_at", "updated_at"],
    "attachments": ["id", "file_name", "content_url", "content_type", "inline", "size"],
    "organizations": ["id", "external_id", "url", "name", "details", "notes", "group_id",
                      "shared_tickets", "shared_comments", "created_at", "updated_at",
                      "organization_fields"],
    "ticket_comments": ["id", "type", "body", "public", "author_id", "via", "created_at",
                        "audit_id", "html_body", "plain_body", "attachments", "metadata"],
    "ticket_forms": ["id", "active", "end_user_visible", "name", "restricted_brand_ids",
                     "ticket_field_ids", "updated_at", "url", "created_at", "display_name",
                     "in_all_brands", "position", "raw_display_name", "raw_name", "default"],
    "ticket_skips": ["id", "ticket_id", "user_id", "reason", "created_at", "updated_at"],
    "organization_memberships": ["id", "url", "user_id", "organization_id", "created_at",
                                 "updated_at", "organization_name"],
    "group_memberships": ["id", "url", "created_at", "group_id", "updated_at", "user_id"],
    "audit_logs": ["id", "url", "created_at", "actor_id", "source_id", "source_type",
                   "source_label", "action", "change_description", "ip_address", "action_label"],
}  # fmt: skip


def test_every_record_carries_the_properties():
    acc = Account(seed=1, scale=0.3)
    for coll, props in SEGMENT_PROPERTIES.items():
        records = acc.records(coll)
        assert records, coll
        for rec in records:
            missing = set(props) - set(rec)
            assert not missing, (coll, rec["id"], missing)


# ---------------------------------------------------------------- the full walk
def test_full_walk_equals_truth(emulator, http):
    acc = emulator.account
    got: dict[str, set[int]] = {}
    tickets, pages, _ = walk_cursor_export(
        http, emulator, "/incremental/tickets/cursor", "tickets",
        include="metric_sets", support_type_scope="all",
    )  # fmt: skip
    assert pages == 2  # 1000 tickets and the closing page
    got["tickets"] = {t["id"] for t in tickets}
    got["ticket_metrics"] = {t["metric_set"]["id"] for t in tickets if "metric_set" in t}
    users, _, _ = walk_cursor_export(http, emulator, "/incremental/users/cursor", "users")
    got["users"] = {u["id"] for u in users}
    orgs, _ = walk_time_export(http, emulator, "/incremental/organizations", "organizations")
    got["organizations"] = {o["id"] for o in orgs}
    events, _ = walk_time_export(
        http, emulator, "/incremental/ticket_events", "ticket_events",
        include="comment_events", support_type_scope="all",
    )  # fmt: skip
    children = [c for e in events for c in e["child_events"]]
    got["ticket_events"] = {c["id"] for c in children}
    comments = [c for c in children if c["event_type"] == "Comment"]
    got["ticket_comments"] = {c["id"] for c in comments}
    got["attachments"] = {a["id"] for c in comments for a in c["attachments"]}
    for stream, path, key, params in (
        ("groups", "/groups", "groups", {}),
        ("ticket_fields", "/ticket_fields", "ticket_fields", {}),
        ("activities", "/activities", "activities", {"since": "1970-01-01T00:00:00Z"}),
        ("satisfaction_ratings", "/satisfaction_ratings", "satisfaction_ratings",
         {"start_time": 0, "sort": "created_at"}),
        ("ticket_forms", "/ticket_forms", "ticket_forms", {}),
        ("ticket_skips", "/skips", "skips", {}),
        ("organization_memberships", "/organization_memberships", "organization_memberships", {}),
        ("group_memberships", "/group_memberships", "group_memberships", {}),
        ("audit_logs", "/audit_logs", "audit_logs", {"sort": "created_at"}),
    ):  # fmt: skip
        items, _ = walk_cursor_list(http, emulator, path, key, **params)
        assert len(items) == len({i["id"] for i in items}), stream
        got[stream] = {i["id"] for i in items}
    truth = acc.truth(0)
    assert set(got) == set(truth) == set(TAP_STREAMS)
    for stream in TAP_STREAMS:
        assert got[stream] == set(truth[stream]), stream
    counts = emulator.request_counts()
    assert counts["/api/v2/incremental/tickets/cursor"] == 2
    assert counts["/api/v2/groups"] == 1
