"""Stream failures and incomplete reads: what broke other Zendesk connectors on real accounts
must not break this one.

One stream never stops the others; a read counts as complete only when it is; a bookmark
ahead of the clock is never used silently; deleted groups are read and flagged. Each case is
injected into the emulator (`tests/emulator/scripted.py`) and the tap runs as users run it.
"""

from __future__ import annotations

import time

import pytest

import tap_zendesk_objects.http.retries as retries
from tap_zendesk_objects.errors import StreamFailedError
from tap_zendesk_objects.tap import TapZendeskObjects
from tap_zendesk_objects.timeutil import epoch_to_iso
from tests.emulator.scripted import delete_group
from tests.emulator.server import Emulator
from tests.emulator.server_auth import ACCESS_TOKEN
from tests.singer import FAST_RATES, SyncResult, discover, run_tap, select

PREFIX = "tap-zendesk-objects: error: "
# Zendesk's wording, and the shorter one its documentation quotes.
SCOPES_403 = {
    "error": "Forbidden",
    "description": "You are missing the following required scopes: read",
}
SCOPES_403_DOC = {
    "error": "Forbidden",
    "description": "Missing the following required scopes: read",
}


def config(emulator: Emulator, **overrides) -> dict:
    return {**emulator.config(), **FAST_RATES, **overrides}


def error_lines(result: SyncResult) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return [line[len(PREFIX) :] for line in result.stderr.splitlines() if line.startswith(PREFIX)]


def truth(emulator: Emulator, stream: str) -> set[int]:
    return set(emulator.account.truth(0)[stream])


# One stream never stops the others ---------------------------------------------------


def test_a_permanent_error_on_one_stream_does_not_stop_the_others(emulator, tmp_path):
    streams = {"users", "groups", "ticket_skips", "group_memberships"}
    catalog = select(discover(tmp_path, config(emulator)), streams)
    invalid = {"error": "InvalidValue", "description": "exclude_deleted is not allowed here"}
    emulator.scripts.add("/api/v2/groups", status=422, body=invalid)
    emulator.scripts.add(
        "/api/v2/skips", status=400, body={"errors": [{"code": "X", "detail": "Bad skips"}]}
    )
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 1
    lines = error_lines(result)
    assert len(lines) == 2, result.stderr[-3000:]
    groups, skips = sorted(lines)
    assert "'groups'" in groups and "422" in groups and "exclude_deleted" in groups
    assert "'ticket_skips'" in skips and "400" in skips and "Bad skips" in skips
    # The streams after the failed ones ran, and their state is kept.
    assert result.ids("users") == truth(emulator, "users")
    assert result.ids("group_memberships") == truth(emulator, "group_memberships")
    assert result.final_state["bookmarks"]["users"]["replication_key_value"]
    assert result.of_type("ACTIVATE_VERSION", "group_memberships")
    assert not result.of_type("ACTIVATE_VERSION", "groups"), "a failed read retires nothing"
    assert not result.of_type("ACTIVATE_VERSION", "ticket_skips")


def test_a_failed_unsorted_stream_keeps_the_bookmark_it_started_from(emulator, tmp_path):
    """Ratings are not read in bookmark order: half a read must not move the bookmark."""
    catalog = select(discover(tmp_path, config(emulator)), {"satisfaction_ratings", "groups"})
    assert len(emulator.account.records("satisfaction_ratings")) > 100, "needs a second page"
    emulator.scripts.add(
        "/api/v2/satisfaction_ratings",
        status=400,
        body={"error": "InvalidValue", "description": "Bad cursor"},
        when=lambda query: "page[after]" in query,
    )
    start = "2000-01-01T00:00:00Z"
    state = {"bookmarks": {"satisfaction_ratings": {"replication_key_value": start}}}
    result = run_tap(tmp_path, config(emulator), catalog=catalog, state=state)
    assert result.returncode == 1
    [line] = error_lines(result)
    assert "'satisfaction_ratings'" in line and "Bad cursor" in line
    assert result.records("satisfaction_ratings"), "the first page was written"
    bookmark = result.final_state["bookmarks"]["satisfaction_ratings"]
    assert bookmark["replication_key_value"] == start
    assert "progress_markers" not in bookmark
    assert result.ids("groups") == truth(emulator, "groups")


def test_satisfaction_ratings_refused_by_the_csat_setting_is_a_warning(emulator, tmp_path):
    catalog = select(discover(tmp_path, config(emulator)), {"satisfaction_ratings", "groups"})
    forbidden = {"error": "Forbidden", "description": "You do not have access to this page."}
    emulator.scripts.add("/api/v2/satisfaction_ratings", status=403, body=forbidden)
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Stream 'satisfaction_ratings' skipped" in result.stderr
    assert "CSAT" in result.stderr
    assert not result.records("satisfaction_ratings")
    assert result.ids("groups") == truth(emulator, "groups")


def test_a_403_naming_missing_oauth_scopes_names_the_scope(emulator, tmp_path):
    oauth = {k: v for k, v in config(emulator).items() if k not in ("email", "api_token")}
    oauth["access_token"] = ACCESS_TOKEN
    catalog = select(discover(tmp_path, oauth), {"groups", "audit_logs", "group_memberships"})
    emulator.scripts.add("/api/v2/groups", status=403, body=SCOPES_403)
    emulator.scripts.add("/api/v2/audit_logs", status=403, body=SCOPES_403_DOC)  # plan-gated
    result = run_tap(tmp_path, oauth, catalog=catalog)
    assert result.returncode == 1
    lines = error_lines(result)
    assert len(lines) == 2, result.stderr[-3000:]
    for line, stream in zip(sorted(lines), ("audit_logs", "groups"), strict=True):
        assert f"'{stream}'" in line
        assert "scope `read`" in line
        assert "needs an admin" not in line
    assert result.ids("group_memberships") == truth(emulator, "group_memberships")


# A read only counts as complete when it is --------------------------------------------


def test_a_200_without_the_collection_is_retried_not_taken_as_empty(emulator, tmp_path):
    catalog = select(discover(tmp_path, config(emulator)), {"groups"})
    emulator.scripts.add("/api/v2/groups", body={"meta": {"has_more": False}}, times=2)
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "without its `groups` list" in result.stderr
    assert result.ids("groups") == truth(emulator, "groups")
    assert len(result.of_type("ACTIVATE_VERSION", "groups")) == 1


def test_pagination_that_contradicts_itself_is_retried(emulator, tmp_path):
    catalog = select(discover(tmp_path, config(emulator)), {"organization_memberships"})
    served = len(truth(emulator, "organization_memberships"))
    assert served > 100, "the list needs a second page"
    broken = {"organization_memberships": [], "meta": {"has_more": True, "after_cursor": None}}
    emulator.scripts.add(
        "/api/v2/organization_memberships",
        body=broken,
        times=1,
        when=lambda query: "page[after]" in query,
    )
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "has_more but gives no after_cursor" in result.stderr
    assert result.ids("organization_memberships") == truth(emulator, "organization_memberships")


def test_pages_that_never_come_back_well_formed_fail_that_stream_by_name(emulator, no_retry_waits):
    """In process, with the backoff waits cut to zero: the real ones add up to minutes."""
    emulator.scripts.add("/api/v2/groups", body={"count": 0})
    tap = TapZendeskObjects(config=config(emulator), parse_env_config=False)
    with pytest.raises(StreamFailedError) as caught:
        list(tap.streams["groups"].get_records(None))
    assert str(caught.value) == (
        "GET /api/v2/groups: a 200 without its `groups` list: "
        f"still failing after {retries.MAX_TRIES} tries"
    )


# A bookmark ahead of the clock --------------------------------------------------------


def test_a_bookmark_ahead_of_the_clock_stops_the_run_naming_it(emulator, tmp_path):
    catalog = select(discover(tmp_path, config(emulator)), {"tickets", "satisfaction_ratings"})
    future = int(time.time()) + 30 * 86400
    skewed = epoch_to_iso(time.time() + 60)  # a minute of clock skew is tolerated
    state = {
        "bookmarks": {
            "tickets": {"replication_key": "generated_timestamp", "replication_key_value": future},
            "satisfaction_ratings": {"replication_key_value": skewed},
        }
    }
    emulator.reset_counts()
    result = run_tap(tmp_path, config(emulator), catalog=catalog, state=state)
    [line] = error_lines(result)
    assert result.returncode == 1
    assert "'tickets'" in line and str(future) in line and "ahead of the clock" in line
    assert "satisfaction_ratings" not in line
    assert "reset the bookmark" in line
    assert not result.records("tickets")
    assert emulator.request_counts() == {}, "nothing is read with a bookmark in the future"


# Deleted records of full-table lists ----------------------------------------------------


def test_deleted_groups_are_read_and_flagged(emulator, tmp_path):
    gone = delete_group(emulator.account)
    catalog = select(discover(tmp_path, config(emulator)), {"groups"})
    result = run_tap(tmp_path, config(emulator), catalog=catalog)
    assert result.returncode == 0, result.stderr[-3000:]
    groups = {group["id"]: group for group in result.records("groups")}
    assert set(groups) == truth(emulator, "groups")
    assert groups[gone]["deleted"] is True
    assert groups[gone]["_sdc_deleted_at"] == emulator.account.get("groups", gone)["updated_at"]
    assert all(g.get("_sdc_deleted_at") is None for gid, g in groups.items() if gid != gone)
    assert len(result.of_type("ACTIVATE_VERSION", "groups")) == 1


def test_the_emulated_group_list_leaves_deleted_groups_out_unless_asked(emulator):
    import requests

    gone = delete_group(emulator.account)
    auth = (f"{emulator.config()['email']}/token", emulator.config()["api_token"])
    url = f"{emulator.base_url}/api/v2/groups"
    default = requests.get(url, auth=auth, timeout=30).json()["groups"]
    everything = requests.get(url, params={"exclude_deleted": "false"}, auth=auth, timeout=30)
    assert gone not in {g["id"] for g in default}
    assert gone in {g["id"] for g in everything.json()["groups"]}
