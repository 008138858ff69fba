"""Schemas of the conversation log (messaging) and of the updated CSAT's survey responses."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    ATTACHMENT,
    OPEN_OBJECT,
    RECEIVED_AT,
    STRING_ID,
    booleans,
    datetimes,
    integers,
    strings,
)

CONVERSATION_LOG = th.PropertiesList(
    STRING_ID,
    *integers("ticket_id"),
    *strings("type", "reference"),
    *datetimes("created_at"),
    th.Property(
        "message_received_at",
        th.DateTimeType,
        description="Zendesk's `received_at` of a messaging message (ours is `received_at`).",
    ),
    *strings("author_type"),
    *integers("author_user_id"),
    *strings("author_sunco_user_id", "author_display_name", "content_type"),
    th.Property(
        "text",
        th.StringType,
        description="The plain text: content.text, else content.body, else content.textFallback.",
    ),
    *booleans("public"),
    *strings("source_type"),
    th.Property("author", OPEN_OBJECT),
    th.Property("content", OPEN_OBJECT),
    th.Property("metadata", OPEN_OBJECT),
    th.Property("source", OPEN_OBJECT),
    th.Property("attachments", th.ArrayType(ATTACHMENT)),
    RECEIVED_AT,
).to_dict()

CSAT_SURVEY_RESPONSES = th.PropertiesList(
    STRING_ID,
    *integers("ticket_id", "responder_id"),
    *strings("survey_id"),
    *integers("survey_version", "rating"),
    *strings("survey_state", "rating_category", "comment"),
    *datetimes("expires_at", "created_at", "updated_at"),
    th.Property("subject_zrns", th.ArrayType(th.StringType)),
    th.Property("answers", th.ArrayType(OPEN_OBJECT)),
    RECEIVED_AT,
).to_dict()
