"""The Help Center, community and custom object streams (issue 20): requests against the floor.

A first sync of the 14 streams, then a scheduled one after changes (2 articles edited, 3
article comments, 3 article votes, 2 post votes, 2 comment votes, 3 new and 2 deleted custom
object records), limits off. Each request family is reported against its floor:

- lists (categories, sections, topics, posts, the article index): one per 100 records;
- the article export and each object's record export: one per 1,000 records changed, plus
  the closing page(s) an export without an end-of-stream flag needs;
- comments: one per 100 comments of every article and post, every run (no signal);
- votes: one per 100 votes of each article, post or comment whose votes moved (on a first
  sync: each one that has votes), none for the others;
- custom objects: one; their fields: one per object.

Run: `.venv/bin/python -m benchmarks.help_center [SCALE [JSON]]` (default scale 1).
"""

from __future__ import annotations

import json
import math
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmarks.catalogs import select, selected
from benchmarks.pacing import UNPACED, run
from benchmarks.taps import THIS
from benchmarks.written import expected
from tests.emulator.account import Account
from tests.emulator.help_center import ARTICLES
from tests.emulator.help_center_account import HELP_CENTER_STREAMS
from tests.emulator.server import Emulator

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
LIST, EXPORT = 100, 1000
FAMILIES = {
    "lists": re.compile(
        r"/api/v2/(help_center/(categories|sections|articles)|community/(topics|posts))"
    ),
    "article export": re.compile(r"/api/v2/help_center/incremental/articles"),
    "comments": re.compile(r"/api/v2/(help_center/articles|community/posts)/\d+/comments"),
    "votes": re.compile(r"/api/v2/(help_center/articles|community/posts)/\d+/votes"),
    "comment votes": re.compile(
        r"/api/v2/(help_center/articles|community/posts)/\d+/comments/\d+/votes"
    ),
    "custom objects": re.compile(r"/api/v2/custom_objects"),
    "object fields": re.compile(r"/api/v2/custom_objects/[^/]+/fields"),
    "record exports": re.compile(r"/api/v2/incremental/custom_objects/[^/]+/cursor"),
}


def family(path: str) -> str | None:
    """The request family of a path, or None for requests outside these streams."""
    return next((name for name, pattern in FAMILIES.items() if pattern.fullmatch(path)), None)


def pages(n: int, size: int, at_least: int = 1) -> int:
    return max(math.ceil(n / size), at_least)


def floor(account: Account, moved_votes: set | None) -> dict[str, int]:
    """The fewest requests per family; `moved_votes`: the vote parents that changed (None:
    a first sync, every parent that has votes)."""
    truth = account.help_center_truth(START_EPOCH)
    lists = ("help_center_categories", "help_center_sections", "community_topics")
    articles = [article["id"] for article in account.records(ARTICLES)]
    out = {
        "lists": sum(pages(len(truth[s]), LIST) for s in lists)
        + pages(len(truth["community_posts"]), LIST)
        + pages(len(articles), LIST),
        "custom objects": 1,
        "object fields": len(truth["custom_objects"]),
    }
    comments = Counter(truth["help_center_article_comments"].values())
    post_comments = Counter(truth["community_post_comments"].values())
    if moved_votes is None:  # a first sync: every change of the range, a page per 1,000
        records = Counter(key for key, _ in truth["custom_object_records"])
        out["article export"] = pages(len(truth["help_center_articles"]), EXPORT)
        out["record exports"] = sum(pages(records[key], EXPORT) for key in truth["custom_objects"])
    else:  # a scheduled run after a handful of changes: one page each
        out["article export"] = 1
        out["record exports"] = len(truth["custom_objects"])
    out["comments"] = sum(pages(comments[a], LIST) for a in articles)
    out["comments"] += sum(pages(post_comments[p], LIST) for p in truth["community_posts"])
    votes = Counter(truth["help_center_article_votes"].values())
    votes += Counter(truth["community_post_votes"].values())
    comment_votes = Counter(truth["help_center_article_comment_votes"].values())
    comment_votes += Counter(truth["community_post_comment_votes"].values())
    out["votes"] = sum(
        pages(n, LIST) for p, n in votes.items() if moved_votes is None or p in moved_votes
    )
    out["comment votes"] = sum(
        pages(n, LIST)
        for p, n in comment_votes.items()
        if moved_votes is None or p[1] in moved_votes
    )
    return out


def measure(
    emulator: Emulator,
    workdir: Path,
    config: dict,
    catalog: dict,
    state: Any,
    truth: Mapping[str, int] | None = None,
) -> dict:
    """One run's wall time and requests per family; with `truth`, its records are checked."""
    emulator.reset_counts()
    wall, final = run(workdir, config, catalog, state, truth=truth)
    made: Counter[str] = Counter()
    for path, n in emulator.request_counts().items():
        name = family(path)
        if name:
            made[name] += n
    return {"wall": round(wall, 1), "made": dict(made), "state": final}


def help_center(scale: float, workdir: Path) -> dict[str, Any]:
    """Both runs, printed as a table; the figures are returned too."""
    account = Account(scale=scale, seed=1)
    with Emulator(account) as emulator:
        config = {**emulator.config(), **UNPACED, "start_date": START_DATE}
        (workdir / "config.json").write_text(json.dumps(config))
        catalog = select(
            THIS.discover(workdir / "config.json"), lambda name, _: name in HELP_CENTER_STREAMS
        )
        truth = expected(account, selected(catalog))
        first = measure(emulator, workdir, config, catalog, None, truth)
        first["floor"] = floor(account, None)
        account.edit_articles(2)
        account.add_article_comments(3)
        votes = account.add_article_votes(3) + account.add_post_votes(2)
        comment_votes = account.add_comment_votes(2)
        account.add_custom_object_records(3)
        account.delete_custom_object_records(2)
        truth = account.help_center_truth(START_EPOCH)
        moved = {
            truth[stream][vote]
            for vote in votes
            for stream in ("help_center_article_votes", "community_post_votes")
            if vote in truth[stream]
        }
        moved |= {
            truth[stream][vote][1]
            for vote in comment_votes
            for stream in ("help_center_article_comment_votes", "community_post_comment_votes")
            if vote in truth[stream]
        }
        second = measure(emulator, workdir, config, catalog, first["state"])
        second["floor"] = floor(account, moved)
    print(f"\n6. Help Center, community and custom objects, scale {scale:g}: requests / floor")
    print(f"   {'family':<16} {'first sync':>14} {'scheduled':>14}")
    figures: dict[str, Any] = {}
    for name in FAMILIES:
        row = []
        for run_ in (first, second):
            made, least = run_["made"].get(name, 0), run_["floor"].get(name)
            row.append(f"{made:>5} / {'-' if least is None else least:<6}")
        figures[name] = {
            "first": [first["made"].get(name, 0), first["floor"].get(name)],
            "scheduled": [second["made"].get(name, 0), second["floor"].get(name)],
        }
        print(f"   {name:<16} {row[0]:>14} {row[1]:>14}")
    return figures


def main() -> None:
    """`python -m benchmarks.help_center [SCALE [JSON]]`."""
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with tempfile.TemporaryDirectory() as tmp:
        figures = help_center(scale, Path(tmp))
    if len(sys.argv) > 2 and sys.argv[2].endswith(".json"):
        Path(sys.argv[2]).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
