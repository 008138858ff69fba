"""Children read parent by parent: the comments and votes of articles, posts and comments.

Zendesk serves comments and votes one parent at a time, and none of these lists takes a
changed-since filter. Each run reads the parents in full (a list read shared with whatever
else needs it: one request per 100), then asks each parent for its children, unless a signal
proves they did not change: for votes, the parent's `vote_count` and `vote_sum` as they were
when its votes were last read (kept in the state). Where Zendesk gives no such signal (a new
comment may move nothing on its article), every parent is asked, every run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar, Protocol, cast

from tap_zendesk_objects.http.pagination import ListCursorPaginator, PageParams, list_page_problem
from tap_zendesk_objects.streams.client import ZendeskStream

if TYPE_CHECKING:
    import requests
    from singer_sdk.helpers.types import Context

# The stream state key holding each parent's signal when its children were last read.
SIGNALS_KEY = "signals"
LIST_PAGE_SIZE = 100


class ParentSource(Protocol):
    """A stream whose rows, read once per run, are other streams' parents."""

    def shared_rows(self, context: Context | None = None) -> list[dict]:
        """Every row of this run's read (read now if nobody read it yet)."""


class PerParentStream(ZendeskStream):
    """Children of each parent row of `parent_source` (a stream name), full table, opt-in.

    Subclasses declare `name`, `path` (with the context keys), `records_key`, `schema`,
    `parent_source`, `parent_keys` (context key -> the parent row's key) and, where Zendesk
    gives one, `signal_keys` (parent fields that change whenever the children do).
    """

    parent_source: ClassVar[str]
    parent_keys: ClassVar[dict[str, str]]
    signal_keys: ClassVar[tuple[str, ...]] = ()
    state_partitioning_keys: ClassVar[tuple[str, ...]] = ()
    selected_by_default = False
    plan_gated = True

    @property
    def emit_activate_version_messages(self) -> bool:
        """False: only some parents are read, so no read is ever the whole table."""
        return False

    def fixed_params(self) -> PageParams:
        """Cursor pages of 100 (an endpoint that pages by offset ignores it)."""
        return {"page[size]": LIST_PAGE_SIZE}

    def page_problem(self, body: dict, response: requests.Response) -> str | None:
        """Also: `meta.has_more` without a cursor to follow."""
        return list_page_problem(body, self.records_key, response.url)

    def get_new_paginator(self) -> ListCursorPaginator:
        """Zendesk's list pagination, in either envelope."""
        return ListCursorPaginator()

    def parents(self, context: Context | None) -> list[dict]:
        """The parent rows of this run (of the Help Center `context` names, if any)."""
        # `parent_source` names a stream that has them (a shared list, or a per-parent read).
        source = cast("ParentSource", self.run.stream_named(self.parent_source))
        return source.shared_rows(context)

    def shared_key(self, context: Context | None) -> str:
        """Under what the rows of a read are kept."""
        return self.name

    def request_records(self, context: Context | None) -> Iterator[dict]:
        """Each parent's children, when they may have changed; parent ids on every row.

        A stream read for every parent (no signal) keeps its rows for the streams whose
        parents they are, and takes them from there when one of those read them first.
        """
        store = self.run.shared_reads
        shared = not self.signal_keys
        if shared and (rows := store.rows_read(self.shared_key(context))) is not None:
            yield from (dict(row) for row in rows)
            return
        read: list[dict] = []
        signals: dict[str, list] = self.stream_state.setdefault(SIGNALS_KEY, {})
        for parent in self.parents(context):
            ids = {key: parent.get(field) for key, field in self.parent_keys.items()}
            child_context = {**(context or {}), **ids}
            if any(value is None for value in ids.values()):
                continue
            key = "/".join(str(value) for value in child_context.values())
            signal = [parent.get(field) for field in self.signal_keys]
            if None in signal:  # no signal sent: nothing proves the children unchanged
                signals.pop(key, None)
            elif not shared and signals.get(key, [0] * len(signal)) == signal:
                continue  # the signal proves these children unchanged
            for row in super().request_records(child_context):
                row.update(child_context)
                if shared:
                    read.append(dict(row))
                yield row
            if None not in signal and any(signal):
                signals[key] = signal
            elif not shared:
                signals.pop(key, None)
        if shared:
            store.offer_rows(self.shared_key(context), read)  # only when the read was whole

    def shared_rows(self, context: Context | None = None) -> list[dict]:
        """The rows of this run, for the streams whose parents they are."""
        key = self.shared_key(context)
        rows = self.run.shared_reads.rows_read(key)
        if rows is None:
            for _ in self.request_records(context):
                pass  # read, and kept
            rows = self.run.shared_reads.rows_read(key) or []
        return rows
