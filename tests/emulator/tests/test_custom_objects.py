"""The emulator's custom objects: objects and fields, the incremental record export (start_time
then cursor, has_more, deleted records, refusals), its budget, the switch, truth, mutations."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.emulator.client import get, walk_cursor_list, walk_offset
from tests.emulator.custom_objects import DELETED, OBJECTS, records_coll
from tests.emulator.help_center_account import DELETED_RECORDS
from tests.emulator.zendesk import ZENDESK_HOST

ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
FROZEN_RATE_CLOCK = 1_800_000_010.0


def export_path(key):
    return f"/incremental/custom_objects/{key}/cursor"


def walk_records(http, emu, key, start=0, **params):
    """start_time, then cursor while `meta.has_more`; records by id, the pages."""
    body = get(http, emu, export_path(key), start_time=start, **params).json()
    seen, pages = {}, [body]
    while True:
        seen.update((r["id"], r) for r in body["custom_object_records"])
        if not body["meta"]["has_more"]:
            return seen, pages
        body = get(http, emu, export_path(key), cursor=body["after_cursor"], **params).json()
        pages.append(body)


def test_objects_and_their_fields(emulator, http):
    acc = emulator.account
    body = get(http, emulator, "/custom_objects").json()
    assert set(body) == {"custom_objects"}, "no pagination"
    assert [o["key"] for o in body["custom_objects"]] == list(OBJECTS)
    for obj in body["custom_objects"]:
        assert isinstance(obj["created_by_user_id"], str) and obj["title_pluralized"]
    types = set()
    for key in OBJECTS:
        fids = acc.custom_object_field_ids(key)
        assert 3 <= len(fids) <= 10
        path = f"/custom_objects/{key}/fields"
        by_cursor, _ = walk_cursor_list(http, emulator, path, "custom_object_fields", size=2)
        by_offset, _ = walk_offset(http, emulator, path, "custom_object_fields", per_page=2)
        assert [f["id"] for f in by_cursor] == [f["id"] for f in by_offset] == fids
        assert [f["position"] for f in by_cursor] == sorted(f["position"] for f in by_cursor)
        types |= {f["type"] for f in by_cursor}
        standard = get(http, emulator, path, include_standard_fields="true").json()
        extra = standard["custom_object_fields"][len(fids) :]
        assert [(f["key"], f["system"]) for f in extra] == [("name", True), ("external_id", True)]
    assert {"text", "integer", "decimal", "date", "dropdown", "lookup", "checkbox"} <= types
    missing = get(http, emulator, "/custom_objects/nope/fields")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "CustomObjectNotFound"
    assert missing.json()["errors"][0]["status"] == "404"
    assert get(http, emulator, export_path("nope"), start_time=0).status_code == 404


def test_record_values_come_as_zendesk_sends_them(emulator):
    acc = emulator.account
    fields = {f["id"]: f for f in acc.records("custom_object_fields")}
    users = {str(u) for u in acc._data["users"]}
    apartments = set(acc.custom_object_record_ids("apartment"))
    seen = set()
    for key in OBJECTS:
        defs = {fields[f]["key"]: fields[f] for f in acc.custom_object_field_ids(key)}
        for rid in acc.custom_object_record_ids(key):
            rec = acc.get(records_coll(key), rid)
            assert ULID.fullmatch(rid) and rec["custom_object_key"] == key
            assert rec["created_by_user_id"] in users and rec["updated_by_user_id"] in users
            if (key, rid) in acc.custom_objects.deleted:
                continue
            assert set(rec["custom_object_fields"]) == set(defs)
            for fkey, value in rec["custom_object_fields"].items():
                ftype = defs[fkey]["type"]
                if value is None:
                    continue
                seen.add((ftype, type(value).__name__))
                if ftype == "integer":
                    assert re.fullmatch(r"-?\d+", value)
                elif ftype == "date":
                    assert re.fullmatch(r"\d{4}-\d\d-\d\d", value)
                elif ftype == "lookup":
                    target = defs[fkey]["relationship_target_type"]
                    assert value in (users if target == "zen:user" else apartments)
    assert {("integer", "str"), ("decimal", "str"), ("decimal", "float")} <= seen
    assert {("checkbox", "bool"), ("multiselect", "list"), ("lookup", "str")} <= seen


def test_export_pages_by_cursor_until_has_more_is_false(emulator, http):
    acc = emulator.account
    truth = acc.help_center_truth(0)["custom_object_records"]
    apartments = {rid for key, rid in truth if key == "apartment"}
    seen, pages = walk_records(http, emulator, "apartment", per_page=10)
    assert set(seen) == apartments and len(pages) == -(-len(apartments) // 10)
    first = pages[0]
    assert set(first) == {"custom_object_records", "filter", "meta"} | {
        f"{side}_{what}" for side in ("after", "before") for what in ("cursor", "url")
    }
    assert first["filter"] == {"exclude_deleted": False} and first["meta"] == {"has_more": True}
    after = urlsplit(first["after_url"])
    assert f"{after.scheme}://{after.netloc}" == ZENDESK_HOST
    assert parse_qs(after.query) == {"per_page": ["10"], "cursor": [first["after_cursor"]]}
    assert parse_qs(urlsplit(first["before_url"]).query)["cursor"] == [first["before_cursor"]]
    rows = [r for page in pages for r in page["custom_object_records"]]
    stamps = [acc.ts(records_coll("apartment"), r["id"]) for r in rows]
    assert stamps == sorted(stamps), "in updated_at order"
    last = pages[-1]
    again = get(http, emulator, export_path("apartment"), cursor=last["after_cursor"]).json()
    assert again["custom_object_records"] == [] and again["after_cursor"] is None
    assert again["meta"] == {"has_more": False} and "end_of_stream" not in again
    whole = get(http, emulator, export_path("apartment"), start_time=0, per_page=5000).json()
    assert len(whole["custom_object_records"]) == len(apartments), "per_page at most 1000"
    emulator.custom_object_records_end_of_stream = True
    assert get(http, emulator, export_path("apartment"), start_time=0).json()["end_of_stream"]
    body = get(http, emulator, export_path("apartment"), start_time=0, per_page=1).json()
    assert body["end_of_stream"] is False


def test_deleted_records_come_blanked_unless_excluded(emulator, http):
    acc = emulator.account
    truth = acc.help_center_truth(0)
    deleted = {rid for key, rid in truth[DELETED_RECORDS] if key == "apartment"}
    assert deleted and set(truth[DELETED_RECORDS]) <= set(truth["custom_object_records"])
    seen, _ = walk_records(http, emulator, "apartment")
    for rid in deleted:
        rec = seen[rid]
        assert rec["name"] == rec["external_id"] == DELETED
        assert set(rec["custom_object_fields"].values()) == {DELETED}
    assert all(r["name"] != DELETED for rid, r in seen.items() if rid not in deleted)
    live, pages = walk_records(http, emulator, "apartment", **{"filter[exclude_deleted]": "true"})
    assert set(live) == set(seen) - deleted
    assert pages[0]["filter"] == {"exclude_deleted": True}
    query = parse_qs(urlsplit(pages[0]["after_url"]).query)
    assert query["filter[exclude_deleted]"] == ["true"]


@pytest.mark.parametrize("sort", ["id", "-id", "updated_at", "-updated_at"])
def test_the_records_list_pages_live_records_by_cursor(emulator, http, sort):
    acc = emulator.account
    live = acc.custom_object_record_ids("car", include_deleted=False)
    assert len(live) < len(acc.custom_object_record_ids("car")), "some are deleted"
    path = "/custom_objects/car/records"
    listed, pages = walk_cursor_list(http, emulator, path, "custom_object_records", 7, sort=sort)
    assert pages == -(-len(live) // 7) and sorted(r["id"] for r in listed) == live
    field = sort.lstrip("-")
    values = [(r[field], r["id"]) for r in listed]
    assert values == sorted(values, reverse=sort.startswith("-"))
    first = get(http, emulator, path, **{"page[size]": 7, "sort": sort}).json()
    assert first["count"] == len(live)
    assert get(http, emulator, path, sort="name").status_code == 400


def test_export_refusals(emulator, http):
    path = export_path("car")

    def error(response, status, code):
        assert response.status_code == status
        assert response.json()["errors"][0]["code"] == code
        assert response.json()["errors"][0]["status"] == str(status)

    error(get(http, emulator, path, start_time=int(time.time()) - 30), 400, "StartTimeTooRecent")
    assert get(http, emulator, path, start_time=int(time.time()) - 90).ok
    for cursor in ("not-a-cursor", "MTIzNA==", "MTc2MDAwMDAwMC4wfHwxMjM0fA=="):
        error(get(http, emulator, path, cursor=cursor), 400, "InvalidCursor")
    first = get(http, emulator, path, start_time=0).json()
    assert get(http, emulator, path, start_time=0, cursor=first["after_cursor"]).status_code == 400
    assert get(http, emulator, path).status_code == 400


def test_the_export_spends_the_incremental_budget_and_core(emulator_factory, http):
    emu = emulator_factory(rate_limits=True, incremental_per_minute=2)
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK
    answers = [get(http, emu, export_path("car"), start_time=0) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert (
        answers[1]
        .headers["Zendesk-RateLimit-incremental-exports"]
        .startswith("total=2; remaining=0")
    )
    assert answers[1].headers["X-Rate-Limit-Remaining"] == "198", "Core too"
    assert answers[2].json()["errors"][0]["code"] == "RateLimitExceeded"
    assert answers[2].headers["Retry-After"] == "50"
    fields = get(http, emu, "/custom_objects/car/fields")
    assert fields.ok and "Zendesk-RateLimit-incremental-exports" not in fields.headers
    emu.role = "agent"
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK + 60
    assert get(http, emu, export_path("car"), start_time=0).ok, "agents with access may"


@pytest.mark.parametrize(
    ("value", "status", "code"), [(False, 403, "Forbidden"), (404, 404, "FeatureNotEnabled")]
)
def test_switch(emulator, http, value, status, code):
    emulator.custom_objects_enabled = value
    for path, params in (
        ("/custom_objects", {}),
        ("/custom_objects/car/fields", {}),
        (export_path("car"), {"start_time": 0}),
    ):
        answer = get(http, emulator, path, **params)
        assert answer.status_code == status and answer.json()["errors"][0]["code"] == code


def test_mutations_then_truth(emulator, http):
    acc = emulator.account
    since = int(time.time()) - 120
    assert not acc.help_center_truth(since)["custom_object_records"]
    added = acc.add_custom_object_records(4)
    updated = acc.update_custom_object_records(3)
    deleted = acc.delete_custom_object_records(2)
    truth = acc.help_center_truth(since)
    changed = set(added) | set(updated) | set(deleted)
    assert set(truth["custom_object_records"]) == changed and len(changed) <= 9
    assert set(truth[DELETED_RECORDS]) == set(deleted)
    served = {}
    for key in OBJECTS:
        records, _ = walk_records(http, emulator, key, start=since)
        served |= {(key, rid): r for rid, r in records.items()}
    assert set(served) == changed
    for key_id in deleted:
        assert served[key_id]["name"] == DELETED
    for key_id in set(updated) - set(deleted):
        assert "(edited" in served[key_id]["name"]
    with acc.lock:  # a change in the current minute is withheld
        key, rid = added[0]
        acc._put(records_coll(key), acc.get(records_coll(key), rid), int(time.time()), rid)
    records, _ = walk_records(http, emulator, key, start=since)
    assert rid not in records
    assert (key, rid) not in acc.help_center_truth(since)["custom_object_records"]
