"""users/me and the list endpoints of the first 16 collections: groups, memberships, skips,
satisfaction ratings, activities, audit logs, ticket forms and the three kinds of fields.

Each list has Zendesk's order, filters and plan rules for it; paging is server_paging.py's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.emulator.bodies import FORBIDDEN, RECORD_NOT_FOUND
from tests.emulator.server_paging import wants_cursor
from tests.emulator.server_request import HTTPError, Query, invalid_value
from tests.emulator.zendesk import parse_iso

if TYPE_CHECKING:
    from tests.emulator.server import Emulator


def _created_between(lo: int | None, hi: int | None) -> Callable[[dict], bool]:
    """A filter on `created_at` within [lo, hi]; an open end when None."""

    def keep(record: dict) -> bool:
        created = parse_iso(record["created_at"])
        return (lo is None or created >= lo) and (hi is None or created <= hi)

    return keep


def register(emulator: Emulator) -> None:
    """Serve users/me and the lists from `emulator`."""
    routes = _Routes(emulator)
    emulator._routes.update(
        {
            "/api/v2/users/me": routes.users_me,
            "/api/v2/groups": routes.groups,
            "/api/v2/group_memberships": routes.group_memberships,
            "/api/v2/organization_memberships": routes.organization_memberships,
            "/api/v2/skips": routes.skips,
            "/api/v2/satisfaction_ratings": routes.satisfaction_ratings,
            "/api/v2/activities": routes.activities,
            "/api/v2/audit_logs": routes.audit_logs,
            "/api/v2/ticket_forms": routes.ticket_forms,
            "/api/v2/ticket_fields": routes.ticket_fields,
            "/api/v2/user_fields": routes.user_fields,
            "/api/v2/organization_fields": routes.organization_fields,
        }
    )


class _Routes:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def users_me(self, q: Query) -> Any:
        acc = self.emu.account
        with acc.lock:
            record = acc.record_json("users", acc.admin_id)
        if self.emu.role == "admin":
            return b'{"user":' + record + b"}"
        user = json.loads(record)  # the same person, seen with another role
        user.update(role=self.emu.role, role_type=None, report_csv=False)
        return {"user": user}

    def _by_id(self, q: Query, coll: str, key: str | None = None) -> bytes:
        path = "/api/v2/" + (key or coll)
        return self.emu.lists.page(q, key or coll, coll, path, "id", lambda r: (r["id"],))

    def groups(self, q: Query) -> bytes:
        # Zendesk leaves deleted groups out unless asked with exclude_deleted=false.
        with_deleted = (q.get("exclude_deleted") or "").lower() == "false"
        return self.emu.lists.page(
            q,
            "groups",
            "groups",
            "/api/v2/groups",
            "name,id",
            lambda r: (r["name"], r["id"]),
            lambda r: with_deleted or not r["deleted"],
            filter_key=(with_deleted,),
        )

    def group_memberships(self, q: Query) -> bytes:
        return self._by_id(q, "group_memberships")

    def organization_memberships(self, q: Query) -> bytes:
        return self._by_id(q, "organization_memberships")

    def skips(self, q: Query) -> bytes:
        desc = q.get("sort_order") == "desc"
        return self.emu.lists.page(
            q,
            "skips",
            "ticket_skips",
            "/api/v2/skips",
            "-id" if desc else "id",
            (lambda r: (-r["id"],)) if desc else (lambda r: (r["id"],)),
        )

    def satisfaction_ratings(self, q: Query) -> bytes:
        start, end = q.int("start_time"), q.int("end_time")
        sort = q.get("sort", "id") or "id"
        field = sort.lstrip("-")
        if field not in ("id", "created_at", "updated_at"):
            raise invalid_value("sort must be id, created_at or updated_at (optionally -)")
        sign = -1 if sort.startswith("-") else 1

        def sort_key(r: dict) -> tuple:
            if field == "id":
                return (sign * r["id"],)
            return (sign * parse_iso(r[field]), sign * r["id"])

        return self.emu.lists.page(
            q,
            "satisfaction_ratings",
            "satisfaction_ratings",
            "/api/v2/satisfaction_ratings",
            sort,
            sort_key,
            _created_between(start, end),
            filter_key=(start, end),
        )

    def activities(self, q: Query) -> bytes:
        since_text = q.get("since")
        since = None
        if since_text:
            try:
                since = parse_iso(since_text)
            except ValueError as exc:
                raise invalid_value("since must be an ISO-8601 time") from exc
        return self.emu.lists.page(
            q,
            "activities",
            "activities",
            "/api/v2/activities",
            "id",
            lambda r: (r["id"],),
            lambda r: since is None or parse_iso(r["created_at"]) >= since,
            filter_key=(since,),
        )

    def audit_logs(self, q: Query) -> bytes:
        if not self.emu.enterprise:
            raise HTTPError(403, FORBIDDEN)
        bounds = q.all("filter[created_at][]") or q.all("filter[created_at]")
        try:
            lo = parse_iso(bounds[0]) if bounds else None
            hi = parse_iso(bounds[1]) if len(bounds) > 1 else None
        except ValueError as exc:
            raise invalid_value("filter[created_at] must be ISO-8601 times") from exc
        sort = q.get("sort", "-created_at") or "-created_at"
        if sort not in ("created_at", "-created_at"):
            raise invalid_value("sort must be created_at or -created_at")
        sign = 1 if sort == "created_at" else -1

        return self.emu.lists.page(
            q,
            "audit_logs",
            "audit_logs",
            "/api/v2/audit_logs",
            sort + ",id",
            lambda r: (sign * parse_iso(r["created_at"]), sign * r["id"]),
            _created_between(lo, hi),
            filter_key=(lo, hi),
        )

    def ticket_forms(self, q: Query) -> bytes:
        if not self.emu.enterprise:
            raise HTTPError(404, RECORD_NOT_FOUND)
        paged = any(k in q for k in ("page", "per_page", "page[size]", "page[after]"))
        return self.emu.lists.page(
            q,
            "ticket_forms",
            "ticket_forms",
            "/api/v2/ticket_forms",
            "position,id",
            lambda r: (r["position"], r["id"]),
            unpaged_all=not paged,
        )

    def ticket_fields(self, q: Query) -> bytes:
        return self._fields(q, "ticket_fields", offset=False)

    def user_fields(self, q: Query) -> bytes:
        return self._fields(q, "user_fields")

    def organization_fields(self, q: Query) -> bytes:
        return self._fields(q, "organization_fields")

    def _fields(self, q: Query, coll: str, offset: bool = True) -> bytes:
        """By id with cursors; else in position order, paged unless `offset` is off."""
        if wants_cursor(q):
            return self._by_id(q, coll)
        return self.emu.lists.page(
            q,
            coll,
            coll,
            f"/api/v2/{coll}",
            "position,id",
            lambda r: (r["position"], r["id"]),
            offset=offset,
        )
