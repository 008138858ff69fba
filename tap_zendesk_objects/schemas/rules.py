"""Schemas of the business rules: macros, triggers, automations, views and SLA policies."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    ACTIONS,
    CONDITIONS,
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    RESTRICTION,
    booleans,
    integers,
    strings,
)

# What macros, triggers, automations and views share.
_RULE = (
    ID,
    *strings("url", "title", "raw_title", "description"),
    *booleans("active", "default"),
    *integers("position"),
    *CREATED_UPDATED,
    RECEIVED_AT,
)

MACROS = th.PropertiesList(
    *_RULE,
    th.Property("actions", ACTIONS),
    th.Property("restriction", RESTRICTION),
).to_dict()

TRIGGERS = th.PropertiesList(
    *_RULE,
    *strings("category_id"),  # a string of digits in Zendesk's answers
    th.Property("conditions", CONDITIONS),
    th.Property("actions", ACTIONS),
).to_dict()

AUTOMATIONS = th.PropertiesList(
    *_RULE,
    th.Property("conditions", CONDITIONS),
    th.Property("actions", ACTIONS),
).to_dict()

VIEW_COLUMN = th.ObjectType(
    th.Property("id", th.CustomType({"type": ["string", "integer", "null"]})),
    th.Property("title", th.StringType),
    *booleans("filterable", "sortable"),
    additional_properties=True,
)
VIEWS = th.PropertiesList(
    *_RULE,
    th.Property("conditions", CONDITIONS),
    th.Property("restriction", RESTRICTION),
    th.Property(
        "execution",
        th.ObjectType(
            *strings("group_by", "group_order", "sort_by", "sort_order"),
            th.Property("group", OPEN_OBJECT),
            th.Property("sort", OPEN_OBJECT),
            th.Property("columns", th.ArrayType(VIEW_COLUMN)),
            th.Property("fields", th.ArrayType(VIEW_COLUMN)),
            th.Property("custom_fields", th.ArrayType(VIEW_COLUMN)),
            additional_properties=True,
        ),
    ),
).to_dict()

SLA_POLICIES = th.PropertiesList(
    ID,
    *strings("url", "title", "description"),
    *integers("position"),
    th.Property("filter", CONDITIONS),
    th.Property(
        "policy_metrics",
        th.ArrayType(
            th.ObjectType(
                *strings("priority", "metric"),
                *integers("target", "target_in_seconds"),
                *booleans("business_hours"),
                additional_properties=True,
            )
        ),
    ),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()
