"""Schema pieces shared by several streams, defined once."""

from __future__ import annotations

from typing import Any

from singer_sdk import typing as th

# The schema of a stream read only for other streams: nothing of it is written.
NO_PROPERTIES: dict[str, Any] = {"type": "object", "properties": {}}


def _many(kind: type[th.JSONTypeHelper[Any]], names: tuple[str, ...]) -> list[th.Property[Any]]:
    return [th.Property(name, kind) for name in names]


def integers(*names: str) -> list[th.Property]:
    """Nullable integer properties (Zendesk ids exceed 2^32: plain integer, not int32)."""
    return _many(th.IntegerType, names)


def strings(*names: str) -> list[th.Property]:
    """Nullable string properties."""
    return _many(th.StringType, names)


def booleans(*names: str) -> list[th.Property]:
    """Nullable boolean properties."""
    return _many(th.BooleanType, names)


def datetimes(*names: str) -> list[th.Property]:
    """Nullable ISO 8601 date-time properties."""
    return _many(th.DateTimeType, names)


def numbers(*names: str) -> list[th.Property]:
    """Nullable number properties."""
    return _many(th.NumberType, names)


def id_lists(*names: str) -> list[th.Property]:
    """Nullable arrays of ids."""
    return [th.Property(name, th.ArrayType(th.IntegerType)) for name in names]


def string_lists(*names: str) -> list[th.Property]:
    """Nullable arrays of strings (tags, domain names)."""
    return [th.Property(name, th.ArrayType(th.StringType)) for name in names]


OPEN_OBJECT = th.ObjectType(additional_properties=True)
# A value whose JSON type depends on the record (custom field values).
ANY_JSON = th.CustomType(
    {"type": ["string", "number", "integer", "boolean", "array", "object", "null"]}
)

ID = th.Property("id", th.IntegerType, required=True)
# Ids Zendesk writes as text (ULIDs of messaging and surveys, UUIDs of side conversations).
STRING_ID = th.Property("id", th.StringType, required=True)
RECEIVED_AT = th.Property(
    "received_at", th.DateTimeType, description="When the tap read the record (UTC)."
)
# Declared so that targets flag rows of deleted tickets and users (soft delete).
SDC_DELETED_AT = th.Property(
    "_sdc_deleted_at", th.DateTimeType, description="Set when Zendesk reports the record deleted."
)
CREATED_UPDATED = datetimes("created_at", "updated_at")

# `via` of tickets and comments: {channel, source: {from, to, rel}}, open because channels grow.
# Zendesk names the channel, or gives its number (74 for WhatsApp): both are kept.
VIA = th.Property(
    "via",
    th.ObjectType(
        th.Property("channel", th.CustomType({"type": ["string", "integer", "null"]})),
        th.Property(
            "source",
            th.ObjectType(
                th.Property("from", OPEN_OBJECT),
                th.Property("to", OPEN_OBJECT),
                th.Property("rel", th.StringType),
                additional_properties=True,
            ),
        ),
        additional_properties=True,
    ),
)

# `system` of ticket updates and comment metadata.
SYSTEM = th.ObjectType(
    th.Property("client", th.StringType),
    th.Property("ip_address", th.StringType),
    th.Property("location", th.StringType),
    th.Property("latitude", th.NumberType),
    th.Property("longitude", th.NumberType),
    additional_properties=True,
)

_ATTACHMENT_FIELDS = [
    *integers("id", "size", "width", "height"),
    *strings(
        "url",
        "file_name",
        "content_url",
        "mapped_content_url",
        "content_type",
        "malware_scan_result",
    ),
    *booleans("inline", "deleted", "malware_access_override"),
]
THUMBNAIL = th.ObjectType(*_ATTACHMENT_FIELDS, additional_properties=True)
ATTACHMENT_FIELDS = [*_ATTACHMENT_FIELDS, th.Property("thumbnails", th.ArrayType(THUMBNAIL))]
ATTACHMENT = th.ObjectType(*ATTACHMENT_FIELDS, additional_properties=True)

CUSTOM_FIELD_VALUES = th.Property(
    "custom_fields",
    th.ArrayType(
        th.ObjectType(
            th.Property("id", th.IntegerType),
            th.Property("value", ANY_JSON),
            additional_properties=True,
        )
    ),
)

# Business rules (triggers, automations, views, SLA policies): a condition or action `value`
# can be a string, a number or a list, so it stays JSON.
CONDITION = th.ObjectType(
    th.Property("field", th.StringType),
    th.Property("operator", th.StringType),
    th.Property("value", ANY_JSON),
    additional_properties=True,
)
CONDITIONS = th.ObjectType(
    th.Property("all", th.ArrayType(CONDITION)),
    th.Property("any", th.ArrayType(CONDITION)),
    additional_properties=True,
)
ACTIONS = th.ArrayType(
    th.ObjectType(
        th.Property("field", th.StringType),
        th.Property("value", ANY_JSON),
        additional_properties=True,
    )
)
# Who may use a macro or view: {type: Group|User, id, ids}; null when everyone may.
RESTRICTION = th.ObjectType(
    th.Property("type", th.StringType),
    th.Property("id", th.IntegerType),
    th.Property("ids", th.ArrayType(th.IntegerType)),
    additional_properties=True,
)
