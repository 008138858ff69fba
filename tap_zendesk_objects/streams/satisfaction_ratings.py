"""Satisfaction ratings (legacy CSAT), read from a look-back window before the bookmark."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tap_zendesk_objects.config.schema import DEFAULT_RATINGS_LOOKBACK_DAYS
from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.schemas.satisfaction_ratings import SATISFACTION_RATINGS
from tap_zendesk_objects.streams.families import ListStream
from tap_zendesk_objects.timeutil import to_epoch

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

DAY_SECONDS = 86400


class SatisfactionRatingsStream(ListStream):
    """Satisfaction ratings (legacy CSAT), bookmarked on `updated_at`.

    Whether `start_time` filters on creation or update is not documented, so the read starts
    a look-back window before the bookmark and keeps what was updated at or after it: a
    rating that goes from offered to good is caught.
    """

    name = "satisfaction_ratings"
    path = "/api/v2/satisfaction_ratings"
    records_key = "satisfaction_ratings"
    replication_key = "updated_at"
    schema = SATISFACTION_RATINGS
    plan_gated = True  # CSAT off, or the account on the updated CSAT: 403/404
    plan_requirement = (
        "Satisfaction ratings need customer satisfaction (CSAT) turned on, in its legacy "
        "version: with CSAT off, or on the updated CSAT, Zendesk has no ratings to list here."
    )

    def run_params(self, context: Context | None) -> PageParams:
        """start_time: the bookmark minus the look-back, or start_date on a first sync."""
        self._floor = self.start_epoch(context)
        if self.bookmark(context) is None:
            return {"start_time": self._floor}
        days = self.config.get("satisfaction_ratings_lookback_days")
        lookback = DEFAULT_RATINGS_LOOKBACK_DAYS if days is None else int(days)
        return {"start_time": max(self._floor - lookback * DAY_SECONDS, 0)}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Keep ratings updated at or after the bookmark (or start_date)."""
        return [r for r in records if (to_epoch(r.get("updated_at")) or 0) >= self._floor]
