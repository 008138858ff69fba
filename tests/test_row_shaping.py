"""Row shaping on Zendesk payload variants the emulator does not produce."""

from __future__ import annotations

from tap_zendesk_objects.streams.ticket_events import (
    attachment_rows,
    comment_row,
    event_row,
    update_columns,
)
from tap_zendesk_objects.streams.tickets import flatten_metric_set

UPDATE = {
    "id": 10,
    "ticket_id": 20,
    "timestamp": 1_700_000_000,
    "created_at": "2023-11-14T22:13:20Z",
    "updater_id": -1,
    "via": "Web form",
    "system": {"client": "Mozilla", "location": "Paris, France", "latitude": 48.8},
}


def test_update_columns_reduce_the_parent_update():
    shared = update_columns(UPDATE)
    assert shared["timestamp"] == "2023-11-14T22:13:20Z"
    assert shared["ticket_event_via"] == "Web form"
    assert shared["context_location"] == "Paris, France"
    assert shared["context_longitude"] is None  # a sub-key Zendesk left out


def test_update_without_system_timestamp_or_string_via():
    shared = update_columns({"id": 1, "ticket_id": 2, "created_at": "2024-01-01T00:00:00Z",
                             "via": {"channel": "api"}, "system": None})  # fmt: skip
    assert shared["timestamp"] == "2024-01-01T00:00:00Z"
    assert shared["ticket_event_via"] == "api"
    assert shared["context_client"] is None


def test_change_child_names_its_field_in_either_shape():
    shared = update_columns(UPDATE)
    own_name = event_row(shared, {"id": 1, "event_type": "Change", "via": "Web form",
                                  "status": "solved", "previous_value": "open"})  # fmt: skip
    assert (own_name["field_name"], own_name["value"], own_name["previous_value"]) == (
        "status", "solved", "open",
    )  # fmt: skip
    explicit = event_row(shared, {"id": 2, "type": "Change", "field_name": "priority",
                                  "value": "high", "previous_value": None})  # fmt: skip
    assert (explicit["field_name"], explicit["value"], explicit["event_type"]) == (
        "priority", "high", "Change",
    )  # fmt: skip
    tags = event_row(shared, {"id": 3, "event_type": "Create", "tags": ["vip", "été"]})
    assert tags["field_name"] == "tags" and tags["value"] == '["vip", "été"]'


def test_other_children_keep_their_type_and_reduce_via_objects():
    shared = update_columns(UPDATE)
    row = event_row(shared, {"id": 4, "event_type": "Notification", "via": {"channel": "rule"},
                             "subject": "x", "recipients": [1]})  # fmt: skip
    assert row["event_type"] == "Notification" and row["via"] == "rule"
    assert row.get("field_name") is None


def test_voice_comments_are_comments_with_their_attachments():
    shared = {**update_columns(UPDATE), "received_at": "now"}
    child = {"id": 5, "event_type": "VoiceComment", "public": False, "body": "call",
             "attachments": [{"id": 6, "file_name": "a.mp3"}, None]}  # fmt: skip
    row = event_row(shared, child)
    assert row["comment_present"] is True and row["comment_public"] is False
    comment = comment_row(shared, child)
    assert comment["ticket_id"] == 20 and comment["type"] == "VoiceComment"
    attachments = attachment_rows(comment)
    assert [(a["id"], a["comment_id"], a["ticket_id"]) for a in attachments] == [(6, 5, 20)]


def test_metric_sets_flatten_with_nulls_and_partial_durations():
    row = flatten_metric_set(
        {"id": 1, "ticket_id": 2, "reply_time_in_minutes": {"calendar": None, "business": 3},
         "reply_time_in_seconds": {"calendar": 60}, "reopens": 0},
        "now",
    )  # fmt: skip
    assert row["reply_time_in_minutes_calendar"] is None
    assert row["reply_time_in_minutes_business"] == 3
    assert row["reply_time_in_seconds_calendar"] == 60
    assert row["reopens"] == 0 and row["received_at"] == "now"


def test_a_change_of_the_tickets_type_names_the_type_field():
    # The export puts a changed field under its own name; for the ticket's `type` that key
    # is `type`, beside `event_type`, which names the event.
    shared = update_columns(UPDATE)
    change = {"id": 3, "event_type": "Change", "via": "Web form", "type": "incident",
              "previous_value": "question"}  # fmt: skip
    row = event_row(shared, change)
    assert (row["event_type"], row["field_name"]) == ("Change", "type")
    assert (row["value"], row["previous_value"]) == ("incident", "question")
    create = event_row(shared, {"id": 4, "event_type": "Create", "type": None})
    assert (create["field_name"], create["value"]) == ("type", None)
    # A child whose `type` names the event (no `event_type`) is not a field change of it.
    status = event_row(shared, {"id": 5, "type": "Change", "status": "open"})
    assert (status["field_name"], status["value"]) == ("status", "open")


def test_a_custom_field_change_is_named_by_the_fields_id():
    # dbt_zendesk's ticket_field_history names custom fields by their numeric id, as the
    # connector does: the export's key for the field is that id, kept as the field name.
    shared = update_columns(UPDATE)
    row = event_row(shared, {"id": 6, "event_type": "Change", "via": "Web form",
                             "360000123": ["a", "b"], "previous_value": None})  # fmt: skip
    assert (row["field_name"], row["value"]) == ("360000123", '["a", "b"]')
