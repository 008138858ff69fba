"""Test-side HTTP helpers for the emulator's API: an authenticated session, GET, walkers.

A walker follows one kind of pagination to its end and returns what it read.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from tests.emulator.server import Emulator
from tests.emulator.server_auth import ACCESS_TOKEN, API_TOKEN, EMAIL

V2 = "/api/v2"
# The Help Center's incremental article export (below V2).
ARTICLE_EXPORT = "/help_center/incremental/articles"


def session(auth: str = "token") -> requests.Session:
    s = requests.Session()
    if auth == "token":
        s.auth = (f"{EMAIL}/token", API_TOKEN)
    elif auth == "bearer":
        s.headers["Authorization"] = f"Bearer {ACCESS_TOKEN}"
    return s


def get(http: requests.Session, emu: Emulator, path: str, **params) -> requests.Response:
    return http.get(emu.base_url + V2 + path, params=params, timeout=30)


# ---------------------------------------------------------------- walkers
def walk_cursor_list(http, emu, path, key, size=100, **params):
    items, after, pages = [], None, 0
    while True:
        q = {"page[size]": size, **params}
        if after:
            q["page[after]"] = after
        body = get(http, emu, path, **q).json()
        pages += 1
        items += body[key]
        assert body["links"]["next"] is not None or not body[key]
        if not body["meta"]["has_more"]:
            return items, pages
        after = body["meta"]["after_cursor"]


def walk_cursor_export(http, emu, path, key, start=0, **params):
    items, pages = [], 0
    body = get(http, emu, path, start_time=start, **params).json()
    while True:
        pages += 1
        items += body[key]
        if body["end_of_stream"]:
            return items, pages, body
        body = get(http, emu, path, cursor=body["after_cursor"], **params).json()


def walk_time_export(http, emu, path, key, start=0, **params):
    items, pages, start_time = [], 0, start
    while True:
        body = get(http, emu, path, start_time=start_time, **params).json()
        pages += 1
        items += body[key]
        if body["end_of_stream"]:
            return items, pages
        assert body["end_time"] >= start_time
        start_time = body["end_time"]


def walk_offset(http, emu, path, key, per_page=100, **params):
    """Every page of an offset list by `next_page`; the records and the page count."""
    items, page = [], 1
    while True:
        body = get(http, emu, path, page=page, per_page=per_page, **params).json()
        items += body[key]
        assert body["count"] >= len(items)
        if body["next_page"] is None:
            return items, page
        assert parse_qs(urlsplit(body["next_page"]).query)["page"] == [str(page + 1)]
        page += 1


def walk_article_export(http, emu, start=0, **params):
    """Export pages from `start` until an empty one; the articles by id, and the pages."""
    seen, pages, start_time = {}, [], start
    while True:
        body = get(http, emu, ARTICLE_EXPORT, start_time=start_time, **params).json()
        pages.append(body)
        if not body["articles"]:
            assert body["end_time"] == start_time, "an empty page does not advance"
            return seen, pages
        seen.update((a["id"], a) for a in body["articles"])
        assert body["end_time"] >= start_time
        start_time = body["end_time"]
