"""Zendesk's rate-limit buckets: which budget a request spends, and the setting that caps it."""

from __future__ import annotations

from tap_zendesk_objects.config.schema import (
    DEFAULT_CONVERSATION_LOG_RATE,
    DEFAULT_CORE_RATE,
    DEFAULT_HELP_CENTER_RATE,
    DEFAULT_INCREMENTAL_RATE,
    DEFAULT_SIDE_CONVERSATION_EVENTS_RATE,
    DEFAULT_USERS_EXPORT_RATE,
)

CORE_BUCKET = "core"
INCREMENTAL_BUCKET = "incremental"
USERS_EXPORT_BUCKET = "users_export"
CONVERSATION_LOG_BUCKET = "conversation_log"
SIDE_CONVERSATION_EVENTS_BUCKET = "side_conversation_events"
HELP_CENTER_BUCKET = "help_center"
# Budgets that are the account's own, counted apart from each other: every other bucket's
# requests count against Core's too. Each keeps a reserve for the account's other integrations.
ACCOUNT_BUCKETS = frozenset({CORE_BUCKET, HELP_CENTER_BUCKET})
# Each bucket's pace: the setting that caps it, and its default.
RATE_SETTINGS = {
    CORE_BUCKET: ("max_requests_per_minute", DEFAULT_CORE_RATE),
    INCREMENTAL_BUCKET: ("incremental_requests_per_minute", DEFAULT_INCREMENTAL_RATE),
    USERS_EXPORT_BUCKET: ("users_export_requests_per_minute", DEFAULT_USERS_EXPORT_RATE),
    CONVERSATION_LOG_BUCKET: (
        "conversation_log_requests_per_minute",
        DEFAULT_CONVERSATION_LOG_RATE,
    ),
    SIDE_CONVERSATION_EVENTS_BUCKET: (
        "side_conversation_events_requests_per_10_minutes",
        DEFAULT_SIDE_CONVERSATION_EVENTS_RATE,
    ),
    HELP_CENTER_BUCKET: ("help_center_requests_per_minute", DEFAULT_HELP_CENTER_RATE),
}
# Budgets Zendesk counts over a window other than a minute, in seconds.
RATE_WINDOWS = {SIDE_CONVERSATION_EVENTS_BUCKET: 600.0}
