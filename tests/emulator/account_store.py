"""Where an account keeps its records, and how the server reads them.

Records live per collection and id, each with its sort epoch; sorted (epoch, id) indexes and
each record's JSON are cached until it changes, and `generation` counts the changes of a
collection so the server can cache its sorted listings too.

All access goes through `lock` (an RLock); the server holds it while it reads.
"""

from __future__ import annotations

import threading
from typing import Any

from tests.emulator.zendesk import dumps, reduce_child


class Store:
    """The records of one account, by collection and id."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._data: dict[str, dict[int, dict]] = {}
        self._ts: dict[str, dict[int, int]] = {}  # collection -> id -> sort epoch
        self._json: dict[tuple[str, str], dict[int, bytes]] = {}
        self._index: dict[str, list[tuple[int, int]] | None] = {}
        # Bumped on every change to a collection: lets the server cache sorted listings.
        self.generation: dict[str, int] = {}

    # A pickled account (without its lock) copies in a quarter of the time a build takes.
    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()

    # ------------------------------------------------------------------ writing
    def _put(self, coll: str, rec: dict, ts: int, key: Any = None) -> None:
        """Store a record under its id (or `key`, for records without one: tags)."""
        key = rec["id"] if key is None else key
        self._data.setdefault(coll, {})[key] = rec
        self._ts.setdefault(coll, {})[key] = ts
        self._touch(coll, key)

    def _touch(self, coll: str, rid: int) -> None:
        for (c, _variant), cache in self._json.items():
            if c == coll:
                cache.pop(rid, None)
        self._index[coll] = None
        self.generation[coll] = self.generation.get(coll, 0) + 1

    def _remove(self, coll: str, rid: int) -> None:
        self._data[coll].pop(rid)
        self._ts[coll].pop(rid)
        self._touch(coll, rid)

    # ------------------------------------------------------------------ server access
    def sorted_keys(self, coll: str) -> list[tuple[int, int]]:
        """(sort epoch, id) of every record, ascending. Cached until the next change."""
        with self.lock:
            idx = self._index.get(coll)
            if idx is None:
                idx = sorted((ts, rid) for rid, ts in self._ts.get(coll, {}).items())
                self._index[coll] = idx
            return idx

    def record_json(self, coll: str, rid: int, variant: str = "") -> bytes:
        """The record serialised once per version (variant 'reduced' = ticket events without
        comment_events)."""
        with self.lock:
            cache = self._json.setdefault((coll, variant), {})
            data = cache.get(rid)
            if data is None:
                rec = self._data[coll][rid]
                if variant == "reduced":
                    rec = dict(rec)
                    rec["child_events"] = [reduce_child(c) for c in rec["child_events"]]
                data = dumps(rec)
                cache[rid] = data
            return data

    def warm(self) -> None:
        """Serialise every record now, so that even the first export pages are fast."""
        for coll in list(self._data):
            for rid in list(self._data[coll]):
                with self.lock:
                    if rid in self._data[coll]:
                        self.record_json(coll, rid)
                        if coll == "ticket_events":
                            self.record_json(coll, rid, "reduced")

    def get(self, coll: str, rid: int) -> dict:
        """One raw record (live object: do not modify)."""
        return self._data[coll][rid]

    def ts(self, coll: str, rid: int) -> int:
        """The record's sort epoch (generated_timestamp, updated_at, timestamp, created_at)."""
        return self._ts[coll][rid]

    def records(self, collection: str) -> list[dict]:
        """Raw objects of a collection (live: do not modify).

        Collections: users, organizations, groups, tickets, ticket_events (parent updates),
        ticket_metrics (metric sets), satisfaction_ratings, activities, audit_logs,
        ticket_forms, ticket_fields, user_fields, organization_fields,
        organization_memberships, group_memberships, ticket_skips, side_conversations,
        side_conversation_events; derived: ticket_comments (Comment children) and
        attachments; hc_categories, hc_sections, hc_articles, hc_article_comments,
        hc_votes, community_topics, community_posts, community_post_comments,
        custom_objects, custom_object_fields and one "custom_object_records:<key>" per
        object. (Conversation logs and survey responses: conversation_account.py.)
        """
        with self.lock:
            if collection == "ticket_comments":
                return [
                    c
                    for p in self._data["ticket_events"].values()
                    for c in p["child_events"]
                    if c["event_type"] == "Comment"
                ]
            if collection == "attachments":
                return [a for c in self.records("ticket_comments") for a in c["attachments"]]
            return list(self._data[collection].values())
