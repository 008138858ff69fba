"""The emulator's incremental exports: cursor-based and time-based, sideloads and scopes."""

from __future__ import annotations

import base64
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

from tests.emulator.account import Account
from tests.emulator.client import get, walk_cursor_export, walk_time_export


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
    # in time order: time never goes back, and with the boundary repeats dropped the walk
    # is in (time, id) order, each update once
    times = [ts for ts, _ in keys]
    assert times == sorted(times)
    assert list(dict.fromkeys(keys)) == sorted(set(keys))
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
