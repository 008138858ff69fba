"""Schema of satisfaction_ratings."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_zendesk_objects.schemas.common import CREATED_UPDATED, ID, RECEIVED_AT, integers, strings

SATISFACTION_RATINGS = th.PropertiesList(
    ID,
    *strings("url", "score", "comment", "reason"),
    *integers("assignee_id", "group_id", "requester_id", "ticket_id", "reason_id"),
    *CREATED_UPDATED,
    RECEIVED_AT,
).to_dict()
