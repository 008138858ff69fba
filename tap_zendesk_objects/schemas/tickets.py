"""Schemas of tickets, ticket_metrics and ticket_metric_events."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    CREATED_UPDATED,
    CUSTOM_FIELD_VALUES,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    SDC_DELETED_AT,
    VIA,
    booleans,
    datetimes,
    id_lists,
    integers,
    string_lists,
    strings,
)

TICKETS = th.PropertiesList(
    ID,
    *strings(
        "url",
        "external_id",
        "type",
        "subject",
        "raw_subject",
        "description",
        "priority",
        "status",
        "recipient",
        "encoded_id",
    ),
    *integers(
        "requester_id",
        "submitter_id",
        "assignee_id",
        "organization_id",
        "group_id",
        "forum_topic_id",
        "problem_id",
        "brand_id",
        "ticket_form_id",
        "custom_status_id",
        "generated_timestamp",
    ),
    *id_lists(
        "collaborator_ids",
        "follower_ids",
        "email_cc_ids",
        "followup_ids",
        "sharing_agreement_ids",
    ),
    *string_lists("tags"),
    *booleans(
        "has_incidents",
        "is_public",
        "allow_channelback",
        "allow_attachments",
        "from_messaging_channel",
    ),
    *datetimes("due_at"),
    *CREATED_UPDATED,
    VIA,
    th.Property("satisfaction_rating", OPEN_OBJECT),
    CUSTOM_FIELD_VALUES,
    RECEIVED_AT,
    SDC_DELETED_AT,
).to_dict()

# Zendesk's duration objects ({calendar, business}) become two flat columns each.
DURATIONS = (
    "reply_time_in_minutes",
    "first_resolution_time_in_minutes",
    "full_resolution_time_in_minutes",
    "agent_wait_time_in_minutes",
    "requester_wait_time_in_minutes",
    "on_hold_time_in_minutes",
)
DURATION_PARTS = ("calendar", "business")

TICKET_METRICS = th.PropertiesList(
    ID,
    *strings("url"),
    *integers(
        "ticket_id",
        "group_stations",
        "assignee_stations",
        "reopens",
        "replies",
        *(f"{name}_{part}" for name in DURATIONS for part in DURATION_PARTS),
        "reply_time_in_seconds_calendar",
    ),
    *CREATED_UPDATED,
    *datetimes(
        "assignee_updated_at",
        "requester_updated_at",
        "status_updated_at",
        "initially_assigned_at",
        "assigned_at",
        "solved_at",
        "latest_comment_added_at",
        "custom_status_updated_at",
    ),
    RECEIVED_AT,
).to_dict()

# One clock event of a ticket metric (reply time, resolution time, SLA...). Which of `sla`,
# `status` and `deleted` appear depends on the event's type.
TICKET_METRIC_EVENTS = th.PropertiesList(
    ID,
    *integers("ticket_id", "instance_id"),
    *strings("url", "metric", "type"),
    *datetimes("time"),
    *booleans("deleted"),
    th.Property(
        "sla",
        th.ObjectType(
            *integers("target", "target_in_seconds"),
            *booleans("business_hours"),
            th.Property(
                "policy",
                th.ObjectType(
                    *integers("id"), *strings("title", "description"), additional_properties=True
                ),
            ),
            additional_properties=True,
        ),
    ),
    th.Property(
        "status",
        th.ObjectType(*integers("calendar", "business"), additional_properties=True),
    ),
    RECEIVED_AT,
).to_dict()
