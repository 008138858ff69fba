"""Custom fields, unit: the column each field is named, and the ticket fields left out."""

from __future__ import annotations

import pytest

from tap_zendesk_objects.custom_fields.definitions import COLLECTIONS, FieldDef, parse_definitions
from tap_zendesk_objects.custom_fields.naming import column_names, slug

# Unit: naming -------------------------------------------------------------------------------


def field(fid: int, title: str = "", key: str | None = None, ftype: str = "text", active=True):
    return FieldDef(id=fid, type=ftype, title=title, key=key, active=active)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Order number", "order_number"),
        ("Contract value (€)", "contract_value"),
        ("  --Already__snake--  ", "already_snake"),
        ("ABC123 xyz", "abc123_xyz"),
        ("Société générale", "soci_t_g_n_rale"),
        ("🔥🔥 !!", ""),
    ],
)
def test_slug_lowercases_and_joins_runs_of_other_characters(title, expected):
    assert slug(title) == expected


def test_a_shared_name_goes_to_the_lowest_id_and_the_others_fall_back_to_their_id():
    fields = [field(30, "Customer-Tier"), field(10, "Customer tier"), field(20, "CUSTOMER  TIER")]
    assert column_names(fields, by_key=False) == {
        10: "custom_customer_tier",
        20: "custom_20",
        30: "custom_30",
    }


def test_unusable_titles_and_standard_columns_fall_back_to_the_id():
    fields = [field(1, "🔥"), field(2, ""), field(3, "Fields"), field(4, "Status id")]
    names = column_names(fields, by_key=False, reserved={"custom_fields", "custom_status_id"})
    assert names == {1: "custom_1", 2: "custom_2", 3: "custom_3", 4: "custom_4"}


def test_names_are_cut_to_63_bytes_and_may_then_collide():
    long_title = "a" * 80
    names = column_names([field(2, long_title + "x"), field(1, long_title)], by_key=False)
    assert names == {1: "custom_" + "a" * 56, 2: "custom_2"}
    (name,) = column_names([field(5, key="é" * 40)], by_key=True).values()
    assert len(name.encode()) <= 63 and name == "custom_" + "é" * 28


def test_user_and_organization_columns_use_the_key():
    fields = [field(7, "Plan (new!)", key="plan_tier"), field(8, "whatever", key=None)]
    assert column_names(fields, by_key=True) == {7: "custom_plan_tier", 8: "custom_8"}


def test_inactive_fields_still_hold_their_name_so_no_other_column_is_renamed():
    fields = [field(1, "Tier", active=False), field(2, "tier")]
    assert column_names(fields, by_key=False) == {1: "custom_tier", 2: "custom_2"}


def test_system_ticket_fields_are_left_out():
    rows = [
        {"id": 1, "type": "subject", "title": "Subject", "removable": False, "active": True},
        {"id": 2, "type": "text", "title": "Order", "removable": True, "active": True},
        {"id": 3, "type": "priority", "title": "Priority", "active": True},
        {"id": 4, "type": "lookup", "title": "Manager", "active": False},
    ]
    parsed = parse_definitions(rows, COLLECTIONS["tickets"])
    assert [(d.id, d.active) for d in parsed] == [(2, True), (4, False)]
