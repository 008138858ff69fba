"""Schemas of the account's field definitions: ticket, user and organization fields."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    booleans,
    integers,
    strings,
)

CUSTOM_FIELD_OPTION = th.ObjectType(
    *integers("id"),
    *strings("name", "raw_name", "value"),
    *booleans("default"),
    additional_properties=True,
)

TICKET_FIELDS = th.PropertiesList(
    ID,
    *strings(
        "url",
        "type",
        "slug",
        "title",
        "raw_title",
        "description",
        "raw_description",
        "agent_description",
        "regexp_for_validation",
        "title_in_portal",
        "raw_title_in_portal",
        "tag",
        "relationship_target_type",
    ),
    *integers("position", "sub_type_id"),
    *booleans(
        "active",
        "required",
        "collapsed_for_agents",
        "visible_in_portal",
        "editable_in_portal",
        "required_in_portal",
        "agent_can_edit",
        "removable",
    ),
    th.Property("custom_field_options", th.ArrayType(CUSTOM_FIELD_OPTION)),
    th.Property("system_field_options", th.ArrayType(OPEN_OBJECT)),
    th.Property("custom_statuses", th.ArrayType(OPEN_OBJECT)),
    th.Property("relationship_filter", OPEN_OBJECT),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

# user_fields and organization_fields: the definitions of the custom fields of users and
# organizations (the same list defines their custom columns).
CUSTOM_FIELD_DEFINITIONS = th.PropertiesList(
    ID,
    *strings(
        "url",
        "key",
        "type",
        "title",
        "raw_title",
        "description",
        "raw_description",
        "regexp_for_validation",
        "tag",
        "relationship_target_type",
    ),
    *integers("position"),
    *booleans("active", "system"),
    th.Property("custom_field_options", th.ArrayType(CUSTOM_FIELD_OPTION)),
    th.Property("relationship_filter", OPEN_OBJECT),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()
