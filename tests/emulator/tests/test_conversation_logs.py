"""The emulator's messaging conversation logs: data, pagination, switches, budget, mutations."""

from __future__ import annotations

import re
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.emulator.account import Account
from tests.emulator.client import get, walk_cursor_export, walk_time_export
from tests.emulator.conversation_routes import log_requests
from tests.emulator.conversations import MESSAGING_CHANNELS
from tests.emulator.zendesk import ZENDESK_HOST

# Ten seconds into a clock minute: the rate windows of a test cannot roll over mid-test.
FROZEN_RATE_CLOCK = 1_800_000_010.0
ULID = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")


def log_path(tid):
    return f"/tickets/{tid}/conversation_log"


def walk_log(http, emu, tid, size=100, sort="created_at"):
    events, after, pages = [], None, 0
    while True:
        params = {"page[size]": size, "sort": sort}
        if after:
            params["page[after]"] = after
        body = get(http, emu, log_path(tid), **params).json()
        pages += 1
        events += body["events"]
        if not body["meta"]["has_more"]:
            return events, pages
        assert parse_qs(urlsplit(body["links"]["next"]).query)["page[after]"] == [
            body["meta"]["after_cursor"]
        ]
        after = body["meta"]["after_cursor"]


def follow(http, emu, url):
    """GET a link of a page (an absolute Zendesk URL) from the emulator."""
    return http.get(url.replace(ZENDESK_HOST, emu.base_url), timeout=30).json()


def biggest(acc):
    return max(acc.messaging_ticket_ids(), key=lambda t: len(acc.conversation_log(t)))


# ---------------------------------------------------------------- the data
@pytest.mark.parametrize("channel_ids", [False, True])
def test_messaging_tickets_and_the_fallback_channels(channel_ids):
    acc = Account(scale=1, seed=1, messaging_channel_ids=channel_ids)
    tickets = {t["id"]: t for t in acc.records("tickets")}
    messaging = acc.messaging_ticket_ids()
    flagged = {tid for tid in messaging if tickets[tid].get("from_messaging_channel")}
    fallback = messaging - flagged
    assert fallback == set(acc.fallback_ticket_ids) and len(fallback) == 6
    channels = [tickets[tid]["via"]["channel"] for tid in fallback]
    assert {"native_messaging", "whatsapp", "instagram_dm"} <= set(channels)
    assert ({72, 73} <= set(channels)) is channel_ids, "integer Via ids only when asked"
    assert any("from_messaging_channel" not in tickets[tid] for tid in fallback)
    assert all(c in MESSAGING_CHANNELS for c in channels)
    others = set(tickets) - acc.messaging_ticket_ids(include_deleted=True)
    assert len(others) > 800 and not any(acc.logs.plan.get(tid) for tid in others)
    sizes = [len(acc.conversation_log(tid)) for tid in messaging]
    assert 2 <= sum(n > 100 for n in sizes) <= 4 and max(sizes) <= 270
    assert Counter(3 <= n <= 40 for n in sizes)[True] > 0.9 * len(sizes)


def test_log_events_have_the_documented_shapes():
    acc = Account(scale=1, seed=1)
    events = [e for tid in sorted(acc.messaging_ticket_ids()) for e in acc.conversation_log(tid)]
    ids = [e["id"] for e in events]
    assert len(set(ids)) == len(ids) and all(ULID.fullmatch(i) for i in ids)
    assert all("ticket_id" not in e for e in events)
    types = Counter(e["type"] for e in events)
    assert types["Comment"] and types["Messaging::ConversationMessage"]
    assert types["Messaging::SomethingNew"], "an event type nobody documents"
    kinds = Counter(e["content"]["type"] for e in events)
    for kind in ("html", "text", "image", "file", "form", "formResponse", "carousel", "location"):
        assert kinds[kind], kind
    for e in events:
        if e["type"] == "Comment":
            assert re.fullmatch(r"zen:ticket_event:\d+", e["reference"])
            assert isinstance(e["metadata"]["public"], bool) and e["content"]["body"]
        elif e["type"] == "Messaging::ConversationMessage":
            assert re.fullmatch(r"zen:sunco:conversation_message:[0-9a-f]{24}", e["reference"])
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["received_at"])
            assert e["received_at"][:19] == e["created_at"][:19]
            assert e["author"]["type"] in ("user", "agent", "bot") and e["source"]["type"]
    bots = [e["author"] for e in events if e["author"]["type"] == "bot"]
    assert bots and all(b["zen:support:user_id"] == -1 and b["zen:sunco:user_id"] for b in bots)
    actions = [a for e in events for a in e["content"].get("actions", [])]
    assert actions and all(set(a) == {"reply"} and "payload" in a["reply"] for a in actions)
    assert any(e["attachments"] for e in events if e["type"] != "Comment")
    assert any("textFallback" in e["content"] for e in events)
    media = [e["content"] for e in events if e["content"]["type"] == "image"]
    assert all({"mediaUrl", "mediaType", "altText"} <= set(c) for c in media)


def test_conversation_data_is_deterministic_and_leaves_the_rest_as_it_was(monkeypatch):
    first = Account(scale=0.3, seed=4, now=1_790_000_000)
    again = Account(scale=0.3, seed=4, now=1_790_000_000)
    truth = first.conversation_truth(0)
    assert truth == again.conversation_truth(0) and all(truth.values())
    tid = min(first.messaging_ticket_ids())
    assert first.conversation_log(tid) == again.conversation_log(tid)
    assert first.csat_ticket_ratings() == again.csat_ticket_ratings()
    monkeypatch.setattr(Account, "build_conversations", lambda self: None)
    without = Account(scale=0.3, seed=4, now=1_790_000_000)
    for coll in without._data:
        if coll != "tickets":
            assert first.records(coll) == without.records(coll), coll
    changed = set(first.fallback_ticket_ids)
    for before in without.records("tickets"):
        after = first.get("tickets", before["id"])
        if before["id"] not in changed:
            assert after == before
        else:  # only the channel and the flag differ
            rest = {"via", "from_messaging_channel"}
            assert {k: v for k, v in after.items() if k not in rest} == {
                k: v for k, v in before.items() if k not in rest
            }
            assert after["via"]["source"] == before["via"]["source"]


def test_messaging_share_makes_a_messaging_heavy_account():
    plain = Account(scale=0.3, seed=4, now=1_790_000_000)
    heavy = Account(scale=0.3, seed=4, now=1_790_000_000, messaging_share=0.8)
    assert len(heavy.messaging_ticket_ids(include_deleted=True)) == round(0.8 * 300)
    assert len(plain.messaging_ticket_ids(include_deleted=True)) < 0.2 * 300
    for coll in ("users", "ticket_events", "organizations", "satisfaction_ratings", "macros"):
        assert heavy.records(coll) == plain.records(coll), coll
    assert all(heavy.conversation_log(t) for t in heavy.messaging_ticket_ids())


# ---------------------------------------------------------------- the endpoint
@pytest.mark.parametrize("size", [100, 7])
def test_log_cursor_pages(emulator, http, size):
    acc = emulator.account
    tid = biggest(acc)
    expected = [e["id"] for e in acc.conversation_log(tid)]
    assert len(expected) > 100
    events, pages = walk_log(http, emulator, tid, size=size)
    assert [e["id"] for e in events] == expected
    assert pages == -(-len(expected) // size)
    keys = [(e["created_at"], e["id"]) for e in events]
    assert keys == sorted(keys)
    first = get(http, emulator, log_path(tid), sort="created_at", **{"page[size]": size}).json()
    assert set(first) == {"events", "meta", "links"} and first["meta"]["has_more"]
    next_url = urlsplit(first["links"]["next"])
    assert next_url.netloc == "emulator.zendesk.com"
    assert next_url.path == f"/api/v2/tickets/{tid}/conversation_log"
    assert parse_qs(next_url.query)["sort"] == ["created_at"]


def test_log_descending_and_backwards(emulator, http):
    acc = emulator.account
    tid = biggest(acc)
    expected = [e["id"] for e in acc.conversation_log(tid)]
    newest, _ = walk_log(http, emulator, tid, size=30, sort="-created_at")
    assert [e["id"] for e in newest] == expected[::-1]
    first = get(http, emulator, log_path(tid), **{"page[size]": 10}).json()
    assert [e["id"] for e in first["events"]] == expected[:10], "created_at is the default"
    second = follow(http, emulator, first["links"]["next"])
    assert [e["id"] for e in second["events"]] == expected[10:20]
    back = follow(http, emulator, second["links"]["prev"])
    assert [e["id"] for e in back["events"]] == expected[:10]
    assert back["meta"]["has_more"] is False, "nothing before the first page"


def test_log_refusals(emulator, http):
    acc = emulator.account
    tid = biggest(acc)
    assert get(http, emulator, log_path(tid), **{"page[size]": 101}).status_code == 400
    assert get(http, emulator, log_path(tid), sort="id").status_code == 400
    bad = get(http, emulator, log_path(tid), **{"page[after]": "bm90IGEgY3Vyc29y"})
    assert bad.status_code == 400
    missing = get(http, emulator, log_path(999_999_999))
    assert missing.status_code == 404 and missing.json()["error"] == "RecordNotFound"
    deleted = next(t["id"] for t in acc.records("tickets") if t["status"] == "deleted")
    assert get(http, emulator, log_path(deleted)).status_code == 404
    plain = min(set(t["id"] for t in acc.records("tickets")) - acc.messaging_ticket_ids(True))
    empty = get(http, emulator, log_path(plain)).json()
    assert empty["events"] == [] and empty["meta"]["has_more"] is False
    assert empty["links"] == {"next": None, "prev": None}


@pytest.mark.parametrize(("value", "status"), [(False, 403), (404, 404)])
def test_log_switch(emulator, http, value, status):
    tid = biggest(emulator.account)
    assert get(http, emulator, log_path(tid)).ok
    emulator.conversation_log_enabled = value
    refused = get(http, emulator, log_path(tid))
    assert refused.status_code == status and "error" in refused.json()
    assert "Zendesk-RateLimit-omnilog-index" in refused.headers


def test_omnilog_budget_headers_and_429(emulator_factory, http):
    emu = emulator_factory(rate_limits=True, core_per_minute=50)
    emu.omnilog_per_minute = 3
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK
    tid = biggest(emu.account)
    answers = [get(http, emu, log_path(tid)) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers["Zendesk-RateLimit-omnilog-index"] for r in answers[:3]] == [
        f"total=3; remaining={n}; resets=50" for n in (2, 1, 0)
    ]
    assert answers[3].headers["Retry-After"] == "50"
    assert [r.headers["X-Rate-Limit-Remaining"] for r in answers] == ["49", "48", "47", "47"]
    groups = get(http, emu, "/groups")
    assert groups.ok and "Zendesk-RateLimit-omnilog-index" not in groups.headers
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK + 60  # the next minute
    assert get(http, emu, log_path(tid)).ok


def test_default_omnilog_header_without_rate_limits(emulator, http):
    r = get(http, emulator, log_path(biggest(emulator.account)))
    assert r.headers["Zendesk-RateLimit-omnilog-index"].startswith("total=100; remaining=100;")


# ---------------------------------------------------------------- truth, export, mutations
def test_truth_equals_what_the_logs_serve_and_none_of_it_is_in_ticket_events(emulator, http):
    acc = emulator.account
    truth = acc.conversation_truth(0)["conversation_log"]
    served = {}
    for tid in sorted(acc.messaging_ticket_ids()):
        served.update((e["id"], tid) for e in walk_log(http, emulator, tid)[0])
    assert served == truth
    assert log_requests(emulator).keys() == acc.messaging_ticket_ids()
    updates, _ = walk_time_export(http, emulator, "/incremental/ticket_events", "ticket_events",
                                  include="comment_events", support_type_scope="all")  # fmt: skip
    comments = Counter()
    for update in updates:
        for child in update["child_events"]:
            if child["event_type"] == "Comment":
                comments[update["ticket_id"]] += 1
    for tid in acc.messaging_ticket_ids():
        log = acc.conversation_log(tid)
        assert sum(e["type"] == "Comment" for e in log) == comments[tid] < len(log)


def test_new_messages_show_in_the_log_and_the_tickets_export(emulator, http):
    acc = emulator.account
    since = int(time.time()) - 120
    assert not acc.conversation_truth(since)["conversation_log"]
    before = {tid: len(acc.conversation_log(tid)) for tid in acc.messaging_ticket_ids()}
    changed = acc.add_conversation_messages(3)
    assert len(set(changed)) == 3 and set(changed) <= acc.messaging_ticket_ids()
    tickets, _, _ = walk_cursor_export(http, emulator, "/incremental/tickets/cursor", "tickets",
                                       start=since, support_type_scope="all")  # fmt: skip
    assert {t["id"] for t in tickets} == set(changed)
    truth = acc.conversation_truth(since)["conversation_log"]
    assert set(truth.values()) == set(changed)
    for tid in changed:
        events, _ = walk_log(http, emulator, tid)
        assert before[tid] < len(events) <= before[tid] + 3
        assert {e["id"] for e in events} == {e for e, t in truth.items() if t == tid}
        assert events[-1]["created_at"] == tickets[0]["updated_at"]
