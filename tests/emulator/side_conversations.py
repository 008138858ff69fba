"""Side conversations (Collaboration add-on): per ticket, and their events.

Some tickets have one to three side conversations (by e-mail, in Slack, or as a child
ticket); each has events: `create` and `reply` carry a `message`, `update` carries
`updates` (state, subject), and now and then a type Zendesk does not document. Events live
in the account's store as the collection "side_conversation_events" sorted by their second,
so the time-based export pages them like Zendesk's other time exports; the conversations are
"side_conversations", listed per ticket. Timestamps have milliseconds and ``+00:00``.
"""

from __future__ import annotations

import random
import time
import uuid
from typing import TYPE_CHECKING, Any

from tests.emulator.zendesk import API, parse_iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

SC_COLL = "side_conversations"
EVENT_COLL = "side_conversation_events"
_SUBJECTS = ("Printer on fire", "Refund approval?", "Versand nach Österreich", "東京 office 🚚")
_UNDOCUMENTED_TYPE = "participants_changed"


def iso_offset(ms: int) -> str:
    """Epoch milliseconds as side conversations write them: ``...T16:58:36.453+00:00``."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}+00:00"


class SideConversations:
    """The side conversations of one account, indexed by ticket and by conversation."""

    def __init__(self, account: Account) -> None:
        self.acc = account
        self.by_ticket: dict[int, list[str]] = {}  # ticket id -> conversation ids, oldest first
        self.events_of: dict[str, list[str]] = {}  # conversation id -> event ids, oldest first

    def build(self, rng: random.Random) -> None:
        """One to three side conversations on about 7% of the live tickets."""
        tickets = self.acc._data["tickets"]
        for tid in sorted(tickets):
            ticket = tickets[tid]
            if ticket["status"] == "deleted" or rng.random() >= 0.07:
                continue
            lo = parse_iso(ticket["created_at"]) * 1000
            hi = max(lo, ticket["generated_timestamp"] * 1000)
            for _ in range(rng.randint(1, 3)):
                times = sorted(rng.randint(lo, hi) for _ in range(rng.randint(1, 5)))
                sc = self.start(rng, ticket, times[0])
                for ms in times[1:]:
                    self.follow_up(rng, sc["id"], ms)

    def _uuid(self, rng: random.Random) -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def _participants(self, rng: random.Random, ticket: dict) -> tuple[list[dict], dict]:
        users = self.acc._data["users"]
        agent = ticket["assignee_id"] or self.acc._agent_ids[0]
        me = {"user_id": agent, "name": users[agent]["name"], "email": users[agent]["email"]}
        kind = rng.choices(("email", "slack", "child"), (60, 20, 20))[0]
        if kind == "email":
            other = {"user_id": None, "name": rng.choice([None, "Vendor Bob"])}
            other["email"] = f"vendor{rng.randint(1, 9)}@example.com"
            return [me, other], {}
        if kind == "slack":
            other = {"user_id": None, "name": "#logistics", "email": None}
            other |= {"slack_workspace_id": "T0123ABCD", "slack_channel_id": "C0456DEFG"}
            return [me, other], {}
        group = rng.choice(self.acc._group_ids)
        other = {"user_id": None, "name": "Tier 2", "email": None, "support_group_id": group}
        target = rng.choice(list(self.acc._data["tickets"]))
        return [me, other], {"targetTicketId": str(target)}

    def start(self, rng: random.Random, ticket: dict, ms: int) -> dict:
        """A new side conversation on a ticket, with its `create` event at `ms`."""
        scid = self._uuid(rng)
        participants, external = self._participants(rng, ticket)
        subject = rng.choice(_SUBJECTS)
        sc = {
            "url": f"{API}/tickets/{ticket['id']}/side_conversations/{scid}",
            "id": scid,
            "ticket_id": ticket["id"],
            "subject": subject,
            "preview_text": "",
            "state": "open",
            "participants": participants,
            "external_ids": external,
            "message_added_at": iso_offset(ms),
            "state_updated_at": iso_offset(ms),
            "created_at": iso_offset(ms),
            "updated_at": iso_offset(ms),
        }
        self.acc._put(SC_COLL, sc, ms // 1000)
        self.by_ticket.setdefault(ticket["id"], []).append(scid)
        self.events_of[scid] = []
        self._event(rng, sc, "create", ms)
        return sc

    def follow_up(self, rng: random.Random, scid: str, ms: int) -> dict:
        """A later event of a side conversation: mostly replies, some updates, rarely other."""
        sc = self.acc._data[SC_COLL][scid]
        kind = rng.choices(("reply", "update", _UNDOCUMENTED_TYPE), (70, 25, 5))[0]
        return self._event(rng, sc, kind, ms)

    def _event(self, rng: random.Random, sc: dict, kind: str, ms: int) -> dict:
        eid = self._uuid(rng)
        at = iso_offset(ms)
        actor = rng.choice(sc["participants"])
        event: dict[str, Any] = {
            "id": eid,
            "side_conversation_id": sc["id"],
            "ticket_id": sc["ticket_id"],
            "type": kind,
            "actor": actor,
            "via": "support" if actor["user_id"] else rng.choice(["email", "slack"]),
            "created_at": at,
            "url": f"{sc['url']}/events/{eid}",
        }
        if kind in ("create", "reply"):
            body = f"{rng.choice(_SUBJECTS)}: please check ticket {sc['ticket_id']} ✓"
            event["message"] = {
                "subject": sc["subject"],
                "preview_text": body[:50],
                "body": body,
                "html_body": f"<div><p>{body}</p></div>",
                "from": actor,
                "to": [p for p in sc["participants"] if p is not actor],
                "external_ids": dict(sc["external_ids"]),
                "attachments": [],
                "via": event["via"],
            }
            sc["preview_text"], sc["message_added_at"] = body[:50], at
        elif kind == "update":
            updates: dict[str, Any] = {}
            if rng.random() < 0.7:
                updates["state"] = sc["state"] = "closed" if sc["state"] == "open" else "open"
                sc["state_updated_at"] = at
            else:
                updates["subject"] = sc["subject"] = f"{sc['subject'].split(' (')[0]} ({ms})"
            event["updates"] = updates
        else:
            event["participants"] = sc["participants"]
        sc["updated_at"] = at
        self.acc._put(SC_COLL, sc, ms // 1000)
        self.acc._put(EVENT_COLL, event, ms // 1000)
        self.events_of[sc["id"]].append(eid)
        return event
