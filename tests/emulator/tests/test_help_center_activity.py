"""The emulator's Help Center and community: their own budget (not Core's), the plan switches,
and the truth against what the endpoints serve before and after the mutations."""

from __future__ import annotations

import time

import pytest

from tests.emulator.client import ARTICLE_EXPORT, get, walk_article_export, walk_cursor_list
from tests.emulator.help_center_account import HELP_CENTER_STREAMS
from tests.emulator.oauth_client import api, client_credentials
from tests.emulator.zendesk import iso

# Ten seconds into a clock minute: no window rolls over mid-test.
FROZEN_RATE_CLOCK = 1_800_000_010.0
HC_PATHS = ("/help_center/categories", "/help_center/locales", ARTICLE_EXPORT)


def test_help_center_requests_spend_their_own_budget_not_core(emulator_factory, http):
    emu = emulator_factory(rate_limits=True, core_per_minute=1)
    emu.help_center_per_minute = 3
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK
    assert get(http, emu, "/groups").ok
    assert get(http, emu, "/groups").status_code == 429, "Core is spent"
    answers = [
        get(http, emu, "/help_center/categories"),
        get(http, emu, "/community/posts"),
        get(http, emu, ARTICLE_EXPORT, start_time=0),
    ]
    assert [r.status_code for r in answers] == [200, 200, 200]
    for r, left in zip(answers, (2, 1, 0), strict=True):
        assert r.headers["X-Rate-Limit"] == r.headers["ratelimit-limit"] == "3"
        assert r.headers["X-Rate-Limit-Remaining"] == r.headers["rate-limit-remaining"] == str(left)
        assert r.headers["ratelimit-reset"] == "50"
        assert "Zendesk-RateLimit-incremental-exports" not in r.headers
    refused = get(http, emu, "/community/topics")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "50"
    core = get(http, emu, "/groups")
    assert core.status_code == 429 and core.headers["X-Rate-Limit"] == "1"
    emu.rate_clock = lambda: FROZEN_RATE_CLOCK + 60
    assert get(http, emu, "/help_center/sections").ok
    assert get(http, emu, "/groups").ok


def test_the_budget_follows_core_by_default_and_reports_without_limits(emulator, http):
    assert emulator.help_center_per_minute == emulator.core_per_minute == 200
    emulator.help_center_per_minute = 7
    answer = get(http, emulator, "/help_center/categories")
    assert answer.headers["X-Rate-Limit"] == "7" == answer.headers["X-Rate-Limit-Remaining"]
    assert get(http, emulator, "/groups").headers["X-Rate-Limit"] == "200"


@pytest.mark.parametrize(("value", "status"), [(False, 403), (404, 404)])
def test_switches(emulator, http, value, status):
    acc = emulator.account
    aid = acc.hc_activity.commentable_articles()[0]
    pid = acc.help_center.posts[0]
    guide = (
        *HC_PATHS,
        f"/help_center/articles/{aid}/comments",
        f"/help_center/articles/{aid}/votes",
    )
    community = ("/community/topics", "/community/posts", f"/community/posts/{pid}/comments")
    emulator.help_center_enabled = value
    assert [get(http, emulator, p, start_time=0).status_code for p in guide] == [status] * 5
    assert all(get(http, emulator, p).ok for p in community), "the community has its own"
    emulator.help_center_enabled = True
    emulator.community_enabled = value
    assert [get(http, emulator, p).status_code for p in community] == [status] * 3
    assert get(http, emulator, "/help_center/categories").ok
    emulator.community_enabled = True
    emulator.role = "agent"
    assert get(http, emulator, ARTICLE_EXPORT, start_time=0).ok, "agents may export articles"


def test_the_hc_read_scope_reaches_guide_and_community_only(emulator):
    hc = client_credentials(emulator, scope="hc:read").json()["access_token"]
    assert api(emulator, hc, "/api/v2/help_center/categories").ok
    assert api(emulator, hc, "/api/v2/community/posts").ok
    assert api(emulator, hc, "/api/v2/help_center/incremental/articles", start_time=0).ok
    assert api(emulator, hc, "/api/v2/groups").status_code == 403
    tickets = client_credentials(emulator, scope="tickets:read").json()["access_token"]
    assert api(emulator, tickets, "/api/v2/help_center/categories").status_code == 403


def read_everything(http, emu):
    """Every Help Center and community record the endpoints serve, by truth stream."""
    acc, got = emu.account, {}
    for stream, path, key in (
        ("help_center_categories", "/help_center/categories", "categories"),
        ("help_center_sections", "/help_center/sections", "sections"),
        ("community_topics", "/community/topics", "topics"),
        ("community_posts", "/community/posts", "posts"),
    ):
        items, _ = walk_cursor_list(http, emu, path, key)
        got[stream] = {r["id"]: r for r in items}
    got["help_center_articles"], _ = walk_article_export(http, emu)
    for base, items, prefix in (
        ("/help_center/articles", acc.help_center.articles, "help_center_article"),
        ("/community/posts", acc.help_center.posts, "community_post"),
    ):
        for stream in ("comments", "votes", "comment_votes"):
            got[f"{prefix}_{stream}"] = {}
        for item in items:
            comments, _ = walk_cursor_list(http, emu, f"{base}/{item}/comments", "comments")
            got[f"{prefix}_comments"] |= {c["id"]: c for c in comments}
            votes, _ = walk_cursor_list(http, emu, f"{base}/{item}/votes", "votes")
            got[f"{prefix}_votes"] |= {v["id"]: v for v in votes}
            for c in comments:
                path = f"{base}/{item}/comments/{c['id']}/votes"
                votes, _ = walk_cursor_list(http, emu, path, "votes")
                got[f"{prefix}_comment_votes"] |= {v["id"]: (item, v) for v in votes}
    return got


def test_truth_equals_what_the_endpoints_serve(emulator, http):
    truth = emulator.account.help_center_truth(0)
    got = read_everything(http, emulator)
    assert set(got) == {s for s in HELP_CENTER_STREAMS if not s.startswith("custom_object")}
    for stream, records in got.items():
        assert set(records) == set(truth[stream]), stream
    for stream in ("help_center_categories", "help_center_sections", "community_posts"):
        assert {k: iso(v) for k, v in truth[stream].items()} == {
            k: r["updated_at"] for k, r in got[stream].items()
        }
    for vid, (item, vote) in got["help_center_article_comment_votes"].items():
        assert truth["help_center_article_comment_votes"][vid] == (item, vote["item_id"])
    for cid, comment in got["community_post_comments"].items():
        assert truth["community_post_comments"][cid] == comment["post_id"]


def article_votes(http, emu, aid):
    """The values of an article's votes, as its list serves them."""
    return [
        v["value"] for v in get(http, emu, f"/help_center/articles/{aid}/votes").json()["votes"]
    ]


def test_mutations_show_through_the_endpoints(emulator, http):
    acc = emulator.account
    since = int(time.time()) - 120
    assert not acc.help_center_truth(since)["help_center_articles"]
    edited = acc.edit_articles(2)
    comments = acc.add_article_comments(3)
    votes = acc.add_article_votes(4)
    voted_on = acc.help_center_truth(0)["help_center_article_votes"]
    removed = acc.remove_article_votes(2)
    truth = acc.help_center_truth(since)
    assert set(truth["help_center_articles"]) == set(edited), "comments and votes move nothing"
    assert set(walk_article_export(http, emulator, start=since)[0]) == set(edited)
    assert set(comments) <= set(truth["help_center_article_comments"])
    assert set(votes) <= set(truth["help_center_article_votes"])
    assert not set(removed) & set(truth["help_center_article_votes"])
    served = walk_article_export(http, emulator)[
        0
    ]  # a full export shows the counts as they are now
    for aid in {voted_on[v] for v in votes + removed}:
        values = article_votes(http, emulator, aid)
        assert (served[aid]["vote_count"], served[aid]["vote_sum"]) == (len(values), sum(values))
    for cid in comments:
        aid = truth["help_center_article_comments"][cid]
        path = f"/help_center/articles/{aid}/comments"
        assert cid in {c["id"] for c in walk_cursor_list(http, emulator, path, "comments")[0]}
    # with the switches on, comments and votes move the article they are on
    acc.comments_touch_parent = acc.votes_touch_item = True
    comment, vote = acc.add_article_comments(1) + acc.add_article_votes(1)
    truth = acc.help_center_truth(since)
    moved = {
        truth["help_center_article_comments"][comment],
        truth["help_center_article_votes"][vote],
    }
    assert set(truth["help_center_articles"]) == set(edited) | moved
    assert set(walk_article_export(http, emulator, start=since)[0]) == set(edited) | moved


def test_community_and_comment_vote_mutations(emulator, http):
    acc = emulator.account
    post_comments = acc.add_post_comments(3)
    post_votes = acc.add_post_votes(2)
    comment_votes = acc.add_comment_votes(4)
    truth = acc.help_center_truth(0)
    assert set(post_comments) <= set(truth["community_post_comments"])
    assert set(post_votes) <= set(truth["community_post_votes"])
    article_side = set(comment_votes) & set(truth["help_center_article_comment_votes"])
    post_side = set(comment_votes) & set(truth["community_post_comment_votes"])
    assert len(article_side) == len(post_side) == 2
    posts = {p["id"]: p for p in walk_cursor_list(http, emulator, "/community/posts", "posts")[0]}
    for pid in {truth["community_post_comments"][c] for c in post_comments}:
        assert posts[pid]["comment_count"] == len(acc.hc_activity.comments_of[("Post", pid)])
    for vid in post_side:
        pid, cid = truth["community_post_comment_votes"][vid]
        listed, _ = walk_cursor_list(http, emulator, f"/community/posts/{pid}/comments", "comments")
        comment = next(c for c in listed if c["id"] == cid)
        path = f"/community/posts/{pid}/comments/{cid}/votes"
        listed_votes = get(http, emulator, path).json()["votes"]
        values = [v["value"] for v in listed_votes]
        assert (comment["vote_count"], comment["vote_sum"]) == (len(values), sum(values))
        assert vid in {v["id"] for v in listed_votes}
