"""The account's Help Center, community and custom objects: build and truth.

A mixin of `Account` (account.py). `build_help_center` runs after every other collection is
built and draws from random streams of its own, so the collections built before keep every
record they had. Its mutations are help_center_mutations.py's.
"""

from __future__ import annotations

from typing import Any

from tests.emulator.account_build import FastRandom
from tests.emulator.custom_objects import OBJECTS_COLL, CustomObjects, records_coll
from tests.emulator.help_center import (
    ARTICLES,
    CATEGORIES,
    POSTS,
    SECTIONS,
    TOPICS,
    HelpCenter,
)
from tests.emulator.help_center_activity import (
    ARTICLE_COMMENTS,
    POST_COMMENTS,
    VOTES,
    Activity,
)
from tests.emulator.zendesk import parse_iso, visible_cutoff

# The tap's streams these feed (the keys of `help_center_truth`, besides DELETED_RECORDS).
HELP_CENTER_STREAMS = (
    "help_center_categories",
    "help_center_sections",
    "help_center_articles",
    "help_center_article_comments",
    "help_center_article_votes",
    "help_center_article_comment_votes",
    "community_topics",
    "community_posts",
    "community_post_comments",
    "community_post_votes",
    "community_post_comment_votes",
    "custom_objects",
    "custom_object_fields",
    "custom_object_records",
)
# The truth's extra key: which of the exported custom object records are deletions.
DELETED_RECORDS = "custom_object_records_deleted"


class HelpCenterAccount:
    """Guide and community content with its comments and votes, and custom objects."""

    def build_help_center(self) -> None:
        """Build all three, after everything else, from random streams of their own."""
        seed = self.seed
        self.help_center = HelpCenter(self)
        self.help_center.build(FastRandom(seed * 6_700_417 + 13))
        self.hc_activity = Activity(self, self.help_center)
        self.hc_activity.build(FastRandom(seed * 7_368_787 + 19))
        self.custom_objects = CustomObjects(self)
        self.custom_objects.build(FastRandom(seed * 8_960_453 + 29))
        self._hcrng = FastRandom(seed * 9_576_890 + 37)  # Help Center and community mutations
        self._corng = FastRandom(seed * 10_570_841 + 41)  # custom object record mutations

    # ------------------------------------------------------------------ reading
    def custom_object_record_ids(self, key: str, include_deleted: bool = True) -> list[str]:
        """One object's record ids (with or without the deleted ones), sorted."""
        with self.lock:
            return sorted(
                rid
                for rid in self._data.get(records_coll(key), {})
                if include_deleted or (key, rid) not in self.custom_objects.deleted
            )

    def help_center_truth(self, start_time: int) -> dict[str, dict[Any, Any]]:
        """What a correct sync from `start_time` emits for the streams HELP_CENTER_STREAMS.

        Lists without a changed-since filter are read in full, so their streams hold every
        record: categories, sections, topics, posts and custom objects map id (key) ->
        `updated_at` epoch; comments map id -> their article's (post's) id; votes on an
        article or post map id -> its id; votes on a comment map id -> (article or post
        id, comment id); custom object fields (not the standard ones) id -> object key.
        Exports: "help_center_articles" holds id -> `updated_at` epoch of the articles
        changed in [start_time, the export's visible cut-off] (drafts included);
        "custom_object_records" (object key, record id) -> `updated_at` epoch likewise,
        deletions included, and DELETED_RECORDS lists which of those are deletions
        ((key, id) -> deletion epoch).
        """
        cut = visible_cutoff()
        with self.lock:
            d, activity = self._data, self.hc_activity
            out: dict[str, dict[Any, Any]] = {}
            for stream, coll in (
                ("help_center_categories", CATEGORIES),
                ("help_center_sections", SECTIONS),
                ("community_topics", TOPICS),
                ("community_posts", POSTS),
            ):
                out[stream] = {rid: parse_iso(r["updated_at"]) for rid, r in d[coll].items()}
            out["help_center_articles"] = {
                aid: ts for aid, ts in self._ts[ARTICLES].items() if start_time <= ts <= cut
            }
            for stream, coll in (
                ("help_center_article_comments", ARTICLE_COMMENTS),
                ("community_post_comments", POST_COMMENTS),
            ):
                out[stream] = {cid: activity.parent_of[cid] for cid in d.get(coll, {})}
            votes: dict[str, dict[int, Any]] = {
                "Article": {},
                "Comment": {},
                "Post": {},
                "PostComment": {},
            }
            for vid, vote in d.get(VOTES, {}).items():
                item = vote["item_id"]
                if vote["item_type"] in ("Comment", "PostComment"):
                    item = (activity.parent_of[item], item)
                votes[vote["item_type"]][vid] = item
            out["help_center_article_votes"] = votes["Article"]
            out["help_center_article_comment_votes"] = votes["Comment"]
            out["community_post_votes"] = votes["Post"]
            out["community_post_comment_votes"] = votes["PostComment"]
            out["custom_objects"] = {
                key: parse_iso(o["updated_at"]) for key, o in d[OBJECTS_COLL].items()
            }
            out["custom_object_fields"] = {
                fid: key for key, fids in self.custom_objects.fields_of.items() for fid in fids
            }
            records: dict[tuple[str, str], int] = {}
            for key in d[OBJECTS_COLL]:
                records.update(
                    ((key, rid), ts)
                    for rid, ts in self._ts.get(records_coll(key), {}).items()
                    if start_time <= ts <= cut
                )
            out["custom_object_records"] = records
            out[DELETED_RECORDS] = {
                k: ts for k, ts in self.custom_objects.deleted.items() if k in records
            }
        assert set(out) == {*HELP_CENTER_STREAMS, DELETED_RECORDS}
        return out

    def custom_object_field_ids(self, key: str) -> list[int]:
        """One object's (non-standard) field ids, by position."""
        with self.lock:
            return list(self.custom_objects.fields_of[key])
