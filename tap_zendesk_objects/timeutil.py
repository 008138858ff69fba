"""Conversions between Zendesk's epoch seconds and ISO 8601 UTC strings.

Two kinds of callers, two kinds of functions:

- settings, state and bookmarks (read or written a few times a run) go through pendulum:
  `parse_time`, `bookmark_epoch`, `format_time`;
- the record path (millions of calls a run) keeps the standard library's fastest forms:
  `to_epoch`, `epoch_to_iso`, `utc_now_iso`. No pendulum there: it would cost several times as
  much per record (`scripts/benchmark` measures the record path).
"""

from __future__ import annotations

import datetime as dt
import time

import pendulum

# Incremental exports refuse a start_time within the last minute; keep a margin.
EXPORT_SAFETY_SECONDS = 120
_ZENDESK_SHAPE = "YYYY-MM-DD[T]HH:mm:ss[Z]"  # pendulum's tokens for epoch_to_iso's shape


def parse_time(text: str) -> pendulum.DateTime:
    """An ISO 8601 date or date-time, UTC unless it names an offset; ValueError otherwise.

    A date alone is its midnight, UTC. A time without a date, or a duration, is not a time.
    """
    parsed = pendulum.parse(text.strip(), exact=True)
    if isinstance(parsed, pendulum.DateTime):
        return parsed
    if isinstance(parsed, pendulum.Date):
        return pendulum.datetime(parsed.year, parsed.month, parsed.day, tz="UTC")
    msg = f"{text!r} is not a date and time"
    raise ValueError(msg)


def bookmark_epoch(value: str | int | float | dt.datetime | None) -> int | None:
    """Epoch seconds of a bookmark: epoch seconds, ISO 8601 text or a datetime; None stays None.

    `to_epoch` for settings and state: the same results, with ISO text parsed by pendulum.
    """
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit() and value.strip():
        value = parse_time(value)
    return to_epoch(value)


def format_time(seconds: int | float) -> str:
    """Epoch seconds as `YYYY-MM-DDTHH:MM:SSZ` (`epoch_to_iso`'s shape) for state and messages."""
    return pendulum.from_timestamp(int(seconds)).format(_ZENDESK_SHAPE)


# The record path -----------------------------------------------------------------------


def utc_now_iso() -> str:
    """Now as an ISO 8601 UTC string, the shape of `received_at`."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def epoch_to_iso(seconds: int | float) -> str:
    """Epoch seconds as `YYYY-MM-DDTHH:MM:SSZ`, Zendesk's own timestamp shape."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(seconds)))  # 3x datetime's speed


def to_epoch(value: str | int | float | dt.datetime | None) -> int | None:
    """Epoch seconds from an epoch number, an ISO string or a datetime; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp())


def latest_export_start() -> int:
    """The latest start_time an incremental export accepts, with a safety margin."""
    return int(time.time()) - EXPORT_SAFETY_SECONDS
