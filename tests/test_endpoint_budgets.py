"""An endpoint's own budget paces that endpoint only: a sync through real HTTP (the emulator).

One endpoint's every answer says its own budget (`zendesk-ratelimit-<name>`) is spent until a
reset 468 s away, as a real tickets export's did: that endpoint waits for the reset before
each further request, the other endpoints of its bucket and of the others do not wait at all,
and the run ends with every record. The tap runs in process, its throttles on a fake clock
that moves only when they sleep: every wait is recorded with the endpoint it held back, none
is spent, and nothing depends on the machine's speed.

Streams sync in the order of their names, so no stream of the tickets export's bucket follows
it: the budgets of an earlier export (organizations) and of a Core list (group memberships)
show that what follows in the same bucket, and in the exports' parent bucket, goes at once.
"""

from __future__ import annotations

import logging
import time

import pytest

from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.inprocess import sync_in_process
from tests.singer import FAST_RATES, select

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
TICKETS = "/api/v2/incremental/tickets/cursor"
ORGANIZATIONS = "/api/v2/incremental/organizations"
TICKET_EVENTS = "/api/v2/incremental/ticket_events"
USERS = "/api/v2/incremental/users/cursor"
GROUP_MEMBERSHIPS = "/api/v2/group_memberships"
GROUPS = "/api/v2/groups"
TICKET_FIELDS = "/api/v2/ticket_fields"
TICKET_FORMS = "/api/v2/ticket_forms"
# Streams sync in the order of their names: group memberships, groups, organizations, ticket
# events, ticket fields, ticket forms, tickets (with ticket metrics), users. Tickets, ticket
# events and organizations share the incremental-export bucket; the users export has its own;
# the lists spend Core's, which the exports spend too.
STREAMS = {
    "group_memberships",
    "groups",
    "organizations",
    "ticket_events",
    "ticket_fields",
    "ticket_forms",
    "tickets",
    "ticket_metrics",
    "users",
}
ENDPOINTS = (
    GROUP_MEMBERSHIPS,
    GROUPS,
    ORGANIZATIONS,
    TICKET_EVENTS,
    TICKET_FIELDS,
    TICKET_FORMS,
    TICKETS,
    USERS,
)
# An endpoint whose every answer says its own budget is spent until a reset 468 s away, and
# the endpoints requested after its first answer that must not wait for that reset.
SPENT = "total=100; remaining=0; resets=468"
CASES = [
    # The header: the tickets export's own budget.
    pytest.param(TICKETS, "Zendesk-RateLimit-tickets-index", {USERS}, id="tickets-export"),
    # An export's budget, and the other exports of the bucket after it (and Core's lists).
    pytest.param(
        ORGANIZATIONS,
        "Zendesk-RateLimit-organizations-export",
        {TICKET_EVENTS, TICKETS, TICKET_FIELDS, TICKET_FORMS, USERS},
        id="organizations-export",
    ),
    # A Core list's budget (the other spelling), and the lists and exports after it.
    pytest.param(
        GROUP_MEMBERSHIPS,
        "Zendesk-Rate-Limit-group-memberships-index",
        {GROUPS, ORGANIZATIONS, TICKET_EVENTS, TICKET_FIELDS, TICKET_FORMS, TICKETS, USERS},
        id="core-list",
    ),
]


@pytest.mark.parametrize(("spent", "header", "after"), CASES)
def test_a_spent_endpoint_budget_holds_back_no_other_endpoint(
    spent, header, after, waits, own_signals, capsys, caplog
):
    account = Account(scale=0.5, seed=1, now=int(time.time()) - 3600)
    with Emulator(account) as emu:
        # Small export pages: the tickets export takes several requests, and so do the others.
        config = {**emu.config(), **FAST_RATES, "start_date": START_DATE, "export_page_size": 100}
        discovery = TapZendeskObjects(config=config, parse_env_config=False)
        catalog = select(discovery.catalog_dict, STREAMS)
        emu.scripts.add(spent, headers={header: SPENT})
        emu.reset_counts()
        waits.clear()
        with caplog.at_level(logging.INFO):
            messages = sync_in_process(config, catalog, capsys)
        requests_made = emu.request_counts()
        truth = emu.account.truth(START_EPOCH)

    # Every record of every stream.
    emitted: dict[str, set[int]] = {stream: set() for stream in STREAMS}
    for message in messages:
        if message["type"] == "RECORD":
            emitted[message["stream"]].add(message["record"]["id"])
    assert emitted == {stream: set(truth[stream]) for stream in STREAMS}
    assert all(requests_made.get(endpoint, 0) >= 1 for endpoint in ENDPOINTS), requests_made
    assert requests_made[TICKETS] > 1, requests_made  # pages of 100 tickets: several

    # Only the endpoint that spent its budget waited: each of its requests after the first,
    # until the reset; the wait log names no other.
    pages = requests_made[spent]
    held = [(endpoint, waited) for endpoint, waited in waits if waited > 0]
    assert held == [(spent, pytest.approx(468))] * (pages - 1), requests_made
    logged = [r.getMessage() for r in caplog.records if "spent for now" in r.getMessage()]
    assert len(logged) == pages - 1
    assert all(line.endswith("next request in 468.0 s") for line in logged), logged
    # ... though the others were requested after its first answer said the budget was spent.
    order = [endpoint for endpoint, _ in waits]
    assert after <= set(order[order.index(spent) + 1 :]), order
