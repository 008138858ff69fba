"""Schemas of ticket_events, ticket_comments and attachments."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    ATTACHMENT,
    ATTACHMENT_FIELDS,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    SYSTEM,
    VIA,
    booleans,
    datetimes,
    integers,
    numbers,
    strings,
)

TICKET_EVENTS = th.PropertiesList(
    ID,
    *integers("ticket_event_id", "ticket_id", "updater_id", "via_reference_id"),
    *datetimes("timestamp", "created_at"),
    *strings(
        "ticket_event_via",
        "context_client",
        "context_location",
        "event_type",
        "via",
        "field_name",
        "value",
        "previous_value",
    ),
    *numbers("context_latitude", "context_longitude"),
    *booleans("comment_present", "comment_public"),
    RECEIVED_AT,
).to_dict()

TICKET_COMMENTS = th.PropertiesList(
    ID,
    *integers("ticket_event_id", "ticket_id", "author_id", "audit_id"),
    *strings("type", "body", "html_body", "plain_body"),
    *booleans("public"),
    VIA,
    th.Property(
        "metadata",
        th.ObjectType(
            th.Property("system", SYSTEM),
            th.Property("custom", OPEN_OBJECT),
            additional_properties=True,
        ),
    ),
    th.Property("attachments", th.ArrayType(ATTACHMENT)),
    *datetimes("created_at", "timestamp"),
    RECEIVED_AT,
).to_dict()

ATTACHMENTS = th.PropertiesList(
    ID,
    *[prop for prop in ATTACHMENT_FIELDS if prop.name != "id"],
    *integers("comment_id", "ticket_id", "ticket_event_id"),
    *datetimes("created_at"),
    RECEIVED_AT,
).to_dict()
