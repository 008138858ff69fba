"""The emulator's endpoints for the 15 collections beyond Segment's 16.

`register(emulator)` adds them to the server's routes, with the plan switches that go with
them: `emulator.professional` (SLA policies and business-hours schedules need Support
Professional or Suite Growth) besides `emulator.enterprise` (custom roles), and
`emulator.metric_events_end_of_stream`: whether the time-based ticket metric event export
says `end_of_stream` (Zendesk's reference shows it without; the tap must cope either way).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.emulator.bodies import FORBIDDEN, RECORD_NOT_FOUND
from tests.emulator.more_rules import listed_views
from tests.emulator.server_exports import start_time, time_export
from tests.emulator.server_request import HTTPError, Query
from tests.emulator.zendesk import dumps, parse_iso

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.emulator.server import Emulator

METRIC_EVENTS = "/api/v2/incremental/ticket_metric_events"
HOLIDAYS = re.compile(r"/api/v2/business_hours/schedules/(\d+)/holidays")


def register(emulator: Emulator) -> None:
    """Serve the 15 collections from `emulator`."""
    emulator.professional = True
    emulator.metric_events_end_of_stream = False
    routes = _Routes(emulator)
    emulator._routes.update(
        {
            METRIC_EVENTS: routes.metric_events,
            "/api/v2/brands": routes.lister("brands", "name,id", lambda r: (r["name"], r["id"])),
            "/api/v2/tags": routes.lister("tags", "-score,id", lambda r: (-r["count"], r["name"])),
            "/api/v2/macros": routes.lister("macros", "title,id", lambda r: (r["title"], r["id"])),
            "/api/v2/triggers": routes.lister(
                "triggers", "position,title,id", lambda r: (r["position"], r["title"], r["id"])
            ),
            "/api/v2/automations": routes.lister(
                "automations", "position,id", lambda r: (r["position"], r["id"])
            ),
            "/api/v2/views": routes.views,
            "/api/v2/custom_statuses": routes.custom_statuses,
            "/api/v2/custom_roles": routes.custom_roles,
            "/api/v2/slas/policies": routes.sla_policies,
            "/api/v2/business_hours/schedules": routes.schedules,
        }
    )
    emulator._pattern_routes.append((HOLIDAYS, routes.holidays))


class _Routes:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def _refuse_unless(self, allowed: bool, status: int = 403) -> None:
        if not allowed:
            raise HTTPError(status, FORBIDDEN if status == 403 else RECORD_NOT_FOUND)
        if self.emu.role == "agent":  # admins only, like the exports
            raise HTTPError(403, FORBIDDEN)

    def lister(
        self, coll: str, order: str, sort_key: Callable[[dict], tuple]
    ) -> Callable[[Query], bytes]:
        """A cursor (`page[size]`) or offset paginated list, in Zendesk's order for it."""
        return lambda q: self.emu.lists.page(q, coll, coll, f"/api/v2/{coll}", order, sort_key)

    def views(self, q: Query) -> bytes:
        """Shared views and the caller's own; other agents' personal views stay hidden."""
        listed = {v["id"] for v in listed_views(self.emu.account)}
        return self.emu.lists.page(
            q,
            "views",
            "views",
            "/api/v2/views",
            "created_at,id",
            lambda r: (parse_iso(r["created_at"]), r["id"]),
            lambda r: r["id"] in listed,
            filter_key=(frozenset(listed),),
        )

    def _unpaged(self, key: str, rows: list[dict], **tail: Any) -> bytes:
        """All of a list in one answer, page parameters ignored (no pagination documented)."""
        return dumps({key: sorted(rows, key=lambda r: r["id"]), **tail})

    def custom_statuses(self, q: Query) -> bytes:
        """Every custom status; `status_categories` and `active` filter, no pagination."""
        categories = {c for c in (q.get("status_categories") or "").split(",") if c}
        active = q.get("active")
        rows = [
            r
            for r in self.emu.account.records("custom_statuses")
            if (not categories or r["status_category"] in categories)
            and (active is None or str(r["active"]).lower() == active.lower())
        ]
        return self._unpaged("custom_statuses", rows)

    def custom_roles(self, q: Query) -> bytes:
        """Enterprise only."""
        self._refuse_unless(self.emu.enterprise)
        return self._unpaged("custom_roles", self.emu.account.records("custom_roles"))

    def sla_policies(self, q: Query) -> bytes:
        """Professional and up; `next_page` and `previous_page` always null."""
        self._refuse_unless(self.emu.professional)
        rows = self.emu.account.records("sla_policies")
        return self._unpaged(
            "sla_policies", rows, next_page=None, previous_page=None, count=len(rows)
        )

    def schedules(self, q: Query) -> bytes:
        """Professional and up (404 below it), one answer."""
        self._refuse_unless(self.emu.professional, 404)
        return self._unpaged("schedules", self.emu.account.records("schedules"))

    def holidays(self, match: re.Match, q: Query) -> bytes:
        """One schedule's holidays; 404 for a schedule that does not exist."""
        self._refuse_unless(self.emu.professional, 404)
        acc = self.emu.account
        ids = acc.holidays_by_schedule.get(int(match.group(1)))
        self._refuse_unless(ids is not None, 404)
        rows = [acc.get("schedule_holidays", hid) for hid in ids or []]
        return self._unpaged("holidays", rows)

    def metric_events(self, q: Query) -> bytes:
        """Time-based (up to 1,000 a page), or cursor mode (at most 100) with `page[size]`."""
        emu, coll = self.emu, "ticket_metric_events"
        start = start_time(q)
        if any(k in q for k in ("page[size]", "page[after]")):
            return emu.lists.page(
                q,
                coll,
                coll,
                METRIC_EVENTS,
                "time,id",
                lambda r: (parse_iso(r["time"]), r["id"]),
                lambda r: parse_iso(r["time"]) >= start,
                offset=False,
                filter_key=(start,),
            )
        return time_export(
            emu.account,
            q,
            coll,
            METRIC_EVENTS,
            lambda _rid: True,
            lambda rid: emu.account.record_json(coll, rid),
            end_of_stream=emu.metric_events_end_of_stream,
        )
