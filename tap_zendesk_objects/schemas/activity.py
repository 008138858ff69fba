"""Schemas of activities, satisfaction_ratings, ticket_skips and audit_logs."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    datetimes,
    integers,
    strings,
)

ACTIVITIES = th.PropertiesList(
    ID,
    *strings("url", "verb", "title"),
    *integers("user_id", "actor_id"),
    th.Property("object", OPEN_OBJECT),
    th.Property("target", OPEN_OBJECT),
    th.Property("user", OPEN_OBJECT),
    th.Property("actor", OPEN_OBJECT),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

SATISFACTION_RATINGS = th.PropertiesList(
    ID,
    *strings("url", "score", "comment", "reason"),
    *integers("assignee_id", "group_id", "requester_id", "ticket_id", "reason_id"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

TICKET_SKIPS = th.PropertiesList(
    ID,
    *integers("ticket_id", "user_id"),
    *strings("reason"),
    th.Property("ticket", OPEN_OBJECT),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

AUDIT_LOGS = th.PropertiesList(
    ID,
    *strings(
        "url",
        "action",
        "action_label",
        "actor_name",
        "change_description",
        "ip_address",
        "source_label",
        "source_type",
    ),
    *integers("actor_id", "source_id"),
    *datetimes("created_at"),
    RECEIVED_AT,
).to_dict()
