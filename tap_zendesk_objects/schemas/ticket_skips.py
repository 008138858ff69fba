"""Schema of ticket_skips."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    integers,
    strings,
)

TICKET_SKIPS = th.PropertiesList(
    ID,
    *integers("ticket_id", "user_id"),
    *strings("reason"),
    th.Property("ticket", OPEN_OBJECT),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()
