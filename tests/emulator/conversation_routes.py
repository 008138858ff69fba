"""The conversation log and updated CSAT endpoints, with their switches and the log's budget.

`register(emulator)` serves `GET /api/v2/tickets/{id}/conversation_log` and
`GET /api/v2/guide/survey_responses` and adds, all changeable while it runs:

- `emulator.conversation_log_enabled` (True): False answers 403 as an account outside the
  early-access program would; 404 answers 404 (the reference leaves the refusal open).
- `emulator.omnilog_per_minute` (100): the log's own budget per clock minute, reported in
  `Zendesk-RateLimit-omnilog-index`; each call spends Core too (unconfirmed: Zendesk says
  only that the endpoint has its own limit).
- `emulator.csat_enabled` (True): False answers Zendesk's JSON:API 403, 404 a 404 (plans
  without updated CSAT: the reference expects either).
- `emulator.csat_shape` ("mixed"): responses in the nested shape, the flat one, or some of
  each. Survey responses spend Core only (their budget is unconfirmed).

Both are cursor paginated (`page[size]` at most 100, `page[after]`, `page[before]`); the log
sends `links` with absolute URLs, the survey responses `meta` only, as Zendesk documents.
A ticket that is not a messaging ticket answers an empty log: no tap should ask for it.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tests.emulator.bodies import FORBIDDEN, RECORD_NOT_FOUND
from tests.emulator.conversations import is_messaging
from tests.emulator.server_paging import b64, page_body, page_size, unb64
from tests.emulator.server_request import HTTPError, Query, bad_request, invalid_value
from tests.emulator.zendesk import ZENDESK_HOST, dumps

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

LOG = re.compile(r"/api/v2/tickets/(\d+)/conversation_log")
SURVEY_RESPONSES = "/api/v2/guide/survey_responses"
CSAT_FORBIDDEN = {
    "errors": [
        {"code": "Forbidden", "status": "403", "title": "Access to the resource is forbidden"}
    ]
}
CSAT_NOT_FOUND = {"errors": [{"code": "NotFound", "status": "404", "title": "Not Found"}]}
_TICKET_ZRN = re.compile(r"(?:zen|zrn):ticket:(\d+)")


def gate(switch: Any, forbidden: Any, not_found: Any) -> None:
    """Refuse as an account without the feature does: switch 404 gives 404, falsy 403."""
    if not isinstance(switch, bool) and switch == 404:
        raise HTTPError(404, not_found)
    if not switch:
        raise HTTPError(403, forbidden)


def cursor_window(q: Query, keys: list[tuple], order: str, size: int) -> tuple[list[int], bool]:
    """The positions (into ascending `keys`) of the page a cursor request asks for, in the
    order shown ("x" ascending, "-x" descending), and whether more follow that way."""

    def decode(name: str) -> tuple:
        try:
            data = json.loads(unb64(q.get(name) or ""))
            if data.get("o") != order:
                raise ValueError(order)
            return tuple(data["v"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise bad_request("Invalid page[after] / page[before] cursor") from exc

    n, desc = len(keys), order.startswith("-")
    if "page[after]" in q or "page[before]" in q:
        after = "page[after]" in q
        v = decode("page[after]" if after else "page[before]")
        if after != desc:  # later keys: ascending after, or descending before
            lo = bisect_right(keys, v)
            hi = min(n, lo + size)
            more = hi < n
        else:
            hi = bisect_left(keys, v)
            lo = max(0, hi - size)
            more = lo > 0
    elif desc:
        lo, hi = max(0, n - size), n
        more = lo > 0
    else:
        lo, hi = 0, min(n, size)
        more = hi < n
    positions = list(range(lo, hi))
    return (positions[::-1] if desc else positions), more


def cursors(keys: list[tuple], shown: list[int], order: str) -> tuple[str | None, str | None]:
    """(after_cursor, before_cursor) of a page: its last and first keys, or None if empty."""
    if not shown:
        return None, None
    return b64({"o": order, "v": list(keys[shown[-1]])}), b64(
        {"o": order, "v": list(keys[shown[0]])}
    )


def log_requests(emulator: Emulator) -> dict[int, int]:
    """Conversation log requests per ticket id (from the emulator's request counts)."""
    counts = {}
    for path, n in emulator.request_counts().items():
        match = LOG.fullmatch(path)
        if match:
            counts[int(match.group(1))] = n
    return counts


def register(emulator: Emulator) -> None:
    """Serve the conversation log and survey responses from `emulator`."""
    emulator.conversation_log_enabled = True
    emulator.omnilog_per_minute = 100
    emulator.csat_enabled = True
    emulator.csat_shape = "mixed"
    emulator.rates.add_bucket(
        "omnilog",
        "Zendesk-RateLimit-omnilog-index",
        "omnilog_per_minute",
        lambda path: LOG.fullmatch(path) is not None,
    )
    routes = _Routes(emulator)
    emulator._routes[SURVEY_RESPONSES] = routes.survey_responses
    emulator._pattern_routes.append((LOG, routes.conversation_log))


class _Routes:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def conversation_log(self, match: re.Match, q: Query) -> bytes:
        """One page of a ticket's log; 404 for an unknown or deleted ticket."""
        emu, acc = self.emu, self.emu.account
        gate(emu.conversation_log_enabled, FORBIDDEN, RECORD_NOT_FOUND)
        tid = int(match.group(1))
        sort = q.get("sort") or "created_at"
        if sort not in ("created_at", "-created_at"):
            raise invalid_value("sort must be created_at or -created_at")
        size = page_size(q)
        with acc.lock:
            ticket = acc._data["tickets"].get(tid)
            if ticket is None or ticket["status"] == "deleted":
                raise HTTPError(404, RECORD_NOT_FOUND)
            rows = acc.logs.rows(tid) if is_messaging(ticket) else []
            keys = [key for key, _event in rows]
            shown, more = cursor_window(q, keys, sort, size)
            parts = [dumps(rows[i][1]) for i in shown]
        after, before = cursors(keys, shown, sort)
        params = {k: v for k, v in q.multi.items() if not k.startswith("page[")}
        params["sort"] = [sort]

        def link(name: str, cursor: str | None) -> str | None:
            if cursor is None:
                return None
            query = urlencode({**params, "page[size]": [str(size)], name: [cursor]}, doseq=True)
            return f"{ZENDESK_HOST}/api/v2/tickets/{tid}/conversation_log?{query}"

        tail = {
            "meta": {"has_more": more, "after_cursor": after, "before_cursor": before},
            "links": {"next": link("page[after]", after), "prev": link("page[before]", before)},
        }
        return page_body("events", parts, tail)

    def survey_responses(self, q: Query) -> bytes:
        """Admins only. Filters: created_at start (inclusive) and end (exclusive) in epoch
        milliseconds, responder ids, subject zrns (a ticket matches as zen: or zrn:)."""
        emu, acc = self.emu, self.emu.account
        gate(emu.csat_enabled, CSAT_FORBIDDEN, CSAT_NOT_FOUND)
        if emu.role == "agent":
            raise HTTPError(403, CSAT_FORBIDDEN)
        sort = q.get("sort") or "id"
        if sort not in ("id", "-id"):
            raise invalid_value("sort must be id or -id")
        size = page_size(q)
        start = q.int("filter[created_at_start]")
        end = q.int("filter[created_at_end]")
        try:
            responders = {int(x) for x in _listed(q, "filter[responder_ids]")}
        except ValueError as exc:
            raise invalid_value("filter[responder_ids] must list integers") from exc
        zrns = _listed(q, "filter[subject_zrns]")
        tickets = {int(m.group(1)) for z in zrns if (m := _TICKET_ZRN.fullmatch(z))}
        conversations = {z.rsplit(":", 1)[-1] for z in zrns if z.startswith("zen:conversation:")}
        csat = acc.csat

        def keep(rid: str) -> bool:
            r, ms = csat.responses[rid], csat.created_ms[rid]
            if (start is not None and ms < start) or (end is not None and ms >= end):
                return False
            if responders and r["responder_id"] not in responders:
                return False
            return not zrns or r["ticket_id"] in tickets or r["conversation"] in conversations

        with acc.lock:
            ids = sorted(rid for rid in csat.responses if keep(rid))
            keys = [(rid,) for rid in ids]
            shown, more = cursor_window(q, keys, sort, size)
            parts = [dumps(csat.render(ids[i], emu.csat_shape)) for i in shown]
        after, before = cursors(keys, shown, sort)
        tail = {"meta": {"has_more": more, "after_cursor": after, "before_cursor": before}}
        return page_body("survey_responses", parts, tail)


def _listed(q: Query, key: str) -> list[str]:
    """A comma-separated filter's values (blank ones dropped)."""
    return [x.strip() for x in (q.get(key) or "").split(",") if x.strip()]
