"""The Help Center, the community and custom objects against the emulator.

A first sync emits exactly the emulator's truth at the request floor; a scheduled run after
changes asks votes only of the parents whose votes moved, and emits the changes; accounts
without each feature warn once and keep the rest whole.
"""

from __future__ import annotations

import math
import time
from collections import Counter

import pytest

from tests.emulator.account import Account
from tests.emulator.help_center_account import DELETED_RECORDS, HELP_CENTER_STREAMS
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
STREAMS = set(HELP_CENTER_STREAMS)
PAGE = 100
KEYS = {"custom_objects": ("key",), "custom_object_records": ("custom_object_key", "id")}
ARTICLE_LIST = "/api/v2/help_center/articles"
POST_LIST = "/api/v2/community/posts"


def keys_of(result, stream):
    names = KEYS.get(stream, ("id",))
    rows = result.records(stream)
    return [tuple(r[k] for k in names) if len(names) > 1 else r[names[0]] for r in rows]


def requests_under(counts, prefix, suffix):
    """Requests per parent id for paths `<prefix><id><suffix>`."""
    found = {}
    for path, n in counts.items():
        if path.startswith(prefix) and path.endswith(suffix):
            middle = path[len(prefix) : len(path) - len(suffix)]
            if middle.isdigit():
                found[int(middle)] = n
    return found


@pytest.fixture(scope="module")
def emulator():
    account = Account(scale=0.5, seed=11, now=int(time.time()) - 3600)
    with Emulator(account) as emu:
        yield emu


@pytest.fixture(scope="module")
def catalog(emulator, tmp_path_factory):
    return select(discover(tmp_path_factory.mktemp("discover"), emulator.config()), STREAMS)


def config_of(emulator):
    return {**emulator.config(), **FAST_RATES, "start_date": START_DATE}


@pytest.fixture(scope="module")
def first_sync(emulator, catalog, tmp_path_factory):
    emulator.reset_counts()
    truth = emulator.account.help_center_truth(START_EPOCH)
    result = run_tap(tmp_path_factory.mktemp("first"), config_of(emulator), catalog=catalog)
    return result, truth, emulator.request_counts()


def test_a_first_sync_emits_exactly_the_truth_once(first_sync):
    result, truth, _ = first_sync
    assert result.returncode == 0, result.stderr[-3000:]
    for stream in STREAMS:
        assert truth[stream], f"the emulator has no {stream}: the test would prove nothing"
        emitted = keys_of(result, stream)
        assert len(emitted) == len(set(emitted)), f"{stream}: duplicates"
        assert set(emitted) == set(truth[stream]), stream
        assert len(result.of_type("SCHEMA", stream)) == 1, stream
    assert result.streams() == STREAMS


def test_children_carry_their_parents(first_sync):
    result, truth, _ = first_sync
    for stream, parent in (
        ("help_center_article_comments", "article_id"),
        ("community_post_comments", "post_id"),
        ("help_center_article_votes", "article_id"),
        ("community_post_votes", "post_id"),
    ):
        for row in result.records(stream):
            assert row[parent] == truth[stream][row["id"]], stream
    for stream, parent in (
        ("help_center_article_comment_votes", "article_id"),
        ("community_post_comment_votes", "post_id"),
    ):
        for row in result.records(stream):
            assert (row[parent], row["comment_id"]) == truth[stream][row["id"]], stream
    for row in result.records("custom_object_fields"):
        assert row["custom_object_key"] == truth["custom_object_fields"][row["id"]]


def test_deleted_records_are_flagged_and_never_hold_the_deleted_text(first_sync):
    result, truth, _ = first_sync
    deleted = set(truth[DELETED_RECORDS])
    assert deleted
    for row in result.records("custom_object_records"):
        key = (row["custom_object_key"], row["id"])
        assert bool(row["_sdc_deleted_at"]) == (key in deleted), key
        assert "[DELETED]" not in str(row)


def test_a_first_sync_is_at_the_request_floor(first_sync, emulator):
    _, truth, counts = first_sync
    comments = Counter(truth["help_center_article_comments"].values())
    per_article = requests_under(counts, "/api/v2/help_center/articles/", "/comments")
    assert counts[ARTICLE_LIST] == max(math.ceil(len(per_article) / PAGE), 1)
    for article, n in per_article.items():
        assert n == max(math.ceil(comments[article] / PAGE), 1), article
    votes = Counter(truth["help_center_article_votes"].values())
    asked = requests_under(counts, "/api/v2/help_center/articles/", "/votes")
    assert set(asked) == set(votes)  # no request for an article without votes
    for article, n in asked.items():
        assert n == math.ceil(votes[article] / PAGE), article
    post_votes = Counter(truth["community_post_votes"].values())
    asked = requests_under(counts, "/api/v2/community/posts/", "/votes")
    assert set(asked) == set(post_votes)
    assert counts[POST_LIST] == max(math.ceil(len(truth["community_posts"]) / PAGE), 1)


def test_a_scheduled_run_asks_votes_only_where_they_moved(first_sync, emulator, catalog, tmp_path):
    result, _, _ = first_sync
    account = emulator.account
    edited = account.edit_articles(2)
    new_comments = account.add_article_comments(3)
    voted_articles = account.add_article_votes(3)
    voted_posts = account.add_post_votes(2)
    voted_comments = account.add_comment_votes(2)
    new_records = account.add_custom_object_records(3)
    gone = account.delete_custom_object_records(2)
    emulator.reset_counts()
    second = run_tap(tmp_path, config_of(emulator), catalog=catalog, state=result.final_state)
    assert second.returncode == 0, second.stderr[-3000:]
    counts = emulator.request_counts()
    truth = account.help_center_truth(START_EPOCH)
    # Articles: the edited ones (and the boundary second's again at most).
    articles = set(keys_of(second, "help_center_articles"))
    assert set(edited) <= articles and len(articles - set(edited)) <= 2
    # Comments: every article asked (no signal), the new comments emitted.
    assert set(new_comments) <= set(keys_of(second, "help_center_article_comments"))
    # Votes: only the parents whose votes moved were asked.
    vote_parents = {truth["help_center_article_votes"][v] for v in voted_articles}
    asked = requests_under(counts, "/api/v2/help_center/articles/", "/votes")
    assert set(asked) == vote_parents
    assert set(voted_articles) <= set(keys_of(second, "help_center_article_votes"))
    post_parents = {truth["community_post_votes"][v] for v in voted_posts}
    assert set(requests_under(counts, "/api/v2/community/posts/", "/votes")) == post_parents
    comment_votes = set(keys_of(second, "help_center_article_comment_votes")) | set(
        keys_of(second, "community_post_comment_votes")
    )
    assert set(voted_comments) <= comment_votes
    # Custom object records: the new and the deleted ones.
    records = set(keys_of(second, "custom_object_records"))
    assert set(new_records) | set(gone) <= records
    flagged = {
        (r["custom_object_key"], r["id"])
        for r in second.records("custom_object_records")
        if r["_sdc_deleted_at"]
    }
    assert set(gone) <= flagged


@pytest.mark.parametrize("refusal", [False, 404], ids=["403", "404"])
@pytest.mark.parametrize(
    ("switch", "prefix"),
    [
        ("help_center_enabled", "help_center_"),
        ("community_enabled", "community_"),
        ("custom_objects_enabled", "custom_object"),
    ],
)
def test_an_account_without_the_feature_warns_and_the_rest_is_whole(
    emulator, catalog, tmp_path, switch, prefix, refusal
):
    setattr(emulator, switch, refusal)
    try:
        result = run_tap(tmp_path, config_of(emulator), catalog=catalog)
    finally:
        setattr(emulator, switch, True)
    assert result.returncode == 0, result.stderr[-3000:]
    truth = emulator.account.help_center_truth(START_EPOCH)
    for stream in STREAMS - {"help_center_articles", "custom_object_records"}:
        emitted = set(keys_of(result, stream))
        expected = set() if stream.startswith(prefix) else set(truth[stream])
        assert emitted == expected, stream
    warnings = [line for line in result.stderr.splitlines() if "skipped:" in line]
    assert warnings and all(prefix in line for line in warnings), warnings
    assert "Traceback" not in result.stderr


def test_parents_without_vote_counts_have_their_votes_read(tmp_path):
    """No signal sent (an article list without vote_count/vote_sum): nothing proves the
    votes unchanged, so every article's votes are asked, every run."""
    account = Account(scale=0.3, seed=13, now=int(time.time()) - 3600)
    with Emulator(account) as emu:

        def without_counts(body: bytes) -> bytes:
            return body.replace(b'"vote_count"', b'"x_vote_count"').replace(
                b'"vote_sum"', b'"x_vote_sum"'
            )

        emu.scripts.add(ARTICLE_LIST, rewrite=without_counts)
        catalog = select(discover(tmp_path, emu.config()), {"help_center_article_votes"})
        truth = account.help_center_truth(START_EPOCH)["help_center_article_votes"]
        state = None
        for _ in range(2):
            emu.reset_counts()
            result = run_tap(tmp_path, config_of(emu), catalog=catalog, state=state)
            assert result.returncode == 0, result.stderr[-3000:]
            asked = requests_under(emu.request_counts(), "/api/v2/help_center/articles/", "/votes")
            assert len(asked) == len(account.records("hc_articles"))
            assert set(keys_of(result, "help_center_article_votes")) == set(truth)
            state = result.final_state
