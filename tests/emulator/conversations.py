"""Which tickets are messaging tickets, and each one's conversation log.

Zendesk says a ticket came from messaging with `from_messaging_channel` true; a tap that
cannot trust it falls back on `via.channel` (a name or its integer id), so the account has
both: most messaging tickets carry the flag, a few carry only a messaging channel (the flag
false or absent), and the rest of the tickets have no log at all.

A log holds the ticket's comments (read from the ticket event export's Comment children, so
new comments show up in it) and generated messaging messages, which the ticket event export
never has. Messages are made on the first read of a ticket's log, from a random stream of the
ticket's own and a plan fixed at build (how many, between which seconds, who talks): the
build stays cheap even when most tickets are messaging tickets, and what a log holds does
not depend on which logs were read first.
"""

from __future__ import annotations

import calendar
import random
from typing import TYPE_CHECKING, Any

from tests.emulator.account_build import FastRandom
from tests.emulator.conversation_messages import SOURCE_BY_CHANNEL, MessageMaker, comment_event
from tests.emulator.zendesk import parse_iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

# Messaging channels by name and Via id (the reference's list; `chat` is routed as messaging).
MESSAGING_CHANNEL_IDS = {
    "chat": 29,
    "line": 72,
    "wechat": 73,
    "whatsapp": 74,
    "native_messaging": 75,
    "messagebird_sms": 77,
    "sunshine_conversations_facebook_messenger": 78,
    "telegram": 79,
    "twilio_sms": 80,
    "viber": 81,
    "google_rcs": 82,
    "apple_business_chat": 83,
    "google_business_messages": 84,
    "kakaotalk": 85,
    "instagram_dm": 86,
    "sunshine_conversations_api": 87,
    "sunshine_conversations_twitter_dm": 88,
    "chat_transcript": 90,
    "business_messaging_slack_connect": 91,
}
MESSAGING_CHANNELS = frozenset([*MESSAGING_CHANNEL_IDS, *MESSAGING_CHANNEL_IDS.values()])
# Tickets that only their channel marks as messaging: (via.channel, from_messaging_channel),
# None meaning the key is absent. With `channel_ids`, two channels come as integer Via ids.
FALLBACK_CHANNELS: tuple[tuple[Any, bool | None], ...] = (
    ("native_messaging", False),
    ("whatsapp", None),
    ("instagram_dm", False),
    ("line", None),
    ("telegram", False),
    ("wechat", False),
)
FALLBACK_CHANNEL_IDS = {"line": 72, "wechat": 73}
# Channels of the tickets `messaging_share` turns into messaging tickets.
SHARE_CHANNELS = ("native_messaging", "native_messaging", "whatsapp", "chat")


def _epoch(value: str) -> int:
    """``YYYY-MM-DDTHH:MM:SSZ`` to epoch seconds (strptime is slow for thousands of them)."""
    return calendar.timegm(
        (int(value[:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]),
         int(value[14:16]), int(value[17:19]), 0, 0, 0)
    )  # fmt: skip


def _first(row: tuple) -> Any:
    return row[0]


def is_messaging(ticket: dict) -> bool:
    """What a tap should test: the flag, or else a messaging `via.channel`."""
    if ticket.get("from_messaging_channel") is True:
        return True
    channel = (ticket.get("via") or {}).get("channel")
    return not isinstance(channel, bool) and channel in MESSAGING_CHANNELS


def convert_share(account: Account, rng: random.Random, share: float) -> None:
    """Make about `share` of all tickets messaging tickets (for a messaging-heavy account)."""
    tickets = account._data["tickets"]
    messaging = [tid for tid, t in tickets.items() if is_messaging(t)]
    others = sorted(tid for tid, t in tickets.items() if not is_messaging(t))
    wanted = round(share * len(tickets)) - len(messaging)
    for tid in rng.sample(others, max(0, min(wanted, len(others)))):
        ticket = tickets[tid]
        ticket["via"] = {
            "channel": rng.choice(SHARE_CHANNELS),
            "source": {"from": {}, "to": {}, "rel": None},
        }
        ticket["from_messaging_channel"] = True
        account._touch("tickets", tid)


def fallback_channels(account: Account, rng: random.Random, channel_ids: bool) -> list[int]:
    """Give a few messaging tickets a messaging channel without the flag; their ids.

    `channel_ids`: two of them name their channel by its integer Via id, as Zendesk may
    (off by default: a tap whose schema says `via.channel` is a string reports those).
    """
    tickets = account._data["tickets"]
    flagged = sorted(tid for tid, t in tickets.items() if t.get("from_messaging_channel"))
    chosen = rng.sample(flagged, min(len(FALLBACK_CHANNELS), len(flagged) // 3))
    for tid, (channel, flag) in zip(chosen, FALLBACK_CHANNELS, strict=False):
        ticket = tickets[tid]
        if channel_ids:
            channel = FALLBACK_CHANNEL_IDS.get(channel, channel)
        ticket["via"] = {**ticket["via"], "channel": channel}
        if flag is None:
            del ticket["from_messaging_channel"]
        else:
            ticket["from_messaging_channel"] = flag
        account._touch("tickets", tid)
    return chosen


class ConversationLogs:
    """The conversation logs of one account's messaging tickets."""

    def __init__(self, account: Account) -> None:
        self.acc = account
        # ticket id -> how many messages, between which seconds, and who talks
        self.plan: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, list[dict]] = {}  # made on first read, then added to
        self._comments: dict[int, list[dict]] = {}
        self._comments_generation = -1
        # ticket id -> (version, [((second, id), event)] in log order)
        self._cache: dict[int, tuple[tuple[int, int], list[tuple[tuple[int, str], dict]]]] = {}

    def build(self, rng: random.Random) -> None:
        """Plan every messaging ticket's messages: most 3-30, two to four over 120."""
        tickets = self.acc._data["tickets"]
        messaging = sorted(tid for tid, t in tickets.items() if is_messaging(t))
        if not messaging:
            return
        big = set(rng.sample(messaging, min(rng.randint(2, 4), max(1, len(messaging) // 10))))
        for tid in messaging:
            n = rng.randint(120, 260) if tid in big else rng.randint(3, 30)
            self.plan[tid] = self._people(tickets[tid], rng, n)

    def _people(self, ticket: dict, rng: random.Random, n: int) -> dict[str, Any]:
        users = self.acc._data["users"]
        agent = ticket["assignee_id"] or self.acc._agent_ids[0]
        lo = parse_iso(ticket["created_at"])
        return {
            "n": n,
            "lo": lo,
            "hi": max(lo, ticket["generated_timestamp"]),
            "user_id": ticket["requester_id"],
            "user_name": users[ticket["requester_id"]]["name"],
            "agent_id": agent,
            "agent_name": users[agent]["name"],
            "sunco_user": f"{rng.getrandbits(96):024x}",
            "sunco_bot": f"{self.acc.seed:08x}a21a91fd1234",
            "source": SOURCE_BY_CHANNEL.get(ticket["via"]["channel"], "web"),
        }

    def _messages(self, tid: int) -> list[dict]:
        msgs = self.messages.get(tid)
        if msgs is None:
            msgs = []
            plan = self.plan.get(tid)
            if plan is not None:
                rng = FastRandom(self.acc.seed * 1_000_003 + tid)
                maker = MessageMaker(rng, tid, dict(plan))
                lo, hi = plan["lo"] * 1000, plan["hi"] * 1000 + 999
                times = sorted(rng.randint(lo, hi) for _ in range(plan["n"]))
                msgs = [maker.message(ms, i) for i, ms in enumerate(times)]
            self.messages[tid] = msgs
        return msgs

    def add_messages(self, tid: int, rng: random.Random, stamp: int, count: int) -> None:
        """`count` new messages on a ticket in second `stamp` (a ticket with no plan gets one)."""
        msgs = self._messages(tid)
        if tid not in self.plan:
            self.plan[tid] = self._people(self.acc._data["tickets"][tid], rng, 0)
        maker = MessageMaker(rng, tid, dict(self.plan[tid]))
        for _ in range(count):
            msgs.append(maker.message(stamp * 1000 + rng.randint(0, 999), len(msgs)))

    def _refresh_comments(self) -> None:
        """Index the Comment children of the ticket event export by ticket, once per change."""
        generation = self.acc.generation.get("ticket_events", 0)
        if generation == self._comments_generation:
            return
        index: dict[int, list[dict]] = {}
        for _ts, pid in self.acc.sorted_keys("ticket_events"):
            update = self.acc._data["ticket_events"][pid]
            for child in update["child_events"]:
                if child["event_type"] == "Comment":
                    index.setdefault(update["ticket_id"], []).append(child)
        self._comments, self._comments_generation = index, generation

    def rows(self, tid: int) -> list[tuple[tuple[int, str], dict]]:
        """((second, id), event) of a messaging ticket's log, oldest first."""
        self._refresh_comments()
        msgs = self._messages(tid)
        version = (self._comments_generation, len(msgs))
        cached = self._cache.get(tid)
        if cached is not None and cached[0] == version:
            return cached[1]
        users = self.acc._data["users"]
        events = [
            comment_event(c, users.get(c["author_id"]), k)
            for k, c in enumerate(self._comments.get(tid, []))
        ]
        events += msgs
        rows = sorted((((_epoch(e["created_at"]), e["id"]), e) for e in events), key=_first)
        self._cache[tid] = (version, rows)
        return rows
