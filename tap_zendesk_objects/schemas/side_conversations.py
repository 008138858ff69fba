"""Schemas of side conversations and their events (Collaboration add-on)."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    OPEN_OBJECT,
    RECEIVED_AT,
    STRING_ID,
    datetimes,
    integers,
    strings,
)

SIDE_CONVERSATIONS = th.PropertiesList(
    STRING_ID,
    *integers("ticket_id"),
    *strings("url", "subject", "preview_text", "state"),
    th.Property("participants", th.ArrayType(OPEN_OBJECT)),
    th.Property("external_ids", OPEN_OBJECT),
    *datetimes("message_added_at", "state_updated_at", "created_at", "updated_at"),
    RECEIVED_AT,
).to_dict()

SIDE_CONVERSATION_EVENTS = th.PropertiesList(
    STRING_ID,
    *strings("side_conversation_id"),
    *integers("ticket_id"),
    *strings("type", "via", "url"),
    th.Property("actor", OPEN_OBJECT),
    th.Property("message", OPEN_OBJECT),
    th.Property("updates", OPEN_OBJECT),
    *datetimes("created_at"),
    RECEIVED_AT,
).to_dict()
