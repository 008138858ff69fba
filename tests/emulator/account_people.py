"""The account's groups, organizations, users and their memberships.

A mixin of `Account` (account.py): users and organizations carry custom field values
(account_fields.py) and some users a photo (account_tickets.py).
"""

from __future__ import annotations

from tests.emulator.account_build import Generator
from tests.emulator.zendesk import ADMIN_EMAIL, API, DAY, iso, parse_iso


class PeopleGenerator(Generator):
    """Builds groups, organizations, users and memberships; makes new users and organizations."""

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
