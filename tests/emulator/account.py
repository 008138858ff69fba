"""A deterministic, in-memory Zendesk Support account for the emulator.

`Account(scale, seed, now)` builds every collection the tap reads, with the messy shapes the
real API sends (ids above 2^32, shared seconds, nulls, unicode, 64 KB bodies, custom fields of
every type with values of mixed types). Mutation methods change it the way real activity does,
and `truth()` says which ids a correct full sync must emit.

All access goes through `lock` (an RLock); the server holds it while it reads.
"""

from __future__ import annotations

import calendar
import functools
import json
import random
import threading
import time
from typing import Any

SUBDOMAIN = "emulator"
ZENDESK_HOST = f"https://{SUBDOMAIN}.zendesk.com"
API = f"{ZENDESK_HOST}/api/v2"
ADMIN_EMAIL = "admin@example.com"

DAY = 86400
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

_CHANNEL_VIA = {
    "web": "Web form",
    "email": "Mail",
    "api": "Web service",
    "mobile": "Mobile",
    "chat": "Chat",
    "voice": "Voice",
    "rule": "Rule",
    "sample_ticket": "Sample ticket",
}
_WORDS = [
    "printer",
    "broken",
    "refund",
    "invoice",
    "login",
    "password",
    "shipping",
    "delayed",
    "order",
    "crash",
    "app",
    "billing",
    "upgrade",
    "café",
    "naïve",
    "über",
    "straße",
    "résumé",
    "東京",
    "данные",
    "ümlaut",
    "señor",
    "🎉",
    "🚀",
    "👍",
    "✅",
    "please",
    "help",
    "urgent",
    "thanks",
    "again",
    "issue",
    "account",
    "email",
    "phone",
]
_LONG_BODY = ("Lorem ipsum dolor sit amet, ünïcödé 😀 " * 1800)[:65000]


class _FastRandom(random.Random):
    """random.Random with cheaper (still deterministic) randint and choice."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]


def iso(ts: int) -> str:
    """Epoch seconds to Zendesk's ISO-8601 UTC form."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


@functools.lru_cache(maxsize=1 << 20)
def parse_iso(value: str) -> int:
    """Zendesk ISO-8601 UTC (``...Z``) to epoch seconds (cached: lists sort by it per request)."""
    return calendar.timegm(time.strptime(value[:19], "%Y-%m-%dT%H:%M:%S"))


def visible_cutoff() -> int:
    """Newest timestamp an export returns now: the last minute of real time is left out."""
    return int(time.time()) - 60


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as Zendesk sends it."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


class Account:
    """A whole Zendesk account, reproducible from (scale, seed, now)."""

    def __init__(self, scale: float = 1, seed: int = 1, now: int | None = None) -> None:
        self.scale = scale
        self.seed = seed
        self.now = int(time.time()) if now is None else int(now)
        self.lock = threading.RLock()
        self._rng: random.Random = _FastRandom(seed)
        self._mrng: random.Random = _FastRandom(seed * 7919 + 17)  # mutations
        self._data: dict[str, dict[int, dict]] = {}
        self._ts: dict[str, dict[int, int]] = {}  # collection -> id -> sort epoch
        self._json: dict[tuple[str, str], dict[int, bytes]] = {}
        self._index: dict[str, list[tuple[int, int]] | None] = {}
        # Bumped on every change to a collection: lets the server cache sorted listings.
        self.generation: dict[str, int] = {}
        self.ai_ticket_ids: set[int] = set()
        self.metric_by_ticket: dict[int, int] = {}
        self._counters: dict[str, int] = {}
        self._t0 = self.now - 548 * DAY
        self._t1 = self.now - 600
        self._build()
        self._last_stamp = max(max(v.values(), default=0) for v in self._ts.values())

    # ------------------------------------------------------------------ helpers
    def _n(self, base: int) -> int:
        return max(1, round(base * self.scale))

    def _next_id(self, kind: str, base: int, big_every: int = 0, big_base: int = 0) -> int:
        k = self._counters.get(kind, 0) + 1
        self._counters[kind] = k
        if big_every and k % big_every == 3:
            return big_base + k
        return base + k

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

    def _text(self, rng: random.Random, lo: int = 3, hi: int = 12) -> str:
        return " ".join(rng.choices(_WORDS, k=rng.randint(lo, hi)))

    def _time(self, lo: int, hi: int) -> int:
        return self._rng.randint(lo, max(lo, hi))

    # ------------------------------------------------------------------ build
    def _build(self) -> None:
        rng = self._rng
        self._bulk_moments = sorted(
            rng.randint(self._t0 + 30 * DAY, self._t1) for _ in range(max(12, self._n(25)))
        )
        self._build_fields()
        self._build_groups()
        self._build_organizations()
        self._build_users()
        self._build_memberships()
        self._build_forms()
        self._build_tickets()
        self._build_ratings()
        self._build_skips()
        self._build_activities()
        self._build_audit_logs()
        from tests.emulator import more_collections

        more_collections.build(self)

    def _bulk_or(self, ts: int, after: int, prob: float) -> int:
        """Sometimes move a timestamp onto a shared 'bulk update' second after `after`."""
        if self._rng.random() < prob:
            later = [m for m in self._bulk_moments if m > after]
            if later:
                return self._rng.choice(later[:6])
        return ts

    def _field_def(
        self,
        coll: str,
        fid: int,
        ftype: str,
        title: str,
        key: str | None,
        pos: int,
        options: list[str] | None = None,
        active: bool = True,
    ) -> dict:
        rng = self._rng
        created = self._time(self._t0 - 400 * DAY, self._t0)
        updated = self._time(created, self._t0 + 30 * DAY)
        opts = None
        if options is not None:
            opts = [
                {
                    "id": fid * 10 + j,
                    "name": name,
                    "raw_name": name,
                    "value": name.lower().replace(" ", "_"),
                    "default": False,
                }
                for j, name in enumerate(options, 1)
            ]
        rec: dict[str, Any] = {
            "id": fid,
            "url": f"{API}/{coll}/{fid}.json",
            "type": ftype,
            "title": title,
            "raw_title": title if rng.random() < 0.8 else "{{dc.%s}}" % (key or "field"),
            "description": rng.choice([None, "", self._text(rng)]),
            "raw_description": "",
            "position": pos,
            "active": active,
            "regexp_for_validation": r"^[A-Z]{3}-\d{4}$" if ftype == "regexp" else None,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        if coll == "ticket_fields":
            rec.update(
                {
                    "agent_description": None,
                    "required": rng.random() < 0.2,
                    "collapsed_for_agents": False,
                    "title_in_portal": title,
                    "raw_title_in_portal": title,
                    "visible_in_portal": rng.random() < 0.5,
                    "editable_in_portal": rng.random() < 0.3,
                    "required_in_portal": False,
                    "agent_can_edit": True,
                    "tag": f"tag_{fid}" if ftype == "checkbox" else None,
                    "removable": key is None or not key.startswith("system:"),
                    "sub_type_id": 0,
                }
            )
            if opts is not None:
                rec["custom_field_options"] = opts
            if ftype == "lookup":
                rec["relationship_target_type"] = "zen:user"
                rec["relationship_filter"] = {"all": [], "any": []}
        else:
            rec.update(
                {
                    "key": key,
                    "system": False,
                    "tag": f"tag_{key}" if ftype == "checkbox" else None,
                }
            )
            if opts is not None:
                rec["custom_field_options"] = opts
            if ftype == "lookup":
                rec["relationship_target_type"] = "zen:user"
                rec["relationship_filter"] = {"all": [], "any": []}
        self._put(coll, rec, updated)
        return rec

    def _build_fields(self) -> None:
        rng = self._rng
        system = [
            ("subject", "Subject"),
            ("description", "Description"),
            ("status", "Status"),
            ("custom_status", "Ticket status"),
            ("tickettype", "Type"),
            ("priority", "Priority"),
            ("group", "Group"),
            ("assignee", "Assignee"),
        ]
        custom = [
            ("text", "Order number", None),
            ("textarea", "Steps to reproduce 🐞", None),
            ("checkbox", "VIP customer", None),
            ("date", "Renewal date", None),
            ("integer", "Seats", None),
            ("decimal", "Contract value (€)", None),
            ("regexp", "Product code", None),
            ("partialcreditcard", "Card", None),
            ("multiselect", "Affected products", ["Web app", "iOS app", "Android app", "API"]),
            ("tagger", "Customer tier", ["Gold", "Silver", "Bronze"]),
            ("lookup", "Account manager", None),
            ("text", "Customer-Tier", None),  # slugs like "Customer tier"
            ("text", "🔥🔥 !!", None),  # slug is empty
            ("text", "Legacy reference", None),  # inactive
        ]
        n_all = len(system) + len(custom)
        positions = list(range(1, n_all + 1))
        rng.shuffle(positions)
        self.ticket_field_types: dict[int, str] = {}
        self.ticket_field_options: dict[int, list[str]] = {}
        fid = 360_000_000_000
        for i, (ftype, title) in enumerate(system):
            fid += rng.randint(1, 900)
            self._field_def("ticket_fields", fid, ftype, title, "system:" + ftype, positions[i])
        for j, (ftype, title, options) in enumerate(custom):
            fid += rng.randint(1, 900)
            rec = self._field_def(
                "ticket_fields",
                fid,
                ftype,
                title,
                None,
                positions[len(system) + j],
                options,
                active=title != "Legacy reference",
            )
            self.ticket_field_types[fid] = ftype
            if options:
                self.ticket_field_options[fid] = [o["value"] for o in rec["custom_field_options"]]
        for coll, prefix, base in (
            ("user_fields", "user", 20_000_000),
            ("organization_fields", "org", 21_000_000),
        ):
            types = [
                ("text", "Nickname"),
                ("textarea", "Bio ✍️"),
                ("checkbox", "Beta tester"),
                ("date", "Contract start"),
                ("integer", "Logins"),
                ("decimal", "Score"),
                ("regexp", "Member code"),
                ("dropdown", "Plan"),
                ("multiselect", "Interests"),
                ("lookup", "Manager"),
            ]
            defs = {}
            for k, (ftype, title) in enumerate(types, 1):
                options = None
                if ftype == "dropdown":
                    options = ["Option 1", "Option 2", "Option 3"]
                elif ftype == "multiselect":
                    options = ["Sports", "Music", "Travel", "Food"]
                key = f"{prefix}_{ftype}"
                rec = self._field_def(coll, base + k * 37, ftype, title, key, k, options)
                defs[key] = rec
            setattr(self, f"_{prefix}_field_defs", defs)

    def _custom_value(self, ftype: str, options: list[str] | None, ticket: bool) -> Any:
        rng = self._rng
        r = rng.random()
        if r < 0.25 and not (ticket and ftype == "checkbox"):
            return None
        if ftype in ("text", "textarea"):
            return rng.choice(["", self._text(rng, 1, 4), "Ünïcode ✓ 👍", "x" * 300])
        if ftype == "checkbox":
            return rng.random() < 0.4
        if ftype == "date":
            d = time.strftime("%Y-%m-%d", time.gmtime(self._time(self._t0, self.now)))
            return rng.choice([d, d, d + "T00:00:00Z", d + "T00:00:00+00:00"])
        if ftype == "integer":
            n = rng.randint(-5, 5000)
            return rng.choice([n, n, str(n), "n/a" if rng.random() < 0.2 else n])
        if ftype == "decimal":
            x = round(rng.uniform(0, 10000), 2)
            return rng.choice([x, x, f"{x:.2f}", "1,5" if rng.random() < 0.2 else x])
        if ftype == "regexp":
            return f"ABC-{rng.randint(1000, 9999)}"
        if ftype == "partialcreditcard":
            return f"XXXXXXXXXXXX{rng.randint(1000, 9999)}"
        if ftype == "multiselect":
            assert options
            return rng.sample(options, rng.randint(0, len(options)))
        if ftype in ("tagger", "dropdown"):
            assert options
            return rng.choice(options)
        if ftype == "lookup":
            return rng.choice(self._user_ids) if getattr(self, "_user_ids", None) else 12345
        return None

    def _user_field_values(self, prefix: str) -> dict[str, Any]:
        defs = getattr(self, f"_{prefix}_field_defs")
        out = {}
        for key, d in defs.items():
            opts = [o["value"] for o in d.get("custom_field_options", [])] or None
            out[key] = self._custom_value(d["type"], opts, ticket=False)
        return out

    def _build_groups(self) -> None:
        names = ["Support", "Billing", "Tier 2", "Escalations", "Ventes 🇫🇷", "VIP", "APAC", "Zeta"]
        for i, name in enumerate(names):
            gid = 9_200_000_000 + i if i == 6 else 24_000 + i * 11
            created = self._time(self._t0 - 200 * DAY, self._t0)
            updated = self._time(created, self._t1)
            rec = {
                "id": gid,
                "url": f"{API}/groups/{gid}.json",
                "name": name,
                "description": self._rng.choice(["", self._text(self._rng)]),
                "default": i == 0,
                "deleted": False,
                "is_public": i != 5,
                "created_at": iso(created),
                "updated_at": iso(updated),
            }
            self._put("groups", rec, updated)
        self._group_ids = list(self._data["groups"])

    def _new_org(self, created: int, updated: int) -> dict:
        rng = self._rng
        oid = self._next_id("org", 360_000, 7, 9_100_000_000)
        name = rng.choice(["Acme", "Globex", "Initech", "Umbrella", "Soylent", "Ünïcorn", "東京"])
        rec = {
            "id": oid,
            "url": f"{API}/organizations/{oid}.json",
            "name": f"{name} {oid}",
            "external_id": rng.choice([None, f"ext-{oid}"]),
            "group_id": rng.choice([None, *self._group_ids]),
            "details": rng.choice([None, "", self._text(rng)]),
            "notes": rng.choice([None, "", self._text(rng)]),
            "domain_names": rng.sample(["example.com", "acme.io", "globex.de"], rng.randint(0, 2)),
            "tags": rng.sample(["vip", "partner", "trial", "enterprise"], rng.randint(0, 3)),
            "shared_tickets": rng.random() < 0.3,
            "shared_comments": rng.random() < 0.2,
            "created_at": iso(created),
            "updated_at": iso(updated),
            "deleted_at": None,
            "organization_fields": self._user_field_values("org"),
        }
        self._put("organizations", rec, updated)
        return rec

    def _build_organizations(self) -> None:
        shared = self._bulk_moments[-3]
        for i in range(self._n(40)):
            created = self._time(self._t0, self._t1 - DAY)
            updated = self._bulk_or(self._time(created, self._t1), created, 0.25)
            if i % 8 == 0 and created < shared:  # an import: several orgs share one second
                updated = shared
            self._new_org(created, updated)
        self._org_ids = list(self._data["organizations"])

    def _new_user(self, created: int, updated: int, role: str, email: str | None = None) -> dict:
        rng = self._rng
        uid = self._next_id("user", 10_000, 17, 9_000_000_000)
        name = rng.choice(["Ann", "Bøb", "Chloé", "Dmitri", "Eve", "Fatima", "Günther", "李"])
        last_login = None if rng.random() < 0.2 else iso(self._time(created, max(created, updated)))
        rec = {
            "id": uid,
            "url": f"{API}/users/{uid}.json",
            "name": f"{name} {uid}",
            "email": email or rng.choice([f"user{uid}@example.com"] * 9 + [None]),
            "role": role,
            "role_type": {"admin": 4, "agent": rng.choice([None, 0, 1])}.get(role),
            "custom_role_id": rng.choice([None, 360001]) if role == "agent" else None,
            "default_group_id": rng.choice(self._group_ids) if role != "end-user" else None,
            "organization_id": rng.choice([None, *self._org_ids]),
            "active": True,
            "verified": rng.random() < 0.8,
            "suspended": rng.random() < 0.03,
            "shared": False,
            "shared_agent": False,
            "restricted_agent": role == "agent" and rng.random() < 0.3,
            "moderator": role != "end-user" and rng.random() < 0.2,
            "only_private_comments": False,
            "two_factor_auth_enabled": rng.choice([None, True, False]),
            "chat_only": False,
            "report_csv": role == "admin",
            "shared_phone_number": rng.choice([None, False]),
            "phone": rng.choice([None, "+1 555 0100", "+49 30 123456"]),
            "alias": rng.choice([None, "", "Ally"]),
            "details": rng.choice([None, "", self._text(rng)]),
            "notes": rng.choice([None, "", self._text(rng)]),
            "signature": rng.choice([None, "Cheers 👋"]) if role != "end-user" else None,
            "external_id": rng.choice([None, f"u-{uid}"]),
            "locale": rng.choice(["en-US", "de", "fr", "ja"]),
            "locale_id": rng.choice([1, 8, 16, 67]),
            "time_zone": rng.choice(["Copenhagen", "Eastern Time (US & Canada)", "Tokyo"]),
            "iana_time_zone": rng.choice(["Europe/Copenhagen", "America/New_York", "Asia/Tokyo"]),
            "ticket_restriction": (
                rng.choice(["requested", "organization"])
                if role == "end-user"
                else rng.choice([None, "assigned", "groups"])
            ),
            "last_login_at": last_login,
            "created_at": iso(created),
            "updated_at": iso(updated),
            "tags": rng.sample(["vip", "beta", "churn-risk"], rng.randint(0, 2)),
            "photo": None,
            "permanently_deleted": False,
            "user_fields": self._user_field_values("user"),
        }
        if rng.random() < 0.1:
            rec["photo"] = self._attachment(rng, thumbs=False, image=True)
        self._put("users", rec, updated)
        return rec

    def _build_users(self) -> None:
        rng = self._rng
        n = self._n(200)
        self._user_ids = []
        admin = self._new_user(self._t0 - 100 * DAY, self._t0, "admin", ADMIN_EMAIL)
        admin["name"] = "Emulator Admin"
        self.admin_id = admin["id"]
        self._user_ids.append(admin["id"])
        for i in range(1, n):
            role = "admin" if i % 40 == 1 else ("agent" if i % 10 == 2 else "end-user")
            created = self._time(self._t0, self._t1 - DAY)
            updated = self._bulk_or(self._time(created, self._t1), created, 0.15)
            rec = self._new_user(created, updated, role)
            if rng.random() < 0.07:
                rec["active"] = False  # deleted users stay with active false
            self._user_ids.append(rec["id"])
        users = self._data["users"].values()
        self._agent_ids = [u["id"] for u in users if u["role"] != "end-user"]
        self._end_user_ids = [u["id"] for u in users if u["role"] == "end-user"]

    def _build_memberships(self) -> None:
        rng = self._rng
        for u in list(self._data["users"].values()):
            if u["organization_id"] is not None:
                self._new_org_membership(u, u["organization_id"], True)
                if rng.random() < 0.1:
                    other = rng.choice(self._org_ids)
                    if other != u["organization_id"]:
                        self._new_org_membership(u, other, False)
        for aid in self._agent_ids:
            for k, gid in enumerate(rng.sample(self._group_ids, rng.randint(1, 3))):
                mid = self._next_id("gm", 36_000_000, 13, 9_300_000_000)
                created = self._time(self._t0, self._t1)
                rec = {
                    "id": mid,
                    "url": f"{API}/group_memberships/{mid}.json",
                    "user_id": aid,
                    "group_id": gid,
                    "default": k == 0,
                    "created_at": iso(created),
                    "updated_at": None if rng.random() < 0.05 else iso(created),
                }
                self._put("group_memberships", rec, created)

    def _new_org_membership(self, user: dict, oid: int, default: bool) -> None:
        rng = self._rng
        mid = self._next_id("om", 37_000_000, 11, 9_400_000_000)
        created = self._time(parse_iso(user["created_at"]), self._t1)
        rec = {
            "id": mid,
            "url": f"{API}/organization_memberships/{mid}.json",
            "user_id": user["id"],
            "organization_id": oid,
            "organization_name": self._data["organizations"][oid]["name"],
            "default": True if default else None,
            "view_tickets": rng.random() < 0.5,
            "created_at": iso(created),
            "updated_at": iso(created),
        }
        self._put("organization_memberships", rec, created)

    def _build_forms(self) -> None:
        rng = self._rng
        custom_ids = list(self.ticket_field_types)
        system_ids = [i for i in self._data["ticket_fields"] if i not in self.ticket_field_types]
        names = ["Default form", "Billing ✉️", "Bug report", "Old form"]
        for i, name in enumerate(names):
            fid = 3_600_000 + i * 101
            created = self._time(self._t0 - 100 * DAY, self._t0)
            updated = self._time(created, self._t1)
            fields = system_ids + rng.sample(custom_ids, rng.randint(2, len(custom_ids)))
            rec = {
                "id": fid,
                "url": f"{API}/ticket_forms/{fid}.json",
                "name": name,
                "raw_name": name,
                "display_name": name if i else None,
                "raw_display_name": name if i else None,
                "position": i + 1,
                "active": i != 3,
                "default": i == 0,
                "end_user_visible": i != 2,
                "in_all_brands": i != 1,
                "restricted_brand_ids": [] if i != 1 else [360000111],
                "ticket_field_ids": fields,
                "agent_conditions": [
                    {
                        "parent_field_id": custom_ids[2],
                        "value": True,
                        "child_fields": [
                            {
                                "id": custom_ids[0],
                                "is_required": False,
                                "required_on_statuses": {
                                    "type": "SOME_STATUSES",
                                    "statuses": ["solved"],
                                },
                            }
                        ],
                    }
                ]
                if i == 2
                else [],
                "end_user_conditions": [],
                "created_at": iso(created),
                "updated_at": iso(updated),
                "deleted_at": None,
            }
            self._put("ticket_forms", rec, updated)
        self._form_ids = list(self._data["ticket_forms"])

    # --- tickets and events
    def _attachment(self, rng: random.Random, thumbs: bool, image: bool | None = None) -> dict:
        aid = self._next_id("att", 50_000_000, 29, 9_600_000_000)
        if image is None:
            image = rng.random() < 0.5
        name, ctype = (
            rng.choice([("screenshot.png", "image/png"), ("photo ü.jpg", "image/jpeg")])
            if image
            else rng.choice([("invoice.pdf", "application/pdf"), ("log.txt", "text/plain")])
        )
        url = f"{ZENDESK_HOST}/attachments/token/tok{aid}/?name={name}"
        rec = {
            "id": aid,
            "url": f"{API}/attachments/{aid}.json",
            "file_name": name,
            "content_url": url,
            "mapped_content_url": url,
            "content_type": ctype,
            "size": rng.randint(10, 5_000_000),
            "width": rng.randint(10, 4000) if image else None,
            "height": rng.randint(10, 4000) if image else None,
            "inline": rng.random() < 0.1,
            "deleted": False,
            "malware_access_override": False,
            "malware_scan_result": rng.choice(["malware_not_found"] * 5 + ["not_scanned"]),
            "thumbnails": [],
        }
        if thumbs and image:
            thumb = self._attachment(rng, thumbs=False, image=True)
            thumb["file_name"] = "thumb_" + name
            thumb["width"], thumb["height"] = 80, 80
            rec["thumbnails"] = [thumb]
        return rec

    def _event_id(self) -> int:
        return self._next_id("event", 10_000_000, 23, 9_500_000_000)

    def _comment_child(
        self, rng: random.Random, parent: dict, author: int, channel: str, force_att: bool = False
    ) -> dict:
        body = _LONG_BODY if rng.random() < 0.003 else self._text(rng, 3, 40)
        public = rng.random() < 0.8
        atts = []
        if force_att or rng.random() < 0.2:
            atts = [
                self._attachment(rng, thumbs=rng.random() < 0.5) for _ in range(rng.randint(1, 2))
            ]
        return {
            "id": self._event_id(),
            "type": "Comment",
            "event_type": "Comment",
            "author_id": author,
            "body": body,
            "html_body": f'<div class="zd-comment"><p>{body}</p></div>',
            "plain_body": body,
            "public": public,
            "attachments": atts,
            "audit_id": parent["id"],
            "created_at": parent["created_at"],
            "via": {
                "channel": channel,
                "source": {
                    "from": {"address": "someone@example.com"} if channel == "email" else {},
                    "to": {},
                    "rel": None,
                },
            },
            "via_reference_id": None,
            "metadata": {"system": dict(parent["system"]), "custom": {}},
            "uploads": [],
        }

    def _new_update(self, ticket: dict, ts: int, updater: int, channel: str) -> dict:
        rng = self._rng
        system: dict[str, Any] = {
            "client": rng.choice(["Mozilla/5.0 (X11; Linux x86_64)", "Zendesk iOS", "curl/8.0"]),
            "ip_address": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "location": rng.choice(["Copenhagen, 84, Denmark", "Zürich, Switzerland", "東京"]),
            "latitude": round(rng.uniform(-60, 60), 4),
            "longitude": round(rng.uniform(-120, 120), 4),
        }
        for key in list(system):
            if rng.random() < 0.1:
                del system[key]
        via = _CHANNEL_VIA.get(channel, "Web form")
        parent = {
            "id": self._event_id(),
            "ticket_id": ticket["id"],
            "timestamp": ts,
            "created_at": iso(ts),
            "updater_id": updater,
            "via": via,
            "via_reference_id": rng.choice([None, None, 360_001_234])
            if channel == "rule"
            else None,
            "system": system,
            "event_type": "Audit",
            "child_events": [],
        }
        return parent

    def _field_child(
        self, parent: dict, kind: str, field: str, value: Any, prev: Any = None
    ) -> dict:
        child = {
            "id": self._event_id(),
            "event_type": kind,
            "via": parent["via"],
            "via_reference_id": parent["via_reference_id"],
            field: value,
        }
        if kind == "Change":
            child["previous_value"] = prev
        return child

    def _notification(self, parent: dict, ticket: dict) -> dict:
        return {
            "id": self._event_id(),
            "event_type": "Notification",
            "via": "Rule",
            "via_reference_id": 360_005_678,
            "subject": "[{{ticket.account}}] Re: {{ticket.title}}",
            "body": "Your request ({{ticket.id}}) has been updated.",
            "recipients": [ticket["requester_id"]],
        }

    def _store_update(self, parent: dict) -> None:
        self._put("ticket_events", parent, parent["timestamp"])

    def _new_ticket(self, created: int, last: int, gen: int, n_more: int, deleted: bool) -> dict:
        rng = self._rng
        tid = self._next_id("ticket", 0, 19, 9_000_000_000)
        channel = rng.choice(["web", "web", "email", "email", "api", "mobile", "chat", "voice"])
        requester = rng.choice(self._end_user_ids or self._user_ids)
        assignee = None if rng.random() < 0.1 else rng.choice(self._agent_ids)
        subject = rng.choice(["", self._text(rng, 2, 8), "Ärger mit dem Drucker 🖨️", "x" * 500])
        status = rng.choice(
            ["new", "open", "open", "pending", "hold", "solved", "solved", "closed"]
        )
        priority = rng.choice([None, "low", "normal", "normal", "high", "urgent"])
        tags = rng.sample(["billing", "bug", "vip", "refund", "ünïcode", "api"], rng.randint(0, 3))
        custom_fields = []
        for fid, ftype in self.ticket_field_types.items():
            value = self._custom_value(ftype, self.ticket_field_options.get(fid), ticket=True)
            custom_fields.append({"id": fid, "value": value})
        ticket: dict[str, Any] = {
            "id": tid,
            "url": f"{API}/tickets/{tid}.json",
            "external_id": rng.choice([None, None, f"ext-{tid}"]),
            "type": rng.choice([None, "problem", "incident", "question", "task"]),
            "subject": subject,
            "raw_subject": subject,
            "description": "",
            "priority": priority,
            "status": status,
            "custom_status_id": 360_000_100
            + ["new", "open", "pending", "hold", "solved", "closed"].index(status),
            "recipient": rng.choice([None, "support@emulator.zendesk.com"]),
            "requester_id": requester,
            "submitter_id": requester,
            "assignee_id": assignee,
            "organization_id": self._data["users"][requester]["organization_id"],
            "group_id": rng.choice([None, *self._group_ids]),
            "brand_id": 360_000_111,
            "ticket_form_id": rng.choice(self._form_ids),
            "problem_id": None,
            "forum_topic_id": None,
            "collaborator_ids": rng.sample(self._user_ids, rng.randint(0, 2)),
            "follower_ids": rng.sample(
                self._agent_ids, min(len(self._agent_ids), rng.randint(0, 1))
            ),
            "email_cc_ids": [],
            "followup_ids": [],
            "sharing_agreement_ids": [],
            "tags": tags,
            "has_incidents": False,
            "is_public": True,
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": channel == "chat",
            "due_at": None,
            "created_at": iso(created),
            "updated_at": iso(last),
            "generated_timestamp": gen,
            "satisfaction_rating": None,
            "custom_fields": custom_fields,
            "fields": [dict(cf) for cf in custom_fields],
            "via": {
                "channel": channel,
                "source": {
                    "from": {"address": "cust@example.com", "name": "Cust"}
                    if channel == "email"
                    else {},
                    "to": {"address": "support@emulator.zendesk.com"} if channel == "email" else {},
                    "rel": rng.choice([None, "web_widget"]) if channel == "web" else None,
                },
            },
        }
        if ticket["type"] == "task":
            ticket["due_at"] = iso(self._time(created, created + 30 * DAY))
        # creation update: 1-4 children
        parent = self._new_update(ticket, created, requester, channel)
        comment = self._comment_child(rng, parent, requester, channel)
        comment["public"] = True
        ticket["description"] = comment["body"]
        kids = [self._field_child(parent, "Create", "status", "new"), comment]
        if priority is not None:
            kids.insert(1, self._field_child(parent, "Create", "priority", priority))
        if tags and len(kids) < 4:
            kids.insert(1, self._field_child(parent, "Create", "tags", tags))
        if rng.random() < 0.15 and len(kids) < 4:
            kids.append(self._notification(parent, ticket))
        if rng.random() < 0.08:  # an update with a single child
            kids = [comment]
        parent["child_events"] = kids
        self._store_update(parent)
        # later updates
        if n_more:
            times = [*sorted(self._time(created, last) for _ in range(n_more - 1)), last]
            prev_status = "new"
            for k, ts in enumerate(times):
                upd_status = (
                    status if k == len(times) - 1 else rng.choice(["open", "pending", "hold"])
                )
                updater = rng.choice([-1, assignee or requester, requester, *self._agent_ids[:3]])
                parent = self._new_update(ticket, ts, updater, rng.choice([channel, "web", "rule"]))
                kids = []
                if upd_status != prev_status:
                    kids.append(
                        self._field_child(parent, "Change", "status", upd_status, prev_status)
                    )
                    prev_status = upd_status
                if rng.random() < 0.5:
                    author = updater if updater != -1 else requester
                    kids.append(self._comment_child(rng, parent, author, channel))
                if rng.random() < 0.2:
                    kids.append(self._field_child(parent, "Change", "assignee_id", assignee, None))
                if rng.random() < 0.15:
                    kids.append(self._notification(parent, ticket))
                if not kids:
                    kids.append(self._field_child(parent, "Change", "priority", "high", priority))
                parent["child_events"] = kids[:4]
                self._store_update(parent)
        if deleted:
            ticket["status"] = "deleted"
        self._put("tickets", ticket, gen)
        if not deleted:
            self._new_metric_set(ticket, created, max(last, gen))
        return ticket

    def _new_metric_set(self, ticket: dict, created: int, updated: int) -> None:
        rng = self._rng
        mid = self._next_id("metric", 70_000_000, 31, 9_700_000_000)
        solved = ticket["status"] in ("solved", "closed")

        def dur() -> dict:
            if rng.random() < 0.15:
                return {"calendar": None, "business": None}
            c = rng.randint(0, 50_000)
            return {"calendar": c, "business": rng.randint(0, c)}

        def maybe_ts() -> str | None:
            return None if rng.random() < 0.2 else iso(self._time(created, updated))

        rec = {
            "id": mid,
            "ticket_id": ticket["id"],
            "url": f"{API}/ticket_metrics/{mid}.json",
            "group_stations": rng.randint(0, 4),
            "assignee_stations": rng.randint(0, 4),
            "reopens": rng.randint(0, 3),
            "replies": rng.randint(0, 12),
            "assignee_updated_at": maybe_ts(),
            "requester_updated_at": maybe_ts(),
            "status_updated_at": iso(updated),
            "initially_assigned_at": maybe_ts(),
            "assigned_at": maybe_ts(),
            "solved_at": iso(updated) if solved else None,
            "latest_comment_added_at": maybe_ts(),
            "custom_status_updated_at": maybe_ts(),
            "reply_time_in_minutes": dur(),
            "first_resolution_time_in_minutes": dur()
            if solved
            else {"calendar": None, "business": None},
            "full_resolution_time_in_minutes": dur()
            if solved
            else {"calendar": None, "business": None},
            "agent_wait_time_in_minutes": dur(),
            "requester_wait_time_in_minutes": dur(),
            "on_hold_time_in_minutes": dur(),
            "reply_time_in_seconds": {"calendar": rng.choice([None, rng.randint(0, 9999)])},
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        self._put("ticket_metrics", rec, updated)
        self.metric_by_ticket[ticket["id"]] = mid

    def _build_tickets(self) -> None:
        rng = self._rng
        n = self._n(1000)
        big_moment = self._bulk_moments[len(self._bulk_moments) // 2]
        for i in range(n):
            created = self._time(self._t0, self._t1 - 3600)
            n_more = rng.choices([0, 1, 2, 3], weights=[35, 40, 17, 8])[0]
            last = created
            if n_more:
                last = self._time(created + 60, min(created + 60 * DAY, self._t1))
                last = self._bulk_or(last, created, 0.08)
            gen = last
            if rng.random() < 0.3:
                gen = min(self._t1, last + rng.randint(1, 3 * DAY))
            if i % 25 == 0 and big_moment > last:  # one big shared second (a mass update)
                gen = big_moment
            deleted = rng.random() < 0.03
            if deleted:
                gen = self._time(gen, self._t1)
            ticket = self._new_ticket(created, last, gen, n_more, deleted)
            if rng.random() < 0.03:
                self.ai_ticket_ids.add(ticket["id"])
        self._ticket_ids = list(self._data["tickets"])

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
                    rec["child_events"] = [_reduce_child(c) for c in rec["child_events"]]
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

    # ------------------------------------------------------------------ public
    def records(self, collection: str) -> list[dict]:
        """Raw objects of a collection (live: do not modify).

        Collections: users, organizations, groups, tickets, ticket_events (parent updates),
        ticket_metrics (metric sets), satisfaction_ratings, activities, audit_logs,
        ticket_forms, ticket_fields, user_fields, organization_fields,
        organization_memberships, group_memberships, ticket_skips; derived: ticket_comments
        (Comment children) and attachments.
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

    # ------------------------------------------------------------------ mutations
    def _stamp(self) -> int:
        stamp = max(int(time.time()) - 90, self._last_stamp + 1)
        self._last_stamp = stamp
        return stamp

    def _pick(self, ids: list[int], n: int) -> list[int]:
        ids = sorted(ids)
        return self._mrng.sample(ids, min(n, len(ids)))

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
            saved, self._rng = self._rng, self._mrng
            try:
                ids = []
                for _ in range(n):
                    t = self._new_ticket(stamp, stamp, stamp, 0, False)
                    if t["status"] == "deleted":  # pragma: no cover - never for new tickets
                        t["status"] = "new"
                    ids.append(t["id"])
                return ids
            finally:
                self._rng = saved

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
            saved, self._rng = self._rng, self._mrng
            try:
                return [self._new_user(stamp, stamp, "end-user")["id"] for _ in range(n)]
            finally:
                self._rng = saved

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
            saved, self._rng = self._rng, self._mrng
            try:
                return [self._new_org(stamp, stamp)["id"] for _ in range(n)]
            finally:
                self._rng = saved

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
            saved, self._rng = self._rng, self._mrng
            try:
                return [self._new_audit_log(stamp)["id"] for _ in range(n)]
            finally:
                self._rng = saved

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


def _reduce_child(child: dict) -> dict:
    """A Comment child as the export sends it without include=comment_events."""
    if child.get("event_type") != "Comment":
        return child
    return {
        "id": child["id"],
        "event_type": "Comment",
        "via": _CHANNEL_VIA.get(child["via"]["channel"], "Web form"),
        "via_reference_id": child.get("via_reference_id"),
        "comment_present": True,
        "comment_public": child["public"],
    }
