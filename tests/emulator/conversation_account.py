"""The account's messaging logs, updated CSAT and side conversations: build, truth, mutations.

A mixin of `Account` (account.py). `build_conversations` runs after every other collection is
built and draws from random streams of its own, so the other 31 collections keep every
record they had; it only changes six messaging tickets' `via.channel` (the fallback case: a
messaging channel without `from_messaging_channel`; with `messaging_channel_ids` two of
them as integer Via ids) and, when the account is built with `messaging_share`, turns that
share of tickets into messaging tickets.

Mutations stamp like account_mutations.py (recent seconds, each after the last, older than
the exports' withheld minute) and move the ticket they concern (`generated_timestamp` and
`updated_at`), so the ticket export returns it again, which is how a tap learns to re-read.
"""

from __future__ import annotations

import time
from typing import Any

from tests.emulator.account_build import FastRandom
from tests.emulator.conversation_csat import EDIT_DAYS, Csat
from tests.emulator.conversations import (
    ConversationLogs,
    convert_share,
    fallback_channels,
    is_messaging,
)
from tests.emulator.side_conversations import EVENT_COLL, SC_COLL, SideConversations
from tests.emulator.zendesk import DAY, iso, visible_cutoff

# The tap's streams these conversations feed (the keys of `conversation_truth`).
CONVERSATION_STREAMS = (
    "conversation_log",
    "csat_survey_responses",
    "side_conversation_events",
    "side_conversations",
)


class ConversationAccount:
    """Messaging logs, survey responses and side conversations of an account."""

    def build_conversations(self) -> None:
        """Build the three, after everything else, from random streams of their own."""
        seed = self.seed
        if self.messaging_share is not None:
            convert_share(self, FastRandom(seed * 2_750_159 + 7), self.messaging_share)
        rng = FastRandom(seed * 1_299_709 + 31)
        self.fallback_ticket_ids = fallback_channels(self, rng, self.messaging_channel_ids)
        self.logs = ConversationLogs(self)
        self.logs.build(rng)
        self.csat = Csat()
        self.csat.build(self, FastRandom(seed * 3_021_377 + 11))
        self.side = SideConversations(self)
        self.side.build(FastRandom(seed * 4_256_233 + 5))
        self._crng = FastRandom(seed * 5_188_146 + 3)  # the mutations of all three

    # ------------------------------------------------------------------ reading
    def messaging_ticket_ids(self, include_deleted: bool = False) -> set[int]:
        """The tickets a tap should read logs for: the flag true, or a messaging channel."""
        with self.lock:
            return {
                tid
                for tid, t in self._data["tickets"].items()
                if is_messaging(t) and (include_deleted or t["status"] != "deleted")
            }

    def conversation_log(self, ticket_id: int) -> list[dict]:
        """A messaging ticket's log events, oldest first (live objects: do not modify)."""
        with self.lock:
            return [event for _key, event in self.logs.rows(ticket_id)]

    def survey_response(self, response_id: str, shape: str = "nested") -> dict:
        """One survey response as the endpoint shows it in `shape` (nested, flat, mixed)."""
        with self.lock:
            return self.csat.render(response_id, shape)

    def csat_ticket_ratings(self) -> dict[str, tuple[int, int | None]]:
        """What a tap derives from each survey response: (ticket id from its zrn, rating)."""
        with self.lock:
            return {
                rid: (r["ticket_id"], self.csat.rating(rid))
                for rid, r in self.csat.responses.items()
            }

    def conversation_truth(self, start_time: int) -> dict[str, dict[Any, Any]]:
        """What a correct sync from `start_time` emits for the conversation streams.

        "conversation_log": event id -> ticket id, every event of each live messaging ticket
        whose `generated_timestamp` is in [start_time, the export's visible cut-off];
        "csat_survey_responses": response id -> creation epoch, created in
        [start_time, now]; "side_conversation_events": event id -> creation epoch in
        [start_time, cut-off]; "side_conversations": conversation id -> ticket id, of the
        live tickets that have events in that range.
        """
        cut, now = visible_cutoff(), int(time.time())
        with self.lock:
            tickets = self._data["tickets"]
            log: dict[str, int] = {}
            for tid in self.messaging_ticket_ids():
                if start_time <= tickets[tid]["generated_timestamp"] <= cut:
                    log.update((e["id"], tid) for e in self.conversation_log(tid))
            surveys = {
                rid: ms // 1000
                for rid, ms in self.csat.created_ms.items()
                if start_time <= ms // 1000 <= now
            }
            events = {
                eid: ts
                for eid, ts in self._ts.get(EVENT_COLL, {}).items()
                if start_time <= ts <= cut
            }
            event_data = self._data.get(EVENT_COLL, {})
            with_events = {event_data[eid]["ticket_id"] for eid in events}
            convs = {
                scid: tid
                for tid in with_events
                if tickets[tid]["status"] != "deleted"
                for scid in self.side.by_ticket.get(tid, [])
            }
        return {
            "conversation_log": log,
            "csat_survey_responses": surveys,
            "side_conversation_events": events,
            "side_conversations": convs,
        }

    # ------------------------------------------------------------------ mutations
    def _bump_ticket(self, tid: int, stamp: int) -> None:
        ticket = self._data["tickets"][tid]
        ticket["updated_at"] = iso(stamp)
        ticket["generated_timestamp"] = stamp
        self._put("tickets", ticket, stamp)

    def _live_tickets(self, keep: Any = lambda _t: True) -> list[int]:
        return sorted(
            tid for tid, t in self._data["tickets"].items() if t["status"] != "deleted" and keep(t)
        )

    def add_conversation_messages(self, n: int) -> list[int]:
        """One to three new messages on each of n live messaging tickets; their ids."""
        with self.lock:
            rng = self._crng
            pool = self._live_tickets(is_messaging)
            ids = rng.sample(pool, min(n, len(pool)))
            stamp = self._stamp()
            for tid in ids:
                self.logs.add_messages(tid, rng, stamp, rng.randint(1, 3))
                self._bump_ticket(tid, stamp)
            return ids

    def add_survey_responses(self, n: int) -> list[str]:
        """New responses on n live tickets, created now (so still editable); their ids."""
        with self.lock:
            rng = self._crng
            pool = self._live_tickets()
            stamp = self._stamp()
            ids = []
            for tid in rng.sample(pool, min(n, len(pool))):
                ms = stamp * 1000 + rng.randint(0, 999)
                ids.append(self.csat.add(self, rng, self._data["tickets"][tid], ms))
                self._bump_ticket(tid, stamp)
            return ids

    def edit_survey_responses(self, n: int) -> list[str]:
        """Change an answer of n responses whose `expires_at` is still ahead; their ids."""
        with self.lock:
            rng = self._crng
            now_ms = int(time.time() * 1000)
            pool = sorted(
                rid
                for rid, r in self.csat.responses.items()
                if self.csat.created_ms[rid] + EDIT_DAYS * DAY * 1000 > now_ms
                and self._data["tickets"][r["ticket_id"]]["status"] != "deleted"
            )
            ids = rng.sample(pool, min(n, len(pool)))
            stamp = self._stamp()
            for rid in ids:
                self.csat.edit(rid, rng, stamp * 1000 + rng.randint(0, 999))
                self._bump_ticket(self.csat.responses[rid]["ticket_id"], stamp)
            return ids

    def add_side_conversation_events(self, n: int) -> list[str]:
        """n new side conversation events, about a third on new side conversations; ids."""
        with self.lock:
            rng = self._crng
            stamp = self._stamp()
            tickets = self._data["tickets"]
            live = self._live_tickets()
            existing = sorted(
                scid
                for scid, sc in self._data.get(SC_COLL, {}).items()
                if tickets[sc["ticket_id"]]["status"] != "deleted"
            )
            ids = []
            for k in range(n):
                ms = stamp * 1000 + rng.randint(0, 999)
                if k % 3 == 0 or not existing:
                    sc = self.side.start(rng, tickets[rng.choice(live)], ms)
                    event_id = self.side.events_of[sc["id"]][0]
                else:
                    event_id = self.side.follow_up(rng, rng.choice(existing), ms)["id"]
                ids.append(event_id)
                self._bump_ticket(self._data[EVENT_COLL][event_id]["ticket_id"], stamp)
            return ids
