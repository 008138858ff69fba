"""Full syncs of Segment's 16 streams checked against the truth: what the resilience and fault
tests share."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.bookmarks import START_EPOCH
from tests.emulator.account_truth import TAP_STREAMS
from tests.emulator.server import Emulator
from tests.singer import discover, select

START_DATE = "2000-01-01T00:00:00Z"


def full_catalog(tmp_path: Path, emu: Emulator, config: dict[str, Any]) -> dict[str, Any]:
    """Segment's 16 streams selected (the opt-in ones too), discovered with faults and limits off.

    The 15 beyond them meet faults in test_more_collections.py.
    """
    fault_rate, limits = emu.fault_rate, emu.rate_limits
    emu.fault_rate, emu.rate_limits = 0.0, False
    try:
        return select(discover(tmp_path, config), set(TAP_STREAMS))
    finally:
        emu.fault_rate, emu.rate_limits = fault_rate, limits
        emu.reset_counts()


def missing_ids(emu: Emulator, emitted: dict[str, set[int]]) -> dict[str, int]:
    """How many truth ids of each stream were never emitted."""
    truth = emu.account.truth(START_EPOCH)
    return {
        stream: len(set(ids) - emitted.get(stream, set()))
        for stream, ids in truth.items()
        if set(ids) - emitted.get(stream, set())
    }


def emitted_ids(messages: list[dict[str, Any]]) -> dict[str, set[int]]:
    ids: dict[str, set[int]] = defaultdict(set)
    for message in messages:
        if message["type"] == "RECORD":
            ids[message["stream"]].add(message["record"]["id"])
    return ids
