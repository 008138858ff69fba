"""Where the per-ticket streams resume: no ticket missed after a failure, none read twice.

The conversation log keeps in the state where the tickets export must start for it: the
oldest messaging ticket it has not read (`resume_at`), or the position up to which every one
was read (`read_through`).
"""

from __future__ import annotations

import time

import pytest

from tests.emulator.account import Account
from tests.emulator.conversation_routes import log_requests
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800


@pytest.fixture
def emulator():
    account = Account(scale=0.3, seed=7, now=int(time.time()) - 3600)
    with Emulator(account) as emu:
        yield emu


def run(emulator, tmp_path, name, state=None):
    folder = tmp_path / name
    folder.mkdir()
    catalog = select(discover(folder, emulator.config()), {"conversation_log"})
    emulator.reset_counts()
    config = {**emulator.config(), **FAST_RATES, "start_date": START_DATE}
    return run_tap(folder, config, catalog=catalog, state=state)


def log_state(result):
    return result.final_state["bookmarks"]["conversation_log"]


def test_an_unchanged_ticket_at_the_bookmark_is_not_read_again(emulator, tmp_path):
    # The newest change is a messaging ticket's: it ends the tickets export, at its bookmark.
    (newest,) = emulator.account.add_conversation_messages(1)
    first = run(emulator, tmp_path, "first")
    assert first.returncode == 0, first.stderr[-2000:]
    assert newest in log_requests(emulator)
    position = emulator.account.get("tickets", newest)["generated_timestamp"]
    assert log_state(first) == {"read_through": position}

    second = run(emulator, tmp_path, "second", state=first.final_state)
    assert second.returncode == 0, second.stderr[-2000:]
    assert log_requests(emulator) == {}  # the export repeats the bookmark's second: no log
    assert second.records("conversation_log") == []


def test_a_failed_ticket_is_where_the_next_run_resumes(emulator, tmp_path):
    account = emulator.account
    truth = account.conversation_truth(START_EPOCH)["conversation_log"]
    tickets = sorted(
        set(truth.values()), key=lambda t: account.get("tickets", t)["generated_timestamp"]
    )
    failing = tickets[len(tickets) // 2]
    position = account.get("tickets", failing)["generated_timestamp"]
    emulator.scripts.add(
        f"/api/v2/tickets/{failing}/conversation_log",
        status=400,
        body={"error": "InvalidValue", "description": "Something Zendesk did not like"},
        times=1,
    )
    first = run(emulator, tmp_path, "first")
    assert first.returncode != 0
    assert "stream 'conversation_log' failed" in first.stderr
    assert log_state(first) == {"resume_at": position}
    read_first = {r["id"] for r in first.records("conversation_log")}
    # Only tickets before the failing one were read.
    assert {truth[eid] for eid in read_first} <= set(tickets[: len(tickets) // 2])

    second = run(emulator, tmp_path, "second", state=first.final_state)
    assert second.returncode == 0, second.stderr[-2000:]
    read_second = {r["id"] for r in second.records("conversation_log")}
    assert read_first | read_second == set(truth)  # nothing missed
    later = {t for t in tickets if account.get("tickets", t)["generated_timestamp"] >= position}
    assert set(log_requests(emulator)) == later  # and nothing before it asked again
    assert set(log_state(second)) == {"read_through"}
