"""The emulator's Help Center and community: their data, lists in both paging styles, and the
incremental article export (its pages, boundaries, end and withheld last minute)."""

from __future__ import annotations

import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.emulator.account import Account
from tests.emulator.client import (
    ARTICLE_EXPORT,
    get,
    walk_article_export,
    walk_cursor_list,
    walk_offset,
)
from tests.emulator.help_center import ARTICLES
from tests.emulator.help_center_activity import ARTICLE_COMMENTS, POST_COMMENTS, VOTES
from tests.emulator.zendesk import ZENDESK_HOST, iso


def test_the_data_joins_the_account_and_keeps_its_counts(emulator):
    acc = emulator.account
    users, agents = set(acc._data["users"]), set(acc._agent_ids)
    articles = acc.records(ARTICLES)
    assert all(a["id"] > 2**32 and a["author_id"] in agents for a in articles)
    assert 0 < sum(a["draft"] for a in articles) < len(articles) / 4
    sections = {s["id"] for s in acc.records("hc_sections")}
    assert {a["section_id"] for a in articles} <= sections
    comments = acc.hc_activity.comments_of
    per_article = Counter({i: len(c) for (k, i), c in comments.items() if k == "Article"})
    assert sum(n > 100 for n in per_article.values()) == 2
    assert not {a["id"] for a in articles if a["draft"]} & set(per_article), "drafts: none"
    votes = acc.records(VOTES)
    assert {v["value"] for v in votes} == {1, -1} and {v["user_id"] for v in votes} <= users
    assert len({(v["item_type"], v["item_id"], v["user_id"]) for v in votes}) == len(votes)
    values: dict[tuple[str, int], list[int]] = {}
    for v in votes:
        values.setdefault((v["item_type"], v["item_id"]), []).append(v["value"])
    for coll, item_type in (
        (ARTICLES, "Article"),
        ("community_posts", "Post"),
        (ARTICLE_COMMENTS, "Comment"),
        (POST_COMMENTS, "PostComment"),
    ):
        for rec in acc.records(coll):
            mine = values.get((item_type, rec["id"]), [])
            assert (rec["vote_count"], rec["vote_sum"]) == (len(mine), sum(mine)), coll
    for post in acc.records("community_posts"):
        assert post["comment_count"] == len(comments.get(("Post", post["id"]), []))
        assert post["author_id"] in users
    for c in acc.records(ARTICLE_COMMENTS) + acc.records(POST_COMMENTS):
        assert c["author_id"] in users and c["created_at"] <= c["updated_at"]


@pytest.mark.parametrize(
    ("path", "key", "stream"),
    [
        ("/help_center/categories", "categories", "help_center_categories"),
        ("/help_center/sections", "sections", "help_center_sections"),
        ("/community/topics", "topics", "community_topics"),
        ("/community/posts", "posts", "community_posts"),
    ],
)
def test_lists_page_by_cursor_and_by_offset(emulator, http, path, key, stream):
    truth = emulator.account.help_center_truth(0)[stream]
    by_cursor, pages = walk_cursor_list(http, emulator, path, key, size=3)
    assert pages == -(-len(truth) // 3)
    by_offset, _ = walk_offset(http, emulator, path, key, per_page=3)
    assert [r["id"] for r in by_cursor] == [r["id"] for r in by_offset]
    assert {r["id"]: r["updated_at"] for r in by_cursor} == {k: iso(v) for k, v in truth.items()}
    whole = get(http, emulator, path).json()
    assert whole["next_page"] is None and whole["count"] == len(truth)
    assert get(http, emulator, path, **{"page[size]": 101}).status_code == 400
    assert get(http, emulator, path, page=101, per_page=100).status_code == 400


def test_the_article_list_holds_every_article_in_id_order(emulator, http):
    articles = sorted(emulator.account.help_center.articles)
    by_offset, _ = walk_offset(http, emulator, "/help_center/articles", "articles", per_page=7)
    by_cursor, _ = walk_cursor_list(http, emulator, "/help_center/en-us/articles", "articles", 9)
    assert [a["id"] for a in by_offset] == [a["id"] for a in by_cursor] == articles
    assert any(a["draft"] for a in by_cursor), "an agent sees drafts"


def test_a_locale_and_a_parent_narrow_the_lists(emulator, http):
    acc = emulator.account
    en = get(http, emulator, "/help_center/en-us/categories").json()["categories"]
    assert len(en) == len(acc.help_center.categories)
    cid = acc.help_center.categories[0]
    sections = get(http, emulator, f"/help_center/categories/{cid}/sections").json()
    assert sections["sections"] and {s["category_id"] for s in sections["sections"]} == {cid}
    tid = acc.help_center.topics[0]
    posts, _ = walk_cursor_list(http, emulator, f"/community/topics/{tid}/posts", "posts", 5)
    assert {p["id"] for p in posts} == {
        p["id"] for p in acc.records("community_posts") if p["topic_id"] == tid
    }
    assert get(http, emulator, "/help_center/categories/1/sections").status_code == 404
    locales = get(http, emulator, "/help_center/locales").json()
    assert locales["default_locale"] == "en-us" and "en-us" in locales["locales"]


@pytest.mark.parametrize(
    ("kind", "base"), [("Article", "/help_center/articles"), ("Post", "/community/posts")]
)
def test_comments_and_votes_page_per_item(emulator, http, kind, base):
    acc, activity = emulator.account, emulator.account.hc_activity
    sizes = {i: len(ids) for (k, i), ids in activity.comments_of.items() if k == kind}
    item = max(sizes, key=sizes.__getitem__)
    ids = activity.comments_of[(kind, item)]
    assert len(ids) > 100
    by_cursor, pages = walk_cursor_list(http, emulator, f"{base}/{item}/comments", "comments")
    assert pages == 2 and [c["id"] for c in by_cursor] == ids
    first = get(http, emulator, f"{base}/{item}/comments").json()
    assert first["count"] == len(ids) and len(first["comments"]) == 100
    assert urlsplit(first["next_page"]).netloc == urlsplit(ZENDESK_HOST).netloc
    by_offset, pages = walk_offset(http, emulator, f"{base}/{item}/comments", "comments")
    assert pages == 2 and by_offset == by_cursor
    votes = get(http, emulator, f"{base}/{item}/votes").json()["votes"]
    assert {v["id"] for v in votes} == set(activity.votes_of.get((kind, item), []))
    assert all((v["item_type"], v["item_id"]) == (kind, item) for v in votes)
    comment_type = "Comment" if kind == "Article" else "PostComment"
    cid = next(c for c in ids if activity.votes_of.get((comment_type, c)))
    path = f"{base}/{item}/comments/{cid}/votes"
    listed, _ = walk_cursor_list(http, emulator, path, "votes", size=1)
    assert {v["id"] for v in listed} == set(activity.votes_of[(comment_type, cid)])
    assert all(v["item_type"] == comment_type and v["item_id"] == cid for v in listed)
    other = next(i for k, i in activity.comments_of if k == kind and i != item)
    assert get(http, emulator, f"{base}/{other}/comments/{cid}/votes").status_code == 404
    assert get(http, emulator, f"{base}/1/comments").status_code == 404
    items = acc.help_center.articles if kind == "Article" else acc.help_center.posts
    quiet = next(i for i in items if (kind, i) not in activity.comments_of)
    assert get(http, emulator, f"{base}/{quiet}/comments").json()["comments"] == []


def test_article_comments_take_the_optional_locale(emulator, http):
    activity = emulator.account.hc_activity
    (_, aid), ids = next((k, c) for k, c in activity.comments_of.items() if k[0] == "Article")
    body = get(http, emulator, f"/help_center/fr/articles/{aid}/comments").json()
    assert [c["id"] for c in body["comments"]] == ids[:100]
    assert all(c["source_id"] == aid and c["source_type"] == "Article" for c in body["comments"])


def test_article_export_pages_boundaries_and_end(emulator, http):
    acc = emulator.account
    assert get(http, emulator, ARTICLE_EXPORT).status_code == 400, "start_time is required"
    assert get(http, emulator, ARTICLE_EXPORT, start_time=int(time.time()) - 30).status_code == 422
    seen, pages = walk_article_export(http, emulator, per_page=7)
    assert set(seen) == set(acc.help_center_truth(0)["help_center_articles"])
    assert any(a["draft"] for a in seen.values())
    first = pages[0]
    assert set(first) == {"articles", "count", "end_time", "next_page"}, "no end_of_stream"
    assert first["count"] == len(first["articles"]) >= 7
    assert first["end_time"] == max(acc.ts(ARTICLES, a["id"]) for a in first["articles"])
    assert parse_qs(urlsplit(first["next_page"]).query) == {
        "per_page": ["7"],
        "start_time": [str(first["end_time"])],
    }
    # a bulk edit's second: the page takes all of it, and it comes again on the next page
    shared = Counter(acc.ts(ARTICLES, a) for a in seen).most_common(1)[0]
    assert shared[1] > 2
    body = get(http, emulator, ARTICLE_EXPORT, start_time=shared[0], per_page=1).json()
    assert len(body["articles"]) >= shared[1]
    assert get(http, emulator, ARTICLE_EXPORT, start_time=0).json()["count"] == len(seen)
    emulator.help_center_articles_end_of_stream = True
    assert get(http, emulator, ARTICLE_EXPORT, start_time=0).json()["end_of_stream"] is True
    assert (
        get(http, emulator, ARTICLE_EXPORT, start_time=0, per_page=2).json()["end_of_stream"]
        is False
    )


def test_article_export_withholds_the_last_minute(emulator, http):
    acc = emulator.account
    since = int(time.time()) - 120
    edited = acc.edit_articles(2)
    with acc.lock:  # an edit in the current minute: not served yet
        fresh = next(a for a in acc.help_center.articles if a not in edited)
        acc._move(ARTICLES, fresh, int(time.time()))
    seen, _ = walk_article_export(http, emulator, start=since)
    assert set(seen) == set(edited) == set(acc.help_center_truth(since)["help_center_articles"])


def test_help_center_data_is_deterministic_and_leaves_the_rest_as_it_was(monkeypatch):
    first = Account(scale=0.3, seed=4, now=1_790_000_000)
    again = Account(scale=0.3, seed=4, now=1_790_000_000)
    truth = first.help_center_truth(0)
    assert truth == again.help_center_truth(0) and all(truth.values())
    assert first.records(ARTICLES) == again.records(ARTICLES)
    monkeypatch.setattr(Account, "build_help_center", lambda self: None)
    without = Account(scale=0.3, seed=4, now=1_790_000_000)
    for coll in without._data:
        assert first.records(coll) == without.records(coll), coll
    assert first.update_tickets(2) == without.update_tickets(2), "the mutation stream too"
