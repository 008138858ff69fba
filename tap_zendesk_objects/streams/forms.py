"""The account's ticket configuration: ticket fields and ticket forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from tap_zendesk_objects.custom_fields import registry as custom_fields
from tap_zendesk_objects.families import ListStream
from tap_zendesk_objects.schemas.forms import TICKET_FIELDS, TICKET_FORMS

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class TicketFieldsStream(ListStream):
    """Ticket fields, system and custom, read in full each run.

    The same list gives the tickets their custom columns: whichever needs it first reads
    it, and the other reuses those rows, so a run requests it once.
    """

    name = "ticket_fields"
    path = "/api/v2/ticket_fields"
    records_key = "ticket_fields"
    schema = TICKET_FIELDS

    def request_records(self, context: Context | None) -> Iterator[dict]:
        """The rows read this run for custom columns, else the list, then kept for them."""
        fields = custom_fields(self._tap)
        rows = fields.rows_read(self.records_key)
        if rows is not None:
            self.extracted_at = rows[0].get("received_at") if rows else None
            yield from (dict(row) for row in rows)  # rows are projected in place
            return
        read: list[dict] = []
        for row in super().request_records(context):
            read.append(dict(row))
            yield row
        fields.offer_rows(self.records_key, read)  # reached only when the read was whole


class TicketFormsStream(ListStream):
    """Ticket forms: only some plans have them, so 403/404 leaves the stream empty."""

    name = "ticket_forms"
    path = "/api/v2/ticket_forms"
    records_key = "ticket_forms"
    schema = TICKET_FORMS
    plan_gated = True
    plan_requirement = "Ticket forms need Zendesk Suite Growth or Support Enterprise."
