"""The three ways Zendesk serves a collection, each with its paging and bookmarking rules."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from tap_zendesk_objects.config.checks import parse_start_date
from tap_zendesk_objects.config.schema import DEFAULT_EXPORT_PAGE_SIZE
from tap_zendesk_objects.errors import StreamFailedError, TooRecentStartError, ZendeskAPIError
from tap_zendesk_objects.http.page_size import AdaptivePageSize, is_timeout, set_per_page
from tap_zendesk_objects.http.pagination import (
    ExportCursorPaginator,
    ListCursorPaginator,
    PageParams,
    TimeExportPaginator,
    list_page_problem,
)
from tap_zendesk_objects.http.rate_buckets import INCREMENTAL_BUCKET
from tap_zendesk_objects.streams.client import ZendeskStream
from tap_zendesk_objects.streams.follow_ups import FollowUpStream
from tap_zendesk_objects.timeutil import bookmark_epoch, latest_export_start, to_epoch

if TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

    from tap_zendesk_objects.run.context import SharedReads

LIST_PAGE_SIZE = 100  # Zendesk's maximum for cursor-paginated lists
DEFAULT_LOOKBACK = dt.timedelta(days=365)


class BookmarkedStream(ZendeskStream):
    """Where an incremental stream starts: its bookmark, else its first-sync starting point."""

    # Users, organizations and lists are read in full on a first sync, so that every
    # ticket's requester and organization reaches the warehouse; the rest start at start_date.
    full_first_sync: ClassVar[bool] = False

    def bookmark(self, context: Context | None) -> Any:
        """The replication key value of the last run, as stored in the state."""
        return self.get_context_state(context).get("replication_key_value")

    def start_date_epoch(self) -> int:
        """`start_date`, or one year ago."""
        start = parse_start_date(self.config.get("start_date"))
        if start is None:
            start = dt.datetime.now(dt.UTC) - DEFAULT_LOOKBACK
        return int(start.timestamp())

    def start_epoch(self, context: Context | None) -> int:
        """Bookmark, else the first sync's starting point, as epoch seconds."""
        bookmark = bookmark_epoch(self.bookmark(context))
        if bookmark is not None:
            return bookmark
        return self.first_sync_epoch()

    def first_sync_epoch(self) -> int:
        """Where a first sync starts: 0 (everything) or start_date."""
        return 0 if self.full_first_sync else self.start_date_epoch()


class ListStream(BookmarkedStream):
    """A cursor-paginated list (`page[size]`, `page[after]`, `meta.has_more`).

    Without a replication key it is read in full every run, and once the read has succeeded
    an ACTIVATE_VERSION lets the target retire rows Zendesk no longer returns. A failed or
    plan-restricted read sends none, so it never empties a table.
    """

    _run_params: PageParams

    def run_params(self, context: Context | None) -> PageParams:
        """Filters fixed for the whole run (e.g. from the bookmark), sent with every page."""
        return {}

    def fixed_params(self) -> PageParams:
        """Page size plus the run's filters."""
        return {"page[size]": LIST_PAGE_SIZE, **self._run_params}

    def page_problem(self, body: dict, response: requests.Response) -> str | None:
        """Also: pagination that contradicts itself (has_more without a new cursor)."""
        return list_page_problem(body, self.records_key, response.url)

    def get_new_paginator(self) -> ListCursorPaginator:
        """Cursor pagination, following `meta.has_more`."""
        return ListCursorPaginator()

    @property
    def emit_activate_version_messages(self) -> bool:
        """False: the SDK's own message would come before the read (see `activates_versions`)."""
        return False

    @property
    def activates_versions(self) -> bool:
        """Full-table lists version their rows unless `emit_activate_version_messages` is false.

        The tap's default differs from the SDK's (off): rows deleted in Zendesk leave a
        full-table list, and only a new table version tells the target so.
        """
        enabled = self.config.get("emit_activate_version_messages")
        return self.replication_key is None and self.selected and enabled is not False

    def request_records(self, context: Context | None) -> Iterable[dict]:
        """Every page's records, with the filters fixed for this read."""
        self._run_params = self.run_params(context)
        yield from super().request_records(context)

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        """Version a full-table read, and activate that version once the read is whole."""
        versioned = self.activates_versions
        if versioned:
            self.set_table_version(self.tap.initialized_at)
        yield from super().get_records(context)
        if versioned and not self.skipped:
            self.write_activate_version()


class SharedListStream(ListStream):
    """A full-table list that something else in the run also needs: one read serves both.

    Whichever needs the list first reads it; the other takes those rows (copies, since rows
    are projected in place) instead of a second request. Only a whole read is kept.
    """

    def read_store(self) -> SharedReads:
        """Where this list's rows are kept for the run."""
        return self.run.shared_reads

    def shared_key(self, context: Context | None) -> str:
        """Under what the rows of a read are kept (a list read for several hosts: one each)."""
        return self.records_key

    def shared_rows(self, context: Context | None = None) -> list[dict]:
        """Every row of this list for this run: read once, whoever asks first."""
        key = self.shared_key(context)
        rows = self.read_store().rows_read(key)
        if rows is None:
            for _ in self.request_records(context):
                pass  # read, and kept
            rows = self.read_store().rows_read(key) or []
        return rows

    def request_records(self, context: Context | None) -> Iterator[dict]:
        """The rows already read this run, else the list, then kept."""
        store = self.read_store()
        rows = store.rows_read(self.shared_key(context))
        if rows is not None:
            self.extracted_at = rows[0].get("received_at") if rows else None
            yield from (dict(row) for row in rows)
            return
        read: list[dict] = []
        for row in super().request_records(context):
            read.append(dict(row))
            yield row
        store.offer_rows(self.shared_key(context), read)  # reached only when the read was whole


class ExportStream(BookmarkedStream):
    """Common ground of Zendesk's incremental exports: their own rate bucket and page size."""

    rate_bucket = INCREMENTAL_BUCKET
    # Zendesk serves most exports to admins only (checked before the run, admin_check.py).
    admins_only: ClassVar[bool] = True
    is_sorted = True  # exports return records in timestamp order: state advances per page
    check_sorted = False
    export_params: ClassVar[PageParams] = {}

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        """Keep the bookmark also when the export is read only for its derived streams.

        The SDK moves the bookmark of selected streams only; an export read just for, say,
        user_identities would otherwise start from the beginning every run.
        """
        if not self.selected and self.replication_key:  # its projection keeps no key at all
            key = self.replication_key
            self.advance_bookmark({key: row.get(key)}, context)
        return super().post_process(row, context)

    @property
    def keeps_bookmark(self) -> bool:
        """Also when the export is read only for its derived streams (see post_process)."""
        return self.selected or self.has_selected_descendents

    def fixed_params(self) -> PageParams:
        """Page size and the export's includes."""
        return {"per_page": self.page_size.current, **self.export_params}

    @cached_property
    def page_size(self) -> AdaptivePageSize:
        """`export_page_size`, smaller for a while after pages that timed out."""
        return AdaptivePageSize(
            int(self.config.get("export_page_size") or DEFAULT_EXPORT_PAGE_SIZE)
        )

    def validate_response(self, response: requests.Response) -> None:
        """A page that came back counts towards growing a reduced page size again."""
        super().validate_response(response)
        self.page_size.succeeded()

    def prepare_retry(self, exc: BaseException, request: Any) -> None:
        """After a timeout, ask for half as many records (not below the floor)."""
        if is_timeout(exc) and self.page_size.shrink():
            set_per_page(request, self.page_size.current)
            self.log(
                "%s: asking for %d records a page after a timeout",
                self.name,
                self.page_size.current,
                level=logging.WARNING,
            )

    def gave_up(self, exc: BaseException, message: str) -> ZendeskAPIError:
        """Timeouts even at the smallest page: this export fails, naming the setting."""
        if is_timeout(exc) and self.page_size.shrunk_to_floor:
            return StreamFailedError(
                f"{message}, even at {self.page_size.current} records a page "
                f"(`export_page_size` is {self.page_size.configured}): Zendesk cannot serve "
                "these records in time; try again later"
            )
        return super().gave_up(exc, message)

    _first_start: int

    def time_field(self) -> str:
        """The record field holding the export's ordering time: its replication key."""
        return self.replication_key or ""

    def page_times(self, records: list[dict]) -> tuple[int | None, int | None]:
        """The first and last records' times (None where unreadable): how far the read is."""
        if not records:
            return None, None
        field = self.time_field()
        return _epoch_or_none(records[0].get(field)), _epoch_or_none(records[-1].get(field))

    def request_records(self, context: Context | None) -> Iterable[dict]:
        """Every page's records, from a starting point fixed for this read.

        The read walks time from there to now: its progress lines say how far it is.
        """
        self._first_start = self.export_start(context)
        self.progress.cover(self._first_start, int(time.time()))
        yield from super().request_records(context)

    def export_start(self, context: Context | None) -> int:
        """start_time: never inside the last minutes, which exports refuse.

        Also never after the oldest ticket a selected per-ticket stream has still to read
        (a stream selected for the first time starts where this export's first sync would).
        """
        start = self.start_epoch(context)
        for follow_up in self.follow_ups:
            if follow_up.selected:
                behind = follow_up.resume_epoch()
                start = min(start, self.first_sync_epoch() if behind is None else behind)
        return min(start, latest_export_start())

    @cached_property
    def follow_ups(self) -> list[FollowUpStream]:
        """The streams that read, per ticket, tickets this export returns."""
        return [child for child in self.child_streams if isinstance(child, FollowUpStream)]

    def feed_follow_ups(self, records: list[dict]) -> None:
        """Queue the page's tickets for the per-ticket streams."""
        for follow_up in self.follow_ups:
            follow_up.enqueue(records, self.replication_key or "")

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        """A 422 "too recent start_time" means there is nothing new yet."""
        for follow_up in self.follow_ups:
            follow_up.begin()
        try:
            yield from super().get_records(context)
        except TooRecentStartError as exc:
            self.log("Nothing new to export yet (%s)", exc)


class CursorExportStream(ExportStream):
    """Cursor exports (tickets, users): start_time on the first page, then `cursor` only."""

    # Derived stream -> the `include` sideload that carries its rows. A sideload makes every
    # page bigger, so it is asked for only when its stream is selected.
    sideloads: ClassVar[dict[str, str]] = {}

    def fixed_params(self) -> PageParams:
        """Page size, the export's parameters, and the sideloads of selected derived streams."""
        params = super().fixed_params()
        wanted = [name for stream, name in self.sideloads.items() if self.derived(stream).selected]
        if wanted:
            params["include"] = ",".join(wanted)
        return params

    def first_page_params(self, context: Context | None) -> PageParams:
        """The starting point."""
        return {"start_time": self._first_start}

    def get_new_paginator(self) -> ExportCursorPaginator:
        """Follows after_cursor until end_of_stream."""
        return ExportCursorPaginator()


class TimeExportStream(ExportStream):
    """Time-based exports (organizations, ticket_events), paged by `end_time`.

    Pages can hold more than per_page records when they share a second, and each page starts
    at the previous page's end_time, so records of the boundary second can come twice: the
    repeats are dropped here, by id, before anything is emitted or derived.
    """

    # The record field holding the export's ordering time (epoch int or ISO string).
    export_time_field: ClassVar[str]

    # The last page's last second, and the ids read in it.
    _boundary: tuple[int | None, set[Any]]

    def time_field(self) -> str:
        """`export_time_field`."""
        return self.export_time_field

    def first_page_params(self, context: Context | None) -> PageParams:
        """The starting point."""
        return {"start_time": self._first_start}

    def get_new_paginator(self) -> TimeExportPaginator:
        """Follows end_time until end_of_stream."""
        return TimeExportPaginator(self._first_start)

    def request_records(self, context: Context | None) -> Iterable[dict]:
        """Every page's records, with no boundary repeats yet."""
        self._boundary = (None, set())
        yield from super().request_records(context)

    def new_records(self, records: list[dict]) -> list[dict]:
        """Records less those the previous page gave already (same id, same boundary second)."""
        boundary_time, boundary_ids = self._boundary
        field = self.export_time_field
        fresh = [
            record
            for record in records
            if not (
                record.get("id") in boundary_ids and to_epoch(record.get(field)) == boundary_time
            )
        ]
        if records:
            last_time = to_epoch(records[-1].get(field))
            same = {r.get("id") for r in records if to_epoch(r.get(field)) == last_time}
            if last_time == boundary_time:
                same |= boundary_ids
            self._boundary = (last_time, same)
        return fresh


def _epoch_or_none(value: Any) -> int | None:
    """Epoch seconds of a record's time, or None when it is not one (progress only)."""
    try:
        return to_epoch(value)
    except (TypeError, ValueError, OverflowError):
        return None
