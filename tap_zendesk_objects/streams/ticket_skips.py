"""Ticket skips: when an agent passed over a ticket without answering."""

from __future__ import annotations

from tap_zendesk_objects.schemas.ticket_skips import TICKET_SKIPS
from tap_zendesk_objects.streams.families import ListStream


class TicketSkipsStream(ListStream):
    """Skips: when an agent passed over a ticket without answering. Read in full."""

    name = "ticket_skips"
    path = "/api/v2/skips"
    records_key = "skips"
    schema = TICKET_SKIPS
