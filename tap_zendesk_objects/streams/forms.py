"""The account's ticket configuration: ticket fields and ticket forms."""

from __future__ import annotations

from tap_zendesk_objects.families import ListStream
from tap_zendesk_objects.schemas.forms import TICKET_FIELDS, TICKET_FORMS


class TicketFieldsStream(ListStream):
    """Ticket fields, system and custom, read in full each run."""

    name = "ticket_fields"
    path = "/api/v2/ticket_fields"
    records_key = "ticket_fields"
    schema = TICKET_FIELDS


class TicketFormsStream(ListStream):
    """Ticket forms: only some plans have them, so 403/404 leaves the stream empty."""

    name = "ticket_forms"
    path = "/api/v2/ticket_forms"
    records_key = "ticket_forms"
    schema = TICKET_FORMS
    plan_gated = True
    plan_requirement = "Ticket forms need Zendesk Suite Growth or Support Enterprise."
