"""The Zendesk emulator behaves as the API reference says (real HTTP on loopback)."""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.emulator.account import Account
from tests.emulator.account_truth import TAP_STREAMS
from tests.emulator.server import Emulator
from tests.emulator.server_auth import ACCESS_TOKEN, API_TOKEN, EMAIL, config

V2 = "/api/v2"


def session(auth: str = "token") -> requests.Session:
    s = requests.Session()
    if auth == "token":
        s.auth = (f"{EMAIL}/token", API_TOKEN)
    elif auth == "bearer":
        s.headers["Authorization"] = f"Bearer {ACCESS_TOKEN}"
    return s


@pytest.fixture
def http():
    with session() as s:
        yield s


def get(http: requests.Session, emu: Emulator, path: str, **params) -> requests.Response:
    return http.get(emu.base_url + V2 + path, params=params, timeout=30)


# ---------------------------------------------------------------- walkers
def walk_cursor_list(http, emu, path, key, size=100, **params):
    items, after, pages = [], None, 0
    while True:
        q = {"page[size]": size, **params}
        if after:
            q["page[after]"] = after
        body = get(http, emu, path, **q).json()
        pages += 1
        items += body[key]
        assert body["links"]["next"] is not None or not body[key]
        if not body["meta"]["has_more"]:
            return items, pages
        after = body["meta"]["after_cursor"]


def walk_cursor_export(http, emu, path, key, start=0, **params):
    items, pages = [], 0
    body = get(http, emu, path, start_time=start, **params).json()
    while True:
        pages += 1
        items += body[key]
        if body["end_of_stream"]:
            return items, pages, body
        body = get(http, emu, path, cursor=body["after_cursor"], **params).json()


def walk_time_export(http, emu, path, key, start=0, **params):
    items, pages, start_time = [], 0, start
    while True:
        body = get(http, emu, path, start_time=start_time, **params).json()
        pages += 1
        items += body[key]
        if body["end_of_stream"]:
            return items, pages
        assert body["end_time"] >= start_time
        start_time = body["end_time"]


# ---------------------------------------------------------------- auth and basics
def test_auth_token_and_bearer(emulator):
    for kind in ("token", "bearer"):
        with session(kind) as s:
            r = s.get(emulator.base_url + V2 + "/users/me.json", timeout=10)
            assert r.status_code == 200
            assert r.json()["user"]["email"] == EMAIL
            assert r.json()["user"]["role"] == "admin"


def test_auth_failures(emulator):
    url = emulator.base_url + V2 + "/users/me"
    r = requests.get(url, timeout=10)
    assert r.status_code == 401
    assert r.json() == {"error": "Couldn't authenticate you"}
    r = requests.get(url, auth=(f"{EMAIL}/token", "wrong"), timeout=10)
    assert r.status_code == 401
    assert r.json() == {"error": "Couldn't authenticate you"}
    r = requests.get(url, auth=(EMAIL, API_TOKEN), timeout=10)  # password style: refused
    assert r.status_code == 401
    r = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_token"
    assert "error_description" in r.json()


def test_unknown_subdomain(emulator_factory, http):
    emu = emulator_factory(unknown_subdomain=True)
    for path in ("/users/me", "/groups", "/incremental/tickets/cursor"):
        r = get(http, emu, path, start_time=0)
        assert r.status_code == 404
        assert r.json()["error"]["title"].startswith("No help desk at ")


def test_json_suffix_optional_and_unknown_path(emulator, http):
    a = get(http, emulator, "/groups.json").json()
    b = get(http, emulator, "/groups").json()
    assert a == b
    r = get(http, emulator, "/no_such_thing")
    assert r.status_code == 404
    assert r.json()["error"] == "InvalidEndpoint"


def test_config_helper(emulator):
    cfg = config(emulator.base_url)
    assert cfg == {
        "subdomain": "emulator",
        "api_url": emulator.base_url,
        "email": EMAIL,
        "api_token": API_TOKEN,
    }
    assert emulator.base_url.startswith("http://127.0.0.1:")


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


def test_enterprise_switch(emulator, http):
    assert get(http, emulator, "/audit_logs").ok
    assert get(http, emulator, "/ticket_forms").ok
    emulator.enterprise = False
    r = get(http, emulator, "/audit_logs")
    assert r.status_code == 403
    assert r.json()["error"]["title"] == "Forbidden"
    assert "restricted" in r.json()["error"]["message"]
    assert get(http, emulator, "/ticket_forms").status_code == 404
    assert get(http, emulator, "/groups").ok


def test_agent_role_is_refused_what_needs_an_admin(emulator, http):
    emulator.role = "agent"
    for path in ("/incremental/tickets/cursor", "/incremental/ticket_events", "/audit_logs",
                 "/satisfaction_ratings"):  # fmt: skip
        r = get(http, emulator, path, start_time=0)
        assert r.status_code == 403, path
        assert r.json()["error"]["title"] == "Forbidden"
    assert get(http, emulator, "/groups").ok
    assert get(http, emulator, "/group_memberships").ok


# ---------------------------------------------------------------- cursor exports
def test_cursor_export_parameters(emulator, http):
    path = "/incremental/tickets/cursor"
    assert get(http, emulator, path).status_code == 400
    first = get(http, emulator, path, start_time=0, per_page=10).json()
    both = get(http, emulator, path, start_time=0, cursor=first["after_cursor"])
    assert both.status_code == 400
    r = get(http, emulator, path, start_time=int(time.time()) - 30)
    assert r.status_code == 422
    assert r.json()["description"].startswith("Too recent start_time")
    assert len(first["tickets"]) == 10
    assert first["end_of_stream"] is False
    assert urlsplit(first["after_url"]).netloc == "emulator.zendesk.com"
    decoded = base64.b64decode(first["after_cursor"]).decode()
    last = first["tickets"][-1]
    assert decoded == f"{last['generated_timestamp']}.0||{last['id']}|"
    for key in ("before_cursor", "before_url", "after_url"):
        assert key in first
    # per_page is capped at 1000
    big = get(http, emulator, path, start_time=0, per_page=5000, support_type_scope="all").json()
    assert len(big["tickets"]) == 1000


def test_cursor_export_end_of_stream_and_closing_page(emulator, http):
    acc = emulator.account
    tickets, pages, last = walk_cursor_export(
        http, emulator, "/incremental/tickets/cursor", "tickets", support_type_scope="all",
        per_page=100,
    )  # fmt: skip
    assert len(acc.records("tickets")) == 1000
    assert pages == 11  # 1000 is an exact multiple: one closing empty page
    assert last["tickets"] == [] and last["end_of_stream"] is True
    assert last["after_cursor"] is None
    keys = [(t["generated_timestamp"], t["id"]) for t in tickets]
    assert keys == sorted(keys) and len(set(keys)) == 1000
    # a cursor walk has no duplicates even though many tickets share seconds
    assert max(Counter(k[0] for k in keys).values()) > 5
    users, pages, last = walk_cursor_export(
        http, emulator, "/incremental/users/cursor", "users", per_page=64
    )
    assert pages == 4 and len(users) == 200 and last["end_of_stream"] and last["after_cursor"]
    ukeys = [(u["updated_at"], u["id"]) for u in users]
    assert ukeys == sorted(ukeys)


def test_cursor_export_resumes_after_changes(emulator, http):
    acc = emulator.account
    _, _, last = walk_cursor_export(
        http, emulator, "/incremental/users/cursor", "users", per_page=128
    )
    cursor = last["after_cursor"]
    changed = set(acc.update_users(3)) | set(acc.create_users(2))
    body = get(http, emulator, "/incremental/users/cursor", cursor=cursor).json()
    assert {u["id"] for u in body["users"]} == changed
    assert body["end_of_stream"] is True


def test_metric_sets_sideload(emulator, http):
    path = "/incremental/tickets/cursor"
    with_ms = get(http, emulator, path, start_time=0, include="metric_sets").json()["tickets"]
    assert any(t["status"] == "deleted" for t in with_ms)
    for t in with_ms:
        if t["status"] == "deleted":
            assert "metric_set" not in t
        else:
            assert t["metric_set"]["ticket_id"] == t["id"]
            assert set(t["metric_set"]["reply_time_in_minutes"]) == {"calendar", "business"}
    plain = get(http, emulator, path, start_time=0).json()["tickets"]
    assert not any("metric_set" in t for t in plain)


def test_support_type_scope_and_exclude_deleted(emulator, http):
    acc = emulator.account
    ai = acc.ai_ticket_ids
    assert 10 <= len(ai) <= 60
    path = "/incremental/tickets/cursor"
    agent, _, _ = walk_cursor_export(http, emulator, path, "tickets")
    every, _, _ = walk_cursor_export(http, emulator, path, "tickets", support_type_scope="all")
    only_ai, _, _ = walk_cursor_export(
        http, emulator, path, "tickets", support_type_scope="ai_agent"
    )
    assert {t["id"] for t in every} - {t["id"] for t in agent} == ai
    assert {t["id"] for t in only_ai} == ai
    kept, _, _ = walk_cursor_export(
        http, emulator, path, "tickets", support_type_scope="all", exclude_deleted="true"
    )
    assert {t["id"] for t in every} - {t["id"] for t in kept} == {
        t["id"] for t in acc.records("tickets") if t["status"] == "deleted"
    }
    events, _ = walk_time_export(http, emulator, "/incremental/ticket_events", "ticket_events")
    all_events, _ = walk_time_export(
        http, emulator, "/incremental/ticket_events", "ticket_events", support_type_scope="all"
    )
    assert {e["ticket_id"] for e in all_events} - {e["ticket_id"] for e in events} == ai


# ---------------------------------------------------------------- time-based exports
def shared_second(acc: Account, coll: str, ts_of) -> int:
    counts = Counter(ts_of(r) for r in acc.records(coll))
    ts, n = counts.most_common(1)[0]
    assert n >= 3
    return ts


def test_time_export_oversized_page_when_one_second(emulator, http):
    acc = emulator.account
    ts = shared_second(acc, "organizations", lambda o: o["updated_at"])
    epoch = int(time.mktime(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone
    body = get(http, emulator, "/incremental/organizations", start_time=epoch, per_page=1).json()
    n = sum(1 for o in acc.records("organizations") if o["updated_at"] == ts)
    assert body["count"] == n == len(body["organizations"]) > 1
    assert body["end_time"] == epoch + 1  # the whole page is one second
    assert body["end_of_stream"] is False
    next_page = urlsplit(body["next_page"])
    assert next_page.netloc == "emulator.zendesk.com"
    assert parse_qs(next_page.query)["start_time"] == [str(epoch + 1)]


def test_time_export_boundary_duplicates_and_walk(emulator, http):
    acc = emulator.account
    path = "/incremental/ticket_events"
    first = get(http, emulator, path, start_time=0, per_page=50).json()
    events = first["ticket_events"]
    assert first["count"] == len(events) >= 50
    last_ts = events[-1]["timestamp"]
    assert first["end_time"] == last_ts
    assert all(e["timestamp"] <= last_ts for e in events)
    second = get(http, emulator, path, start_time=first["end_time"], per_page=50).json()
    assert {e["id"] for e in events} & {e["id"] for e in second["ticket_events"]}  # duplicates
    # a whole walk with a small page size sees every update, some more than once
    items, pages = walk_time_export(http, emulator, path, "ticket_events", per_page=97,
                                    support_type_scope="all")  # fmt: skip
    ids = [e["id"] for e in items]
    assert set(ids) == {p["id"] for p in acc.records("ticket_events")}
    assert len(ids) > len(set(ids))
    keys = [(e["timestamp"], e["id"]) for e in items]
    assert pages >= len(set(ids)) // 97
    assert sorted(set(keys)) == sorted(set(keys), key=lambda k: k)
    # an oversized page: the shared second is not split across pages
    ts = shared_second(acc, "ticket_events", lambda p: p["timestamp"])
    body = get(http, emulator, path, start_time=ts, per_page=1, support_type_scope="all").json()
    assert body["count"] >= 3 and body["end_time"] == ts + 1


def test_time_export_end_of_stream(emulator, http):
    path = "/incremental/organizations"
    body = get(http, emulator, path, start_time=0, per_page=40).json()
    assert body["count"] >= 40 and body["end_of_stream"] is False  # exactly 40 remained
    tail = get(http, emulator, path, start_time=body["end_time"], per_page=40).json()
    assert tail["end_of_stream"] is True and 1 <= tail["count"] < 40
    assert tail["next_page"]  # still the resume point
    empty = get(http, emulator, path, start_time=int(time.time()) - 61).json()
    assert empty["count"] == 0 and empty["end_of_stream"] is True
    assert get(http, emulator, path).status_code == 400
    r = get(http, emulator, path, start_time=int(time.time()) - 10)
    assert r.status_code == 422
    assert r.json() == {
        "error": "InvalidValue",
        "description": "Too recent start_time. Use a start_time older than 1 minute",
    }


def test_comment_events_on_and_off(emulator, http):
    path = "/incremental/ticket_events"
    full = get(http, emulator, path, start_time=0, include="comment_events").json()
    reduced = get(http, emulator, path, start_time=0).json()
    assert [e["id"] for e in full["ticket_events"]] == [e["id"] for e in reduced["ticket_events"]]
    comments = [
        c for e in full["ticket_events"] for c in e["child_events"] if c["event_type"] == "Comment"
    ]
    assert comments
    for c in comments:
        assert c["type"] == "Comment" and "ticket_id" not in c
        assert isinstance(c["via"], dict) and {"channel", "source"} <= set(c["via"])
        assert {"author_id", "body", "html_body", "plain_body", "public", "attachments"} <= set(c)
        assert {"audit_id", "created_at", "metadata"} <= set(c)
    for e in full["ticket_events"]:
        assert isinstance(e["via"], str) and e["event_type"] == "Audit"
        assert isinstance(e["timestamp"], int)
        for c in e["child_events"]:
            if c["event_type"] == "Comment":
                assert c["audit_id"] == e["id"]
    short = [
        c
        for e in reduced["ticket_events"]
        for c in e["child_events"]
        if c["event_type"] == "Comment"
    ]
    assert len(short) == len(comments)
    for c in short:
        assert c["comment_present"] is True and isinstance(c["comment_public"], bool)
        assert "body" not in c


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


@pytest.mark.parametrize("status", ["500", "502", "503", "504"])
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


def test_command_line_runs_until_sigterm():
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    cmd = [
        sys.executable,
        "-m",
        "tests.emulator",
        "--port",
        "0",
        "--scale",
        "0.1",
        "--no-enterprise",
    ]
    with subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, text=True) as proc:
        try:
            first = proc.stdout.readline()
            base_url = first.split(" at ")[1].split()[0]
            assert base_url.startswith("http://127.0.0.1:")
            with session("bearer") as s:
                assert s.get(base_url + V2 + "/users/me", timeout=10).ok
                assert s.get(base_url + V2 + "/audit_logs", timeout=10).status_code == 403
            rest = proc.stdout.readline() + proc.stdout.readline()
            assert API_TOKEN in rest and ACCESS_TOKEN in rest
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
