"""Whether a 200 is a well-formed page of its collection.

A full-table read counts as complete, and may retire rows with ACTIVATE_VERSION, only when
every page was one: a body without the collection key, or whose pagination contradicts itself,
is a failed page (retried like a transient error), never an empty one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit


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
