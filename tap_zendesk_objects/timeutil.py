"""Conversions between Zendesk's epoch seconds and ISO 8601 UTC strings."""

from __future__ import annotations

import datetime as dt
import time

# Incremental exports refuse a start_time within the last minute; keep a margin.
EXPORT_SAFETY_SECONDS = 120


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
