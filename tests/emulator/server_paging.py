"""Pagination of the list endpoints: offset (`page`, `per_page`) and cursor (`page[size]`).

Listings are sorted once per collection change and kept (a few dozen per emulator), so
walking a list sorts it once, as a database index would. Page bodies are joined from the
records' JSON, serialised once per version by the account.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from tests.emulator.server_request import Query, bad_request
from tests.emulator.zendesk import ZENDESK_HOST, dumps

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

# Sorted listings kept for paging (per collection, order, filter and collection generation).
MAX_CACHED_LISTINGS = 64


def page_body(key: str, parts: list[bytes], tail: dict[str, Any]) -> bytes:
    """`{"<key>": [records...], <tail>}` from records already serialised to JSON."""
    return b'{"%s":[' % key.encode() + b",".join(parts) + b"]," + dumps(tail)[1:]


def b64(obj: Any) -> str:
    """URL-safe base64 of a text, or of an object's compact JSON (a list cursor)."""
    raw = obj if isinstance(obj, str) else json.dumps(obj, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def unb64(text: str) -> str:
    """The text of a URL-safe base64 cursor (padding optional); 400 when it is not one."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise bad_request("Invalid cursor") from exc


def wants_cursor(q: Query) -> bool:
    """True when a list request asks for cursor pagination."""
    return any(k in q for k in ("page[size]", "page[after]", "page[before]"))


class Lists:
    """The list pages of one emulator, with its cache of sorted listings."""

    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator
        self._listings: dict[tuple, tuple[list[tuple[tuple, int]], list[list]]] = {}

    def page(
        self,
        q: Query,
        key: str,
        coll: str,
        path: str,
        order: str,
        sort_key: Callable[[dict], tuple],
        keep: Callable[[dict], bool] = lambda _r: True,
        offset: bool = True,
        unpaged_all: bool = False,
        filter_key: tuple = (),
    ) -> bytes:
        """One page of collection `coll` as the list `key` at `path`, in `order`.

        Records are those `keep` lets through (`filter_key` names the filter in the cache),
        sorted by `sort_key`. Cursor pagination (`page[size]`, `page[after]`,
        `page[before]`) when asked for; otherwise offset pagination (`page`, `per_page`),
        or every record in one answer when `offset` is off or `unpaged_all` is on.
        """
        acc = self.emu.account
        with acc.lock:
            rows, keys = self._sorted_rows(coll, order, sort_key, keep, filter_key)
            if wants_cursor(q):
                return self._cursor_page(q, key, coll, path, order, rows, keys)
            if unpaged_all or not offset:
                parts = [acc.record_json(coll, rid) for _, rid in rows]
                tail = {"next_page": None, "previous_page": None, "count": len(rows)}
                return page_body(key, parts, tail)
            chunk, tail = offset_page(q, path, len(rows))
            parts = [acc.record_json(coll, rid) for _, rid in rows[chunk]]
        return page_body(key, parts, tail)

    def _sorted_rows(
        self,
        coll: str,
        order: str,
        sort_key: Callable[[dict], tuple],
        keep: Callable[[dict], bool],
        filter_key: tuple,
    ) -> tuple[list[tuple[tuple, int]], list[list]]:
        """(sort key, id) of the kept records in order, and their keys as cursor lists.

        Cached per collection generation, so paging through a list sorts it once, as a
        database index would; any change to the collection makes a fresh listing.
        """
        acc = self.emu.account
        cache_key = (coll, order, filter_key, acc.generation.get(coll, 0))
        cached = self._listings.get(cache_key)
        if cached is None:
            rows = sorted(
                ((sort_key(r), rid) for rid, r in acc._data[coll].items() if keep(r)),
                key=lambda kr: kr[0],
            )
            cached = (rows, [list(k) for k, _ in rows])
            if len(self._listings) >= MAX_CACHED_LISTINGS:
                self._listings.clear()
            self._listings[cache_key] = cached
        return cached

    def _cursor_page(
        self,
        q: Query,
        key: str,
        coll: str,
        path: str,
        order: str,
        rows: list[tuple[tuple, int]],
        keys: list[list],
    ) -> bytes:
        size = page_size(q)

        def decode(cursor: str) -> list:
            try:
                data = json.loads(unb64(cursor))
                if data.get("o") != order:
                    raise ValueError(order)
                return list(data["v"])
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise bad_request("Invalid page[after] / page[before] cursor") from exc

        if "page[before]" in q:
            end = bisect_left(keys, decode(q.get("page[before]") or ""))
            begin = max(0, end - size)
            has_more = begin > 0
        else:
            begin = (
                bisect_right(keys, decode(q.get("page[after]") or "")) if "page[after]" in q else 0
            )
            end = min(len(rows), begin + size)
            has_more = end < len(rows)
        chunk = rows[begin:end]
        parts = [self.emu.account.record_json(coll, rid) for _, rid in chunk]
        after = b64({"o": order, "v": list(chunk[-1][0])}) if chunk else None
        before = b64({"o": order, "v": list(chunk[0][0])}) if chunk else None
        params = {k: v for k, v in q.multi.items() if not k.startswith("page[")}

        def link(name: str, cursor: str | None) -> str | None:
            if cursor is None:
                return None
            p = {**params, "page[size]": [str(size)], name: [cursor]}
            return f"{ZENDESK_HOST}{path}.json?" + urlencode(p, doseq=True)

        tail = {
            "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": before},
            "links": {"next": link("page[after]", after), "prev": link("page[before]", before)},
        }
        return page_body(key, parts, tail)


def page_size(q: Query) -> int:
    """`page[size]`: 100 when absent, 400 outside 1-100 (as Zendesk's cursor lists)."""
    text = q.get("page[size]") or "100"
    try:
        size = int(text)
    except ValueError as exc:
        raise bad_request("page[size] must be an integer") from exc
    if not 1 <= size <= 100:
        raise bad_request("page[size] must be between 1 and 100")
    return size


def offset_page(q: Query, path: str, total: int, *, depth_limit: bool = True) -> tuple[slice, dict]:
    """The records an offset request (`page`, `per_page` up to 100) asks for, of `total`,
    and the page's `next_page`, `previous_page` and `count` (links to `path`, no host).

    Zendesk refuses offsets beyond 10,000 records on its big lists (`depth_limit`).
    """
    page, per_page = q.int("page", 1), q.int("per_page", 100)
    assert page is not None and per_page is not None
    if page < 1 or per_page < 1:
        raise bad_request("page and per_page must be positive")
    per_page = min(per_page, 100)
    if depth_limit and page * per_page > 10_000:
        raise bad_request(
            "Offset pagination is limited to the first 10000 records. Use cursor based "
            "pagination instead.",
            "InvalidPaginationDepth",
        )

    def url(number: int) -> str:
        params = {k: v for k, v in q.multi.items() if k not in ("page", "per_page")}
        params.update({"page": [str(number)], "per_page": [str(per_page)]})
        return f"{ZENDESK_HOST}{path}.json?" + urlencode(params, doseq=True)

    tail = {
        "next_page": url(page + 1) if page * per_page < total else None,
        "previous_page": url(page - 1) if page > 1 else None,
        "count": total,
    }
    return slice((page - 1) * per_page, page * per_page), tail
