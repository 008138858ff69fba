"""Accounts without a conversation feature, deleted tickets, and the default selection.

An account outside the conversation log's early access, without the updated CSAT or without
the Collaboration add-on answers 403 or 404: one warning, the stream stays empty, the run
exits 0 and the other streams are whole. A 404 for one ticket skips that ticket only. And a
user who selects none of the four pays nothing for them.
"""

from __future__ import annotations

import copy
import time

import pytest

from tests.emulator.account import Account
from tests.emulator.conversation_account import CONVERSATION_STREAMS
from tests.emulator.conversation_routes import log_requests
from tests.emulator.help_center_account import HELP_CENTER_STREAMS
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
CONVERSATIONS = set(CONVERSATION_STREAMS)
NOT_FOUND = {"error": "RecordNotFound", "description": "Not found"}
# Each feature's switch on the emulator, and the streams it takes away.
FEATURES = {
    "conversation_log_enabled": {"conversation_log"},
    "csat_enabled": {"csat_survey_responses"},
    "side_conversations_enabled": {"side_conversation_events", "side_conversations"},
}


@pytest.fixture(scope="module")
def emulator():
    account = Account(scale=0.5, seed=5, now=int(time.time()) - 3600)
    with Emulator(account) as emu:
        yield emu


@pytest.fixture(scope="module")
def catalog(emulator, tmp_path_factory):
    return discover(tmp_path_factory.mktemp("discover"), emulator.config())


def config_of(emulator):
    return {**emulator.config(), **FAST_RATES, "start_date": START_DATE}


@pytest.mark.parametrize("refusal", [False, 404], ids=["403", "404"])
@pytest.mark.parametrize("switch", sorted(FEATURES))
def test_an_account_without_the_feature_warns_once_and_the_rest_is_whole(
    emulator, catalog, tmp_path, switch, refusal
):
    setattr(emulator, switch, refusal)
    try:
        emulator.reset_counts()
        result = run_tap(
            tmp_path, config_of(emulator), catalog=select(catalog, {*CONVERSATIONS, "tickets"})
        )
    finally:
        setattr(emulator, switch, True)
    assert result.returncode == 0, result.stderr[-3000:]
    missing = FEATURES[switch]
    truth = emulator.account.conversation_truth(START_EPOCH)
    for stream in CONVERSATIONS:
        emitted = {record["id"] for record in result.records(stream)}
        assert emitted == (set() if stream in missing else set(truth[stream])), stream
    assert {r["id"] for r in result.records("tickets")} == set(
        emulator.account.truth(START_EPOCH)["tickets"]
    )
    warnings = [line for line in result.stderr.splitlines() if "skipped:" in line]
    assert len(warnings) == 1, warnings
    assert any(name in warnings[0] for name in missing)
    assert "Traceback" not in result.stderr
    if switch == "conversation_log_enabled":
        # 403 stops at once; 404s (a deleted ticket looks the same) after a few in a row.
        assert sum(log_requests(emulator).values()) <= (1 if refusal is False else 5)


def test_a_404_for_one_ticket_skips_that_ticket_only(emulator, catalog, tmp_path):
    account = emulator.account
    truth = account.conversation_truth(START_EPOCH)["conversation_log"]
    gone = sorted(set(truth.values()))[len(set(truth.values())) // 2]
    path = f"/api/v2/tickets/{gone}/conversation_log"
    emulator.scripts.add(path, status=404, body=NOT_FOUND, times=1)
    result = run_tap(tmp_path, config_of(emulator), catalog=select(catalog, {"conversation_log"}))
    assert result.returncode == 0, result.stderr[-3000:]
    emitted = {record["id"] for record in result.records("conversation_log")}
    assert emitted == {eid for eid, tid in truth.items() if tid != gone}
    skipped = [line for line in result.stderr.splitlines() if f"ticket {gone} skipped" in line]
    assert len(skipped) == 1


def test_a_default_selection_makes_exactly_the_requests_it_made_before(emulator, catalog, tmp_path):
    """The default selection with the conversation, Help Center, community and custom object
    streams in the catalog (not selected), and without them."""
    default = discover(tmp_path, emulator.config())  # as discovered: nothing selected by hand
    without = copy.deepcopy(default)
    new_ones = CONVERSATIONS | set(HELP_CENTER_STREAMS)
    without["streams"] = [s for s in without["streams"] if s["stream"] not in new_ones]
    counts = []
    for name, chosen in (("with", default), ("without", without)):
        emulator.reset_counts()
        (tmp_path / name).mkdir()
        result = run_tap(tmp_path / name, config_of(emulator), catalog=chosen)
        assert result.returncode == 0, result.stderr[-3000:]
        assert not result.streams() & new_ones
        counts.append(emulator.request_counts())
    assert counts[0] == counts[1]
    new_paths = ("conversation", "/guide/", "/help_center/", "/community/", "custom_objects")
    assert not [path for path in counts[0] if any(part in path for part in new_paths)]
