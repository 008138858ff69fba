"""Streams read per ticket, for the tickets that an export returned in this run.

Conversation logs and side conversations have no export of their own: Zendesk serves them
one ticket at a time. Walking every ticket would cost a request per ticket of the account, so
these streams read only the tickets their parent export returned in this run (the tickets
that changed), and only those the stream wants (messaging tickets for the log). The parent
queues them page by page; they are read while the run's exports wait for their budget
windows (idle_reads.py), and whatever is left once every other stream is done.

The stream keeps no bookmark of its own but the parent's position of its oldest ticket not
yet read (`resume_at`), or, when none is left, the position up to which every ticket was read
(`read_through`): a run that stops, or is stopped, before reading every queued ticket makes
the next run's parent export start there, so no ticket is missed, and tickets read before and
unchanged since are not asked for again.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Any, ClassVar

from tap_zendesk_objects.errors import PlanRestrictedError, StreamFailedError
from tap_zendesk_objects.http.pagination import ListCursorPaginator, list_page_problem
from tap_zendesk_objects.streams.client import ZendeskStream
from tap_zendesk_objects.timeutil import bookmark_epoch, to_epoch

if TYPE_CHECKING:
    from collections.abc import Iterable

    import requests
    from singer_sdk.helpers.types import Context

# Stream state keys: the parent's position of the oldest ticket not read yet; or, when every
# ticket queued was read, the parent's position up to which (inclusive) all were. Zendesk's
# exports withhold the last minute, so no ticket joins a second after the export passed it.
RESUME_KEY = "resume_at"
READ_THROUGH_KEY = "read_through"
# A plan without the endpoint may answer 404 for every ticket: after this many in a row, with
# none found before, the stream counts as missing from the account for this run.
MISSING_IN_A_ROW = 5


class FollowUpStream(ZendeskStream):
    """A per-ticket read, queued by its parent export (`parent_stream_type`), opt-in.

    Subclasses declare `name`, `path` (with `{ticket_id}`), `records_key`, `schema`, and
    `ticket_to_read` (which of the parent's records name a ticket to read).
    """

    parent_stream_type: type[ZendeskStream]
    state_partitioning_keys: ClassVar[tuple[str, ...]] = ()  # one state for all tickets
    selected_by_default = False
    plan_gated = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: deque[tuple[int, Any]] = deque()  # (ticket id, parent position)
        self._queued: set[int] = set()
        self._covered: Any = None  # the parent's position up to which tickets are queued
        # Tickets before it (and at it, when inclusive) were read by an earlier run.
        self._floor: tuple[int | None, bool] = (None, False)
        self._missing_in_a_row = 0
        self.available = True
        self.begun = False
        self.tickets_read = 0
        self.rows_written = 0
        self.ticket_id: int | None = None  # the ticket being read

    def page_problem(self, body: dict, response: requests.Response) -> str | None:
        """Also: `meta.has_more` without a cursor to follow."""
        return list_page_problem(body, self.records_key, response.url)

    def get_new_paginator(self) -> ListCursorPaginator:
        """Zendesk's list pagination, in either envelope (cursor, or offset `next_page`)."""
        return ListCursorPaginator()

    def ticket_to_read(self, record: dict) -> int | None:
        """The ticket a parent record asks this stream to read, or None."""
        raise NotImplementedError

    def resume_epoch(self) -> int | None:
        """Where the parent export must start for this stream (None: it has no state)."""
        state = self.stream_state
        return bookmark_epoch(state.get(RESUME_KEY, state.get(READ_THROUGH_KEY)))

    def _already_read(self, position: Any) -> bool:
        """True for a ticket an earlier run read at this parent position, unchanged since."""
        floor, inclusive = self._floor
        if floor is None:
            return False
        epoch = to_epoch(position) or 0
        return epoch <= floor if inclusive else epoch < floor

    # Fed by the parent ----------------------------------------------------------------

    def begin(self) -> None:
        """When the parent starts: the SCHEMA, and reads allowed in the run's waits."""
        if not self.selected or self.begun:
            return
        self.begun = True
        state = self.stream_state
        read_through = bookmark_epoch(state.get(READ_THROUGH_KEY))
        if RESUME_KEY in state or read_through is None:
            self._floor = (self.resume_epoch(), False)
        else:
            self._floor = (read_through, True)
        self.write_schema()
        self.run.idle_reads.add(self)

    def enqueue(self, records: list[dict], position_key: str) -> None:
        """Queue the tickets named by a page of the parent's records, in the parent's order."""
        if not self.begun or not records:
            return
        if self.available:
            for record in records:
                ticket_id = self.ticket_to_read(record)
                if ticket_id is None or ticket_id in self._queued:
                    continue
                position = record.get(position_key)
                if self._already_read(position):
                    continue
                self._queue.append((ticket_id, position))
                self._queued.add(ticket_id)
        self._covered = records[-1].get(position_key)
        self._save_position()

    def _save_position(self) -> None:
        """`resume_at` the oldest ticket not read yet, else `read_through` the parent's last."""
        state = self.stream_state
        if self._queue:
            state.pop(READ_THROUGH_KEY, None)
            state[RESUME_KEY] = self._queue[0][1]
        elif self._covered is not None:
            state.pop(RESUME_KEY, None)
            state[READ_THROUGH_KEY] = self._covered

    # Reading --------------------------------------------------------------------------

    def has_work(self) -> bool:
        """True while queued tickets wait to be read."""
        return self.available and bool(self._queue)

    def ready_in(self) -> float:
        """Seconds until this stream's budgets allow a request."""
        return self.throttle.ready_in(self.path)

    def read_next(self) -> None:
        """Read the oldest queued ticket, every page, and write its rows."""
        ticket_id = self._queue[0][0]
        self.ticket_id = ticket_id
        with self.run.idle_reads.reading():
            read = self._read_ticket(ticket_id)
        if read:
            self._queue.popleft()
            self._queued.discard(ticket_id)  # if the ticket changes again, it is read again
            self._save_position()

    def _read_ticket(self, ticket_id: int) -> bool:
        """Write one ticket's rows; False when the stream cannot go on (failed, unavailable)."""
        context: Context = {"ticket_id": ticket_id}
        try:
            for record in self.request_records(context):
                row = self.post_process(record, context)
                if row is not None:
                    self.write_record(row)
                    self.rows_written += 1
        except PlanRestrictedError as exc:
            return self._ticket_missing(ticket_id, exc)
        except StreamFailedError as exc:
            line = f"stream '{self.name}' failed: {exc}"
            self.log("%s (the other streams go on)", line, level=logging.ERROR)
            self.run.failures.append(line)
            self.available = False  # its position stays at this ticket: the next run retries
            return False
        self._missing_in_a_row = 0
        self.tickets_read += 1
        return True

    def _ticket_missing(self, ticket_id: int, exc: PlanRestrictedError) -> bool:
        """A 404 for one ticket skips it (True); a 403, or 404s for every ticket, the stream."""
        if exc.status == 404:
            self._missing_in_a_row += 1
            if self.tickets_read or self._missing_in_a_row < MISSING_IN_A_ROW:
                self.log(
                    "Stream '%s': ticket %d skipped (%s): deleted, or not visible",
                    self.name,
                    ticket_id,
                    exc,
                    level=logging.WARNING,
                )
                return True
        self.warn_skipped(exc)
        self.available = False
        self._queue.clear()
        self._queued.clear()
        self._save_position()  # nothing to read: the next run does not look back
        return False

    def drain(self) -> None:
        """At the end of the run: read the tickets still queued (up to a dry run's limit)."""
        limit = self.ABORT_AT_RECORD_COUNT
        while self.has_work() and (limit is None or self.rows_written < limit):
            self.read_next()
        if self.begun:
            self.log(
                "Stream '%s': %d records from %d tickets",
                self.name,
                self.rows_written,
                self.tickets_read,
            )

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        """Never called by the SDK (a child stream): the parent queues, `drain` reads."""
        return iter(())
