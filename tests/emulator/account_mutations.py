"""Changes to the account the way real activity makes them: updates, deletions, new records.

A mixin of `Account` (account.py). New records come from the generators (account_*.py) but
draw from the mutation random stream, so the build's stream, and so the built account, stay
as they were; stamps are recent seconds, each after the last.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from tests.emulator.zendesk import DAY, iso, parse_iso


class Mutations:
    """Change an account as real activity does; each method returns the ids it changed."""

    def _stamp(self) -> int:
        stamp = max(int(time.time()) - 90, self._last_stamp + 1)
        self._last_stamp = stamp
        return stamp

    def _pick(self, ids: list[int], n: int) -> list[int]:
        ids = sorted(ids)
        return self._mrng.sample(ids, min(n, len(ids)))

    @contextlib.contextmanager
    def _mutation_stream(self) -> Iterator[None]:
        """Let the generators draw from the mutation stream while new records are made."""
        saved, self._rng = self._rng, self._mrng
        try:
            yield
        finally:
            self._rng = saved

    def update_tickets(self, n: int) -> list[int]:
        """Change status/priority/subject/custom values; adds an update with Change + Comment."""
        with self.lock:
            rng = self._mrng
            ids = self._pick(
                [t["id"] for t in self._data["tickets"].values() if t["status"] != "deleted"], n
            )
            stamp = self._stamp()
            for tid in ids:
                t = self._data["tickets"][tid]
                prev = t["status"]
                t["status"] = rng.choice([s for s in ("open", "pending", "solved") if s != prev])
                t["priority"] = rng.choice(["low", "normal", "high", "urgent"])
                t["subject"] = t["raw_subject"] = f"{t['subject'][:100]} (updated {stamp})"
                for cf in t["custom_fields"]:
                    if self.ticket_field_types[cf["id"]] in ("text", "integer"):
                        cf["value"] = (
                            f"v{stamp}"
                            if self.ticket_field_types[cf["id"]] == "text"
                            else stamp % 1000
                        )
                t["fields"] = [dict(cf) for cf in t["custom_fields"]]
                t["updated_at"] = iso(stamp)
                t["generated_timestamp"] = stamp
                parent = self._new_update(t, stamp, self.admin_id, "web")
                parent["child_events"] = [
                    self._field_child(parent, "Change", "status", t["status"], prev),
                    self._comment_child(rng, parent, self.admin_id, "web", force_att=True),
                ]
                self._store_update(parent)
                self._put("tickets", t, stamp)
                mid = self.metric_by_ticket.get(tid)
                if mid is not None:
                    m = self._data["ticket_metrics"][mid]
                    m["updated_at"] = m["status_updated_at"] = iso(stamp)
                    self._put("ticket_metrics", m, stamp)
            return ids

    def delete_tickets(self, n: int) -> list[int]:
        """Soft-delete tickets: status 'deleted', new generated_timestamp, no metric_set."""
        with self.lock:
            ids = self._pick(
                [t["id"] for t in self._data["tickets"].values() if t["status"] != "deleted"], n
            )
            stamp = self._stamp()
            for tid in ids:
                t = self._data["tickets"][tid]
                t["status"] = "deleted"
                t["updated_at"] = iso(stamp)
                t["generated_timestamp"] = stamp
                self._put("tickets", t, stamp)
                mid = self.metric_by_ticket.pop(tid, None)
                if mid is not None:
                    self._remove("ticket_metrics", mid)
            return ids

    def create_tickets(self, n: int) -> list[int]:
        """New tickets, each with a creation update (Create children + Comment)."""
        with self.lock:
            stamp = self._stamp()
            with self._mutation_stream():
                ids = []
                for _ in range(n):
                    t = self._new_ticket(stamp, stamp, stamp, 0, False)
                    if t["status"] == "deleted":  # pragma: no cover - never for new tickets
                        t["status"] = "new"
                    ids.append(t["id"])
                return ids

    def _touch_records(self, coll: str, ids: list[int], change: Any) -> list[int]:
        stamp = self._stamp()
        for rid in ids:
            rec = self._data[coll][rid]
            change(rec, stamp)
            rec["updated_at"] = iso(stamp)
            self._put(coll, rec, stamp)
        return ids

    def update_users(self, n: int) -> list[int]:
        """Change name, phone and a custom field value."""
        with self.lock:
            ids = self._pick(list(self._data["users"]), n)

            def change(u: dict, stamp: int) -> None:
                u["name"] = f"{u['name'].split(' (')[0]} (renamed {stamp})"
                u["phone"] = f"+1 555 {stamp % 10000:04d}"
                u["user_fields"]["user_text"] = f"changed {stamp} ✓"

            return self._touch_records("users", ids, change)

    def delete_users(self, n: int) -> list[int]:
        """Deleted users stay, with active false."""
        with self.lock:
            ids = self._pick(
                [
                    u["id"]
                    for u in self._data["users"].values()
                    if u["active"] and u["id"] != self.admin_id
                ],
                n,
            )

            def change(u: dict, _stamp: int) -> None:
                u["active"] = False

            return self._touch_records("users", ids, change)

    def create_users(self, n: int) -> list[int]:
        """New end-users."""
        with self.lock:
            stamp = self._stamp()
            with self._mutation_stream():
                return [self._new_user(stamp, stamp, "end-user")["id"] for _ in range(n)]

    def update_organizations(self, n: int) -> list[int]:
        """Change notes, tags and a custom field value."""
        with self.lock:
            ids = self._pick(list(self._data["organizations"]), n)

            def change(o: dict, stamp: int) -> None:
                o["notes"] = f"updated {stamp}"
                o["tags"] = [*o["tags"], f"t{stamp}"]
                o["organization_fields"]["org_integer"] = str(stamp % 1000)

            return self._touch_records("organizations", ids, change)

    def create_organizations(self, n: int) -> list[int]:
        """New organizations."""
        with self.lock:
            stamp = self._stamp()
            with self._mutation_stream():
                return [self._new_org(stamp, stamp)["id"] for _ in range(n)]

    def update_satisfaction_ratings(self, n: int) -> list[int]:
        """Offered ratings (created in the last 30 days, if there are enough) become good."""
        with self.lock:
            ratings = self._data["satisfaction_ratings"]
            lo = int(time.time()) - 30 * DAY
            offered = [r["id"] for r in ratings.values() if r["score"] == "offered"]
            recent = [i for i in offered if parse_iso(ratings[i]["created_at"]) >= lo]
            pool = recent if len(recent) >= n else offered
            ids = self._pick(pool, n)
            stamp = self._stamp()
            for rid in ids:
                r = ratings[rid]
                r["score"], r["comment"], r["updated_at"] = "good", f"Thanks! {stamp}", iso(stamp)
                self._put("satisfaction_ratings", r, stamp)
                t = self._data["tickets"].get(r["ticket_id"])
                if t is not None:
                    t["satisfaction_rating"] = self._ticket_rating(r)
                    t["generated_timestamp"] = stamp
                    self._put("tickets", t, stamp)
            return ids

    def create_audit_logs(self, n: int) -> list[int]:
        """New audit log entries."""
        with self.lock:
            stamp = self._stamp()
            with self._mutation_stream():
                return [self._new_audit_log(stamp)["id"] for _ in range(n)]

    def remove_group_membership(self) -> int:
        """Delete one group membership; returns its id."""
        with self.lock:
            mid = self._pick(list(self._data["group_memberships"]), 1)[0]
            self._remove("group_memberships", mid)
            return mid

    def remove_organization_membership(self) -> int:
        """Delete one organization membership; returns its id."""
        with self.lock:
            mid = self._pick(list(self._data["organization_memberships"]), 1)[0]
            self._remove("organization_memberships", mid)
            return mid

    def rename_group(self) -> int:
        """Rename one group (bumps updated_at); returns its id."""
        with self.lock:
            gid = self._pick(list(self._data["groups"]), 1)[0]

            def change(g: dict, stamp: int) -> None:
                g["name"] = f"{g['name'].split(' #')[0]} #{stamp}"

            self._touch_records("groups", [gid], change)
            return gid
