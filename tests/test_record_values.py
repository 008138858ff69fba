"""Record values, response headers and export pages as real accounts send them: what broke
other Zendesk connectors must not break this one.

Values the warehouse refuses (wrong JSON types, NUL characters, lone surrogate escapes),
headers (a second spelling of endpoint budgets, deprecation warnings), Retry-After on a 503,
and export pages that time out at full size. Every run's RECORDs are checked against their
SCHEMA by `tests.singer.run_tap`.
"""

from __future__ import annotations

import json

import pytest

from tap_zendesk_objects.errors import StreamFailedError
from tap_zendesk_objects.http.page_size import AdaptivePageSize
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.scripted import per_page_above, set_child_value, set_value
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2000-01-01T00:00:00Z"


def config(emulator: Emulator, **overrides) -> dict:
    return {**emulator.config(), **FAST_RATES, "start_date": START_DATE, **overrides}


def truth(emulator: Emulator, stream: str) -> set[int]:
    return set(emulator.account.truth(0)[stream])


def first_ids(emulator: Emulator, collection: str, n: int) -> list[int]:
    return sorted(r["id"] for r in emulator.account.records(collection))[:n]


# Values the warehouse refuses ---------------------------------------------------------


def test_values_of_the_wrong_json_type_become_null_with_one_warning_per_column(emulator, tmp_path):
    account = emulator.account
    tickets = first_ids(emulator, "tickets", 2)
    for ticket_id in tickets:
        set_value(account, "tickets", ticket_id, "via", "Web form")  # a string, not an object
    set_value(account, "tickets", tickets[0], "tags", ["vip", 42])  # an int among strings
    group = first_ids(emulator, "groups", 1)[0]
    set_value(account, "groups", group, "description", {"en": "Support"})  # not a string
    update = next(u for u in account.records("ticket_events") if u["timestamp"] > 946684800)
    comment = next(c for c in update["child_events"] if c["event_type"] == "Comment")
    set_child_value(account, update["id"], comment["id"], "via", "Email")
    catalog = select(discover(tmp_path, config(emulator)), {"tickets", "groups", "ticket_comments"})
    result = run_tap(tmp_path, config(emulator), catalog=catalog)  # checks every RECORD's SCHEMA
    assert result.returncode == 0, result.stderr[-3000:]
    emitted = {t["id"]: t for t in result.records("tickets")}
    assert set(emitted) == truth(emulator, "tickets")
    assert all(emitted[ticket_id]["via"] is None for ticket_id in tickets)
    assert emitted[tickets[0]]["tags"] is None
    assert {g["id"]: g for g in result.records("groups")}[group]["description"] is None
    comments = {c["id"]: c for c in result.records("ticket_comments")}
    assert comments[comment["id"]]["via"] is None
    assert comments[comment["id"]]["body"] == comment["body"], "only the column is nulled"
    assert result.stderr.count("Stream 'tickets': column 'via'") == 1
    assert result.stderr.count("Stream 'tickets': column 'tags'") == 1
    assert result.stderr.count("Stream 'groups': column 'description'") == 1
    assert result.stderr.count("Stream 'ticket_comments': column 'via'") == 1


def test_nul_characters_are_removed_from_every_string(emulator, tmp_path):
    account = emulator.account
    group = first_ids(emulator, "groups", 1)[0]
    set_value(account, "groups", group, "description", "Tier\x00 two\x00")
    ticket = first_ids(emulator, "tickets", 1)[0]
    set_value(account, "tickets", ticket, "subject", "\x00Printer\x00 on fire")
    set_value(account, "tickets", ticket, "tags", ["a\x00b"])
    catalog = select(discover(tmp_path, config(emulator)), {"tickets", "groups"})
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "\x00" not in json.dumps(result.messages, ensure_ascii=False)
    groups = {g["id"]: g for g in result.records("groups")}
    assert groups[group]["description"] == "Tier two"
    emitted = {t["id"]: t for t in result.records("tickets")}
    assert emitted[ticket]["subject"] == "Printer on fire"
    assert emitted[ticket]["tags"] == ["ab"]
    assert set(emitted) == truth(emulator, "tickets")


def test_a_lone_surrogate_escape_does_not_fail_the_page(emulator, tmp_path):
    emulator.scripts.add(
        "/api/v2/groups",
        rewrite=lambda body: body.replace(b'"name":"Billing"', b'"name":"Bil\\ud800ling"'),
    )
    emulator.scripts.add(
        "/api/v2/incremental/tickets/cursor",
        rewrite=lambda body: body.replace(b'"raw_subject":"', b'"raw_subject":"\\udc00'),
    )
    catalog = select(discover(tmp_path, config(emulator)), {"tickets", "groups"})
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "retry" not in result.stderr
    names = {g["name"] for g in result.records("groups")}
    assert "Bil\ufffdling" in names
    assert result.ids("groups") == truth(emulator, "groups")
    tickets = result.records("tickets")
    assert {t["id"] for t in tickets} == truth(emulator, "tickets")
    assert all(t["raw_subject"].startswith("\ufffd") for t in tickets)


# Headers ----------------------------------------------------------------------------


def test_endpoint_budgets_spelt_rate_hyphen_limit_slow_the_tap_down(emulator):
    """In process: the pause the header asks for is read off the bucket, not timed."""
    emulator.scripts.add(
        "/api/v2/groups",
        headers={"Zendesk-Rate-Limit-Groups-Index": "total=100; remaining=0; resets=50"},
    )
    tap = TapZendeskObjects(config=config(emulator), parse_env_config=False)
    stream = tap.streams["groups"]
    assert len(list(stream.get_records(None))) == len(truth(emulator, "groups"))
    paused = stream.throttle.ready_in(stream.path)
    assert 40 < paused <= 50, "nothing is sent before the budget Zendesk names resets"


def test_api_deprecation_warnings_are_logged_once_per_endpoint(emulator, tmp_path):
    warning = "The page-based pagination of this endpoint is deprecated; use cursors."
    for path in ("/api/v2/organization_memberships", "/api/v2/groups"):
        emulator.scripts.add(path, headers={"X-Zendesk-API-Warn": f"{path}: {warning}"})
    streams = {"organization_memberships", "groups"}
    catalog = select(discover(tmp_path, config(emulator)), streams)
    emulator.reset_counts()
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert emulator.request_counts()["/api/v2/organization_memberships"] > 1
    for path in ("/api/v2/organization_memberships", "/api/v2/groups"):
        assert result.stderr.count(f"Zendesk warns about GET {path}:") == 1, path
    assert warning in result.stderr


@pytest.mark.slow
def test_retry_after_is_honoured_on_a_503(emulator, tmp_path):
    catalog = select(discover(tmp_path, config(emulator)), {"groups"})
    unavailable = {"error": "ServiceUnavailable", "description": "Maintenance"}
    emulator.scripts.add(
        "/api/v2/groups", status=503, body=unavailable, headers={"Retry-After": "2"}, times=1
    )
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "503 ServiceUnavailable: Maintenance; retry 1 of 9 in 2.0 s" in result.stderr
    assert result.ids("groups") == truth(emulator, "groups")


# Pages that never come back ---------------------------------------------------------


@pytest.mark.parametrize(
    ("stream", "path", "limit"),
    [
        ("ticket_events", "/api/v2/incremental/ticket_events", 250),
        ("tickets", "/api/v2/incremental/tickets/cursor", 300),
    ],
)
def test_export_pages_that_time_out_are_asked_for_smaller(emulator, tmp_path, stream, path, limit):
    """504 above `limit` records a page: halved to 500, then 250; grown back, then halved."""
    gateway = {"error": "GatewayTimeout", "description": "Gateway timeout"}
    timeouts = emulator.scripts.add(path, status=504, body=gateway, when=per_page_above(limit))
    catalog = select(discover(tmp_path, config(emulator)), {stream})
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{stream}: asking for 250 records a page after a timeout" in result.stderr
    emitted = [record["id"] for record in result.records(stream)]
    assert set(emitted) == truth(emulator, stream)
    assert len(emitted) == len(set(emitted)), "records emitted twice"
    bookmark = result.final_state["bookmarks"][stream]["replication_key_value"]
    assert bookmark
    # 1000 and 500 time out; after three pages of 250 the size grows to 500 again, and so on.
    assert timeouts.served >= 3, "the page size never grew back"


def test_the_page_size_halves_to_a_floor_and_grows_back_to_the_setting():
    size = AdaptivePageSize(1000)
    sizes = []
    while size.shrink():
        sizes.append(size.current)
    assert sizes == [500, 250, 125, 62, 50]
    assert size.shrunk_to_floor
    for _ in range(3 * 5):
        size.succeeded()
    assert size.current == 1000
    assert AdaptivePageSize(20).floor == 20, "a setting under the floor is never shrunk"


def test_an_export_that_times_out_even_at_the_floor_names_export_page_size(
    emulator, no_retry_waits
):
    """In process, with the backoff waits cut to zero: the real ones add up to minutes."""
    gateway = {"error": "GatewayTimeout", "description": "Gateway timeout"}
    emulator.scripts.add("/api/v2/incremental/organizations", status=504, body=gateway)
    tap = TapZendeskObjects(config=config(emulator), parse_env_config=False)
    with pytest.raises(StreamFailedError) as caught:
        list(tap.streams["organizations"].get_records(None))
    message = str(caught.value)
    assert message.startswith("GET /api/v2/incremental/organizations: 504 ")
    assert "even at 50 records a page" in message
    assert "`export_page_size` is 1000" in message
