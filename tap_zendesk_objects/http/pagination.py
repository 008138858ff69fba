"""Zendesk's three pagination schemes, each yielding the query parameters of the next page.

Pagination follows the cursors and times Zendesk returns, never the absolute `links.next`,
`after_url` or `next_page` URLs, which carry Zendesk's own host (the `api_url` setting must win).

Whether a 200 is a well-formed page of its collection (`collection_problem`,
`list_page_problem`): a full-table read counts as complete, and may retire rows with
ACTIVATE_VERSION, only when every page was one; a body without the collection key, or whose
pagination contradicts itself, is a failed page (retried like a transient error), never an
empty one.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import requests
from singer_sdk.pagination import BaseAPIPaginator

from tap_zendesk_objects.http.responses import payload

PageParams = dict[str, Any]
logger = logging.getLogger("tap-zendesk-objects")


class ZendeskPaginator(BaseAPIPaginator[PageParams | None]):
    """Base: the token is the dict of query parameters that selects the next page."""

    def __init__(self) -> None:
        super().__init__(None)

    def continue_if_empty(self, response: requests.Response) -> bool:
        """Zendesk can return an empty page with more to come: trust its own flag."""
        return self.has_more(response)


class ListCursorPaginator(ZendeskPaginator):
    """List endpoints: `page[after]` while `meta.has_more` (links.next exists even at the end).

    An endpoint that answers with the offset envelope instead (`next_page`, no `meta`) is
    followed through the page number of its `next_page`.
    """

    def has_more(self, response: requests.Response) -> bool:
        """More pages exist when Zendesk says so, in either envelope."""
        body = payload(response)
        meta = body.get("meta")
        if isinstance(meta, dict):
            return bool(meta.get("has_more")) and bool(meta.get("after_cursor"))
        return bool(body.get("next_page"))

    def get_next(self, response: requests.Response) -> PageParams | None:
        """The cursor, or the offset page number when the endpoint ignored `page[size]`."""
        body = payload(response)
        meta = body.get("meta")
        if isinstance(meta, dict):
            return {"page[after]": meta.get("after_cursor")}
        query = dict(parse_qsl(urlsplit(str(body.get("next_page") or "")).query))
        return {key: query[key] for key in ("page", "per_page") if key in query} or None


class ExportCursorPaginator(ZendeskPaginator):
    """Cursor exports (tickets, users): `cursor` only after the first page, until end_of_stream.

    Whether Zendesk can send a page without `after_cursor` before the end is unconfirmed;
    such a page cannot be followed (asking for the same cursor again gives the same page), so
    the read stops there, with a warning, and the next run resumes from the bookmark.
    """

    def has_more(self, response: requests.Response) -> bool:
        """Zendesk's end_of_stream flag is the only stop signal."""
        return not payload(response).get("end_of_stream", True)

    def get_next(self, response: requests.Response) -> PageParams | None:
        """The next cursor; None (the read ends here) when the page has none."""
        cursor = payload(response).get("after_cursor")
        if cursor:
            return {"cursor": cursor}
        logger.warning(
            "%s: a page with no after_cursor before end_of_stream; stopping this export here "
            "(the next run resumes from the bookmark)",
            urlsplit(str(response.url)).path,
        )
        return None


class TimeExportPaginator(ZendeskPaginator):
    """Time-based exports (organizations, ticket and metric events): start_time=end_time.

    The next page starts at the last page's `end_time`, so boundary records may come twice:
    the stream drops them. `end_time` that does not move forward is nudged by one second so
    a page made of one shared timestamp cannot loop forever.
    """

    def __init__(self, start_time: int) -> None:
        super().__init__()
        self._start_time = start_time

    def has_more(self, response: requests.Response) -> bool:
        """Stop on end_of_stream: pages may hold more or fewer than per_page records.

        An export that does not send the flag (ticket_metric_events may not) ends on an
        empty page or an end_time that does not move forward.
        """
        body = payload(response)
        if "end_of_stream" in body:
            return not body["end_of_stream"]
        end_time, count = page_end_time(body), body.get("count")
        return end_time is not None and end_time > self._start_time and count != 0

    def get_next(self, response: requests.Response) -> PageParams | None:
        """The next start_time, always later than the current one."""
        end_time = page_end_time(payload(response)) or 0
        end_time = max(end_time, self._start_time + 1)
        self._start_time = end_time
        return {"start_time": end_time}


def page_end_time(body: dict[str, Any]) -> int | None:
    """Where a time-based export's next page starts: `end_time`, else `next_page`'s start.

    An export may send only the link (the Help Center's documents its `start_time`).
    """
    end_time = body.get("end_time")
    if end_time is None:
        query = dict(parse_qsl(urlsplit(str(body.get("next_page") or "")).query))
        end_time = query.get("start_time")
    try:
        return int(end_time) if end_time is not None else None
    except (TypeError, ValueError):
        return None


def collection_problem(body: dict[str, Any], records_key: str) -> str | None:
    """The collection key missing, or not a list."""
    records = body.get(records_key)
    if isinstance(records, list):
        return None
    if records is None and records_key not in body:
        return f"a 200 without its `{records_key}` list"
    return f"a 200 whose `{records_key}` is {type(records).__name__}, not a list"


def list_page_problem(body: dict[str, Any], records_key: str, url: str | None) -> str | None:
    """Also for cursor lists: `meta.has_more` with no usable cursor to follow."""
    problem = collection_problem(body, records_key)
    if problem:
        return problem
    meta = body.get("meta")
    if meta is None:
        return None  # the offset envelope (`next_page`), or an unpaged list
    if not isinstance(meta, dict) or not isinstance(meta.get("has_more"), bool):
        return "a 200 whose `meta` has no has_more flag"
    if not meta["has_more"]:
        return None
    after = meta.get("after_cursor")
    if not after:
        return "a 200 whose `meta` says has_more but gives no after_cursor"
    sent = parse_qs(urlsplit(url or "").query).get("page[after]")
    if sent and sent[-1] == after:
        return "a 200 whose `meta` gives back the after_cursor just sent (a loop)"
    return None
