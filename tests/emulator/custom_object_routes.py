"""The custom object endpoints, their switch, and the incremental export of their records.

`register(emulator)` serves (errors in the JSON:API style the reference shows,
``{"errors":[{"code","status","title"}]}``; agents may call all three):

- `GET /api/v2/custom_objects`: every object, no pagination.
- `GET /api/v2/custom_objects/{key}/fields`: cursor or offset, in id (= position) order;
  `include_standard_fields=true` adds `name` and `external_id` (system fields) last.
- `GET /api/v2/custom_objects/{key}/records`: the live records (no deleted ones), cursor
  only (`page[size]` at most 100), `sort` id (default), updated_at, -id or -updated_at;
  `meta`, `links` and `count`: a first load's or a fallback's way in.
- `GET /api/v2/incremental/custom_objects/{key}/cursor`: `start_time` on the first call
  (400 StartTimeTooRecent unless over 60 s old), then `cursor` only (400 InvalidCursor for
  one it did not give out); `per_page` 1-1,000 (default 1,000); `filter[exclude_deleted]`
  (default false: deleted records come with every value "[DELETED]"). Records in
  `updated_at` order, the last minute withheld; envelope `custom_object_records`,
  `after_cursor`, `after_url`, `before_cursor`, `before_url` (all null on an empty page:
  keep the previous cursor), `filter` {exclude_deleted}, `meta` {has_more}. It spends the
  incremental budget (10 a minute) and Core, as its path does; 429 in JSON:API style.

Unknown object keys answer 404 CustomObjectNotFound. It adds, changeable while it runs:

- `emulator.custom_objects_enabled` (True): False answers 403 Forbidden, 404 a 404
  FeatureNotEnabled ("Custom objects feature is not enabled").
- `emulator.custom_object_records_end_of_stream` (False): export pages also say
  `end_of_stream` (the reference's schema has none; the general export page promises it).
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tests.emulator.conversation_routes import cursor_window, cursors, gate
from tests.emulator.custom_objects import FIELDS_COLL, OBJECTS_COLL, records_coll
from tests.emulator.server_item_paging import id_page
from tests.emulator.server_paging import page_body, page_size
from tests.emulator.server_request import HTTPError, Query
from tests.emulator.zendesk import ZENDESK_HOST, dumps, visible_cutoff

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

OBJECTS_PATH = "/api/v2/custom_objects"
FIELDS_PATH = re.compile(r"/api/v2/custom_objects/([a-z0-9_]+)/fields")
RECORDS_PATH = re.compile(r"/api/v2/custom_objects/([a-z0-9_]+)/records")
EXPORT_PATH = re.compile(r"/api/v2/incremental/custom_objects/([a-z0-9_]+)/cursor")
_ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def error(status: int, code: str, title: str) -> HTTPError:
    """A JSON:API style error answer."""
    return HTTPError(status, {"errors": [{"code": code, "status": str(status), "title": title}]})


FORBIDDEN = {"errors": [{"code": "Forbidden", "status": "403", "title": "Forbidden"}]}
FEATURE_NOT_ENABLED = {
    "errors": [
        {
            "code": "FeatureNotEnabled",
            "status": "404",
            "title": "Custom objects feature is not enabled",
        }
    ]
}


def record_cursor(ts: int, rid: str) -> str:
    """An export cursor: base64 of ``"<epoch>.0||<record id>|"`` (as Zendesk's look)."""
    return base64.b64encode(f"{ts}.0||{rid}|".encode()).decode()


def parse_record_cursor(cursor: str) -> tuple[int, str]:
    """Inverse of `record_cursor`; 400 InvalidCursor for anything it did not make."""
    try:
        ts_text, empty, rid, tail = base64.b64decode(cursor, validate=True).decode().split("|")
        if empty or tail or not _ULID.fullmatch(rid):
            raise ValueError(cursor)
        return int(float(ts_text)), rid
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise error(400, "InvalidCursor", "cursor is invalid or expired") from exc


def register(emulator: Emulator) -> None:
    """Serve custom objects from `emulator`."""
    emulator.custom_objects_enabled = True
    emulator.custom_object_records_end_of_stream = False
    routes = _Routes(emulator)
    emulator._routes[OBJECTS_PATH] = routes.objects
    emulator._pattern_routes += [
        (FIELDS_PATH, routes.fields),
        (RECORDS_PATH, routes.records),
        (EXPORT_PATH, routes.export),
    ]


class _Routes:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def _object(self, match: re.Match | None = None) -> str:
        """The path's object key, after the switch; 404 CustomObjectNotFound if none."""
        gate(self.emu.custom_objects_enabled, FORBIDDEN, FEATURE_NOT_ENABLED)
        if match is None:
            return ""
        key = match.group(1)
        if key not in self.emu.account._data[OBJECTS_COLL]:
            raise error(404, "CustomObjectNotFound", f"Custom object '{key}' not found")
        return key

    def objects(self, q: Query) -> bytes:
        self._object()
        return dumps({"custom_objects": self.emu.account.records(OBJECTS_COLL)})

    def fields(self, match: re.Match, q: Query) -> bytes:
        acc = self.emu.account
        with acc.lock:
            key = self._object(match)
            fids = acc.custom_objects.fields_of[key]
            rendered = {fid: acc.record_json(FIELDS_COLL, fid) for fid in fids}
            if (q.get("include_standard_fields") or "").lower() == "true":
                rendered |= {f["id"]: dumps(f) for f in acc.custom_objects.standard_fields(key)}
            path = f"/api/v2/custom_objects/{key}/fields"
            return id_page(q, "custom_object_fields", sorted(rendered), rendered.__getitem__, path)

    def records(self, match: re.Match, q: Query) -> bytes:
        """One cursor page of an object's live records, in the `sort` asked for."""
        acc = self.emu.account
        key = self._object(match)
        sort = q.get("sort") or "id"
        if sort.lstrip("-") not in ("id", "updated_at"):
            raise error(400, "InvalidParameter", "sort must be id, updated_at, -id or -updated_at")
        size = page_size(q)
        coll, deleted = records_coll(key), acc.custom_objects.deleted
        with acc.lock:
            rows = [(ts, rid) for ts, rid in acc.sorted_keys(coll) if (key, rid) not in deleted]
            keys = sorted((rid,) for _ts, rid in rows) if sort.lstrip("-") == "id" else rows
            shown, more = cursor_window(q, keys, sort, size)
            parts = [acc.record_json(coll, keys[i][-1]) for i in shown]
        after, before = cursors(keys, shown, sort)
        params = {k: v for k, v in q.multi.items() if not k.startswith("page[")}

        def link(name: str, cursor: str | None) -> str | None:
            if cursor is None:
                return None
            p = {**params, "page[size]": [str(size)], name: [cursor]}
            return f"{ZENDESK_HOST}/api/v2/custom_objects/{key}/records?" + urlencode(p, doseq=True)

        tail = {
            "meta": {"has_more": more, "after_cursor": after, "before_cursor": before},
            "links": {"next": link("page[after]", after), "prev": link("page[before]", before)},
            "count": len(keys),
        }
        return page_body("custom_object_records", parts, tail)

    def export(self, match: re.Match, q: Query) -> bytes:
        """One page of an object's incremental record export."""
        emu, acc = self.emu, self.emu.account
        key = self._object(match)
        if ("start_time" in q) == ("cursor" in q):
            raise error(400, "InvalidParameter", "Send start_time on the first call, then cursor")
        try:
            per_page = max(1, min(1000, int(q.get("per_page") or 1000)))
        except ValueError as exc:
            raise error(400, "InvalidParameter", "per_page must be an integer") from exc
        exclude = (q.get("filter[exclude_deleted]") or "false").lower() == "true"
        deleted = acc.custom_objects.deleted
        coll = records_coll(key)
        with acc.lock:
            keys = acc.sorted_keys(coll)
            if "cursor" in q:
                pos = bisect_right(keys, parse_record_cursor(q.get("cursor") or ""))
            else:
                pos = bisect_left(keys, (_start_time(q),))
            cut = visible_cutoff()
            page: list[tuple[int, str]] = []
            while pos < len(keys) and keys[pos][0] <= cut:
                if not (exclude and (key, keys[pos][1]) in deleted):
                    if len(page) == per_page:
                        break  # one more record to come: has_more
                    page.append(keys[pos])
                pos += 1
            has_more = pos < len(keys) and keys[pos][0] <= cut and len(page) == per_page
            parts = [acc.record_json(coll, rid) for _ts, rid in page]
        path = f"/api/v2/incremental/custom_objects/{key}/cursor"
        extra = {k: v for k, v in q.multi.items() if k not in ("cursor", "start_time")}
        after = record_cursor(*page[-1]) if page else None
        before = record_cursor(*page[0]) if page else None

        def url(cursor: str | None) -> str | None:
            if cursor is None:
                return None
            return f"{ZENDESK_HOST}{path}?" + urlencode({**extra, "cursor": [cursor]}, doseq=True)

        tail: dict[str, Any] = {
            "after_cursor": after,
            "after_url": url(after),
            "before_cursor": before,
            "before_url": url(before),
            "filter": {"exclude_deleted": exclude},
            "meta": {"has_more": has_more},
        }
        if emu.custom_object_records_end_of_stream:
            tail["end_of_stream"] = not has_more
        return page_body("custom_object_records", parts, tail)


def _start_time(q: Query) -> int:
    """The first call's `start_time`: an integer over 60 seconds old."""
    try:
        start = int(q.get("start_time") or "")
    except ValueError as exc:
        raise error(400, "InvalidParameter", "start_time must be an epoch integer") from exc
    if start > int(time.time()) - 60:
        raise error(400, "StartTimeTooRecent", "start_time must be more than 60 seconds ago")
    return start
