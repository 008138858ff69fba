"""Account settings: brands, ticket statuses, custom roles, tags, schedules and their holidays.

All opt-in and read in full every run (Zendesk offers no changed-since filter on them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tap_zendesk_objects.schemas.settings import (
    BRANDS,
    CUSTOM_ROLES,
    CUSTOM_STATUSES,
    SCHEDULE_HOLIDAYS,
    SCHEDULES,
    TAGS,
)
from tap_zendesk_objects.streams.families import ListStream, SharedListStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

BUSINESS_HOURS_PLANS = "Business-hours schedules need Support Professional or Suite Growth and up."


class BrandsStream(ListStream):
    """Brands, sorted by name."""

    name = "brands"
    path = "/api/v2/brands"
    records_key = "brands"
    schema = BRANDS
    selected_by_default = False


class CustomStatusesStream(ListStream):
    """Custom ticket statuses (tickets point at them with `custom_status_id`)."""

    name = "custom_statuses"
    path = "/api/v2/custom_statuses"
    records_key = "custom_statuses"
    schema = CUSTOM_STATUSES
    selected_by_default = False


class CustomRolesStream(ListStream):
    """Custom agent roles; plans without them answer 403/404 and the stream stays empty."""

    name = "custom_roles"
    path = "/api/v2/custom_roles"
    records_key = "custom_roles"
    schema = CUSTOM_ROLES
    selected_by_default = False
    plan_gated = True
    plan_requirement = "Custom roles need a Zendesk Enterprise plan."


class TagsStream(ListStream):
    """The account's most used tags of the last 60 days with their counts.

    Zendesk gives a tag no id; its name is unique and never changes, so it is the key.
    """

    name = "tags"
    path = "/api/v2/tags"
    records_key = "tags"
    primary_keys = ("name",)
    schema = TAGS
    selected_by_default = False


class SchedulesStream(SharedListStream):
    """Business-hours schedules; their holidays read the same list (one request for both)."""

    name = "schedules"
    path = "/api/v2/business_hours/schedules"
    records_key = "schedules"
    schema = SCHEDULES
    selected_by_default = False
    plan_gated = True
    plan_requirement = BUSINESS_HOURS_PLANS


class ScheduleHolidaysStream(ListStream):
    """Each schedule's holidays (one request per schedule), each row with its `schedule_id`."""

    name = "schedule_holidays"
    path = "/api/v2/business_hours/schedules/{schedule_id}/holidays"
    records_key = "holidays"
    primary_keys = ("schedule_id", "id")
    schema = SCHEDULE_HOLIDAYS
    selected_by_default = False
    plan_gated = True
    plan_requirement = BUSINESS_HOURS_PLANS

    def request_records(self, context: Context | None) -> Iterator[dict]:
        """The holidays of every schedule, the schedule list read once per run."""
        for schedule in SchedulesStream(tap=self.tap, run=self.run).request_records(None):
            schedule_id = schedule.get("id")
            for row in super().request_records({**(context or {}), "schedule_id": schedule_id}):
                row["schedule_id"] = schedule_id
                yield row
