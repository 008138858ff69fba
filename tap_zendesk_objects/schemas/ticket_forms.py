"""Schema of ticket_forms."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    booleans,
    datetimes,
    id_lists,
    integers,
    strings,
)

TICKET_FORMS = th.PropertiesList(
    ID,
    *strings("url", "name", "raw_name", "display_name", "raw_display_name"),
    *integers("position"),
    *booleans("active", "default", "end_user_visible", "in_all_brands"),
    *id_lists("restricted_brand_ids", "ticket_field_ids"),
    th.Property("agent_conditions", th.ArrayType(OPEN_OBJECT)),
    th.Property("end_user_conditions", th.ArrayType(OPEN_OBJECT)),
    *CREATED_UPDATED,
    *datetimes("deleted_at"),
    RECEIVED_AT,
).to_dict()
