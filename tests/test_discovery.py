"""Discovery: Segment's 16 collections with every Segment property, the opt-in ones beyond
them, replication and selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tap_zendesk_objects.streams import STREAM_TYPES
from tests.emulator.account import Account
from tests.emulator.conversation_account import CONVERSATION_STREAMS
from tests.emulator.help_center_account import HELP_CENTER_STREAMS
from tests.emulator.server import Emulator
from tests.singer import discover

SEGMENT_PROPERTIES = json.loads(
    (Path(__file__).parent / "data" / "segment_properties.json").read_text()
)
STREAMS = {
    "users", "groups", "tickets", "ticket_fields", "activities", "attachments", "organizations",
    "ticket_events", "ticket_metrics", "satisfaction_ratings", "ticket_comments", "ticket_forms",
    "ticket_skips", "organization_memberships", "group_memberships", "audit_logs",
}  # fmt: skip
# Beyond Segment's 16: what the other connectors offer, each opt-in.
MORE_STREAMS = {
    "ticket_metric_events", "user_identities", "brands", "schedules", "schedule_holidays",
    "sla_policies", "custom_statuses", "tags", "macros", "triggers", "automations", "views",
    "user_fields", "organization_fields", "custom_roles",
}  # fmt: skip
# Ids Zendesk writes as text.
STRING_IDS = set(CONVERSATION_STREAMS) | {"custom_object_records"}
REPLICATION = {
    "tickets": ("INCREMENTAL", "generated_timestamp"),
    "ticket_events": ("INCREMENTAL", "timestamp"),
    "users": ("INCREMENTAL", "updated_at"),
    "organizations": ("INCREMENTAL", "updated_at"),
    "satisfaction_ratings": ("INCREMENTAL", "updated_at"),
    "activities": ("INCREMENTAL", "created_at"),
    "audit_logs": ("INCREMENTAL", "created_at"),
    "groups": ("FULL_TABLE", None),
    "ticket_fields": ("FULL_TABLE", None),
    "ticket_forms": ("FULL_TABLE", None),
    "ticket_skips": ("FULL_TABLE", None),
    "organization_memberships": ("FULL_TABLE", None),
    "group_memberships": ("FULL_TABLE", None),
    "ticket_metric_events": ("INCREMENTAL", "time"),
    **dict.fromkeys(
        MORE_STREAMS - {"ticket_metric_events", "user_identities"}, ("FULL_TABLE", None)
    ),
    "csat_survey_responses": ("INCREMENTAL", "created_at"),
    "side_conversation_events": ("INCREMENTAL", "created_at"),
    "conversation_log": ("FULL_TABLE", None),
    "side_conversations": ("FULL_TABLE", None),
    **dict.fromkeys(set(HELP_CENTER_STREAMS), ("FULL_TABLE", None)),
    "help_center_articles": ("INCREMENTAL", "updated_at"),
    "custom_object_records": ("INCREMENTAL", "updated_at"),
}
OPT_IN = (
    {"ticket_comments", "audit_logs"}
    | MORE_STREAMS
    | set(CONVERSATION_STREAMS)
    | set(HELP_CENTER_STREAMS)
)
# Zendesk gives tags no id; a holiday's id is kept with its schedule's.
KEYS = {
    "tags": ["name"],
    "schedule_holidays": ["schedule_id", "id"],
    "custom_objects": ["key"],
    "custom_object_records": ["custom_object_key", "id"],
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    with Emulator(Account(scale=1, seed=1)) as emulator:
        entries = discover(tmp_path_factory.mktemp("discover"), emulator.config())["streams"]
    return {entry["tap_stream_id"]: entry for entry in entries}


def stream_metadata(entry):
    return next(m["metadata"] for m in entry["metadata"] if m["breadcrumb"] == [])


def test_discover_lists_every_collection(catalog):
    assert set(catalog) == STREAMS | MORE_STREAMS | set(CONVERSATION_STREAMS) | set(
        HELP_CENTER_STREAMS
    )
    assert len(catalog) == len(STREAM_TYPES)


@pytest.mark.parametrize("stream", sorted(OPT_IN - STREAMS))
def test_the_new_collections_have_a_key_and_received_at(catalog, stream):
    entry = catalog[stream]
    assert entry["key_properties"] == KEYS.get(stream, ["id"])
    properties = entry["schema"]["properties"]
    assert "received_at" in properties
    for key in entry["key_properties"]:
        assert "null" not in properties[key]["type"], f"{stream}.{key} is a key: never null"


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_every_segment_property_is_in_the_schema(catalog, stream):
    expected = set(SEGMENT_PROPERTIES.get(stream, [])) | {"id", "received_at"}
    missing = expected - set(catalog[stream]["schema"]["properties"])
    assert not missing, f"{stream} lacks {sorted(missing)}"
    assert catalog[stream]["key_properties"] == ["id"]


def test_satisfaction_ratings_carry_the_api_fields(catalog):
    properties = set(catalog["satisfaction_ratings"]["schema"]["properties"])
    assert {"score", "comment", "reason", "ticket_id", "assignee_id", "updated_at"} <= properties


@pytest.mark.parametrize(("stream", "expected"), sorted(REPLICATION.items()))
def test_replication_method_and_key(catalog, stream, expected):
    entry = catalog[stream]
    assert (entry.get("replication_method"), entry.get("replication_key")) == expected


def test_default_selection_is_segments_without_comments_and_audit_logs(catalog):
    selected = {
        name for name, entry in catalog.items() if stream_metadata(entry).get("selected-by-default")
    }
    assert selected == STREAMS - OPT_IN
    assert not selected & (OPT_IN - STREAMS)


def test_ids_are_plain_integers_and_deletions_are_declared(catalog):
    for name, entry in catalog.items():
        if name not in {"tags", "custom_objects"}:
            expected = "string" if name in STRING_IDS else "integer"
            assert expected in entry["schema"]["properties"]["id"]["type"], name
    for name in ("tickets", "users"):
        assert "_sdc_deleted_at" in catalog[name]["schema"]["properties"]
