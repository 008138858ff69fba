"""The tap's Singer writer: SDK messages as usual, RECORD lines encoded directly and batched.

The SDK builds a RecordMessage dataclass per record, converts it back to a dict, stamps a
fresh datetime, and writes and flushes stdout: together the largest per-record cost of a
sync, and one system call per record when Python runs unbuffered (PYTHONUNBUFFERED, as under
Meltano). Here a stream without maps hands over a ready envelope dict; its line is encoded
into a batch that goes out when it is large, and always before any other message. So every
STATE still follows, on stdout, all the records it covers.

Unbuffered stdout is a raw file: a write to a full pipe that a signal interrupts can return
having written only part of the line. Every message is therefore written to the end.
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec
from singer_sdk.contrib.msgspec import MsgSpecWriter, enc_hook
from singer_sdk.singerlib import RecordMessage, StateMessage
from singer_sdk.singerlib.encoding.simple import Message

# RECORD lines are written out once this many bytes are waiting.
BATCH_BYTES = 256 * 1024


class BatchingWriter(MsgSpecWriter):
    """msgspec writer that batches RECORD lines and flushes them ahead of other messages."""

    def __init__(self) -> None:
        super().__init__()
        self._encoder = msgspec.json.Encoder(enc_hook=enc_hook, decimal_format="number")
        self._line = bytearray(4096)
        self._batch = bytearray()
        # True when messages were written (or queued) since the last STATE.
        self.owes_state = False
        self.records_written = 0  # RECORD messages, either way (the run's closing line)

    def write_record(self, message: dict[str, Any]) -> None:
        """Queue one RECORD message, given as its dict (`type`, `stream`, `record`, ...)."""
        line = self._line
        self._encoder.encode_into(message, line)
        line.extend(b"\n")
        self.owes_state = True
        self.records_written += 1
        batch = self._batch
        batch += line
        if len(batch) >= BATCH_BYTES:
            self.flush_records()

    def flush_records(self) -> None:
        """Write out the queued RECORD lines."""
        if self._batch:
            write_all(self._batch)
            self._batch.clear()

    def write_message(self, message: Message) -> None:
        """Queued records first, then the message: order on stdout is order of writing."""
        self.flush_records()
        if isinstance(message, RecordMessage):  # a stream with maps: the SDK's own path
            self.records_written += 1
        write_all(self.format_message(message))
        self.owes_state = not isinstance(message, StateMessage)


def write_all(data: bytes | bytearray) -> None:
    """Write every byte to stdout, however many writes a pipe takes, then flush."""
    out = sys.stdout.buffer
    with memoryview(data) as whole:
        done = 0
        while done < len(whole):
            done += out.write(whole[done:]) or 0  # None: a non-blocking pipe was full
    sys.stdout.flush()
