"""The truth the tests compare a sync with: which ids a correct full sync must emit.

A mixin of `Account` (account.py), read under the account's lock.
"""

from __future__ import annotations

from typing import Any

from tests.emulator.zendesk import parse_iso, visible_cutoff

#: Stream name -> internal collection that backs it.
TAP_STREAMS = (
    "users",
    "groups",
    "tickets",
    "ticket_fields",
    "activities",
    "attachments",
    "organizations",
    "ticket_events",
    "ticket_metrics",
    "satisfaction_ratings",
    "ticket_comments",
    "ticket_forms",
    "ticket_skips",
    "organization_memberships",
    "group_memberships",
    "audit_logs",
)


class Truth:
    """What a full sync of the account must emit."""

    def truth(self, start_time: int) -> dict[str, dict[int, str | int]]:
        """Ids (with their timestamps) that a full sync from `start_time` must emit."""
        cut = visible_cutoff()
        out: dict[str, dict[int, str | int]] = {}
        with self.lock:
            d = self._data
            tickets = {
                t["id"]: t["generated_timestamp"]
                for t in d["tickets"].values()
                if start_time <= t["generated_timestamp"] <= cut
            }
            out["tickets"] = dict(tickets)
            out["ticket_metrics"] = {}
            for tid in tickets:
                mid = self.metric_by_ticket.get(tid)
                if mid is not None:
                    out["ticket_metrics"][mid] = d["ticket_metrics"][mid]["updated_at"]
            out["ticket_events"], out["ticket_comments"], out["attachments"] = {}, {}, {}
            for p in d["ticket_events"].values():
                if not start_time <= p["timestamp"] <= cut:
                    continue
                for c in p["child_events"]:
                    out["ticket_events"][c["id"]] = p["timestamp"]
                    if c["event_type"] == "Comment":
                        out["ticket_comments"][c["id"]] = c["created_at"]
                        for a in c["attachments"]:
                            out["attachments"][a["id"]] = p["timestamp"]
            for coll in ("users", "organizations"):
                out[coll] = {
                    r["id"]: r["updated_at"]
                    for r in d[coll].values()
                    if self._ts[coll][r["id"]] <= cut
                }
            out["satisfaction_ratings"] = {
                r["id"]: r["updated_at"]
                for r in d["satisfaction_ratings"].values()
                if start_time <= parse_iso(r["updated_at"]) <= cut
            }
            out["audit_logs"] = {
                r["id"]: r["created_at"]
                for r in d["audit_logs"].values()
                if start_time <= parse_iso(r["created_at"]) <= cut
            }
            out["activities"] = {r["id"]: r["created_at"] for r in d["activities"].values()}
            for stream, coll in (
                ("groups", "groups"),
                ("ticket_fields", "ticket_fields"),
                ("ticket_forms", "ticket_forms"),
                ("ticket_skips", "ticket_skips"),
                ("organization_memberships", "organization_memberships"),
                ("group_memberships", "group_memberships"),
            ):
                out[stream] = {r["id"]: r["created_at"] for r in d[coll].values()}
        assert set(out) == set(TAP_STREAMS)
        return out

    def truth_custom_values(self, collection: str) -> dict[int, dict[int, Any]]:
        """Raw custom-field values per record, keyed by field id (tickets, users, organizations)."""
        with self.lock:
            if collection == "tickets":
                return {
                    t["id"]: {cf["id"]: cf["value"] for cf in t["custom_fields"]}
                    for t in self._data["tickets"].values()
                }
            if collection == "users":
                defs, key = self._user_field_defs, "user_fields"
            elif collection == "organizations":
                defs, key = self._org_field_defs, "organization_fields"
            else:
                raise ValueError(collection)
            return {
                r["id"]: {defs[k]["id"]: v for k, v in r[key].items()}
                for r in self._data[collection].values()
            }
