"""What happens around tickets: activities, satisfaction ratings, skips and audit logs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tap_zendesk_objects.config import DEFAULT_RATINGS_LOOKBACK_DAYS
from tap_zendesk_objects.families import ListStream
from tap_zendesk_objects.pagination import PageParams
from tap_zendesk_objects.schemas.activity import (
    ACTIVITIES,
    AUDIT_LOGS,
    SATISFACTION_RATINGS,
    TICKET_SKIPS,
)
from tap_zendesk_objects.timeutil import epoch_to_iso, to_epoch

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

DAY_SECONDS = 86400


class ActivitiesStream(ListStream):
    """The calling agent's activity feed (Zendesk keeps only its last 30 days)."""

    name = "activities"
    path = "/api/v2/activities"
    records_key = "activities"
    replication_key = "created_at"
    full_first_sync = True
    schema = ACTIVITIES

    def run_params(self, context: Context | None) -> PageParams:
        """`since` the bookmark, once there is one."""
        bookmark = to_epoch(self.bookmark(context))
        return {} if bookmark is None else {"since": epoch_to_iso(bookmark)}


class SatisfactionRatingsStream(ListStream):
    """Satisfaction ratings (legacy CSAT), bookmarked on `updated_at`.

    Whether `start_time` filters on creation or update is not documented, so the read starts
    a look-back window before the bookmark and keeps what was updated at or after it: a
    rating that goes from offered to good is caught.
    """

    name = "satisfaction_ratings"
    path = "/api/v2/satisfaction_ratings"
    records_key = "satisfaction_ratings"
    replication_key = "updated_at"
    schema = SATISFACTION_RATINGS
    plan_gated = True  # CSAT off, or the account on the updated CSAT: 403/404
    plan_requirement = (
        "Satisfaction ratings need customer satisfaction (CSAT) turned on, in its legacy "
        "version: with CSAT off, or on the updated CSAT, Zendesk has no ratings to list here."
    )

    def run_params(self, context: Context | None) -> PageParams:
        """start_time: the bookmark minus the look-back, or start_date on a first sync."""
        self._floor = self.start_epoch(context)
        if self.bookmark(context) is None:
            return {"start_time": self._floor}
        days = self.config.get("satisfaction_ratings_lookback_days")
        lookback = DEFAULT_RATINGS_LOOKBACK_DAYS if days is None else int(days)
        return {"start_time": max(self._floor - lookback * DAY_SECONDS, 0)}

    def process_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Keep ratings updated at or after the bookmark (or start_date)."""
        return [r for r in records if (to_epoch(r.get("updated_at")) or 0) >= self._floor]


class TicketSkipsStream(ListStream):
    """Skips: when an agent passed over a ticket without answering. Read in full."""

    name = "ticket_skips"
    path = "/api/v2/skips"
    records_key = "skips"
    schema = TICKET_SKIPS


class AuditLogsStream(ListStream):
    """Audit logs, oldest first from the bookmark (Enterprise only; opt-in as in Segment)."""

    name = "audit_logs"
    path = "/api/v2/audit_logs"
    records_key = "audit_logs"
    replication_key = "created_at"
    is_sorted = True
    schema = AUDIT_LOGS
    selected_by_default = False
    plan_gated = True
    plan_requirement = "Audit logs need a Zendesk Enterprise plan."

    def run_params(self, context: Context | None) -> PageParams:
        """A created_at range from the bookmark (or start_date) to now, ascending."""
        now = dt.datetime.now(dt.UTC).timestamp()
        return {
            "filter[created_at][]": [epoch_to_iso(self.start_epoch(context)), epoch_to_iso(now)],
            "sort": "created_at",
        }
