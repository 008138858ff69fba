"""Schema of activities, the calling agent's activity feed."""

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
