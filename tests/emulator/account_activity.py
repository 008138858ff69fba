"""What happens around the account's tickets: satisfaction ratings, skips, activities, audit logs.

A mixin of `Account` (account.py), built after the tickets and users it points at.
"""

from __future__ import annotations

from tests.emulator.account_build import Generator
from tests.emulator.zendesk import API, DAY, iso, parse_iso


class ActivityGenerator(Generator):
    """Builds ratings, skips, activities and audit logs; makes new audit logs."""

    def _build_ratings(self) -> None:
        rng = self._rng
        tickets = [t for t in self._data["tickets"].values() if t["status"] in ("solved", "closed")]
        recent_lo = self.now - 29 * DAY
        for t in tickets:
            if rng.random() > 0.5:
                continue
            rid = self._next_id("rating", 80_000_000, 37, 9_800_000_000)
            t_upd = parse_iso(t["updated_at"])
            created = self._time(t_upd, min(self._t1, t_upd + 7 * DAY))
            if rng.random() < 0.15:
                created = self._time(recent_lo, self._t1)
            score = rng.choice(["offered", "offered", "good", "good", "good", "bad", "unoffered"])
            updated = (
                created if score in ("offered", "unoffered") else self._time(created, self._t1)
            )
            rec = self._rating(rid, t, score, created, updated)
            self._put("satisfaction_ratings", rec, updated)
            t["satisfaction_rating"] = self._ticket_rating(rec)
            self._touch("tickets", t["id"])

    def _rating(self, rid: int, t: dict, score: str, created: int, updated: int) -> dict:
        rng = self._rng
        return {
            "id": rid,
            "url": f"{API}/satisfaction_ratings/{rid}.json",
            "assignee_id": t["assignee_id"],
            "group_id": t["group_id"],
            "requester_id": t["requester_id"],
            "ticket_id": t["id"],
            "score": score,
            "comment": rng.choice([None, "Great help! 🙏", "Slow."])
            if score in ("good", "bad")
            else None,
            "reason": "No reason provided"
            if score != "bad"
            else rng.choice(["Issue is not resolved", "Other"]),
            "reason_id": 0 if score != "bad" else rng.choice([5, 100]),
            "created_at": iso(created),
            "updated_at": iso(updated),
        }

    @staticmethod
    def _ticket_rating(r: dict) -> dict:
        if r["score"] in ("offered", "unoffered"):
            return {"score": r["score"]}
        return {"id": r["id"], "score": r["score"], "comment": r["comment"], "reason": r["reason"]}

    def _build_skips(self) -> None:
        rng = self._rng
        for _ in range(self._n(100)):
            sid = self._next_id("skip", 38_000_000, 41, 9_900_000_000)
            t = self._data["tickets"][rng.choice(self._ticket_ids)]
            created = self._time(parse_iso(t["created_at"]), self._t1)
            snapshot = {k: v for k, v in t.items() if k not in ("generated_timestamp",)}
            rec = {
                "id": sid,
                "ticket_id": t["id"],
                "user_id": rng.choice(self._agent_ids),
                "reason": rng.choice(["", "Not my area", "Customer is rude 😤", None]),
                "created_at": iso(created),
                "updated_at": iso(created),
                "ticket": snapshot,
            }
            self._put("ticket_skips", rec, created)

    def _build_activities(self) -> None:
        rng = self._rng
        lo = self.now - 30 * DAY + 3600
        users = self._data["users"]
        admin = users[self.admin_id]
        for _ in range(self._n(150)):
            aid = self._next_id("activity", 39_000_000, 43, 9_910_000_000)
            created = self._time(lo, self._t1)
            actor_id = rng.choice([-1, *self._agent_ids[:10]])
            t = self._data["tickets"][rng.choice(self._ticket_ids)]
            verb = rng.choice(
                ["tickets.assignment", "tickets.comment", "tickets.priority_increase"]
            )
            target = {"ticket": {"id": t["id"], "subject": t["subject"]}}
            obj = (
                {"comment": {"value": self._text(rng), "public": True}}
                if verb == "tickets.comment"
                else target
            )
            actor = users.get(actor_id)
            rec = {
                "id": aid,
                "url": f"{API}/activities/{aid}.json",
                "verb": verb,
                "title": f"{actor['name'] if actor else 'Zendesk'}: {verb.split('.')[1]} ✨",
                "user_id": self.admin_id,
                "actor_id": actor_id,
                "user": {"id": admin["id"], "name": admin["name"], "url": admin["url"]},
                "actor": (
                    {"id": actor["id"], "name": actor["name"], "url": actor["url"]}
                    if actor
                    else {"id": -1, "name": "Zendesk"}
                ),
                "object": obj,
                "target": target,
                "created_at": iso(created),
                "updated_at": iso(created),
            }
            self._put("activities", rec, created)

    def _new_audit_log(self, created: int) -> dict:
        rng = self._rng
        lid = self._next_id("audit", 40_000_000, 47, 9_920_000_000)
        source_type, label = rng.choice(
            [("user", "User"), ("rule", "Trigger"), ("ticket", "Ticket"), ("apitoken", "API token")]
        )
        action = rng.choice(["create", "update", "destroy", "login", "exported"])
        actor = rng.choice(self._agent_ids)
        rec = {
            "id": lid,
            "url": f"{API}/audit_logs/{lid}.json",
            "action": action,
            "action_label": action.capitalize() + "d",
            "actor_id": actor,
            "actor_name": self._data["users"][actor]["name"],
            "change_description": rng.choice(["", "Name: changed from X to Y", "Ünïcode → ✓"]),
            "ip_address": rng.choice([None, "10.0.0.1", "2001:db8::1"]),
            "source_id": rng.randint(1, 10**10),
            "source_label": f"{label}: {self._text(rng, 1, 3)}",
            "source_type": source_type,
            "created_at": iso(created),
        }
        self._put("audit_logs", rec, created)
        return rec

    def _build_audit_logs(self) -> None:
        for _ in range(self._n(300)):
            created = self._bulk_or(self._time(self._t0, self._t1), self._t0, 0.05)
            self._new_audit_log(created)
