"""Schemas of users, organizations, groups and the two membership lists."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import (
    ATTACHMENT,
    CREATED_UPDATED,
    ID,
    OPEN_OBJECT,
    RECEIVED_AT,
    SDC_DELETED_AT,
    booleans,
    datetimes,
    integers,
    string_lists,
    strings,
)

USERS = th.PropertiesList(
    ID,
    *strings(
        "url",
        "name",
        "email",
        "time_zone",
        "iana_time_zone",
        "phone",
        "locale",
        "role",
        "external_id",
        "alias",
        "signature",
        "details",
        "notes",
        "ticket_restriction",
    ),
    *integers(
        "locale_id",
        "organization_id",
        "custom_role_id",
        "default_group_id",
        "role_type",
    ),
    *booleans(
        "verified",
        "active",
        "shared",
        "shared_agent",
        "two_factor_auth_enabled",
        "moderator",
        "only_private_comments",
        "restricted_agent",
        "suspended",
        "chat_only",
        "report_csv",
        "shared_phone_number",
        "permanently_deleted",
    ),
    *string_lists("tags"),
    *datetimes("last_login_at"),
    *CREATED_UPDATED,
    th.Property("photo", ATTACHMENT),
    th.Property("user_fields", OPEN_OBJECT),
    RECEIVED_AT,
    SDC_DELETED_AT,
).to_dict()

ORGANIZATIONS = th.PropertiesList(
    ID,
    *strings("url", "external_id", "name", "details", "notes"),
    *integers("group_id"),
    *booleans("shared_tickets", "shared_comments"),
    *string_lists("domain_names", "tags"),
    *CREATED_UPDATED,
    *datetimes("deleted_at"),
    th.Property("organization_fields", OPEN_OBJECT),
    RECEIVED_AT,
).to_dict()

GROUPS = th.PropertiesList(
    ID,
    *strings("url", "name", "description"),
    *booleans("deleted", "default", "is_public"),
    *CREATED_UPDATED,
    RECEIVED_AT,
    SDC_DELETED_AT,
).to_dict()

GROUP_MEMBERSHIPS = th.PropertiesList(
    ID,
    *strings("url"),
    *integers("user_id", "group_id"),
    *booleans("default"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

ORGANIZATION_MEMBERSHIPS = th.PropertiesList(
    ID,
    *strings("url", "organization_name"),
    *integers("user_id", "organization_id"),
    *booleans("default", "view_tickets"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()

# A user's ways of being reached (email, phone, social accounts), from the users export.
USER_IDENTITIES = th.PropertiesList(
    ID,
    *integers("user_id", "undeliverable_count"),
    *strings("url", "type", "value", "verification_method", "deliverable_state"),
    *booleans("primary", "verified"),
    *datetimes("verified_at"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()
