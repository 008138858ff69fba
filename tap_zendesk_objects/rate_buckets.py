"""Zendesk's rate-limit buckets: which budget a request spends, and the setting that caps it."""

from __future__ import annotations

from tap_zendesk_objects.config import (
    DEFAULT_CORE_RATE,
    DEFAULT_INCREMENTAL_RATE,
    DEFAULT_USERS_EXPORT_RATE,
)

CORE_BUCKET = "core"
INCREMENTAL_BUCKET = "incremental"
USERS_EXPORT_BUCKET = "users_export"
# Each bucket's pace: the setting that caps it, and its default.
RATE_SETTINGS = {
    CORE_BUCKET: ("max_requests_per_minute", DEFAULT_CORE_RATE),
    INCREMENTAL_BUCKET: ("incremental_requests_per_minute", DEFAULT_INCREMENTAL_RATE),
    USERS_EXPORT_BUCKET: ("users_export_requests_per_minute", DEFAULT_USERS_EXPORT_RATE),
}
