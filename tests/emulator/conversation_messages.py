"""The events of a messaging ticket's conversation log, as Zendesk's Conversation Log API has them.

Two documented event types: `Comment` (a ticket comment seen through the log: reference
``zen:ticket_event:<comment id>``, HTML content, visibility in `metadata.public`) and
`Messaging::ConversationMessage` (a message of the messaging backend: reference
``zen:sunco:conversation_message:<24 hex>``, `received_at` in milliseconds, `source`, an
author who is an end user, an agent or a bot). The content of a message has the messaging
backend's types (text with `{"reply": {...}}` actions, image, file, form, formResponse,
carousel) and, since the log's event coverage is announced to grow, some events and content
types nobody documents yet ("Messaging::SomethingNew", "location"): a tap must keep those too.
"""

from __future__ import annotations

import base64
import hashlib
import random
import time
from typing import Any

from tests.emulator.zendesk import API, ZENDESK_HOST, iso, parse_iso

_TO_CROCKFORD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)
# The messaging backend's `source.type`, by the ticket's channel (end users write from there).
SOURCE_BY_CHANNEL: dict[Any, str] = {
    "chat": "web",
    "native_messaging": "web",
    75: "web",
    "whatsapp": "whatsapp",
    74: "whatsapp",
    "instagram_dm": "instagram",
    86: "instagram",
    "telegram": "telegram",
    "line": "line",
    72: "line",
    "wechat": "wechat",
    73: "wechat",
}
_AUTHORS = (("user", 45), ("agent", 35), ("bot", 20))
_USER_KINDS = (("text", 70), ("image", 10), ("file", 6), ("formResponse", 6), ("location", 4))
_AGENT_KINDS = (("text", 85), ("image", 5), ("file", 10))
_BOT_KINDS = (("text", 60), ("carousel", 15), ("form", 15), ("text_fallback", 10))
_WORDS = ("hello", "order", "refund", "café", "東京", "🙂", "where", "is", "my", "parcel", "thanks")


def ulid(ms: int, bits80: int) -> str:
    """A ULID: 48 bits of epoch milliseconds then 80 random bits, in Crockford base32."""
    n = (ms << 80) | (bits80 & ((1 << 80) - 1))
    # 160 bits in base32 are 32 digits, the first six always zero: keep the last 26.
    return base64.b32encode(n.to_bytes(20, "big"))[6:].decode().translate(_TO_CROCKFORD)


def pick(rng: random.Random, kinds: tuple[tuple[str, int], ...]) -> str:
    """One of `kinds` (name, weight) by weight (random.choices is slow in a hot loop)."""
    roll = rng.random() * sum(w for _, w in kinds)
    for name, weight in kinds:
        roll -= weight
        if roll < 0:
            return name
    return kinds[-1][0]


def hashed_bits(text: str, bits: int = 80) -> int:
    """Deterministic bits from a text (ids derived from another record's id)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=16).digest(), "big") >> (
        128 - bits
    )


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as ISO-8601 UTC with milliseconds (``...T09:24:26.861Z``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def comment_event(comment: dict, author: dict | None, version: int) -> dict:
    """A ticket comment (a Comment child of the ticket event export) as a log event.

    Its id derives from the comment's, so it is stable; inline images stay out of
    `attachments`, as the log leaves them out by default.
    """
    cid = comment["id"]
    created = comment["created_at"]
    role = (author or {}).get("role", "end-user")
    who: dict[str, Any] = {
        "type": "user" if role == "end-user" else "agent",
        "zen:support:user_id": comment["author_id"],
    }
    if author is not None:
        who["display_name"] = author["name"]
    ms = parse_iso(created) * 1000
    return {
        "id": ulid(ms, hashed_bits(f"comment:{cid}")),
        "type": "Comment",
        "reference": f"zen:ticket_event:{cid}",
        "created_at": created,
        "attachments": [a for a in comment["attachments"] if not a["inline"]],
        "author": who,
        "content": {"type": "html", "body": comment["html_body"]},
        "metadata": {
            "custom": {},
            "system": dict(comment.get("metadata", {}).get("system", {})),
            "public": comment["public"],
            "ticket_version": version,
        },
    }


class MessageMaker:
    """Makes the generated messages of one ticket from its own random stream.

    `people` holds who talks: the end user (Support and messaging ids, name), the agent, and
    the channel the end user writes from.
    """

    def __init__(self, rng: random.Random, tid: int, people: dict[str, Any]) -> None:
        self.rng, self.tid, self.people = rng, tid, people

    def _text(self, lo: int = 2, hi: int = 9) -> str:
        r, n = self.rng.random, len(_WORDS)
        return " ".join(_WORDS[int(r() * n)] for _ in range(self.rng.randint(lo, hi)))

    def _author(self, kind: str) -> dict[str, Any]:
        p = self.people
        if kind == "user":
            return {
                "type": "user",
                "zen:support:user_id": p["user_id"],
                "zen:sunco:user_id": p["sunco_user"],
                "display_name": p["user_name"],
                "avatar_url": None,
            }
        if kind == "agent":
            agent: dict[str, Any] = {"type": "agent", "zen:support:user_id": p["agent_id"]}
            agent["display_name"] = p["agent_name"]
            return agent  # an agent has no messaging id
        return {
            "type": "bot",
            "display_name": "Answer Bot 🤖",
            "zen:sunco:user_id": p["sunco_bot"],
            "zen:support:user_id": -1,
        }

    def _media(self, index: int, image: bool) -> tuple[dict, dict]:
        """(content, attachment) of an image or a file, one pointing at the other."""
        rng = self.rng
        aid = 8_000_000_000_000 + self.tid * 1000 + index
        name, ctype = ("photo.jpg", "image/jpeg") if image else ("receipt.pdf", "application/pdf")
        url = f"{ZENDESK_HOST}/sc/attachments/v2/{aid}/{name}"
        size = rng.randint(1_000, 3_000_000)
        content = {"type": "image" if image else "file", "mediaUrl": url, "mediaType": ctype}
        content |= {"mediaSize": size, "altText": self._text(1, 4) if image else name}
        attachment = {
            "id": aid,
            "file_name": name,
            "content_url": url,
            "mapped_content_url": url,
            "content_type": ctype,
            "size": size,
            "width": rng.randint(100, 2000) if image else None,
            "height": rng.randint(100, 2000) if image else None,
            "inline": False,
            "deleted": False,
            "url": f"{API}/attachments/{aid}.json",
            "thumbnails": [],
        }
        return content, attachment

    def _reply(self) -> dict:
        return {
            "reply": {"text": self._text(1, 3), "payload": f"goto_node={self.rng.randint(1, 99)}"}
        }

    def _content(self, kind: str, index: int) -> tuple[dict, list[dict]]:
        rng = self.rng
        if kind in ("image", "file"):
            content, attachment = self._media(index, kind == "image")
            if kind == "image" and rng.random() < 0.2:
                content["textFallback"] = content["altText"]
            return content, [attachment] if rng.random() < 0.5 else []
        if kind == "form":
            fields = [
                {"type": "email", "name": "email", "label": "E-mail", "placeholder": "you@…"},
                {"type": "text", "name": "order", "label": "Order number", "minSize": 1},
            ]
            content = {"type": "form", "fields": fields, "blockChatInput": True}
            if rng.random() < 0.5:
                content["textFallback"] = "E-mail? Order number?"
            return content, []
        if kind == "formResponse":
            email = f"user{self.people['user_id']}@example.com"
            fields = [
                {"type": "email", "name": "email", "label": "E-mail", "email": email},
                {"type": "text", "name": "order", "label": "Order number", "text": "A-1234"},
            ]
            fallback = f"E-mail: {email}\nOrder number: A-1234"
            return {"type": "formResponse", "fields": fields, "textFallback": fallback}, []
        if kind == "carousel":
            items = [
                {"title": self._text(1, 3), "description": self._text(), "actions": [self._reply()]}
                for _ in range(rng.randint(2, 4))
            ]
            content = {"type": "carousel", "items": items}
            if rng.random() < 0.5:
                content["textFallback"] = " / ".join(i["title"] for i in items)
            return content, []
        if kind == "location":  # a content type the log's reference does not list
            content = {
                "type": "location",
                "coordinates": {"lat": round(rng.uniform(-60, 60), 5), "long": 12.56},
                "location": {"address": "Rådhuspladsen 1", "name": "København"},
                "textFallback": "Shared a location",
            }
            return content, []
        content = {"type": "text", "text": self._text()}
        if kind == "text_fallback":
            content["textFallback"] = content["text"]
        elif kind == "text" and self.people.get("bot_turn") and rng.random() < 0.5:
            content["actions"] = [self._reply() for _ in range(rng.randint(1, 3))]
        return content, []

    def message(self, ms: int, index: int) -> dict:
        """The index-th message of the ticket, sent at epoch milliseconds `ms`."""
        rng = self.rng
        who = "user" if index == 0 else pick(rng, _AUTHORS)
        kinds = {"user": _USER_KINDS, "agent": _AGENT_KINDS, "bot": _BOT_KINDS}[who]
        kind = pick(rng, kinds) if index else "text"
        self.people["bot_turn"] = who == "bot"
        content, attachments = self._content(kind, index)
        source = {"user": self.people["source"], "agent": "zd:agentWorkspace"}.get(who)
        event: dict[str, Any] = {
            "id": ulid(ms, rng.getrandbits(80)),
            "type": "Messaging::ConversationMessage",
            "reference": f"zen:sunco:conversation_message:{rng.getrandbits(96):024x}",
            "created_at": iso(ms // 1000),
            "received_at": iso_ms(ms),
            "source": {"type": source or "zd:answerBot"},
            "attachments": attachments,
            "author": self._author(who),
            "content": content,
            "metadata": {"custom": {}, "system": {}, "ticket_version": index},
        }
        if index and rng.random() < 0.015:  # an event type the log's reference does not list
            event["type"] = "Messaging::SomethingNew"
            event["reference"] = f"zen:sunco:conversation_event:{rng.getrandbits(96):024x}"
            event["content"] = {"type": "somethingNew", "detail": {"level": rng.randint(1, 3)}}
            event["novelty"] = {"introduced": "later", "keys": ["anything"]}
        return event
