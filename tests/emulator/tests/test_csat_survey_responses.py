"""The emulator's updated CSAT survey responses: shapes, filters, pages, switches, mutations."""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from tests.emulator.client import get, walk_cursor_export

PATH = "/guide/survey_responses"
TICKET_ZRN = re.compile(r"(?:zen|zrn):ticket:(\d+)")
MS_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def walk(http, emu, size=100, **params):
    items, after, pages = [], None, 0
    while True:
        q = {"page[size]": size, **params}
        if after:
            q["page[after]"] = after
        body = get(http, emu, PATH, **q).json()
        assert set(body) == {"survey_responses", "meta"}, "no links, as documented"
        pages += 1
        items += body["survey_responses"]
        if not body["meta"]["has_more"]:
            return items, pages
        after = body["meta"]["after_cursor"]


def derive(response):
    """What a tap derives: the ticket id from any ticket zrn, the CSAT rating."""
    tickets = [int(m.group(1)) for z in response["subject_zrns"] if (m := TICKET_ZRN.fullmatch(z))]
    ratings = [
        a["rating"]
        for a in response["answers"]
        if a["type"] == "rating_scale" and a["question"].get("sub_type") == "customer_satisfaction"
    ]
    return tickets[0], (ratings[0] if ratings else None)


def created_ms(acc, response):
    return acc.csat.created_ms[response["id"]]


def test_responses_in_both_shapes_with_every_answer_type(emulator, http):
    acc = emulator.account
    items, pages = walk(http, emulator)
    assert pages == 3 and len(items) == 250
    assert [r["id"] for r in items] == sorted(r["id"] for r in items)
    nested = [r for r in items if "survey" in r]
    flat = [r for r in items if "survey_id" in r]
    assert len(nested) + len(flat) == 250 and nested and flat
    assert all(set(r["survey"]) == {"id", "version", "state"} and r["subjects"] for r in nested)
    assert all("subjects" not in r and "survey_version" in r for r in flat)
    assert sum(z.startswith("zrn:ticket:") for r in flat for z in r["subject_zrns"]) == 1
    assert any(z.startswith("zen:conversation:") for r in nested for z in r["subject_zrns"])
    tickets = {t["id"] for t in acc.records("tickets")}
    assert {derive(r)[0] for r in items} <= tickets
    assert {r["id"]: derive(r) for r in items} == acc.csat_ticket_ratings()
    answers = [a for r in items for a in r["answers"]]
    assert set(Counter(a["type"] for a in answers)) == {
        "rating_scale", "open_ended", "closed_ended", "skipped"
    }  # fmt: skip
    for a in answers:
        assert MS_ISO.fullmatch(a["created_at"]) and MS_ISO.fullmatch(a["updated_at"])
        assert a["created_at"] <= a["updated_at"] and "id" in a["question"]
        if a["type"] == "rating_scale":
            assert a["question"]["sub_type"] == "customer_satisfaction"
            assert a["rating_category"] == {1: "bad", 2: "bad", 3: "neutral"}.get(
                a["rating"], "good"
            )
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    editable = [r for r in items if r["expires_at"] > now]
    assert 3 <= len(editable) < len(items) / 4, "some editable, most expired"
    for r in items:  # the creation moment is the first answer's
        assert (
            r["answers"][0]["created_at"]
            == time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created_ms(acc, r) // 1000))
            + f".{created_ms(acc, r) % 1000:03d}Z"
        )


@pytest.mark.parametrize("shape", ["nested", "flat"])
def test_shape_switch(emulator, http, shape):
    emulator.csat_shape = shape
    items, _ = walk(http, emulator)
    key = "survey" if shape == "nested" else "survey_id"
    assert all(key in r for r in items)
    assert {r["id"]: derive(r) for r in items} == emulator.account.csat_ticket_ratings()


def test_filters_in_milliseconds_and_sort(emulator, http):
    acc = emulator.account
    moments = sorted(acc.csat.created_ms.values())
    lo, hi = moments[50], moments[120]
    items, _ = walk(http, emulator, size=7, **{"filter[created_at_start]": lo,
                                                "filter[created_at_end]": hi})  # fmt: skip
    assert len(items) == 70, "start inclusive, end exclusive"
    assert all(lo <= created_ms(acc, r) < hi for r in items)
    newest, _ = walk(http, emulator, size=30, sort="-id")
    assert [r["id"] for r in newest] == sorted(acc.csat.responses, reverse=True)
    some = items[:3]
    responders = {r["responder_id"] for r in some}
    by_responder, _ = walk(
        http, emulator, **{"filter[responder_ids]": ",".join(map(str, responders))}
    )
    assert {r["id"] for r in by_responder} == {
        rid for rid, r in acc.csat.responses.items() if r["responder_id"] in responders
    }
    tickets = {derive(r)[0] for r in some}
    zrns = ",".join(f"zen:ticket:{t}" for t in tickets)
    by_ticket, _ = walk(http, emulator, **{"filter[subject_zrns]": zrns})
    assert {derive(r)[0] for r in by_ticket} == tickets
    assert {r["id"] for r in by_ticket} >= {r["id"] for r in some}


def test_refusals_and_switch(emulator, http):
    assert get(http, emulator, PATH, **{"page[size]": 101}).status_code == 400
    assert get(http, emulator, PATH, sort="created_at").status_code == 400
    emulator.role = "agent"
    assert get(http, emulator, PATH).status_code == 403, "admins only"
    emulator.role = "admin"
    emulator.csat_enabled = False
    refused = get(http, emulator, PATH)
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": [
            {"code": "Forbidden", "status": "403", "title": "Access to the resource is forbidden"}
        ]
    }
    emulator.csat_enabled = 404
    assert get(http, emulator, PATH).status_code == 404
    assert "X-Rate-Limit" in refused.headers, "counted in Core"


def test_truth_and_mutations(emulator, http):
    acc = emulator.account
    items, _ = walk(http, emulator)
    truth = acc.conversation_truth(0)["csat_survey_responses"]
    assert truth == {r["id"]: created_ms(acc, r) // 1000 for r in items}
    since = int(time.time()) - 120
    assert not acc.conversation_truth(since)["csat_survey_responses"]
    added = acc.add_survey_responses(3)
    assert set(acc.conversation_truth(since)["csat_survey_responses"]) == set(added)
    start_ms = since * 1000
    fresh, _ = walk(http, emulator, **{"filter[created_at_start]": start_ms})
    assert {r["id"] for r in fresh} == set(added)
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    assert all(r["expires_at"] > now for r in fresh)
    ratings = acc.csat_ticket_ratings()
    edited = acc.edit_survey_responses(4)
    assert len(edited) == 4
    after = {r["id"]: r for r in walk(http, emulator)[0]}
    tickets = set()
    for rid in edited:
        response = after[rid]
        assert response["expires_at"] > now
        assert max(a["updated_at"] for a in response["answers"]) >= time.strftime(
            "%Y-%m-%dT%H:%M:%S", time.gmtime(since)
        )
        assert derive(response)[1] != ratings[rid][1]
        tickets.add(derive(response)[0])
    exported, _, _ = walk_cursor_export(http, emulator, "/incremental/tickets/cursor", "tickets",
                                        start=since, support_type_scope="all")  # fmt: skip
    assert {t["id"] for t in exported} == tickets | {ratings[rid][0] for rid in added}
