"""The emulator's list endpoints: cursor and offset pagination, orders, filters, unpaged lists."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

from tests.emulator.client import V2, get, walk_cursor_list


# ---------------------------------------------------------------- lists
def test_list_cursor_pagination(emulator, http):
    groups, pages = walk_cursor_list(http, emulator, "/groups", "groups", size=3)
    assert pages == 3  # 8 groups
    keys = [(g["name"], g["id"]) for g in groups]
    assert keys == sorted(keys)
    last = get(http, emulator, "/groups", **{"page[size]": 100}).json()
    assert last["meta"]["has_more"] is False
    assert last["links"]["next"]  # still present on the last page
    assert urlsplit(last["links"]["next"]).netloc == "emulator.zendesk.com"
    assert "count" not in last
    # the cursor is opaque base64 naming the order
    cursor = json.loads(base64.urlsafe_b64decode(last["meta"]["after_cursor"]))
    assert cursor["o"] == "name,id"
    # page[before] walks back
    prev = get(
        http, emulator, "/groups", **{"page[size]": 3, "page[before]": last["meta"]["after_cursor"]}
    )
    assert [g["id"] for g in prev.json()["groups"]] == [g["id"] for g in groups[-4:-1]]


def test_list_page_size_limit(emulator, http):
    r = get(http, emulator, "/group_memberships", **{"page[size]": 101})
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "InvalidPaginationParameter"
    r = get(http, emulator, "/group_memberships", **{"page[size]": 5, "page[after]": "garbage!"})
    assert r.status_code == 400


def test_offset_pagination_and_depth_limit(emulator, http):
    body = get(http, emulator, "/organization_memberships", per_page=50).json()
    assert len(body["organization_memberships"]) == 50
    assert body["count"] == len(emulator.account.records("organization_memberships"))
    assert body["previous_page"] is None
    assert parse_qs(urlsplit(body["next_page"]).query)["page"] == ["2"]
    r = get(http, emulator, "/organization_memberships", page=101, per_page=100)
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "InvalidPaginationDepth"
    assert get(http, emulator, "/organization_memberships", page=100, per_page=100).ok


def test_ticket_fields_unpaged_in_position_order_cursor_in_id_order(emulator, http):
    body = get(http, emulator, "/ticket_fields").json()
    fields = body["ticket_fields"]
    assert body["next_page"] is None and len(fields) == body["count"]
    assert [f["position"] for f in fields] == sorted(f["position"] for f in fields)
    paged, pages = walk_cursor_list(http, emulator, "/ticket_fields", "ticket_fields", size=5)
    assert pages == -(-len(fields) // 5)
    assert [f["id"] for f in paged] == sorted(f["id"] for f in fields)
    assert [f["id"] for f in paged] != [f["id"] for f in fields]
    types = {f["type"] for f in fields}
    assert {"text", "textarea", "checkbox", "date", "integer", "decimal", "regexp"} <= types
    assert {"partialcreditcard", "multiselect", "tagger", "lookup", "status", "subject"} <= types
    assert any(not f["active"] for f in fields)


def test_ticket_forms_and_field_lists(emulator, http):
    body = get(http, emulator, "/ticket_forms").json()
    assert body["next_page"] is None and body["previous_page"] is None
    assert body["count"] == len(body["ticket_forms"]) == 4
    forms, _ = walk_cursor_list(http, emulator, "/ticket_forms", "ticket_forms", size=3)
    assert len(forms) == 4
    for coll in ("user_fields", "organization_fields"):
        body = get(http, emulator, f"/{coll}").json()
        assert {f["type"] for f in body[coll]} == {
            "text", "textarea", "checkbox", "date", "integer", "decimal", "regexp", "dropdown",
            "multiselect", "lookup",
        }  # fmt: skip
        assert body["count"] == 10


def test_satisfaction_ratings_filters_and_sort(emulator, http):
    ratings = emulator.account.records("satisfaction_ratings")
    created = sorted(r["created_at"] for r in ratings)
    middle = created[len(created) // 2]
    start = int(time.mktime(time.strptime(middle, "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone
    items, _ = walk_cursor_list(
        http, emulator, "/satisfaction_ratings", "satisfaction_ratings", start_time=start,
        sort="created_at",
    )  # fmt: skip
    assert items and all(r["created_at"] >= middle for r in items)
    assert [r["created_at"] for r in items] == sorted(r["created_at"] for r in items)
    assert len(items) == sum(1 for c in created if c >= middle)


def test_activities_since(emulator, http):
    acts = emulator.account.records("activities")
    since = sorted(a["created_at"] for a in acts)[100]
    items, _ = walk_cursor_list(http, emulator, "/activities", "activities", since=since)
    assert len(items) == sum(1 for a in acts if a["created_at"] >= since)


def test_audit_logs_sort_and_filter(emulator, http):
    desc = get(http, emulator, "/audit_logs", **{"page[size]": 20}).json()["audit_logs"]
    assert [a["created_at"] for a in desc] == sorted((a["created_at"] for a in desc), reverse=True)
    logs = emulator.account.records("audit_logs")
    times = sorted(a["created_at"] for a in logs)
    lo, hi = times[50], times[120]
    r = http.get(
        emulator.base_url + V2 + "/audit_logs",
        params=[("filter[created_at][]", lo), ("filter[created_at][]", hi),
                ("sort", "created_at"), ("page[size]", "100")],
        timeout=10,
    )  # fmt: skip
    items = r.json()["audit_logs"]
    assert len(items) == sum(1 for t in times if lo <= t <= hi)
    assert [a["created_at"] for a in items] == sorted(a["created_at"] for a in items)
