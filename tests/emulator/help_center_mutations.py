"""Changes to the Help Center, community and custom objects, as real activity makes them.

A mixin of `Account` (account.py), drawing from the random streams `build_help_center`
left (help_center_account.py). Stamps are account_mutations.py's (recent seconds, each after
the last, older than the exports' withheld minute). Each method returns the ids it made or
changed: integers, or (object key, record id) for custom object records.

Whether a new comment or vote moves the `updated_at` of what it is on is unconfirmed, so
by default it does not (only the counts change, and the article export does not return the
article again); `comments_touch_parent` and `votes_touch_item` make it move.
"""

from __future__ import annotations

from tests.emulator.custom_objects import OBJECTS, records_coll
from tests.emulator.help_center import ARTICLES
from tests.emulator.help_center_activity import COMMENTS_OF, ITEM_COLLECTIONS, VOTES
from tests.emulator.zendesk import iso


class HelpCenterMutations:
    """Change the Help Center, community and custom objects; each returns what it changed."""

    # A comment moves its article's (post's) `updated_at` (and so its second in the export).
    comments_touch_parent = False
    # A vote (added or withdrawn) moves the voted item's `updated_at`.
    votes_touch_item = False

    def _move(self, coll: str, rid: int, stamp: int) -> None:
        rec = self._data[coll][rid]
        rec["updated_at"] = iso(stamp)
        self._put(coll, rec, stamp)

    # ------------------------------------------------------------------ articles
    def edit_articles(self, n: int) -> list[int]:
        """Edit n articles (title, body, labels): `updated_at` and `edited_at` move."""
        with self.lock:
            rng = self._hcrng
            ids = rng.sample(self.help_center.articles, min(n, len(self.help_center.articles)))
            stamp = self._stamp()
            for aid in ids:
                rec = self._data[ARTICLES][aid]
                rec["title"] = f"{rec['title'].split(' (')[0]} (edited {stamp})"
                rec["body"] = f"<p>{self._text(rng, 5, 30)}</p>"
                rec["label_names"] = sorted({*rec["label_names"], "edited"})
                rec["edited_at"] = iso(stamp)
                self._move(ARTICLES, aid, stamp)
            return ids

    def _add_comments(self, kind: str, pool: list[int], n: int) -> list[int]:
        rng, activity = self._hcrng, self.hc_activity
        stamp = self._stamp()
        ids = []
        for _ in range(n if pool else 0):
            item = rng.choice(pool)
            ids.append(activity.add_comment(rng, kind, item, stamp, stamp)["id"])
            if self.comments_touch_parent:
                self._move(ITEM_COLLECTIONS[kind], item, stamp)
        return ids

    def add_article_comments(self, n: int) -> list[int]:
        """n new comments on published articles that take comments; their ids."""
        with self.lock:
            return self._add_comments("Article", self.hc_activity.commentable_articles(), n)

    def add_post_comments(self, n: int) -> list[int]:
        """n new comments on posts (each post's `comment_count` follows); their ids."""
        with self.lock:
            return self._add_comments("Post", list(self.help_center.posts), n)

    # ------------------------------------------------------------------ votes
    def _add_votes(self, item_type: str, pool: list[int], n: int) -> list[int]:
        """n votes on items of `pool`, each by a user who had not voted on it yet."""
        rng, activity = self._hcrng, self.hc_activity
        stamp = self._stamp()
        users = activity.users()
        ids: list[int] = []
        for _ in range(n * 10):  # an item everybody voted on is skipped
            if len(ids) == n or not pool:
                break
            item = rng.choice(pool)
            voters = activity.voters(item_type, item)
            if len(voters) == len(users):
                continue
            user = rng.choice([u for u in users if u not in voters])
            ids.append(activity.add_vote(rng, item_type, item, stamp, user)["id"])
            if self.votes_touch_item:
                self._move(ITEM_COLLECTIONS[item_type], item, stamp)
        return ids

    def add_article_votes(self, n: int) -> list[int]:
        """n new votes on published articles (their `vote_count`/`vote_sum` follow); ids."""
        with self.lock:
            return self._add_votes("Article", self.hc_activity.commentable_articles(), n)

    def add_post_votes(self, n: int) -> list[int]:
        """n new votes on posts; their ids."""
        with self.lock:
            return self._add_votes("Post", list(self.help_center.posts), n)

    def add_comment_votes(self, n: int) -> list[int]:
        """n new votes on comments, about half on article comments and half on post
        comments (each comment's `vote_count`/`vote_sum` follow); their ids."""
        with self.lock:
            ids = []
            for k, kind in enumerate(("Article", "Post")):
                coll, item_type = COMMENTS_OF[kind]
                ids += self._add_votes(item_type, sorted(self._data[coll]), (n + 1 - k) // 2)
            return ids

    def remove_article_votes(self, n: int) -> list[int]:
        """Withdraw n votes on articles (their counts follow); the withdrawn votes' ids."""
        with self.lock:
            pool = sorted(v for v, r in self._data[VOTES].items() if r["item_type"] == "Article")
            ids = self._hcrng.sample(pool, min(n, len(pool)))
            stamp = self._stamp() if self.votes_touch_item else 0
            for vid in ids:
                item_type, item = self.hc_activity.remove_vote(vid)
                if self.votes_touch_item:
                    self._move(ITEM_COLLECTIONS[item_type], item, stamp)
            return ids

    # ------------------------------------------------------------------ custom objects
    def _live_records(self) -> list[tuple[str, str]]:
        deleted = self.custom_objects.deleted
        return [
            (key, rid)
            for key in OBJECTS
            for rid in sorted(self._data.get(records_coll(key), {}))
            if (key, rid) not in deleted
        ]

    def add_custom_object_records(self, n: int) -> list[tuple[str, str]]:
        """n new records, of objects chosen at random; (object key, record id) of each."""
        with self.lock:
            rng = self._corng
            stamp = self._stamp()
            keys = list(OBJECTS)
            out = []
            for _ in range(n):
                key = rng.choice(keys)
                out.append((key, self.custom_objects.new_record(rng, key, stamp, stamp)["id"]))
            return out

    def update_custom_object_records(self, n: int) -> list[tuple[str, str]]:
        """New field values and name on n live records; (object key, record id) of each."""
        with self.lock:
            rng = self._corng
            pool = self._live_records()
            chosen = rng.sample(pool, min(n, len(pool)))
            stamp = self._stamp()
            for key, rid in chosen:
                user = str(rng.choice(self._agent_ids))
                self.custom_objects.update_record(rng, key, rid, stamp, user)
            return chosen

    def delete_custom_object_records(self, n: int) -> list[tuple[str, str]]:
        """Delete n live records (the export then shows them "[DELETED]"); their keys."""
        with self.lock:
            rng = self._corng
            pool = self._live_records()
            chosen = rng.sample(pool, min(n, len(pool)))
            stamp = self._stamp()
            for key, rid in chosen:
                self.custom_objects.delete_record(key, rid, stamp, str(rng.choice(self._agent_ids)))
            return chosen
