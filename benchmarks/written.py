"""What a benchmarked tap run wrote: its RECORD lines per stream, checked against the truth.

A throughput figure is records over seconds; the records are counted in the tap's own output,
so a tap that dropped (or repeated) records cannot report the same records/s. A count that
differs from what the emulator says the run must write stops the benchmark with the streams
that differ.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import msgspec

from tests.emulator.account import Account
from tests.emulator.conversation_account import CONVERSATION_STREAMS
from tests.emulator.help_center_account import HELP_CENTER_STREAMS
from tests.emulator.more_collections import truth as more_truth
from tests.emulator.zendesk import visible_cutoff

START_EPOCH = 946_684_800  # the benchmarks' start_date, 2000-01-01


class _Message(msgspec.Struct):
    """The two keys of a Singer message that are counted; msgspec skips the rest unread."""

    type: str
    stream: str = ""


_decode = msgspec.json.Decoder(_Message).decode


def full_truth(account: Account, start: int = START_EPOCH) -> dict[str, dict]:
    """The ids a full sync of the 31 streams emits (the tests prove the tap emits exactly this)."""
    return {**account.truth(start), **more_truth(account, start, visible_cutoff())}


def expected(account: Account, streams: set[str]) -> dict[str, int]:
    """How many records a full sync of `streams` must write, per stream."""
    truth = full_truth(account)
    if streams & set(CONVERSATION_STREAMS):
        truth.update(account.conversation_truth(START_EPOCH))
    if streams & set(HELP_CENTER_STREAMS):
        truth.update(account.help_center_truth(START_EPOCH))
    return {stream: len(truth.get(stream, ())) for stream in streams}


def records_written(path: Path) -> Counter[str]:
    """RECORD lines per stream in a file of Singer messages."""
    counts: Counter[str] = Counter()
    with path.open("rb") as lines:
        for line in lines:
            message = _decode(line)
            if message.type == "RECORD":
                counts[message.stream] += 1
    return counts


def differences(written: Mapping[str, int], truth: Mapping[str, int]) -> list[str]:
    """One line per stream whose count of records written is not the truth's."""
    return [
        f"{stream}: wrote {written.get(stream, 0)}, truth {truth.get(stream, 0)}"
        for stream in sorted(set(written) | set(truth))
        if written.get(stream, 0) != truth.get(stream, 0)
    ]


def check_written(path: Path, truth: Mapping[str, int], run: str) -> int:
    """The records the run wrote; exit with the streams that differ from the truth."""
    written = records_written(path)
    wrong = differences(written, truth)
    if wrong:
        sys.exit(
            f"{run}: the tap's records differ from the emulator's truth:\n  " + "\n  ".join(wrong)
        )
    return sum(written.values())
