"""The side conversation endpoints (Collaboration add-on), their switch and the export's budget.

`register(emulator)` serves, all offset paginated per ticket (`page`, `per_page` up to 100):
`GET /api/v2/tickets/{id}/side_conversations` (with `include=events` sideloading their
events) and `GET /api/v2/tickets/{id}/side_conversations/{uuid}/events`; and the time-based
export `GET /api/v2/tickets/side_conversations/events?start_time=` (admins; pages of up to
1,000 or `per_page`, seconds on a page boundary repeat, the last minute withheld, as in the
other time exports). It adds, changeable while it runs:

- `emulator.side_conversations_enabled` (True): False answers 403 on all three (no add-on),
  404 a 404 (the reference leaves the refusal open).
- `emulator.side_conversation_events_per_10_minutes` (600): the export's own budget, per
  clock window of 10 minutes, besides Core.
- `emulator.side_conversation_events_end_of_stream` (False): whether export pages carry
  `end_of_stream` (Zendesk documents none for this export).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.emulator.bodies import FORBIDDEN, RECORD_NOT_FOUND
from tests.emulator.conversation_routes import gate
from tests.emulator.server_exports import time_export
from tests.emulator.server_paging import offset_page, page_body
from tests.emulator.server_request import HTTPError, Query
from tests.emulator.side_conversations import EVENT_COLL, SC_COLL

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

EXPORT = "/api/v2/tickets/side_conversations/events"
LIST = re.compile(r"/api/v2/tickets/(\d+)/side_conversations")
EVENTS = re.compile(r"/api/v2/tickets/(\d+)/side_conversations/([0-9a-f-]{36})/events")
# Our guess at the header's name: Zendesk documents the budget (600 requests per 10 minutes)
# but not the name it reports it under.
EXPORT_HEADER = "Zendesk-RateLimit-side-conversation-events"


def register(emulator: Emulator) -> None:
    """Serve side conversations and their events from `emulator`."""
    emulator.side_conversations_enabled = True
    emulator.side_conversation_events_per_10_minutes = 600
    emulator.side_conversation_events_end_of_stream = False
    emulator.rates.add_bucket(
        "side_conversation_events",
        EXPORT_HEADER,
        "side_conversation_events_per_10_minutes",
        lambda path: path == EXPORT,
        period=600,
    )
    routes = _Routes(emulator)
    emulator._routes[EXPORT] = routes.export
    emulator._pattern_routes += [(LIST, routes.side_conversations), (EVENTS, routes.events)]


class _Routes:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def _ticket(self, match: re.Match) -> int:
        """The path's ticket id, after the switch; 404 for an unknown or deleted ticket."""
        gate(self.emu.side_conversations_enabled, FORBIDDEN, RECORD_NOT_FOUND)
        tid = int(match.group(1))
        ticket = self.emu.account._data["tickets"].get(tid)
        if ticket is None or ticket["status"] == "deleted":
            raise HTTPError(404, RECORD_NOT_FOUND)
        return tid

    def _offset_page(
        self, q: Query, key: str, coll: str, ids: list[str], path: str, **extra: Any
    ) -> bytes:
        window, tail = offset_page(q, path, len(ids), depth_limit=False)
        chunk = ids[window]
        acc = self.emu.account
        parts = [acc.record_json(coll, rid) for rid in chunk]
        if extra.get("sideload"):
            side = acc.side
            events = [eid for scid in chunk for eid in side.events_of[scid]]
            tail["events"] = [acc.get(EVENT_COLL, eid) for eid in events]
        return page_body(key, parts, tail)

    def side_conversations(self, match: re.Match, q: Query) -> bytes:
        """A ticket's side conversations, oldest first."""
        acc = self.emu.account
        with acc.lock:
            tid = self._ticket(match)
            ids = list(acc.side.by_ticket.get(tid, []))
            sideload = "events" in (q.get("include") or "").split(",")
            path = f"/api/v2/tickets/{tid}/side_conversations"
            return self._offset_page(q, "side_conversations", SC_COLL, ids, path, sideload=sideload)

    def events(self, match: re.Match, q: Query) -> bytes:
        """One side conversation's events, oldest first; 404 if it is not the ticket's."""
        acc = self.emu.account
        with acc.lock:
            tid = self._ticket(match)
            scid = match.group(2)
            if scid not in acc.side.by_ticket.get(tid, []):
                raise HTTPError(404, RECORD_NOT_FOUND)
            ids = list(acc.side.events_of[scid])
            path = f"/api/v2/tickets/{tid}/side_conversations/{scid}/events"
            return self._offset_page(q, "events", EVENT_COLL, ids, path)

    def export(self, q: Query) -> bytes:
        """The time-based export of every side conversation event (admins only)."""
        emu, acc = self.emu, self.emu.account
        gate(emu.side_conversations_enabled, FORBIDDEN, RECORD_NOT_FOUND)
        if emu.role == "agent":
            raise HTTPError(403, FORBIDDEN)
        return time_export(
            acc,
            q,
            EVENT_COLL,
            EXPORT,
            lambda _rid: True,
            lambda rid: acc.record_json(EVENT_COLL, rid),
            end_of_stream=emu.side_conversation_events_end_of_stream,
            key="events",
        )
