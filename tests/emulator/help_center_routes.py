"""The Help Center (Guide) and community endpoints, their switches and their own budget.

`register(emulator)` serves, with an optional locale segment after `help_center` where
Zendesk allows one (`/api/v2/help_center/en-us/categories`):

- `GET /api/v2/help_center/categories`, `/sections` (and `/categories/{id}/sections`),
  `/articles` (every article, in id order),
  `/api/v2/community/topics`, `/posts` (and `/topics/{id}/posts`): cursor (`page[size]` at
  most 100) or offset (`page`, `per_page`) lists, in position order (posts by creation).
- `GET /api/v2/help_center/articles/{id}/comments`, `/articles/{id}/votes`,
  `/articles/{id}/comments/{cid}/votes`, and the same for `/api/v2/community/posts/{id}`:
  per-item lists, both styles, in id order (comments: oldest first); 404 for an unknown
  item or a comment of another one.
- `GET /api/v2/help_center/incremental/articles?start_time=`: every article (drafts too)
  whose `updated_at` is at or after start_time, time-based as the other time exports
  (server_exports.time_export): up to 1,000 or `per_page` a page, a page's last second
  whole (so it comes again on the next page), `end_time` and `next_page`'s start_time =
  that second (one later when the whole page is one second, so a walk cannot stall), the
  last minute withheld, 422 for a start_time under a minute old. The reference leaves the
  loop's end unconfirmed: by default pages carry no `end_of_stream`, and the walk ends on
  an empty page, whose `end_time` stays start_time.
- `GET /api/v2/help_center/locales`.

It adds, changeable while it runs:

- `emulator.help_center_enabled` / `emulator.community_enabled` (True): False answers 403
  (an account without Guide, or without the community), 404 a 404 (the reference expects
  either).
- `emulator.help_center_per_minute` (200, Core's default): the budget every Help Center and
  community request spends instead of Core (Zendesk counts them apart), reported in the
  account headers (X-Rate-Limit, ratelimit-*, rate-limit-*) and refused with 429 when spent.
- `emulator.help_center_articles_end_of_stream` (False): export pages say `end_of_stream`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.emulator.bodies import FORBIDDEN, RECORD_NOT_FOUND
from tests.emulator.conversation_routes import gate
from tests.emulator.help_center import ARTICLES, CATEGORIES, LOCALES, POSTS, SECTIONS, TOPICS
from tests.emulator.help_center_activity import COMMENTS_OF, VOTES
from tests.emulator.server_exports import time_export
from tests.emulator.server_item_paging import id_page
from tests.emulator.server_request import HTTPError, Query
from tests.emulator.zendesk import dumps, parse_iso

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

_HC = r"/api/v2/help_center(?:/[a-z]{2}(?:-[a-z]{2,4})?)?"
_CO = r"/api/v2/community"
ARTICLE_EXPORT = "/api/v2/help_center/incremental/articles"
LOCALES_PATH = "/api/v2/help_center/locales"
CATEGORIES_PATH = re.compile(_HC + r"/categories")
ARTICLES_PATH = re.compile(_HC + r"/articles")
SECTIONS_PATH = re.compile(_HC + r"(?:/categories/(\d+))?/sections")
TOPICS_PATH = re.compile(_CO + r"/topics")
POSTS_PATH = re.compile(_CO + r"(?:/topics/(\d+))?/posts")
# (item kind, pattern): comments, votes and comment votes of articles and posts
ITEM_PATHS = {
    "Article": _HC + r"/articles/(\d+)",
    "Post": _CO + r"/posts/(\d+)",
}


def is_help_center(path: str) -> bool:
    """Whether a request spends the Help Center budget (Guide or community)."""
    return path.startswith(("/api/v2/help_center/", "/api/v2/community/"))


def register(emulator: Emulator) -> None:
    """Serve the Help Center and community from `emulator`."""
    emulator.help_center_enabled = True
    emulator.community_enabled = True
    emulator.help_center_per_minute = 200
    emulator.help_center_articles_end_of_stream = False
    emulator.rates.add_bucket(
        "help_center", None, "help_center_per_minute", is_help_center, instead_of_core=True
    )
    routes = _Routes(emulator)
    emulator._routes[ARTICLE_EXPORT] = routes.articles_export
    emulator._routes[LOCALES_PATH] = routes.locales
    emulator._pattern_routes += [
        (CATEGORIES_PATH, routes.categories),
        (ARTICLES_PATH, routes.articles),
        (SECTIONS_PATH, routes.sections),
        (TOPICS_PATH, routes.topics),
        (POSTS_PATH, routes.posts),
    ]
    for kind, item in ITEM_PATHS.items():
        emulator._pattern_routes += [
            (re.compile(item + r"/comments"), routes.comments(kind)),
            (re.compile(item + r"/votes"), routes.votes(kind)),
            (re.compile(item + r"/comments/(\d+)/votes"), routes.comment_votes(kind)),
        ]


def _position(r: dict) -> tuple:
    return (r["position"], r["id"])


class _Routes:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def _gate(self, kind: str) -> None:
        on = self.emu.help_center_enabled if kind == "Article" else self.emu.community_enabled
        gate(on, FORBIDDEN, RECORD_NOT_FOUND)

    def _list(self, q: Query, key: str, coll: str, path: str, order: str, sort_key: Any,
              parent: tuple[str, int] | None = None) -> bytes:  # fmt: skip
        """A whole-collection list in both styles (one parent's records with `parent`)."""
        if parent is None:
            return self.emu.lists.page(q, key, coll, path, order, sort_key)
        field, pid = parent
        return self.emu.lists.page(
            q, key, coll, path, order, sort_key, lambda r: r[field] == pid, filter_key=parent
        )

    def categories(self, match: re.Match, q: Query) -> bytes:
        self._gate("Article")
        path = "/api/v2/help_center/categories"
        return self._list(q, "categories", CATEGORIES, path, "position,id", _position)

    def articles(self, match: re.Match, q: Query) -> bytes:
        """Every article (drafts too, for an agent), in id order."""
        self._gate("Article")
        path = "/api/v2/help_center/articles"
        return self._list(q, "articles", ARTICLES, path, "id", lambda r: (r["id"],))

    def sections(self, match: re.Match, q: Query) -> bytes:
        self._gate("Article")
        if match.group(1) is None:
            path = "/api/v2/help_center/sections"
            return self._list(q, "sections", SECTIONS, path, "position,id", _position)
        cid = self._known(CATEGORIES, match.group(1))
        path = f"/api/v2/help_center/categories/{cid}/sections"
        parent = ("category_id", cid)
        return self._list(q, "sections", SECTIONS, path, "position,id", _position, parent)

    def topics(self, match: re.Match, q: Query) -> bytes:
        self._gate("Post")
        return self._list(q, "topics", TOPICS, "/api/v2/community/topics", "position,id",
                          _position)  # fmt: skip

    def posts(self, match: re.Match, q: Query) -> bytes:
        self._gate("Post")

        def created(r: dict) -> tuple:
            return (parse_iso(r["created_at"]), r["id"])

        if match.group(1) is None:
            return self._list(q, "posts", POSTS, "/api/v2/community/posts", "created_at,id",
                              created)  # fmt: skip
        tid = self._known(TOPICS, match.group(1))
        path = f"/api/v2/community/topics/{tid}/posts"
        return self._list(q, "posts", POSTS, path, "created_at,id", created, ("topic_id", tid))

    def _known(self, coll: str, text: str) -> int:
        """The path's id of a record of `coll`; 404 when there is none."""
        rid = int(text)
        if rid not in self.emu.account._data.get(coll, {}):
            raise HTTPError(404, RECORD_NOT_FOUND)
        return rid

    def _item(self, kind: str, match: re.Match) -> tuple[int, str]:
        """The path's article (post) id, after the switch, and its path without locale."""
        self._gate(kind)
        if kind == "Article":
            aid = self._known(ARTICLES, match.group(1))
            return aid, f"/api/v2/help_center/articles/{aid}"
        pid = self._known(POSTS, match.group(1))
        return pid, f"/api/v2/community/posts/{pid}"

    def comments(self, kind: str) -> Any:
        """The comments of an article or post, oldest first."""

        def route(match: re.Match, q: Query) -> bytes:
            acc = self.emu.account
            coll = COMMENTS_OF[kind][0]
            with acc.lock:
                item, path = self._item(kind, match)
                ids = list(acc.hc_activity.comments_of.get((kind, item), []))
                render = lambda cid: acc.record_json(coll, cid)  # noqa: E731
                return id_page(q, "comments", ids, render, f"{path}/comments")

        return route

    def votes(self, kind: str) -> Any:
        """The votes on an article or post."""

        def route(match: re.Match, q: Query) -> bytes:
            acc = self.emu.account
            with acc.lock:
                item, path = self._item(kind, match)
                return self._votes(q, kind, item, f"{path}/votes")

        return route

    def comment_votes(self, kind: str) -> Any:
        """The votes on one comment of an article or post."""

        def route(match: re.Match, q: Query) -> bytes:
            acc = self.emu.account
            with acc.lock:
                item, path = self._item(kind, match)
                cid = int(match.group(2))
                if acc.hc_activity.parent_of.get(cid) != item:
                    raise HTTPError(404, RECORD_NOT_FOUND)
                vote_type = COMMENTS_OF[kind][1]
                return self._votes(q, vote_type, cid, f"{path}/comments/{cid}/votes")

        return route

    def _votes(self, q: Query, item_type: str, item: int, path: str) -> bytes:
        acc = self.emu.account
        ids = sorted(acc.hc_activity.votes_of.get((item_type, item), []))
        return id_page(q, "votes", ids, lambda vid: acc.record_json(VOTES, vid), path)

    def articles_export(self, q: Query) -> bytes:
        """The incremental article export (agents and admins)."""
        emu, acc = self.emu, self.emu.account
        self._gate("Article")
        return time_export(
            acc,
            q,
            ARTICLES,
            ARTICLE_EXPORT,
            lambda _rid: True,
            lambda rid: acc.record_json(ARTICLES, rid),
            end_of_stream=emu.help_center_articles_end_of_stream,
            key="articles",
        )

    def locales(self, q: Query) -> bytes:
        self._gate("Article")
        return dumps({"locales": list(LOCALES), "default_locale": LOCALES[0]})
