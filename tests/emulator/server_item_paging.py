"""Pages of a short per-item list (an article's comments, a post's votes, an object's fields).

These lists are read from the item's own index, already in id order, instead of filtering
and sorting a whole collection per request as server_paging.py's `Lists` does: the same two
styles, cursor (`page[size]` at most 100, `page[after]`, `page[before]`, `meta` and `links`)
when a cursor parameter is sent, else offset (`page`, `per_page` at most 100, `next_page`,
`previous_page`, `count`, and Zendesk's 400 past the first 10,000 records).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from tests.emulator.conversation_routes import cursor_window, cursors
from tests.emulator.server_paging import page_body, page_size, wants_cursor
from tests.emulator.server_request import Query, bad_request
from tests.emulator.zendesk import ZENDESK_HOST


def id_page(q: Query, key: str, ids: list[Any], render: Callable[[Any], bytes], path: str) -> bytes:
    """One page, listed as `key`, of the records `ids` (ascending) as `render` serialises
    them; `path` (no host) makes the page's links."""
    if wants_cursor(q):
        size = page_size(q)
        keys = [(rid,) for rid in ids]
        shown, more = cursor_window(q, keys, "id", size)
        after, before = cursors(keys, shown, "id")
        params = {k: v for k, v in q.multi.items() if not k.startswith("page[")}

        def link(name: str, cursor: str | None) -> str | None:
            if cursor is None:
                return None
            p = {**params, "page[size]": [str(size)], name: [cursor]}
            return f"{ZENDESK_HOST}{path}.json?" + urlencode(p, doseq=True)

        tail: dict[str, Any] = {
            "meta": {"has_more": more, "after_cursor": after, "before_cursor": before},
            "links": {"next": link("page[after]", after), "prev": link("page[before]", before)},
        }
        return page_body(key, [render(ids[i]) for i in shown], tail)
    page, per_page = q.int("page", 1), q.int("per_page", 100)
    assert page is not None and per_page is not None
    if page < 1 or per_page < 1:
        raise bad_request("page and per_page must be positive")
    per_page = min(per_page, 100)
    if page * per_page > 10_000:
        raise bad_request(
            "Offset pagination is limited to the first 10000 records. Use cursor based "
            "pagination instead.",
            "InvalidPaginationDepth",
        )
    chunk = ids[(page - 1) * per_page : page * per_page]

    def url(p: int) -> str:
        params = {k: v for k, v in q.multi.items() if k not in ("page", "per_page")}
        params.update({"page": [str(p)], "per_page": [str(per_page)]})
        return f"{ZENDESK_HOST}{path}.json?" + urlencode(params, doseq=True)

    tail = {
        "next_page": url(page + 1) if page * per_page < len(ids) else None,
        "previous_page": url(page - 1) if page > 1 else None,
        "count": len(ids),
    }
    return page_body(key, [render(rid) for rid in chunk], tail)
