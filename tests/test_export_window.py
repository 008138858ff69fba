"""Zendesk withholds the newest changes from its exports: the tap waits for them, losing none.

The emulator leaves the last minute out of its exports and answers 422 "Too recent
start_time" to a start_time inside it. Here the window is set to five minutes (Zendesk's
window once was), longer than the tap's own two-minute margin, so that a scheduled run meets
both: changes it cannot see yet, and time exports that refuse its start_time.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.emulator import zendesk
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

EXPORTS = ("tickets", "users", "organizations", "ticket_events")
START_DATE = "2000-01-01T00:00:00Z"
OLD_WINDOW_SECONDS = 300


def ids(messages: list[dict[str, Any]], stream: str) -> set[int]:
    return {m["record"]["id"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream}


def last_state(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m for m in messages if m["type"] == "STATE"][-1]["value"]


def change(account: Account) -> dict[str, set[int]]:
    """10 changes (5 tickets, 3 users, 2 organizations), stamped 90 s ago or later."""
    return {
        "tickets": set(account.update_tickets(5)),
        "users": set(account.update_users(3)),
        "organizations": set(account.update_organizations(2)),
    }


@pytest.fixture
def recent_account_run(tmp_path, monkeypatch):
    """A full sync of the exports that read changes made 90 s ago, so that its bookmarks are
    recent; then the emulator's window widened to five minutes and 10 more changes made."""
    account = Account(scale=0.2, seed=1, now=int(time.time()) - 3600)
    with Emulator(account) as emulator:
        config = {**emulator.config(), **FAST_RATES, "start_date": START_DATE}
        catalog = select(discover(tmp_path, config), set(EXPORTS))
        seen = change(account)
        first = run_tap(tmp_path, config, catalog=catalog)
        assert first.returncode == 0, first.stderr[-3000:]
        for stream, changed_ids in seen.items():
            assert changed_ids <= ids(first.messages, stream)
        monkeypatch.setattr(zendesk, "WITHHELD_SECONDS", OLD_WINDOW_SECONDS)
        changed = change(account)
        emulator.reset_counts()
        yield emulator, config, catalog, last_state(first.messages), changed


def test_too_recent_start_and_withheld_changes_are_waited_for_not_skipped(
    tmp_path, monkeypatch, recent_account_run
):
    emulator, config, catalog, state, changed = recent_account_run
    withheld = run_tap(tmp_path, config, catalog=catalog, state=state)
    refused = emulator.status_counts().get(422, 0)
    assert withheld.returncode == 0, withheld.stderr[-3000:]
    assert refused >= 1, "no export answered 422: the test would prove nothing"
    assert "Nothing new to export yet" in withheld.stderr
    for stream, changed_ids in changed.items():
        assert not ids(withheld.messages, stream) & changed_ids, f"{stream}: withheld changes"

    # The window closes again (0: every change visible now): the next run, from the state
    # the withheld run left, reads every change it could not see.
    monkeypatch.setattr(zendesk, "WITHHELD_SECONDS", 0)
    after = run_tap(tmp_path, config, catalog=catalog, state=last_state(withheld.messages))
    assert after.returncode == 0, after.stderr[-3000:]
    for stream, changed_ids in changed.items():
        assert changed_ids <= ids(after.messages, stream), f"{stream}: a change was skipped"
