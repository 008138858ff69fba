"""Audit logs: changes made in the account (Enterprise only)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.schemas.audit_logs import AUDIT_LOGS
from tap_zendesk_objects.streams.families import ListStream
from tap_zendesk_objects.timeutil import format_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


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
        now = time.time()
        return {
            "filter[created_at][]": [format_time(self.start_epoch(context)), format_time(now)],
            "sort": "created_at",
        }
