"""The four conversation streams against the emulator: what a first and a scheduled run emit.

conversation_log (messaging tickets' logs, asked only for tickets the tickets export returned
in this run), csat_survey_responses (updated CSAT), side_conversation_events (their export)
and side_conversations (asked only for tickets whose side conversations had events).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from tap_zendesk_objects.timeutil import to_epoch
from tests.emulator.account import Account
from tests.emulator.conversation_account import CONVERSATION_STREAMS
from tests.emulator.conversation_routes import log_requests
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
CONVERSATIONS = set(CONVERSATION_STREAMS)
SIDE_EVENTS = "/api/v2/tickets/side_conversations/events"


@pytest.fixture(scope="module")
def emulator():
    # Fallback tickets name their messaging channel by number too (`via.channel` 74).
    account = Account(scale=1, seed=3, now=int(time.time()) - 3600, messaging_channel_ids=True)
    with Emulator(account) as emu:
        yield emu


@pytest.fixture(scope="module")
def catalog(emulator, tmp_path_factory):
    return discover(tmp_path_factory.mktemp("discover"), emulator.config())


def config_of(emulator, **extra):
    return {**emulator.config(), **FAST_RATES, "start_date": START_DATE, **extra}


def ids(result, stream):
    return [record["id"] for record in result.records(stream)]


def side_ticket_requests(emulator):
    counts = {}
    for path, n in emulator.request_counts().items():
        parts = path.split("/")
        if path.endswith("/side_conversations") and parts[-2].isdigit():
            counts[int(parts[-2])] = n
    return counts


@pytest.fixture(scope="module")
def first_sync(emulator, catalog, tmp_path_factory):
    """A first sync of the four streams (tickets not selected: read for conversation_log)."""
    emulator.reset_counts()
    truth = emulator.account.conversation_truth(START_EPOCH)
    result = run_tap(
        tmp_path_factory.mktemp("first"),
        config_of(emulator),
        catalog=select(catalog, CONVERSATIONS),
    )
    return result, truth, emulator.request_counts(), log_requests(emulator)


def test_a_first_sync_emits_exactly_the_truth_once(first_sync):
    result, truth, _, _ = first_sync
    assert result.returncode == 0, result.stderr[-3000:]
    for stream in CONVERSATIONS:
        emitted = ids(result, stream)
        assert len(emitted) == len(set(emitted)), f"{stream}: duplicates"
        assert set(emitted) == set(truth[stream]), stream
        assert len(result.of_type("SCHEMA", stream)) == 1, stream
    assert result.streams() == CONVERSATIONS  # tickets was read, not emitted
    assert len(truth["conversation_log"]) > 500  # the account has real logs to read


def test_log_rows_carry_their_ticket_author_text_and_kinds(first_sync, emulator):
    result, truth, _, _ = first_sync
    rows = result.records("conversation_log")
    assert all(row["ticket_id"] == truth["conversation_log"][row["id"]] for row in rows)
    kinds = Counter(row["type"] for row in rows)
    assert kinds["Comment"] and kinds["Messaging::ConversationMessage"]
    assert set(kinds) - {"Comment", "Messaging::ConversationMessage"}, "unknown types kept"
    assert {row["author_type"] for row in rows} >= {"user", "agent", "bot"}
    contents = Counter(row["content_type"] for row in rows)
    assert {"text", "image", "file", "html"} <= set(contents)
    by_id = {
        event["id"]: event
        for tid in emulator.account.messaging_ticket_ids()
        for event in emulator.account.conversation_log(tid)
    }
    for row in rows:
        event = by_id[row["id"]]
        content = event.get("content") or {}
        text = content.get("text", content.get("body", content.get("textFallback")))
        assert row["text"] == text
        assert row["content"] == event.get("content")
        assert row["message_received_at"] == event.get("received_at")
        assert row["received_at"] != event.get("received_at")  # ours: when the tap read it
        author = event.get("author") or {}
        assert row["author_sunco_user_id"] == author.get("zen:sunco:user_id")
        if isinstance(author.get("zen:support:user_id"), int):
            assert row["author_user_id"] == author["zen:support:user_id"]
        assert row["public"] == (event.get("metadata") or {}).get("public")


def test_logs_are_asked_once_per_page_for_messaging_tickets_only(first_sync, emulator):
    _, truth, _, per_ticket = first_sync
    account = emulator.account
    wanted = {tid for tid in set(truth["conversation_log"].values())}
    assert set(per_ticket) == wanted  # no request for any other ticket
    fallback = set(account.fallback_ticket_ids)  # found by via.channel alone too
    assert fallback <= wanted | {
        t for t in fallback if account.get("tickets", t)["status"] == "deleted"
    }
    assert any(isinstance(account.get("tickets", t)["via"]["channel"], int) for t in fallback)
    for tid, requests in per_ticket.items():
        events = len(account.conversation_log(tid))
        assert requests == max(1, -(-events // 100)), (tid, events, requests)
    assert max(per_ticket.values()) > 1  # some logs span several pages


def test_surveys_carry_ticket_rating_and_both_shapes(first_sync, emulator):
    result, _, _, _ = first_sync
    derived = emulator.account.csat_ticket_ratings()
    rows = result.records("csat_survey_responses")
    for row in rows:
        assert (row["ticket_id"], row["rating"]) == derived[row["id"]]
        assert row["survey_id"]
        assert isinstance(row["answers"], list)
    assert {row["rating_category"] for row in rows} >= {"bad", "good"}
    assert any(row["comment"] for row in rows)


def test_side_conversations_asked_for_tickets_with_events_only(first_sync, emulator):
    result, truth, _, _ = first_sync
    per_ticket = side_ticket_requests(emulator)
    events = result.records("side_conversation_events")
    assert set(per_ticket) == {event["ticket_id"] for event in events}
    assert all(n == 1 for n in per_ticket.values())
    for row in result.records("side_conversations"):
        assert row["ticket_id"] == truth["side_conversations"][row["id"]]


def test_a_scheduled_run_reads_only_what_changed(first_sync, emulator, catalog, tmp_path):
    result, _, _, _ = first_sync
    account = emulator.account
    changed_tickets = account.add_conversation_messages(4)
    new_surveys = account.add_survey_responses(3)
    edited = account.edit_survey_responses(2)
    new_events = account.add_side_conversation_events(4)
    # A minute later: the mutations are older than the exports' withheld last minute.
    emulator.reset_counts()
    second = run_tap(
        tmp_path,
        config_of(emulator),
        catalog=select(catalog, CONVERSATIONS),
        state=result.final_state,
    )
    assert second.returncode == 0, second.stderr[-3000:]
    # Logs: the changed messaging tickets (and tickets the other changes moved, when they
    # are messaging tickets), one request per page, nothing else.
    moved = set(changed_tickets)
    moved |= {account.csat.responses[rid]["ticket_id"] for rid in [*new_surveys, *edited]}
    moved |= {account.get("side_conversation_events", eid)["ticket_id"] for eid in new_events}
    per_ticket = log_requests(emulator)
    messaging = account.messaging_ticket_ids()
    assert set(per_ticket) == moved & messaging
    for tid, requests in per_ticket.items():
        assert requests == max(1, -(-len(account.conversation_log(tid)) // 100))
    log_tickets = {row["ticket_id"] for row in second.records("conversation_log")}
    assert log_tickets == set(changed_tickets) | (moved & messaging)
    new_messages = {
        e["id"] for tid in changed_tickets for e in account.conversation_log(tid)
    } - set(ids(result, "conversation_log"))
    assert new_messages and new_messages <= set(ids(second, "conversation_log"))
    # Surveys: the new ones, the edited ones, and any other still editable; never the rest.
    surveys = {row["id"]: row for row in second.records("csat_survey_responses")}
    assert set(new_surveys) | set(edited) <= set(surveys)
    now = time.time()
    for rid, row in surveys.items():
        assert rid in new_surveys or to_epoch(row["expires_at"]) > now - 3600, rid
    # Side conversation events: the new ones (and at most the boundary second's again).
    events = set(ids(second, "side_conversation_events"))
    assert set(new_events) <= events
    assert len(events - set(new_events)) <= 3
    # Without end_of_stream, the export ends on a page that repeats its last second, then
    # on an empty one (the time moved by a second): three requests for one second's events.
    assert emulator.request_counts().get(SIDE_EVENTS) <= 3


def test_a_channel_given_by_number_keeps_the_tickets_via(emulator, catalog, tmp_path):
    fallback = emulator.account.fallback_ticket_ids
    numbered = {
        t: emulator.account.get("tickets", t)["via"]["channel"]
        for t in fallback
        if isinstance(emulator.account.get("tickets", t)["via"]["channel"], int)
    }
    result = run_tap(tmp_path, config_of(emulator), catalog=select(catalog, {"tickets"}))
    assert result.returncode == 0, result.stderr[-3000:]
    vias = {r["id"]: r["via"] for r in result.records("tickets") if r["id"] in numbered}
    assert numbered and {t: via["channel"] for t, via in vias.items()} == numbered
