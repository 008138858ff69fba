"""Schemas of custom objects (the new API), their fields and their records."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    SDC_DELETED_AT,
    booleans,
    integers,
    strings,
)

CUSTOM_OBJECTS = th.PropertiesList(
    th.Property("key", th.StringType, required=True),
    *strings(
        "title",
        "title_pluralized",
        "raw_title",
        "raw_title_pluralized",
        "description",
        "raw_description",
        "created_by_user_id",
        "updated_by_user_id",
        "url",
    ),
    *booleans("include_in_list_view", "allows_attachments", "allows_photos"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

CUSTOM_OBJECT_FIELDS = th.PropertiesList(
    ID,
    *strings(
        "custom_object_key",
        "key",
        "type",
        "title",
        "raw_title",
        "description",
        "raw_description",
        "relationship_target_type",
        "url",
    ),
    *integers("position"),
    *booleans("active", "system", "required"),
    th.Property("custom_field_options", th.ArrayType(OPEN_OBJECT)),
    th.Property("relationship_filter", OPEN_OBJECT),
    th.Property("properties", OPEN_OBJECT),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

CUSTOM_OBJECT_RECORDS = th.PropertiesList(
    th.Property("custom_object_key", th.StringType, required=True),
    th.Property("id", th.StringType, required=True),
    *strings("name", "external_id", "created_by_user_id", "updated_by_user_id", "url"),
    th.Property(
        "custom_object_fields",
        OPEN_OBJECT,
        description="The record's field values by field key, as Zendesk sends them.",
    ),
    *CREATED_UPDATED,
    SDC_DELETED_AT,
    RECEIVED_AT,
).to_dict()
