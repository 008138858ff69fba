"""The incremental exports: tickets and users by cursor, organizations and ticket events by time.

`cursor_export` and `time_export` page any collection in sort epoch order, leaving out the
last minute as Zendesk does; more_routes.py serves the ticket metric events through
`time_export` too. The users export can sideload the users' identities.
"""

from __future__ import annotations

import base64
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from tests.emulator.server_paging import page_body, unb64
from tests.emulator.server_request import HTTPError, Query, invalid_value
from tests.emulator.zendesk import ZENDESK_HOST, visible_cutoff

if TYPE_CHECKING:
    from tests.emulator.account import Account
    from tests.emulator.server import Emulator

_TOO_RECENT = {
    "error": "InvalidValue",
    "description": "Too recent start_time. Use a start_time older than 1 minute",
}


def export_cursor(ts: int, rid: int) -> str:
    """Zendesk's incremental cursor: base64 of ``"<epoch>.0||<id>|"``."""
    return base64.b64encode(f"{ts}.0||{rid}|".encode()).decode()


def parse_export_cursor(cursor: str) -> tuple[int, int]:
    """Inverse of `export_cursor`."""
    text = unb64(cursor)
    try:
        ts_text, _, rid_text, _ = text.split("|")
        return int(float(ts_text)), int(rid_text)
    except ValueError as exc:
        raise HTTPError(400, {"error": "InvalidCursor", "description": "Invalid cursor"}) from exc


def _scan_export(
    keys: list[tuple[int, int]],
    pos: int,
    per_page: int,
    keep: Callable[[int], bool],
    cut: int,
) -> tuple[list[tuple[int, int]], int]:
    """Up to per_page kept (time, id) keys from pos, none newer than the export cut-off;
    and the position after the last one looked at."""
    page: list[tuple[int, int]] = []
    while pos < len(keys) and len(page) < per_page:
        ts, rid = keys[pos]
        if ts > cut:
            break
        if keep(rid):
            page.append((ts, rid))
        pos += 1
    return page, pos


def start_time(q: Query) -> int:
    """The export's `start_time`: required, and older than the withheld minute (else 422)."""
    start = q.int("start_time")
    if start is None:
        raise invalid_value("start_time is required")
    if start > visible_cutoff():
        raise HTTPError(422, _TOO_RECENT)
    return start


def _per_page(q: Query) -> int:
    """Records a page asks for: `per_page`, 1 to 1,000 (default 1,000)."""
    per_page = q.int("per_page", 1000)
    assert per_page is not None
    return max(1, min(1000, per_page))


def cursor_export(
    account: Account,
    q: Query,
    coll: str,
    path: str,
    keep: Callable[[int], bool],
    variant: Callable[[int], bytes],
    sideload: Callable[[list[int]], dict] | None = None,
) -> bytes:
    """A cursor-based export page of `coll` (`start_time` first, then `cursor`), in sort
    epoch order, each record as `variant` serialises it; `sideload` adds keys to the page."""
    if ("start_time" in q) == ("cursor" in q):
        raise invalid_value("Send either start_time (first request) or cursor, not both")
    per_page = _per_page(q)
    cut = visible_cutoff()
    with account.lock:
        keys = account.sorted_keys(coll)
        if "cursor" in q:
            pos = bisect_right(keys, parse_export_cursor(q.get("cursor") or ""))
        else:
            pos = bisect_left(keys, (start_time(q),))
        page, pos = _scan_export(keys, pos, per_page, keep, cut)
        parts = [variant(rid) for _, rid in page]
    extra = {k: v for k, v in q.multi.items() if k not in ("cursor", "start_time")}
    after = export_cursor(*page[-1]) if page else None
    before = export_cursor(*page[0]) if page else None

    def url(cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return f"{ZENDESK_HOST}{path}.json?" + urlencode({**extra, "cursor": [cursor]}, doseq=True)

    tail = {
        "after_url": url(after),
        "after_cursor": after,
        "before_url": url(before),
        "before_cursor": before,
        "end_of_stream": len(page) < per_page,
    }
    if sideload is not None:
        tail.update(sideload([rid for _, rid in page]))
    return page_body(coll, parts, tail)


def time_export(
    account: Account,
    q: Query,
    coll: str,
    path: str,
    keep: Callable[[int], bool],
    variant: Callable[[int], bytes],
    end_of_stream: bool = True,
    key: str | None = None,
) -> bytes:
    """A time-based export page of `coll` from `start_time`, each record as `variant`
    serialises it: every record of the last second joins the page, however many.
    `end_of_stream` off leaves that flag out, as some exports do; `key` names the page's
    list when it is not the collection's name."""
    start = start_time(q)
    per_page = _per_page(q)
    cut = visible_cutoff()
    with account.lock:
        keys = account.sorted_keys(coll)
        page, pos = _scan_export(keys, bisect_left(keys, (start,)), per_page, keep, cut)
        last_page = len(page) < per_page
        if page:  # extend with every record sharing the last second
            last_ts = page[-1][0]
            while pos < len(keys) and keys[pos][0] == last_ts:
                if keep(keys[pos][1]):
                    page.append(keys[pos])
                pos += 1
        parts = [variant(rid) for _, rid in page]
    if not page:
        end_time = start
    elif page[0][0] == page[-1][0]:
        end_time = page[-1][0] + 1
    else:
        end_time = page[-1][0]
    extra = {k: v for k, v in q.multi.items() if k != "start_time"}
    next_page = f"{ZENDESK_HOST}{path}.json?" + urlencode(
        {**extra, "start_time": [str(end_time)]}, doseq=True
    )
    tail = {"next_page": next_page, "count": len(page), "end_time": end_time}
    if end_of_stream:  # the flag, where the export sends one
        tail["end_of_stream"] = last_page
    return page_body(key or coll, parts, tail)


def _support_scope(q: Query) -> Callable[[bool], bool]:
    """Which tickets `support_type_scope` asks for, by whether an AI agent handles them."""
    scope = q.get("support_type_scope", "agent")
    if scope not in ("agent", "all", "ai_agent"):
        raise invalid_value("support_type_scope must be agent, all or ai_agent")
    return lambda ai: scope == "all" or (scope == "ai_agent") == ai


def _identities_sideload(account: Account, user_ids: list[int]) -> dict[str, list[dict]]:
    """The `identities` sideload of a users export page: every identity of its users."""
    data = account._data["user_identities"]
    return {
        "identities": [
            data[iid] for uid in user_ids for iid in account.identities_by_user.get(uid, [])
        ]
    }


def register(emulator: Emulator) -> None:
    """Serve the four exports from `emulator`."""
    routes = _Routes(emulator)
    emulator._routes.update(
        {
            "/api/v2/incremental/tickets/cursor": routes.tickets,
            "/api/v2/incremental/users/cursor": routes.users,
            "/api/v2/incremental/organizations": routes.organizations,
            "/api/v2/incremental/ticket_events": routes.ticket_events,
        }
    )


class _Routes:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def tickets(self, q: Query) -> bytes:
        acc = self.emu.account
        in_scope = _support_scope(q)
        exclude_deleted = (q.get("exclude_deleted") or "").lower() == "true"
        metric_sets = "metric_sets" in (q.get("include") or "").split(",")
        tickets = acc._data["tickets"]

        def keep(tid: int) -> bool:
            if exclude_deleted and tickets[tid]["status"] == "deleted":
                return False
            return in_scope(tid in acc.ai_ticket_ids)

        def variant(tid: int) -> bytes:
            data = acc.record_json("tickets", tid)
            mid = acc.metric_by_ticket.get(tid) if metric_sets else None
            if mid is None:
                return data
            return data[:-1] + b',"metric_set":' + acc.record_json("ticket_metrics", mid) + b"}"

        return cursor_export(acc, q, "tickets", "/api/v2/incremental/tickets/cursor", keep, variant)

    def users(self, q: Query) -> bytes:
        acc = self.emu.account
        identities = "identities" in (q.get("include") or "").split(",")
        return cursor_export(
            acc,
            q,
            "users",
            "/api/v2/incremental/users/cursor",
            lambda _rid: True,
            lambda rid: acc.record_json("users", rid),
            functools.partial(_identities_sideload, acc) if identities else None,
        )

    def organizations(self, q: Query) -> bytes:
        acc = self.emu.account
        return time_export(
            acc,
            q,
            "organizations",
            "/api/v2/incremental/organizations",
            lambda _rid: True,
            lambda rid: acc.record_json("organizations", rid),
        )

    def ticket_events(self, q: Query) -> bytes:
        acc = self.emu.account
        in_scope = _support_scope(q)
        full = "comment_events" in (q.get("include") or "").split(",")
        events = acc._data["ticket_events"]

        def keep(eid: int) -> bool:
            return in_scope(events[eid]["ticket_id"] in acc.ai_ticket_ids)

        return time_export(
            acc,
            q,
            "ticket_events",
            "/api/v2/incremental/ticket_events",
            keep,
            lambda eid: acc.record_json("ticket_events", eid, "" if full else "reduced"),
        )
