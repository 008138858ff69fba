"""Schemas of the account's settings: brands, ticket statuses, roles, tags and business hours."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    ATTACHMENT,
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    booleans,
    id_lists,
    integers,
    strings,
)

BRANDS = th.PropertiesList(
    ID,
    *strings(
        "url",
        "name",
        "brand_url",
        "subdomain",
        "host_mapping",
        "help_center_state",
        "signature_template",
    ),
    *booleans("has_help_center", "active", "default", "is_deleted"),
    th.Property("logo", ATTACHMENT),
    *id_lists("ticket_form_ids"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

CUSTOM_STATUSES = th.PropertiesList(
    ID,
    *strings(
        "url",
        "status_category",
        "agent_label",
        "raw_agent_label",
        "end_user_label",
        "raw_end_user_label",
        "description",
        "raw_description",
        "end_user_description",
        "raw_end_user_description",
    ),
    *booleans("active", "default"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

CUSTOM_ROLES = th.PropertiesList(
    ID,
    *strings("url", "name", "description"),
    *integers("role_type", "team_member_count"),
    # About forty permissions whose set grows: one JSON object.
    th.Property("configuration", OPEN_OBJECT),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

# Zendesk gives tags no id: the name is the key.
TAGS = th.PropertiesList(
    th.Property("name", th.StringType, required=True),
    *integers("count"),
    RECEIVED_AT,
).to_dict()

SCHEDULES = th.PropertiesList(
    ID,
    *strings("url", "name", "time_zone"),
    th.Property(
        "intervals",
        th.ArrayType(
            # Minutes since Sunday 00:00 in the schedule's time zone (Monday 09:00 = 1980).
            th.ObjectType(*integers("start_time", "end_time"), additional_properties=True)
        ),
    ),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

SCHEDULE_HOLIDAYS = th.PropertiesList(
    ID,
    th.Property(
        "schedule_id", th.IntegerType, required=True, description="The holiday's schedule."
    ),
    *strings("url", "name"),
    th.Property("start_date", th.DateType),
    th.Property("end_date", th.DateType),
    RECEIVED_AT,
).to_dict()
