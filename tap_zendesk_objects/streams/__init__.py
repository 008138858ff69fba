"""The stream registry: one class per collection, grouped by resource family."""

from __future__ import annotations

from tap_zendesk_objects.streams.activity import (
    ActivitiesStream,
    AuditLogsStream,
    SatisfactionRatingsStream,
    TicketSkipsStream,
)
from tap_zendesk_objects.streams.forms import (
    OrganizationFieldsStream,
    TicketFieldsStream,
    TicketFormsStream,
    UserFieldsStream,
)
from tap_zendesk_objects.streams.people import (
    GroupMembershipsStream,
    GroupsStream,
    OrganizationMembershipsStream,
    OrganizationsStream,
    UserIdentitiesStream,
    UsersStream,
)
from tap_zendesk_objects.streams.rules import (
    AutomationsStream,
    MacrosStream,
    SlaPoliciesStream,
    TriggersStream,
    ViewsStream,
)
from tap_zendesk_objects.streams.settings import (
    BrandsStream,
    CustomRolesStream,
    CustomStatusesStream,
    ScheduleHolidaysStream,
    SchedulesStream,
    TagsStream,
)
from tap_zendesk_objects.streams.ticket_events import (
    AttachmentsStream,
    TicketCommentsStream,
    TicketEventsStream,
)
from tap_zendesk_objects.streams.tickets import (
    TicketMetricEventsStream,
    TicketMetricsStream,
    TicketsStream,
)

STREAM_TYPES = (
    UsersStream,
    GroupsStream,
    TicketsStream,
    TicketFieldsStream,
    ActivitiesStream,
    AttachmentsStream,
    OrganizationsStream,
    TicketEventsStream,
    TicketMetricsStream,
    SatisfactionRatingsStream,
    TicketCommentsStream,
    TicketFormsStream,
    TicketSkipsStream,
    OrganizationMembershipsStream,
    GroupMembershipsStream,
    AuditLogsStream,
    # Beyond Segment's 16, each opt-in.
    TicketMetricEventsStream,
    UserIdentitiesStream,
    BrandsStream,
    SchedulesStream,
    ScheduleHolidaysStream,
    SlaPoliciesStream,
    CustomStatusesStream,
    TagsStream,
    MacrosStream,
    TriggersStream,
    AutomationsStream,
    ViewsStream,
    UserFieldsStream,
    OrganizationFieldsStream,
    CustomRolesStream,
)

__all__ = ["STREAM_TYPES"]
