"""The account's Help Center (Guide) and community: categories, sections, articles, topics, posts.

Built from the account's own users: agents write the articles, any user writes posts. Each
kind lives in the account's store as a collection of its own (the names below), sorted by
its `updated_at`, so the incremental article export pages articles like Zendesk's other
time exports. Comments and votes, and the counts they keep on their items, are
help_center_activity.py's.

Some articles are drafts (they have no comments or votes, as nobody can see them); some
articles share an `updated_at` second (a bulk edit), which the export's page boundaries
must cope with. Ids are above 2^32, as Help Center ids are.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from tests.emulator.zendesk import API, DAY, ZENDESK_HOST, iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

CATEGORIES = "hc_categories"
SECTIONS = "hc_sections"
ARTICLES = "hc_articles"
TOPICS = "community_topics"
POSTS = "community_posts"
HC = f"{API}/help_center"
COMMUNITY = f"{API}/community"
LOCALES = ("en-us", "fr", "de")
POST_STATUSES = ("none", "none", "planned", "not_planned", "completed", "answered")
_CATEGORY_NAMES = ("Getting started", "Billing & payments", "Troubleshooting", "Ünïcorn API 🦄")
_TOPIC_NAMES = ("Feature requests", "Tips & tricks", "Announcements", "Q&A", "Off-topic 🎉")
_LABELS = ("faq", "billing", "api", "howto", "beta", "ümlaut")
_PERMISSION_GROUP_ID = 360_000_900_001
_USER_SEGMENT_IDS = (360_000_910_001, 360_000_910_002)


def slug(text: str) -> str:
    """The part of an `html_url` after the id: the title, lower case, words joined by '-'."""
    return "-".join("".join(c for c in word if c.isalnum()) for word in text.lower().split())


class HelpCenter:
    """The Guide and community content of one account, and the ids of each kind."""

    def __init__(self, account: Account) -> None:
        self.acc = account
        self.categories: list[int] = []
        self.sections: list[int] = []
        self.articles: list[int] = []
        self.topics: list[int] = []
        self.posts: list[int] = []

    def _id(self, kind: str, base: int) -> int:
        return self.acc._next_id(f"hc_{kind}", base)

    def _times(self, rng: random.Random, lo: int) -> tuple[int, int]:
        t1 = self.acc._t1
        created = rng.randint(lo, t1 - DAY)
        return created, rng.randint(created, t1)

    def build(self, rng: random.Random) -> None:
        """Categories, sections and articles; topics and posts. Counts follow the scale."""
        acc = self.acc
        t0 = acc._t0 - 200 * DAY
        for position, name in enumerate(_CATEGORY_NAMES):
            self._category(rng, name, position, *self._times(rng, t0))
        for position in range(max(len(self.categories), acc._n(10))):
            created, updated = self._times(rng, t0)
            self._section(rng, position, created, updated)
        # a bulk edit: about a fifth of the articles share one of three seconds
        bulk = sorted(rng.randint(acc._t0, acc._t1) for _ in range(3))
        for position in range(acc._n(60)):
            created, updated = self._times(rng, acc._t0)
            if rng.random() < 0.2 and bulk[-1] > created:
                updated = rng.choice([b for b in bulk if b > created])
            self.new_article(rng, position, created, updated)
        for position, name in enumerate(_TOPIC_NAMES):
            self._topic(rng, name, position, *self._times(rng, t0))
        for _ in range(acc._n(40)):
            self.new_post(rng, *self._times(rng, acc._t0))

    def _category(self, rng: random.Random, name: str, position: int, *ts: int) -> None:
        cid = self._id("category", 360_000_001_000)
        rec = self._content(rng, cid, "categories", name, ts[0], ts[1])
        rec.update({"position": position, "description": rng.choice(["", self.acc._text(rng)])})
        self.acc._put(CATEGORIES, rec, ts[1])
        self.categories.append(cid)

    def _section(self, rng: random.Random, position: int, created: int, updated: int) -> None:
        sid = self._id("section", 360_000_002_000)
        name = self.acc._text(rng, 1, 4).capitalize()
        rec = self._content(rng, sid, "sections", name, created, updated)
        parent = rng.choice([None, None, None, *self.sections[:3]])
        rec.update(
            {
                "description": rng.choice(["", self.acc._text(rng)]),
                "position": position,
                # the first sections go one to each category, so every category has one
                "category_id": self.categories[position % len(self.categories)]
                if position < len(self.categories)
                else rng.choice(self.categories),
                "parent_section_id": parent,
                "sorting": rng.choice(["manual", "created_at", "title"]),
                "theme_template": "section_page",
            }
        )
        self.acc._put(SECTIONS, rec, updated)
        self.sections.append(sid)

    def _content(
        self, rng: random.Random, rid: int, kind: str, name: str, created: int, updated: int
    ) -> dict[str, Any]:
        """What categories and sections share (articles too, but `title` for `name`)."""
        locale = "en-us" if rng.random() < 0.85 else rng.choice(LOCALES)
        return {
            "id": rid,
            "url": f"{HC}/{locale}/{kind}/{rid}.json",
            "html_url": f"{ZENDESK_HOST}/hc/{locale}/{kind}/{rid}-{slug(name)}",
            "name": name,
            "locale": locale,
            "source_locale": "en-us",
            "outdated": rng.random() < 0.05,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }

    def new_article(self, rng: random.Random, position: int, created: int, updated: int) -> dict:
        """An article by an agent in a random section; its votes are counted by `recount`."""
        acc = self.acc
        aid = self._id("article", 360_000_100_000)
        title = acc._text(rng, 2, 8).capitalize()
        rec = self._content(rng, aid, "articles", title, created, updated)
        del rec["name"]
        segment = rng.choice([None, None, *_USER_SEGMENT_IDS])
        rec.update(
            {
                "title": title,
                "body": f"<p>{acc._text(rng, 10, 60)}</p><ul><li>{acc._text(rng)}</li></ul>",
                "author_id": rng.choice(acc._agent_ids),
                "section_id": rng.choice(self.sections),
                "permission_group_id": _PERMISSION_GROUP_ID,
                "user_segment_id": segment,
                "user_segment_ids": [] if segment is None else [segment],
                "draft": rng.random() < 0.1,
                "promoted": rng.random() < 0.05,
                "position": position,
                "comments_disabled": rng.random() < 0.1,
                "label_names": rng.sample(_LABELS, rng.randint(0, 3)),
                "content_tag_ids": [],
                "outdated_locales": [],
                "vote_count": 0,
                "vote_sum": 0,
                "edited_at": iso(updated),
            }
        )
        acc._put(ARTICLES, rec, updated)
        self.articles.append(aid)
        return rec

    def _topic(self, rng: random.Random, name: str, position: int, *ts: int) -> None:
        tid = self._id("topic", 360_003_000_000)
        rec = {
            "id": tid,
            "url": f"{COMMUNITY}/topics/{tid}.json",
            "html_url": f"{ZENDESK_HOST}/hc/en-us/community/topics/{tid}-{slug(name)}",
            "name": name,
            "description": rng.choice([None, self.acc._text(rng)]),
            "position": position,
            "follower_count": rng.randint(0, 300),
            "manageable_by": rng.choice(["managers", "managers", "agents"]),
            "user_segment_id": rng.choice([None, *_USER_SEGMENT_IDS]),
            "created_at": iso(ts[0]),
            "updated_at": iso(ts[1]),
        }
        self.acc._put(TOPICS, rec, ts[1])
        self.topics.append(tid)

    def new_post(self, rng: random.Random, created: int, updated: int) -> dict:
        """A post by any user in a random topic; its counts are kept by the activity."""
        acc = self.acc
        pid = self._id("post", 360_003_100_000)
        title = acc._text(rng, 2, 10).capitalize() + rng.choice(["?", "", "!"])
        edited = rng.random() < 0.2
        rec = {
            "id": pid,
            "url": f"{COMMUNITY}/posts/{pid}.json",
            "html_url": f"{ZENDESK_HOST}/hc/en-us/community/posts/{pid}-{slug(title)}",
            "title": title,
            "details": f"<p>{acc._text(rng, 5, 40)}</p>",
            "author_id": rng.choice(sorted(acc._data["users"])),
            "topic_id": rng.choice(self.topics),
            "status": rng.choice(POST_STATUSES),
            "featured": rng.random() < 0.05,
            "pinned": rng.random() < 0.05,
            "closed": rng.random() < 0.1,
            "comment_count": 0,
            "follower_count": rng.randint(0, 40),
            "vote_count": 0,
            "vote_sum": 0,
            "content_tag_ids": [],
            "non_author_editor_id": rng.choice(acc._agent_ids) if edited else None,
            "non_author_updated_at": iso(updated) if edited else None,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        acc._put(POSTS, rec, updated)
        self.posts.append(pid)
        return rec
