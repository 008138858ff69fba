"""Schema of audit_logs."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import ID, RECEIVED_AT, datetimes, integers, strings

AUDIT_LOGS = th.PropertiesList(
    ID,
    *strings(
        "url",
        "action",
        "action_label",
        "actor_name",
        "change_description",
        "ip_address",
        "source_label",
        "source_type",
    ),
    *integers("actor_id", "source_id"),
    *datetimes("created_at"),
    RECEIVED_AT,
).to_dict()
