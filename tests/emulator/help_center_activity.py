"""Comments and votes on Help Center articles and community posts, and the counts they keep.

Articles and posts take comments; articles, posts and both kinds of comments take votes of
+1 or -1, at most one per user and item. Each item's `vote_count` and `vote_sum` (and a
post's `comment_count`) always equal what its lists hold: a change re-serialises the item
but keeps its sort second, so the incremental article export does not return an article
because it was voted on (whether Zendesk moves `updated_at` then is unconfirmed; the
mutations can make it).

Comments of one item are listed oldest first, which is also their id order (ids come from
one counter and comments are made in time order), so a per-item list pages by id.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from tests.emulator.help_center import ARTICLES, COMMUNITY, HC, POSTS, HelpCenter
from tests.emulator.zendesk import ZENDESK_HOST, iso, parse_iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

ARTICLE_COMMENTS = "hc_article_comments"
POST_COMMENTS = "community_post_comments"
VOTES = "hc_votes"
# A vote's `item_type` -> the collection of the items of that type.
ITEM_COLLECTIONS = {
    "Article": ARTICLES,
    "Comment": ARTICLE_COMMENTS,
    "Post": POSTS,
    "PostComment": POST_COMMENTS,
}
# The comments of an item type: their collection and the type of the votes on them.
COMMENTS_OF = {"Article": (ARTICLE_COMMENTS, "Comment"), "Post": (POST_COMMENTS, "PostComment")}


class Activity:
    """The comments and votes of one account's Help Center and community."""

    def __init__(self, account: Account, hc: HelpCenter) -> None:
        self.acc, self.hc = account, hc
        self.comments_of: dict[tuple[str, int], list[int]] = {}  # ("Article"|"Post", id)
        self.parent_of: dict[int, int] = {}  # comment id -> article or post id
        self.votes_of: dict[tuple[str, int], list[int]] = {}  # (item_type, item id)
        self._users: list[int] = []

    def users(self) -> list[int]:
        """The account's user ids, sorted (kept until users are added)."""
        if len(self._users) != len(self.acc._data["users"]):
            self._users = sorted(self.acc._data["users"])
        return self._users

    def commentable_articles(self) -> list[int]:
        """Articles readers can comment on and vote for: published, comments enabled."""
        data = self.acc._data[ARTICLES]
        return [
            a for a in self.hc.articles if not data[a]["draft"] and not data[a]["comments_disabled"]
        ]

    def build(self, rng: random.Random) -> None:
        """Comments and votes on published articles and on posts; two of each kind of
        item have over 100 comments, so their comment lists take several pages."""
        articles = self.commentable_articles()
        for kind, items in (("Article", articles), ("Post", list(self.hc.posts))):
            big = set(rng.sample(items, min(2, len(items))))
            for item in items:
                if item in big:
                    n = rng.randint(101, 150)
                else:
                    n = 0 if rng.random() < 0.4 else rng.randint(1, 8)
                self._build_item(rng, kind, item, n)

    def _build_item(self, rng: random.Random, kind: str, item: int, n: int) -> None:
        coll = ITEM_COLLECTIONS[kind]
        lo = parse_iso(self.acc._data[coll][item]["created_at"])
        hi = max(lo, self.acc._t1)
        for created in sorted(rng.randint(lo, hi) for _ in range(n)):
            self.add_comment(rng, kind, item, created, rng.randint(created, hi))
        users = self.users()
        for user in rng.sample(users, min(len(users), rng.randint(0, 15))):
            self.add_vote(rng, kind, item, rng.randint(lo, hi), user)
        comment_type = COMMENTS_OF[kind][1]
        for cid in self.comments_of.get((kind, item), []):
            if rng.random() < 0.3:
                c_lo = parse_iso(self.acc._data[COMMENTS_OF[kind][0]][cid]["created_at"])
                for user in rng.sample(users, rng.randint(1, 3)):
                    self.add_vote(rng, comment_type, cid, rng.randint(c_lo, hi), user)

    def add_comment(
        self, rng: random.Random, kind: str, item: int, created: int, updated: int
    ) -> dict:
        """A comment on an article or a post ("Article"/"Post"); a post counts it."""
        acc = self.acc
        coll = COMMENTS_OF[kind][0]
        cid = acc._next_id("hc_comment", 360_001_000_000)
        edited = updated > created and rng.random() < 0.3
        rec = {
            "id": cid,
            "body": f"<p>{acc._text(rng, 3, 30)}</p>",
            "author_id": rng.choice(self.users()),
            "vote_count": 0,
            "vote_sum": 0,
            "non_author_editor_id": rng.choice(acc._agent_ids) if edited else None,
            "non_author_updated_at": iso(updated) if edited else None,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        if kind == "Article":
            rec["url"] = f"{HC}/articles/{item}/comments/{cid}.json"
            rec["html_url"] = f"{ZENDESK_HOST}/hc/en-us/articles/{item}/comments/{cid}"
            rec |= {"source_id": item, "source_type": "Article", "locale": "en-us"}
        else:
            rec["url"] = f"{COMMUNITY}/posts/{item}/comments/{cid}.json"
            rec["html_url"] = f"{ZENDESK_HOST}/hc/en-us/community/posts/{item}/comments/{cid}"
            rec |= {"post_id": item, "official": rng.random() < 0.05}
        acc._put(coll, rec, updated)
        self.comments_of.setdefault((kind, item), []).append(cid)
        self.parent_of[cid] = item
        if kind == "Post":
            post = acc._data[POSTS][item]
            post["comment_count"] = len(self.comments_of[(kind, item)])
            acc._touch(POSTS, item)
        return rec

    def voters(self, item_type: str, item: int) -> set[int]:
        """The users who voted on an item."""
        votes = self.acc._data.get(VOTES, {})
        return {votes[v]["user_id"] for v in self.votes_of.get((item_type, item), [])}

    def add_vote(
        self, rng: random.Random, item_type: str, item: int, created: int, user: int
    ) -> dict:
        """`user`'s vote on an item (+1 about three times in four); the item counts it."""
        acc = self.acc
        vid = acc._next_id("hc_vote", 360_002_000_000)
        rec = {
            "id": vid,
            "url": f"{HC}/votes/{vid}.json",
            "user_id": user,
            "value": 1 if rng.random() < 0.75 else -1,
            "item_id": item,
            "item_type": item_type,
            "created_at": iso(created),
            "updated_at": iso(created),
        }
        acc._put(VOTES, rec, created)
        self.votes_of.setdefault((item_type, item), []).append(vid)
        self.recount(item_type, item)
        return rec

    def remove_vote(self, vid: int) -> tuple[str, int]:
        """Withdraw a vote; its item counts again. Returns (item_type, item id)."""
        vote = self.acc._data[VOTES][vid]
        key = (vote["item_type"], vote["item_id"])
        self.votes_of[key].remove(vid)
        self.acc._remove(VOTES, vid)
        self.recount(*key)
        return key

    def recount(self, item_type: str, item: int) -> None:
        """Set an item's `vote_count` and `vote_sum` from its votes (its second unchanged)."""
        acc = self.acc
        values = [acc._data[VOTES][v]["value"] for v in self.votes_of.get((item_type, item), [])]
        rec = acc._data[ITEM_COLLECTIONS[item_type]][item]
        rec["vote_count"], rec["vote_sum"] = len(values), sum(values)
        acc._touch(ITEM_COLLECTIONS[item_type], item)
