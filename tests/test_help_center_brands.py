"""Other brands' Help Centers: `help_center_brand_urls` reads each, records say which.

Two emulators stand for two brands of one account: the default brand's (the tap's
`api_url`) and a second brand's Help Center.
"""

from __future__ import annotations

import time

import pytest

from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES, discover, run_tap, select

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
STREAMS = {
    "help_center_categories",
    "help_center_articles",
    "help_center_article_comments",
    "help_center_article_votes",
    "community_posts",
    "community_post_comments",
}


@pytest.fixture(scope="module")
def brands():
    now = int(time.time()) - 3600
    with (
        Emulator(Account(scale=0.3, seed=11, now=now)) as default,
        Emulator(Account(scale=0.2, seed=12, now=now)) as other,
    ):
        yield default, other


def config_of(default, other):
    return {
        **default.config(),
        **FAST_RATES,
        "start_date": START_DATE,
        "help_center_brand_urls": [other.base_url + "/"],
    }


def emitted(result, stream):
    return [(row["help_center_url"], row["id"]) for row in result.records(stream)]


def vote_requests(emulator):
    return sum(n for path, n in emulator.request_counts().items() if path.endswith("/votes"))


def test_every_brand_is_read_and_each_record_says_which(brands, tmp_path):
    default, other = brands
    catalog = select(discover(tmp_path, default.config()), STREAMS)
    first = run_tap(tmp_path, config_of(default, other), catalog=catalog)
    assert first.returncode == 0, first.stderr[-3000:]
    truths = {emu.base_url: emu.account.help_center_truth(START_EPOCH) for emu in (default, other)}
    for stream in STREAMS:
        rows = emitted(first, stream)
        assert len(rows) == len(set(rows)), stream
        expected = {(url, rid) for url, truth in truths.items() for rid in truth[stream]}
        assert set(rows) == expected, stream
        assert len(first.of_type("SCHEMA", stream)) == 1
    # No read of one Help Center is the whole table: no list retires rows.
    assert not first.of_type("ACTIVATE_VERSION")

    # Nothing changed: each brand's article export starts at its own bookmark, and no
    # article's votes are asked again.
    for emu in brands:
        emu.reset_counts()
    second = run_tap(tmp_path, config_of(default, other), catalog=catalog, state=first.final_state)
    assert second.returncode == 0, second.stderr[-3000:]
    assert vote_requests(default) == vote_requests(other) == 0
    assert len(second.records("help_center_articles")) <= 4  # bookmark seconds, per brand


def test_a_url_that_is_not_a_base_url_is_refused_in_one_line(brands, tmp_path):
    default, _ = brands
    config = {**default.config(), "help_center_brand_urls": ["brand2.zendesk.com"]}
    result = run_tap(tmp_path, config, extra_args=["--discover"])
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "help_center_brand_urls" in line]
    assert lines and "Traceback" not in result.stderr
