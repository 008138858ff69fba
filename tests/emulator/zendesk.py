"""What every part of the emulator shares about Zendesk.

The account's address and admin, its time and JSON formats, the newest second an export
shows, and how a ticket update names its channel (in full, and in the export's reduced form).
"""

from __future__ import annotations

import calendar
import functools
import json
import time
from typing import Any

SUBDOMAIN = "emulator"
ZENDESK_HOST = f"https://{SUBDOMAIN}.zendesk.com"
API = f"{ZENDESK_HOST}/api/v2"
ADMIN_EMAIL = "admin@example.com"

DAY = 86400
# A ticket update's `via`, by the channel of the ticket or comment.
CHANNEL_VIA = {
    "web": "Web form",
    "email": "Mail",
    "api": "Web service",
    "mobile": "Mobile",
    "chat": "Chat",
    "voice": "Voice",
    "rule": "Rule",
    "sample_ticket": "Sample ticket",
}


def iso(ts: int) -> str:
    """Epoch seconds to Zendesk's ISO-8601 UTC form."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@functools.lru_cache(maxsize=1 << 20)
def parse_iso(value: str) -> int:
    """Zendesk ISO-8601 UTC (``...Z``) to epoch seconds (cached: lists sort by it per request)."""
    return calendar.timegm(time.strptime(value[:19], "%Y-%m-%dT%H:%M:%S"))


# Zendesk withholds the newest changes from its incremental exports: the last minute (it was
# five minutes once, and a test may set that again) is neither returned nor a valid start_time.
WITHHELD_SECONDS = 60


def visible_cutoff() -> int:
    """Newest timestamp an export returns now: the withheld last minute is left out."""
    return int(time.time()) - WITHHELD_SECONDS


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as Zendesk sends it."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def reduce_child(child: dict) -> dict:
    """A Comment child as the export sends it without include=comment_events."""
    if child.get("event_type") != "Comment":
        return child
    return {
        "id": child["id"],
        "event_type": "Comment",
        "via": CHANNEL_VIA.get(child["via"]["channel"], "Web form"),
        "via_reference_id": child.get("via_reference_id"),
        "comment_present": True,
        "comment_public": child["public"],
    }
