"""The account's data for the 15 collections beyond Segment's 16, and their truth.

Built from the account's own tickets, users, groups and forms, so everything joins: metric
events belong to real tickets, identities to real users, the tickets' `custom_status_id` and
`brand_id`, the agents' `custom_role_id` and the tags are all listed. A random stream of its
own leaves every record of the first 16 collections as it was.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import TYPE_CHECKING, Any

from tests.emulator.account_build import FastRandom
from tests.emulator.more_rules import Rules, listed_views
from tests.emulator.zendesk import API, DAY, SUBDOMAIN, ZENDESK_HOST, iso, parse_iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

MORE_STREAMS = (
    "ticket_metric_events",
    "user_identities",
    "brands",
    "schedules",
    "schedule_holidays",
    "sla_policies",
    "custom_statuses",
    "tags",
    "macros",
    "triggers",
    "automations",
    "views",
    "user_fields",
    "organization_fields",
    "custom_roles",
)
# The custom statuses the tickets point at (`custom_status_id`), by ticket status.
STATUS_IDS = {s: 360_000_100 + i for i, s in enumerate(("new", "open", "pending", "hold"))}
STATUS_IDS |= {"solved": 360_000_104, "closed": 360_000_105}
REPLY_METRICS = ("reply_time", "agent_work_time", "requester_wait_time", "resolution_time")


def build(account: Account) -> None:
    """Add the 15 collections to an account that has built its first 16."""
    more = _More(account, FastRandom(account.seed * 104_729 + 23))
    more.brands()
    more.custom_statuses()
    more.custom_roles()
    more.tags()
    more.schedules()
    more.sla_policies()
    Rules(account, more.rng).build()
    more.identities()
    more.metric_events()


class _More:
    def __init__(self, account: Account, rng: random.Random) -> None:
        self.acc, self.rng = account, rng
        self.t0, self.t1 = account._t0, account._t1

    def _times(self) -> tuple[int, int]:
        created = self.rng.randint(self.t0 - 300 * DAY, self.t0)
        return created, self.rng.randint(created, self.t1)

    def _put(self, coll: str, rec: dict, ts: int | None = None) -> dict:
        if ts is None:
            created, updated = self._times()
            rec = {**rec, "created_at": iso(created), "updated_at": iso(updated)}
            ts = updated
        self.acc._put(coll, rec, ts)
        return rec

    def brands(self) -> None:
        forms = list(self.acc._data["ticket_forms"])
        for i, (bid, name) in enumerate(
            ((360_000_111, "Emulator"), (360_000_112, "Ünïcorn Help 🦄"), (9_400_000_001, "Zeta"))
        ):
            sub = f"{SUBDOMAIN}{'' if i == 0 else i}"
            logo = None
            if i == 1:
                logo = {"id": 9_400_100, "file_name": "logo.png", "content_type": "image/png"}
                logo |= {"content_url": f"{ZENDESK_HOST}/logo.png", "size": 2048}
            self._put(
                "brands",
                {
                    "id": bid,
                    "url": f"{API}/brands/{bid}.json",
                    "name": name,
                    "brand_url": f"https://{sub}.zendesk.com",
                    "subdomain": sub,
                    "host_mapping": "help.example.com" if i == 1 else None,
                    "has_help_center": i < 2,
                    "help_center_state": ["enabled", "restricted", "disabled"][i],
                    "active": i < 2,
                    "default": i == 0,
                    "is_deleted": False,
                    "logo": logo,
                    "ticket_form_ids": forms if i == 0 else forms[:2],
                    "signature_template": "{{agent.signature}}",
                },
            )

    def custom_statuses(self) -> None:
        labels = {**{s: s.title() for s in STATUS_IDS}, "hold": "On-hold"}
        rows = [
            (sid, "solved" if s == "closed" else s, labels[s], True, True)
            for s, sid in STATUS_IDS.items()
        ]
        rows += [
            (360_000_106, "pending", "Waiting on vendor 🚚", True, False),
            (360_000_107, "open", "Escalated", False, False),
        ]
        for sid, category, label, active, default in rows:
            description = self.rng.choice([None, f"Tickets that are {label.lower()}"])
            self._put(
                "custom_statuses",
                {
                    "id": sid,
                    "url": f"{API}/custom_statuses/{sid}.json",
                    "status_category": category,
                    "agent_label": label,
                    "raw_agent_label": label,
                    "end_user_label": label,
                    "raw_end_user_label": label,
                    "description": description,
                    "raw_description": description,
                    "end_user_description": None,
                    "raw_end_user_description": None,
                    "active": active,
                    "default": default,
                },
            )

    def custom_roles(self) -> None:
        users = self.acc._data["users"].values()
        for rid, name, role_type in (
            (360_001, "Advisor", 0),
            (360_002, "Staff", 0),
            (360_003, "Light agent", 1),
        ):
            members = sum(1 for u in users if u.get("custom_role_id") == rid)
            self._put(
                "custom_roles",
                {
                    "id": rid,
                    "url": f"{API}/custom_roles/{rid}.json",
                    "name": name,
                    "description": self.rng.choice(["", f"{name}s manage the help desk ✓"]),
                    "role_type": role_type,
                    "team_member_count": members,
                    "configuration": {
                        "chat_access": self.rng.random() < 0.5,
                        "ticket_access": self.rng.choice(["all", "within-groups", "assigned-only"]),
                        "view_access": self.rng.choice(["full", "playonly", "readonly"]),
                        "macro_access": "full",
                        "manage_business_rules": role_type == 0,
                        "assign_tickets_to_any_group": False,
                    },
                },
            )

    def tags(self) -> None:
        counts = Counter(tag for t in self.acc._data["tickets"].values() for tag in t["tags"])
        for i, (name, count) in enumerate(counts.most_common()):
            self.acc._put("tags", {"name": name, "count": count}, self.t1 - i, key=name)

    def schedules(self) -> None:
        zones = ("Pacific Time (US & Canada)", "Copenhagen", "Tokyo")
        self.acc.holidays_by_schedule = {}
        for i, zone in enumerate(zones):
            sid = 360_100 + i
            # Mon-Fri 09:00-17:00 (Sunday 00:00 = 0): one interval per day, never across one.
            hours = (9, 17) if i != 2 else (8, 20)
            intervals = [
                {"start_time": day * 1440 + hours[0] * 60, "end_time": day * 1440 + hours[1] * 60}
                for day in range(1, 6)
            ]
            self._put(
                "schedules",
                {
                    "id": sid,
                    "url": f"{API}/business_hours/schedules/{sid}.json",
                    "name": ["North America", "Europe ✈", "APAC 東京"][i],
                    "time_zone": zone,
                    "intervals": intervals,
                },
            )
            year = int(iso(self.acc.now)[:4])
            holidays = (
                ("New Year", 1, 1, 1),
                ("Christmas", 12, 24, 3),
                ("Founders' day 🎉", 6, 5, 1),
            )
            for j, (name, month, day, days) in enumerate(holidays[: 3 - i // 2]):
                hid = 360_200 + i * 10 + j
                # Zendesk's holiday has no schedule id: the request's path says which it is.
                rec = {
                    "id": hid,
                    "name": name,
                    "start_date": f"{year}-{month:02d}-{day:02d}",
                    "end_date": f"{year}-{month:02d}-{day + days - 1:02d}",
                }
                self.acc._put("schedule_holidays", rec, self.t0)
                self.acc.holidays_by_schedule.setdefault(sid, []).append(hid)

    def sla_policies(self) -> None:
        for i, (title, priority) in enumerate(
            (("Urgent incidents", "urgent"), ("High priority", "high"), ("Everything", None))
        ):
            pid = 360_300 + i
            conditions = [{"field": "priority", "operator": "is", "value": priority}]
            metrics = [
                {"priority": p, "metric": metric, "target": target, "business_hours": i > 0}
                | ({"target_in_seconds": target * 60} if i == 0 else {})
                for p in (["low", "normal", "high", "urgent"] if priority is None else [priority])
                for metric, target in (
                    ("first_reply_time", 60 * (i + 1)),
                    ("requester_wait_time", 480),
                )
            ]
            self._put(
                "sla_policies",
                {
                    "id": pid,
                    "url": f"{API}/slas/policies/{pid}.json",
                    "title": title,
                    "description": self.rng.choice(["", f"Targets for {title.lower()}"]),
                    "position": i + 1,
                    "filter": {"all": conditions if priority else [], "any": []},
                    "policy_metrics": metrics,
                },
            )

    def identities(self) -> None:
        by_user: dict[int, list[int]] = {}
        for user in self.acc._data["users"].values():
            kinds = [("email", user["email"])] if user["email"] else []
            if user["phone"]:
                kinds.append(("phone_number", user["phone"]))
            if self.rng.random() < 0.1:
                kinds.append(("twitter", f"@user{user['id']}"))
            for n, (kind, value) in enumerate(kinds):
                iid = self.acc._next_id("identity", 50_000_000, 19, 9_600_000_000)
                created = parse_iso(user["created_at"])
                verified = self.rng.random() < 0.8
                self.acc._put(
                    "user_identities",
                    {
                        "id": iid,
                        "url": f"{API}/users/{user['id']}/identities/{iid}.json",
                        "user_id": user["id"],
                        "type": kind,
                        "value": value,
                        "primary": n == 0,
                        "verified": verified,
                        "verification_method": "full" if verified else "none",
                        "verified_at": iso(created) if verified else None,
                        "undeliverable_count": self.rng.choice([0, 0, 0, 2]),
                        "deliverable_state": "deliverable" if kind == "email" else None,
                        "created_at": iso(created),
                        "updated_at": iso(created),
                    },
                    created,
                )
                by_user.setdefault(user["id"], []).append(iid)
        self.acc.identities_by_user = by_user

    def metric_events(self) -> None:
        for ticket in list(self.acc._data["tickets"].values()):
            created, updated = parse_iso(ticket["created_at"]), parse_iso(ticket["updated_at"])
            for metric in REPLY_METRICS:
                metric_event(self.acc, ticket["id"], metric, "activate", created)
            if ticket["priority"] in ("urgent", "high"):
                metric_event(self.acc, ticket["id"], "reply_time", "apply_sla", created)
            if updated > created:
                metric_event(self.acc, ticket["id"], "reply_time", "fulfill", updated)
                metric_event(self.acc, ticket["id"], "reply_time", "update_status", updated)
            if ticket["status"] in ("solved", "closed"):
                metric_event(self.acc, ticket["id"], "resolution_time", "fulfill", updated)
                metric_event(self.acc, ticket["id"], "agent_work_time", "measure", updated)


def metric_event(account: Account, ticket_id: int, metric: str, kind: str, ts: int) -> int:
    """Store one ticket metric event at epoch `ts` (its shape depends on its type)."""
    eid = account._next_id("metric_event", 926_000_000, 23, 9_700_000_000_000)
    rec: dict[str, Any] = {
        "id": eid,
        "ticket_id": ticket_id,
        "metric": metric,
        "type": kind,
        "time": iso(ts),
        "instance_id": 0 if kind == "measure" else 1,
        "url": f"{API}/incremental/ticket_metric_events/{eid}.json",
    }
    if kind == "apply_sla":
        rec["sla"] = {
            "target": 60,
            "target_in_seconds": 3600,
            "business_hours": False,
            "policy": {"id": 360_300, "title": "Urgent incidents", "description": ""},
        }
    elif kind == "update_status":
        rec["status"] = {"calendar": 30, "business": 12}
    elif kind == "breach":
        rec["deleted"] = False
    account._put("ticket_metric_events", rec, ts)
    return eid


def new_metric_events(account: Account, n: int) -> list[int]:
    """Reply-time breaches on n tickets, now: what a second sync must read."""
    with account.lock:
        stamp = account._stamp()
        tickets = account._pick(list(account._data["tickets"]), n)
        return [metric_event(account, t, "reply_time", "breach", stamp) for t in tickets]


def truth(account: Account, start_time: int, visible_cut: int) -> dict[str, dict[Any, Any]]:
    """The primary keys a full sync from `start_time` must emit for each of the 15 streams."""
    with account.lock:
        data = account._data
        out: dict[str, dict[Any, Any]] = {
            "ticket_metric_events": {
                e["id"]: e["time"]
                for e in data["ticket_metric_events"].values()
                if start_time <= parse_iso(e["time"]) <= visible_cut
            },
            "user_identities": {
                iid: uid
                for uid, ids in account.identities_by_user.items()
                if account.ts("users", uid) <= visible_cut
                for iid in ids
            },
            "tags": {t["name"]: t["count"] for t in data["tags"].values()},
            "views": {v["id"]: v["updated_at"] for v in listed_views(account)},
            "schedule_holidays": {
                (sid, hid): data["schedule_holidays"][hid]["start_date"]
                for sid, ids in account.holidays_by_schedule.items()
                for hid in ids
            },
        }
        for coll in set(MORE_STREAMS) - set(out):
            out[coll] = {r["id"]: r.get("updated_at") for r in data[coll].values()}
    return out
