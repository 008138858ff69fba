"""Ticket forms: which fields a ticket of each kind shows."""

from __future__ import annotations

from tap_zendesk_objects.schemas.ticket_forms import TICKET_FORMS
from tap_zendesk_objects.streams.families import ListStream


class TicketFormsStream(ListStream):
    """Ticket forms: only some plans have them, so 403/404 leaves the stream empty."""

    name = "ticket_forms"
    path = "/api/v2/ticket_forms"
    records_key = "ticket_forms"
    schema = TICKET_FORMS
    plan_gated = True
    plan_requirement = "Ticket forms need Zendesk Suite Growth or Support Enterprise."
