"""Ticket events, and the comments and attachments carried by the same export pages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, ClassVar

from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.schemas.ticket_events import (
    ATTACHMENTS,
    TICKET_COMMENTS,
    TICKET_EVENTS,
)
from tap_zendesk_objects.streams.derived import DerivedStream
from tap_zendesk_objects.streams.families import TimeExportStream
from tap_zendesk_objects.timeutil import epoch_to_iso, to_epoch

COMMENT_EVENT_TYPES = frozenset({"Comment", "VoiceComment"})
FIELD_CHANGE_TYPES = frozenset({"Create", "Change"})
# Keys of a Create/Change child that are not the changed field itself.
CHILD_EVENT_KEYS = frozenset(
    {"id", "type", "event_type", "via", "via_reference_id", "previous_value", "received_at"}
)


def as_text(value: Any) -> str | None:
    """Field values as text: strings as they are, arrays and objects as JSON."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def via_channel(via: Any) -> str | None:
    """A child's `via` is a string, or an object reduced to its channel."""
    if isinstance(via, dict):
        return via.get("channel")
    return via  # type: ignore[no-any-return]  # JSON: a string or null


def update_columns(update: dict[str, Any]) -> dict[str, Any]:
    """The parent update's fields that every one of its rows carries."""
    system = update.get("system")
    if not isinstance(system, dict):
        system = {}
    stamp = to_epoch(update.get("timestamp"))
    return {
        "ticket_event_id": update.get("id"),
        "ticket_id": update.get("ticket_id"),
        "timestamp": epoch_to_iso(stamp) if stamp is not None else update.get("created_at"),
        "created_at": update.get("created_at"),
        "updater_id": update.get("updater_id"),
        "ticket_event_via": via_channel(update.get("via")),
        "context_client": system.get("client"),
        "context_location": system.get("location"),
        "context_latitude": system.get("latitude"),
        "context_longitude": system.get("longitude"),
        "received_at": update.get("received_at"),
    }


def changed_field(child: dict[str, Any]) -> tuple[str | None, Any]:
    """The field a Create/Change child changed: under its own name, or `field_name`/`value`.

    A change of the ticket's `type` puts the field under `type`, a key that otherwise names
    the event: it is the field when `event_type` names the event and no other key is left.
    """
    if "field_name" in child:
        return child.get("field_name"), child.get("value")
    for key, value in child.items():
        if key not in CHILD_EVENT_KEYS:
            return key, value
    if "type" in child and "event_type" in child:
        return "type", child["type"]
    return None, None


def event_row(shared: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """One ticket_events row: the child event with its parent update's columns."""
    event_type = child.get("event_type") or child.get("type")
    row = {
        **shared,
        "id": child.get("id"),
        "event_type": event_type,
        "via": via_channel(child.get("via")),
        "via_reference_id": child.get("via_reference_id"),
    }
    if event_type in COMMENT_EVENT_TYPES:
        row["comment_present"] = True
        row["comment_public"] = child.get("public")
    elif event_type in FIELD_CHANGE_TYPES:
        name, value = changed_field(child)
        row["field_name"] = name
        row["value"] = as_text(value)
        row["previous_value"] = as_text(child.get("previous_value"))
    return row


class TicketEventsStream(TimeExportStream):
    """One row per child event of every ticket update, from the ticket event export.

    `include=comment_events` makes each comment a full child event, so comments and their
    attachments come from these same pages at no extra request.
    """

    name = "ticket_events"
    path = "/api/v2/incremental/ticket_events"
    records_key = "ticket_events"
    replication_key = "timestamp"
    export_time_field = "timestamp"
    schema = TICKET_EVENTS
    builds_rows = True  # event_row() writes exactly TICKET_EVENTS' properties
    export_params: ClassVar[PageParams] = {"include": "comment_events", "support_type_scope": "all"}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Split updates into event rows; hand comments and attachments to their streams."""
        rows: list[dict] = []
        comments: list[dict] = []
        attachments: list[dict] = []
        for update in records:
            shared = update_columns(update)
            for child in update.get("child_events") or []:
                rows.append(event_row(shared, child))
                if (child.get("event_type") or child.get("type")) in COMMENT_EVENT_TYPES:
                    comment = comment_row(shared, child)
                    comments.append(comment)
                    attachments.extend(attachment_rows(comment))
        self.derived("ticket_comments").emit(comments)
        self.derived("attachments").emit(attachments)
        return rows


def comment_row(shared: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """A ticket_comments row: the Comment child plus the ids its parent update holds."""
    comment = dict(child)
    comment.setdefault("type", comment.get("event_type") or "Comment")
    comment["ticket_id"] = shared["ticket_id"]
    comment["ticket_event_id"] = shared["ticket_event_id"]
    comment["timestamp"] = shared["timestamp"]
    comment["created_at"] = comment.get("created_at") or shared["created_at"]
    comment["received_at"] = shared["received_at"]
    return comment


def attachment_rows(comment: dict[str, Any]) -> list[dict[str, Any]]:
    """The comment's attachments, with the keys that join them to their comment and ticket."""
    return [
        {
            **attachment,
            "comment_id": comment.get("id"),
            "ticket_id": comment.get("ticket_id"),
            "ticket_event_id": comment.get("ticket_event_id"),
            "created_at": comment.get("created_at"),
            "received_at": comment.get("received_at"),
        }
        for attachment in comment.get("attachments") or []
        if isinstance(attachment, dict)
    ]


class TicketCommentsStream(DerivedStream):
    """Comments from the ticket event export's Comment children (opt-in, as in Segment)."""

    name = "ticket_comments"
    schema = TICKET_COMMENTS
    parent_stream_type = TicketEventsStream
    selected_by_default = False


class AttachmentsStream(DerivedStream):
    """Attachments of those comments, joined by `comment_id` and `ticket_id`."""

    name = "attachments"
    schema = ATTACHMENTS
    parent_stream_type = TicketEventsStream
