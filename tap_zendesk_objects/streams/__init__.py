"""The stream registry: one class per collection, grouped by resource family."""

from __future__ import annotations

from tap_zendesk_objects.streams.activity import (
    ActivitiesStream,
    AuditLogsStream,
    SatisfactionRatingsStream,
    TicketSkipsStream,
)
from tap_zendesk_objects.streams.forms import TicketFieldsStream, TicketFormsStream
from tap_zendesk_objects.streams.people import (
    GroupMembershipsStream,
    GroupsStream,
    OrganizationMembershipsStream,
    OrganizationsStream,
    UsersStream,
)
from tap_zendesk_objects.streams.ticket_events import (
    AttachmentsStream,
    TicketCommentsStream,
    TicketEventsStream,
)
from tap_zendesk_objects.streams.tickets import TicketMetricsStream, TicketsStream

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
)

__all__ = ["STREAM_TYPES"]
