"""Tickets, the ticket_metrics that ride on the same export pages, and ticket metric events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.schemas.tickets import TICKET_METRIC_EVENTS, TICKET_METRICS, TICKETS
from tap_zendesk_objects.streams.derived import DerivedStream
from tap_zendesk_objects.streams.families import CursorExportStream, TimeExportStream


def flatten_metric_set(metric_set: dict[str, Any], received_at: str | None) -> dict[str, Any]:
    """One ticket_metrics row: duration objects become `<name>_calendar`, `<name>_business`."""
    row: dict[str, Any] = {}
    for key, value in metric_set.items():
        if isinstance(value, dict):
            for part, number in value.items():
                row[f"{key}_{part}"] = number
        else:
            row[key] = value
    row["received_at"] = received_at
    return row


class TicketsStream(CursorExportStream):
    """Tickets from the cursor export, deleted tickets included (flagged `_sdc_deleted_at`).

    `generated_timestamp` changes on every update, system updates too, so it is the bookmark
    the export itself filters on; `support_type_scope=all` keeps tickets handled by AI agents.
    """

    name = "tickets"
    path = "/api/v2/incremental/tickets/cursor"
    records_key = "tickets"
    replication_key = "generated_timestamp"
    schema = TICKETS
    export_params: ClassVar[PageParams] = {"support_type_scope": "all"}
    sideloads: ClassVar[dict[str, str]] = {"ticket_metrics": "metric_sets"}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Emit the page's metrics, flag deleted tickets, fill the custom-field columns."""
        metric_sets = [
            flatten_metric_set(ticket["metric_set"], ticket.get("received_at"))
            for ticket in records
            if isinstance(ticket.get("metric_set"), dict)
        ]
        # Tolerate the sideload shape too: a top-level `metric_sets` array.
        received_at = records[0].get("received_at") if records else None
        metric_sets += [
            flatten_metric_set(item, received_at)
            for item in body.get("metric_sets") or []
            if isinstance(item, dict)
        ]
        self.derived("ticket_metrics").emit(metric_sets)
        for ticket in records:
            ticket.pop("metric_set", None)
            ticket.pop("fields", None)  # a repeat of custom_fields
            if ticket.get("status") == "deleted":
                ticket["_sdc_deleted_at"] = ticket.get("updated_at")
        return self.fill_custom_columns(records)


class TicketMetricsStream(DerivedStream):
    """Ticket metrics, from the `metric_set` of each exported ticket: no request of its own."""

    name = "ticket_metrics"
    schema = TICKET_METRICS
    parent_stream_type = TicketsStream


class TicketMetricEventsStream(TimeExportStream):
    """Ticket metric events (SLA, reply and resolution clocks) from their incremental export.

    Read in the time-based mode, up to 1,000 events a page, rather than the cursor mode
    (at most 100 a page): the same events in a tenth of the requests, in the export budget.
    """

    name = "ticket_metric_events"
    path = "/api/v2/incremental/ticket_metric_events"
    records_key = "ticket_metric_events"
    replication_key = "time"
    export_time_field = "time"
    schema = TICKET_METRIC_EVENTS
    selected_by_default = False
