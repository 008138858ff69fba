"""A bookmark ahead of the clock is never used silently.

A hand-edited state, or a clock that jumped, can leave a bookmark in the future: exports would
then read only their last minutes until the clock passes it, and the lists nothing at all, and
what changed in between would never be read. The run stops before any request instead, naming
the stream, the bookmark and how to reset it. A few minutes of clock skew are tolerated.
"""

from __future__ import annotations

import time
from typing import Any

from tap_zendesk_objects.errors import ConfigError
from tap_zendesk_objects.timeutil import bookmark_epoch, format_time

CLOCK_SKEW_TOLERANCE_SECONDS = 600


def check_bookmarks_not_ahead(tap: Any) -> None:
    """Raise one line naming every selected stream whose bookmark is in the future."""
    now = time.time()
    bookmarks = (tap.state or {}).get("bookmarks") or {}
    ahead = []
    for stream in tap.streams.values():
        if not stream.selected or not stream.replication_key:
            continue
        value = (bookmarks.get(stream.name) or {}).get("replication_key_value")
        try:
            epoch = bookmark_epoch(value)
        except (TypeError, ValueError):
            continue  # the state check names bookmarks that are not times
        if epoch is not None and epoch > now + CLOCK_SKEW_TOLERANCE_SECONDS:
            ahead.append(f"'{stream.name}' is {value!r}")
    if ahead:
        msg = (
            f"the state's bookmark of stream {', of stream '.join(ahead)}, ahead of the clock "
            f"(now {format_time(now)}): that stream would skip what changes until then. "
            "Check the machine's clock, or reset the bookmark: remove the stream from the "
            'state\'s "bookmarks" (Meltano: `meltano state clear <state id>`, or `meltano '
            "state set`), and its next run reads from start_date."
        )
        raise ConfigError(msg)
