"""Bookmarks never run ahead of the records: the check runs that are cut short need.

A target that keeps the last STATE it received, and a rerun from it, must lose no record: so
every bookmark a STATE names must cover only records already written.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tap_zendesk_objects.timeutil import to_epoch
from tests.emulator.server import Emulator

# The start date the runs that use this check give (2000-01-01T00:00:00Z).
START_EPOCH = 946_684_800
# Streams read from incremental exports, and the truth timestamp their bookmark compares to.
EXPORT_STREAMS = ("tickets", "users", "organizations", "ticket_events")


def assert_bookmarks_never_run_ahead(
    emu: Emulator,
    messages: list[dict[str, Any]],
    before: dict[str, set[int]] | None = None,
) -> int:
    """Every STATE covers only records written before it; returns the bookmarks checked.

    For each export stream's bookmark B in a STATE, every truth record older than B (whose
    second is wholly past) must already have been written: earlier in this run, or in the
    runs before it (`before`).
    """
    truth = emu.account.truth(START_EPOCH)
    times = {stream: {rid: to_epoch(ts) for rid, ts in truth[stream].items()} for stream in truth}
    seen: dict[str, set[int]] = defaultdict(set)
    for stream, ids in (before or {}).items():
        seen[stream] |= ids
    checked = 0
    for message in messages:
        if message["type"] == "RECORD":
            seen[message["stream"]].add(message["record"]["id"])
            continue
        if message["type"] != "STATE":
            continue
        bookmarks = message["value"].get("bookmarks", {})
        for stream in EXPORT_STREAMS:
            value = bookmarks.get(stream, {}).get("replication_key_value")
            if value is None or to_epoch(value) <= START_EPOCH:
                continue
            bookmark = to_epoch(value)
            older = {rid for rid, ts in times[stream].items() if ts is not None and ts < bookmark}
            assert older <= seen[stream], (
                f"STATE bookmark {value} of {stream} runs ahead of "
                f"{len(older - seen[stream])} records not yet written"
            )
            checked += 1
    return checked
