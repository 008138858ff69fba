"""On a messaging-heavy account, conversation logs are read while the exports wait.

The exports may send 10 requests a minute, the conversation log its own budget's worth: run
one after the other, a first sync would take the sum of both; the logs are read in the
exports' waits, so it takes about as long as the slower budget needs. The tap runs in process
on a fake clock that moves only when it sleeps, and so do the emulator's budget windows, at
Zendesk's default limits (the log's budget lowered, so that the logs are the longer part).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tap_zendesk_objects.http.throttle import Throttle
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.account import Account
from tests.emulator.conversation_routes import log_requests
from tests.emulator.server import Emulator
from tests.inprocess import FakeClock, sync_in_process
from tests.singer import select

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
LOG_RATE = 40  # log requests a minute: below Zendesk's 100, so the logs set the pace
INCREMENTAL_RATE = 10  # Zendesk's export budget
EXPORTS = ("/api/v2/incremental/tickets/cursor", "/api/v2/incremental/ticket_events")
LOG_ENDPOINT = "/api/v2/tickets/{ticket_id}/conversation_log"


def budget_minutes(requests: int, per_minute: int) -> float:
    """The least time a sliding budget needs for `requests`: the last starts this late."""
    return ((requests - 1) // per_minute) * 60.0


@pytest.fixture
def started(monkeypatch) -> list[tuple[str | None, float]]:
    """(endpoint, fake time) of every request as its throttle lets it start."""
    recorded: list[tuple[str | None, float]] = []
    wait = Throttle.wait

    def recorded_wait(self: Throttle, *args: Any) -> float:
        waited = wait(self, *args)
        recorded.append((args[0] if args else None, self._clock()))
        return waited

    monkeypatch.setattr(Throttle, "wait", recorded_wait)
    return recorded


def test_logs_are_read_while_the_exports_wait(started, own_signals, capsys):
    clock = FakeClock(time.time())
    account = Account(scale=0.3, seed=2, messaging_share=0.8, now=int(time.time()) - 3600)
    with Emulator(account, rate_limits=True) as emu:
        emu.rate_clock = clock  # Zendesk's budget windows pass with the tap's time
        emu.omnilog_per_minute = LOG_RATE
        config = {
            **emu.config(),
            "start_date": START_DATE,
            "export_page_size": 25,  # many export pages: the exports wait minutes too
            "conversation_log_requests_per_minute": LOG_RATE,
        }
        streams = {"tickets", "ticket_events", "conversation_log"}
        catalog = select(
            TapZendeskObjects(config=config, parse_env_config=False).catalog_dict, streams
        )
        emu.reset_counts()
        began = clock()
        messages = sync_in_process(config, catalog, capsys, clock=clock, sleep=clock.sleep)
        took = clock() - began
        counts, per_ticket = emu.request_counts(), log_requests(emu)
        truth = account.conversation_truth(START_EPOCH)["conversation_log"]
        refused = emu.status_counts().get(429, 0)

    logged = {
        m["record"]["id"]
        for m in messages
        if m["type"] == "RECORD" and m["stream"] == "conversation_log"
    }
    assert logged == set(truth)
    assert refused == 0
    exports = sum(counts[path] for path in EXPORTS)
    logs = sum(per_ticket.values())
    export_time = budget_minutes(exports, INCREMENTAL_RATE)
    log_time = budget_minutes(logs, LOG_RATE)
    assert export_time >= 120 and log_time >= 240  # both budgets need minutes
    # About the slower budget's time, far from the sum of both.
    assert took <= max(export_time, log_time) + 60, (took, export_time, log_time)
    assert took < export_time + log_time - 90, (took, export_time, log_time)
    # Log reads went on between export pages, not only after the exports.
    order = [endpoint for endpoint, _ in started]
    last_export = max(i for i, endpoint in enumerate(order) if endpoint in EXPORTS)
    assert order[:last_export].count(LOG_ENDPOINT) >= logs // 3
