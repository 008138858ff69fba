"""The emulator's side conversations: per-ticket offset pages, the time-based event export,
its own 10-minute budget, the switch, truth and mutations."""

from __future__ import annotations

import re
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.emulator.client import get, walk_cursor_export
from tests.emulator.side_conversations import EVENT_COLL
from tests.emulator.zendesk import ZENDESK_HOST

EXPORT = "/tickets/side_conversations/events"
HEADER = "Zendesk-RateLimit-side-conversation-events"
# Ten seconds into a 10-minute window (and a minute): no window rolls over mid-test.
FROZEN_RATE_CLOCK = 1_800_000_010.0
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
OFFSET_TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")


def walk_export(http, emu, start=0, **params):
    """Pages of the export until one adds nothing new (it has no end_of_stream)."""
    seen, pages, start_time = {}, [], start
    while True:
        body = get(http, emu, EXPORT, start_time=start_time, **params).json()
        pages.append(body)
        new = [e for e in body["events"] if e["id"] not in seen]
        seen.update((e["id"], e) for e in body["events"])
        if not new:
            return seen, pages
        assert body["end_time"] >= start_time
        start_time = body["end_time"]


def list_path(tid):
    return f"/tickets/{tid}/side_conversations"


def test_side_conversations_and_events_have_the_documented_fields(emulator):
    acc = emulator.account
    convs, events = acc.records("side_conversations"), acc.records(EVENT_COLL)
    per_ticket = Counter(c["ticket_id"] for c in convs)
    assert 0.04 < len(per_ticket) / 1000 < 0.1 and set(per_ticket.values()) <= {1, 2, 3}
    for c in convs:
        assert UUID.fullmatch(c["id"]) and c["state"] in ("open", "closed")
        for key in ("message_added_at", "state_updated_at", "created_at", "updated_at"):
            assert OFFSET_TS.fullmatch(c[key]), key
        assert c["created_at"] <= c["updated_at"] and c["participants"]
        assert c["url"].endswith(f"/tickets/{c['ticket_id']}/side_conversations/{c['id']}")
    assert any("targetTicketId" in c["external_ids"] for c in convs)
    kinds = Counter(e["type"] for e in events)
    assert kinds["create"] == len(convs) and kinds["reply"] and kinds["update"]
    assert set(kinds) - {"create", "reply", "update"}, "a type Zendesk does not document"
    for e in events:
        assert UUID.fullmatch(e["id"]) and OFFSET_TS.fullmatch(e["created_at"])
        assert {"side_conversation_id", "ticket_id", "actor", "via", "url"} <= set(e)
        assert ("message" in e) == (e["type"] in ("create", "reply"))
        assert ("updates" in e) == (e["type"] == "update")


def test_per_ticket_offset_pages(emulator, http):
    acc = emulator.account
    tid = next(t for t, ids in acc.side.by_ticket.items() if len(ids) == 3)
    body = get(http, emulator, list_path(tid)).json()
    assert set(body) == {"side_conversations", "count", "next_page", "previous_page"}
    assert body["count"] == 3 and body["next_page"] is None and body["previous_page"] is None
    assert [c["id"] for c in body["side_conversations"]] == acc.side.by_ticket[tid]
    first = get(http, emulator, list_path(tid), per_page=2).json()
    assert len(first["side_conversations"]) == 2 and first["count"] == 3
    assert urlsplit(first["next_page"]).netloc == "emulator.zendesk.com"
    assert parse_qs(urlsplit(first["next_page"]).query) == {"page": ["2"], "per_page": ["2"]}
    second = get(http, emulator, list_path(tid), page=2, per_page=2).json()
    assert [c["id"] for c in second["side_conversations"]] == acc.side.by_ticket[tid][2:]
    assert second["next_page"] is None and second["previous_page"]
    sideloaded = get(http, emulator, list_path(tid), include="events").json()
    assert {e["side_conversation_id"] for e in sideloaded["events"]} == set(acc.side.by_ticket[tid])
    scid = acc.side.by_ticket[tid][0]
    events = get(http, emulator, f"{list_path(tid)}/{scid}/events").json()
    assert [e["id"] for e in events["events"]] == acc.side.events_of[scid]
    none = min({t["id"] for t in acc.records("tickets") if t["status"] != "deleted"}
               - set(acc.side.by_ticket))  # fmt: skip
    assert get(http, emulator, list_path(none)).json()["side_conversations"] == []
    assert get(http, emulator, list_path(999_999_999)).status_code == 404
    assert get(http, emulator, f"{list_path(none)}/{scid}/events").status_code == 404


def test_export_pages_boundaries_and_the_last_minute(emulator, http):
    acc = emulator.account
    assert get(http, emulator, EXPORT).status_code == 400, "start_time is required"
    recent = get(http, emulator, EXPORT, start_time=int(time.time()) - 30)
    assert recent.status_code == 422
    everything, pages = walk_export(http, emulator, per_page=50)
    assert set(everything) == set(acc.conversation_truth(0)["side_conversation_events"])
    first = pages[0]
    assert set(first) == {"events", "count", "end_time", "next_page"}
    assert first["count"] == len(first["events"]) >= 50
    assert first["end_time"] == max(acc.ts(EVENT_COLL, e["id"]) for e in first["events"])
    next_url = urlsplit(first["next_page"])
    assert f"{next_url.scheme}://{next_url.netloc}" == ZENDESK_HOST
    assert parse_qs(next_url.query)["start_time"] == [str(first["end_time"])]
    # the boundary second comes again on the next page
    assert first["events"][-1]["id"] in {e["id"] for e in pages[1]["events"]}
    assert len(get(http, emulator, EXPORT, start_time=0).json()["events"]) == len(everything)
    emulator.side_conversation_events_end_of_stream = True
    assert get(http, emulator, EXPORT, start_time=0).json()["end_of_stream"] is True
    # many events in one second: one page holds them all, and ends a second later
    since = int(time.time()) - 120
    shared = acc.add_side_conversation_events(6)
    body = get(http, emulator, EXPORT, start_time=since, per_page=2).json()
    stamp = acc.ts(EVENT_COLL, shared[0])
    assert {e["id"] for e in body["events"]} == set(shared) and body["end_time"] == stamp + 1
    # the last minute is withheld
    ticket = acc.get("tickets", min(acc.side.by_ticket))
    with acc.lock:
        fresh = acc.side.start(acc._crng, ticket, int(time.time() * 1000))
    later = get(http, emulator, EXPORT, start_time=since).json()
    assert set(shared) <= {e["id"] for e in later["events"]}
    assert fresh["id"] not in {e["side_conversation_id"] for e in later["events"]}


def test_export_budget_per_10_minutes(emulator_factory, http):
    emu = emulator_factory(rate_limits=True)
    emu.side_conversation_events_per_10_minutes = 2
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK
    answers = [get(http, emu, EXPORT, start_time=0, per_page=1) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert [r.headers[HEADER] for r in answers[:2]] == [
        f"total=2; remaining={n}; resets=590" for n in (1, 0)
    ]
    assert answers[2].headers["Retry-After"] == "590"
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK + 60  # a new minute, the same 10 minutes
    assert get(http, emu, EXPORT, start_time=0, per_page=1).status_code == 429
    assert get(http, emu, "/groups").ok
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK + 600
    assert get(http, emu, EXPORT, start_time=0, per_page=1).ok
    tid = min(emu.account.side.by_ticket)
    assert HEADER not in get(http, emu, list_path(tid)).headers, "the list spends Core only"


@pytest.mark.parametrize(("value", "status"), [(False, 403), (404, 404)])
def test_switch(emulator, http, value, status):
    tid = min(emulator.account.side.by_ticket)
    emulator.side_conversations_enabled = value
    assert get(http, emulator, list_path(tid)).status_code == status
    assert get(http, emulator, EXPORT, start_time=0).status_code == status
    emulator.side_conversations_enabled = True
    emulator.role = "agent"
    assert get(http, emulator, list_path(tid)).ok
    assert get(http, emulator, EXPORT, start_time=0).status_code == 403, "admins only"


def test_truth_and_mutations(emulator, http):
    acc = emulator.account
    since = int(time.time()) - 120
    truth = acc.conversation_truth(since)
    assert not truth["side_conversation_events"] and not truth["side_conversations"]
    added = acc.add_side_conversation_events(5)
    truth = acc.conversation_truth(since)
    assert set(truth["side_conversation_events"]) == set(added)
    served, _ = walk_export(http, emulator, start=since)
    assert set(served) == set(added)
    tickets = {e["ticket_id"] for e in served.values()}
    assert set(truth["side_conversations"].values()) == tickets
    listed = {}
    for tid in tickets:
        for c in get(http, emulator, list_path(tid)).json()["side_conversations"]:
            listed[c["id"]] = c["ticket_id"]
    assert listed == truth["side_conversations"]
    creates = [e for e in served.values() if e["type"] == "create"]
    assert 1 <= len(creates) < 5, "some on new side conversations"
    exported, _, _ = walk_cursor_export(http, emulator, "/incremental/tickets/cursor", "tickets",
                                        start=since, support_type_scope="all")  # fmt: skip
    assert {t["id"] for t in exported} == tickets
    everything = acc.conversation_truth(0)
    assert set(everything["side_conversations"]) == {
        c["id"] for c in acc.records("side_conversations")
    }
