"""Side conversations (agents' threads with vendors and teams) and their event export."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.http.rate_buckets import SIDE_CONVERSATION_EVENTS_BUCKET
from tap_zendesk_objects.schemas.side_conversations import (
    SIDE_CONVERSATION_EVENTS,
    SIDE_CONVERSATIONS,
)
from tap_zendesk_objects.streams.families import TimeExportStream
from tap_zendesk_objects.streams.follow_ups import FollowUpStream
from tap_zendesk_objects.streams.ticket_events import via_channel

COLLABORATION = (
    "Side conversations need Zendesk's Collaboration add-on (Professional or Enterprise), "
    "and the event export an admin's credentials."
)


class SideConversationEventsStream(TimeExportStream):
    """Side conversation events from their time-based export, in a budget of its own.

    Zendesk allows 600 requests per 10 minutes here, outside the incremental exports' 10 a
    minute. The export documents no page size: none is sent.
    """

    name = "side_conversation_events"
    path = "/api/v2/tickets/side_conversations/events"
    records_key = "events"
    replication_key = "created_at"
    export_time_field = "created_at"
    schema = SIDE_CONVERSATION_EVENTS
    rate_bucket = SIDE_CONVERSATION_EVENTS_BUCKET
    selected_by_default = False
    plan_gated = True
    plan_requirement = COLLABORATION
    primary_keys: ClassVar[tuple[str, ...]] = ("id",)

    def fixed_params(self) -> PageParams:
        """Nothing but the start time (see the class docstring)."""
        return {}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """`via` as a string, an object reduced to its channel."""
        for event in records:
            event["via"] = via_channel(event.get("via"))
        return records


class SideConversationsStream(FollowUpStream):
    """The side conversations of each ticket whose side conversations had events in this run."""

    name = "side_conversations"
    path = "/api/v2/tickets/{ticket_id}/side_conversations"
    records_key = "side_conversations"
    schema = SIDE_CONVERSATIONS
    parent_stream_type = SideConversationEventsStream
    plan_requirement = COLLABORATION

    def ticket_to_read(self, record: dict) -> int | None:
        """The ticket of every event."""
        ticket_id = record.get("ticket_id")
        return ticket_id if isinstance(ticket_id, int) else None

    def fixed_params(self) -> PageParams:
        """Offset pages of 100."""
        return {"per_page": 100}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Each conversation with its ticket (Zendesk sends it; the request names it too)."""
        for conversation in records:
            conversation.setdefault("ticket_id", self.ticket_id)
        return records
