"""The calling agent's activity feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.schemas.activities import ACTIVITIES
from tap_zendesk_objects.streams.families import ListStream
from tap_zendesk_objects.timeutil import bookmark_epoch, format_time

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class ActivitiesStream(ListStream):
    """The calling agent's activity feed (Zendesk keeps only its last 30 days)."""

    name = "activities"
    path = "/api/v2/activities"
    records_key = "activities"
    replication_key = "created_at"
    full_first_sync = True
    schema = ACTIVITIES

    def run_params(self, context: Context | None) -> PageParams:
        """`since` the bookmark, once there is one."""
        bookmark = bookmark_epoch(self.bookmark(context))
        return {} if bookmark is None else {"since": format_time(bookmark)}
