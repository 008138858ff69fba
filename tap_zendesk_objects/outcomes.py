"""One stream's permanent failure never stops the others.

A stream whose read fails in a way no retry cures (a 400/404/422, a 403 on an endpoint the
plan or role lacks, pages that keep coming back malformed) is recorded here, and the sync goes
on with the next stream. The failed stream keeps the bookmark of the records it wrote (sorted
streams) or the one it started from (the others); a full-table list sends no ACTIVATE_VERSION.
Once every other stream is done, the run fails with one line per failed stream.

Plan restrictions (`PlanRestrictedError`) are not failures: the stream is skipped with a
warning where it is read. Errors that concern every stream (credentials, a wrong subdomain,
Zendesk unreachable for minutes) still stop the run at once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from singer_sdk.helpers._state import reset_state_progress_markers

from tap_zendesk_objects.errors import TapError, ZendeskAPIError

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

_FAILURES_ATTRIBUTE = "_zendesk_stream_failures"


class StreamFailedError(ZendeskAPIError):
    """Zendesk refused one stream's read for good; the other streams go on."""


class StreamsFailedError(TapError):
    """Some streams failed: one line each, written once every other stream is done."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def failures(tap: Any) -> list[str]:
    """The failure lines of this run so far, kept on the tap."""
    found = getattr(tap, _FAILURES_ATTRIBUTE, None)
    if found is None:
        found = []
        setattr(tap, _FAILURES_ATTRIBUTE, found)
    return found


def raise_if_any_failed(tap: Any) -> None:
    """End the run with one line per failed stream, if any failed."""
    lines = failures(tap)
    if lines:
        raise StreamsFailedError(list(lines))


class IsolatedSync:
    """Mixin for streams: a `StreamFailedError` ends this stream's sync, not the run's."""

    name: str
    stream_state: dict
    _tap: Any

    def sync(self, context: Context | None = None) -> None:
        """Sync; on a permanent failure, drop unconfirmed progress and note the failure."""
        try:
            super().sync(context)  # type: ignore[misc]
        except StreamFailedError as exc:
            # Progress markers of an unsorted stream would move its bookmark past records
            # never read: the next run starts from the bookmark this one started from.
            reset_state_progress_markers(self.stream_state)
            line = f"stream '{self.name}' failed: {exc}"
            self.log(  # type: ignore[attr-defined]
                "%s (the other streams go on)", line, level=logging.ERROR
            )
            failures(self._tap).append(line)
