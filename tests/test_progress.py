"""Progress lines of a long sync, and the run's closing figures (issue 22).

The tap runs in process on a fake clock that moves only when it sleeps, and so do the
emulator's budget windows, at Zendesk's export budget (10 requests a minute) with small
export pages: the exports take minutes of that clock, and seconds of the machine's.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

import tap_zendesk_objects.http.retries as retries
from tap_zendesk_objects.http.throttle import Throttle
from tap_zendesk_objects.run.progress import (
    PROGRESS_INTERVAL_SECONDS,
    StreamProgress,
    duration_words,
)
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.inprocess import FakeClock, sync_in_process
from tests.singer import FAST_RATES, select

EXPORTS = {
    "tickets": "/api/v2/incremental/tickets/cursor",
    "ticket_events": "/api/v2/incremental/ticket_events",
}
EXPORT_LINE = re.compile(
    r"^Progress '(?P<stream>\w+)': (?P<share>\d+)% of (?P<start>\S+) \.\. (?P<end>\S+), "
    r"(?P<records>[\d,]+) records(?:, about (?P<left>.+) left)?$"
)
LIST_LINE = re.compile(
    r"^Progress '(?P<stream>\w+)': (?P<records>[\d,]+) records, (?P<pages>[\d,]+) pages$"
)
CLOSING_LINE = re.compile(
    r"^Sync finished: (?P<records>[\d,]+) records, (?P<requests>[\d,]+) requests "
    r"\((?P<refused>[\d,]+) x 429\), (?P<seconds>[\d.]+) s, (?P<waiting>[\d.]+) s waiting for "
    r"the budget$"
)
# Account history: the emulator's records span the last 548 days.
HISTORY_DAYS = 548
# One second of slack on the fake clock: a budget window's end is computed in floats.
SLACK = 1.0


def seconds_of(words: str) -> float:
    """`3 min 10 s` -> 190."""
    units = {"d": 86_400, "h": 3_600, "min": 60, "s": 1}
    parts = words.split()
    return float(sum(int(n) * units[u] for n, u in zip(parts[::2], parts[1::2], strict=True)))


@pytest.fixture
def clock() -> FakeClock:
    """The run's clock: the epoch's seconds, as the emulator's budget windows read them."""
    return FakeClock(float(int(time.time())))


@pytest.fixture
def logged(clock: FakeClock) -> Iterator[list[tuple[float, str]]]:
    """(fake time, message) of every INFO line of the tap's logger."""
    lines: list[tuple[float, str]] = []

    class Recorder(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append((clock(), record.getMessage()))

    logger = logging.getLogger("tap-zendesk-objects")
    handler, level = Recorder(logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def started(monkeypatch, clock: FakeClock) -> list[tuple[str | None, float]]:
    """(endpoint, fake time) of every request as its throttle lets it start."""
    recorded: list[tuple[str | None, float]] = []
    wait = Throttle.wait

    def recorded_wait(self: Throttle, *args: Any) -> float:
        waited = wait(self, *args)
        recorded.append((args[0] if args else None, clock()))
        return waited

    monkeypatch.setattr(Throttle, "wait", recorded_wait)
    return recorded


def catalog_for(config: dict[str, Any], streams: set[str]) -> dict[str, Any]:
    return select(TapZendeskObjects(config=config, parse_env_config=False).catalog_dict, streams)


def closing(lines: list[tuple[float, str]]) -> re.Match[str]:
    found = [m for _, text in lines if (m := CLOSING_LINE.match(text))]
    assert len(found) == 1, [text for _, text in lines if text.startswith("Sync")]
    return found[0]


def test_a_slow_export_says_how_far_it_is_and_how_long_is_left(
    clock, logged, started, own_signals, capsys
):
    account = Account(scale=1, seed=1, now=int(clock()))
    with Emulator(account, rate_limits=True) as emu:
        emu.rate_clock = clock  # Zendesk's budget windows pass with the tap's time
        config = {
            **emu.config(),
            "start_date": (
                dt.datetime.fromtimestamp(clock(), dt.UTC) - dt.timedelta(days=HISTORY_DAYS)
            ).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "export_page_size": 20,  # dozens of pages: minutes of the export budget
        }
        catalog = catalog_for(config, set(EXPORTS))
        emu.reset_counts()
        began = clock()
        messages = sync_in_process(config, catalog, capsys, clock=clock, sleep=clock.sleep)
        ended = clock()
        requests, statuses = emu.request_counts(), emu.status_counts()

    for stream, endpoint in EXPORTS.items():
        moments = [moment for point, moment in started if point == endpoint]
        lines = [(at, m) for at, text in logged if (m := EXPORT_LINE.match(text))]
        lines = [(at, m) for at, m in lines if m["stream"] == stream]
        assert moments[-1] - moments[0] >= 4 * 60, stream  # the budget makes it slow
        # A line at least every minute of the read, and one when it is done.
        times = [moments[0], *(at for at, _ in lines)]
        assert all(b - a <= PROGRESS_INTERVAL_SECONDS + SLACK for a, b in itertools.pairwise(times))
        assert lines[-1][0] >= moments[-1]
        shares = [int(m["share"]) for _, m in lines]
        assert shares == sorted(shares) and shares[-1] == 100 and 100 not in shares[:-1]
        assert lines[-1][1]["left"] is None  # done: no time left
        records = [int(m["records"].replace(",", "")) for _, m in lines]
        assert records == sorted(records)
        # Once a quarter of the range is read, the time left is within half of the real one.
        done_at = lines[-1][0]
        checked = [(at, m) for at, m in lines[:-1] if int(m["share"]) >= 25]
        assert len(checked) >= 3, stream
        for at, m in checked:
            actual, told = done_at - at, seconds_of(m["left"])
            assert abs(told - actual) <= actual / 2, (stream, m.group(0), actual)

    # The closing line counts what the emulator saw and what was written.
    figures = closing(logged)
    written = sum(1 for m in messages if m["type"] == "RECORD")
    assert int(figures["records"].replace(",", "")) == written > 2_000
    assert int(figures["requests"].replace(",", "")) == sum(requests.values())
    assert int(figures["refused"]) == statuses.get(429, 0) == 0
    assert float(figures["seconds"]) == pytest.approx(ended - began, abs=0.1)
    # Every second of this run is spent waiting for a budget window (no request takes time).
    assert float(figures["waiting"]) == pytest.approx(ended - began, abs=0.1)


def test_the_closing_figures_count_retries_and_429s(
    clock, logged, own_signals, capsys, monkeypatch
):
    monkeypatch.setattr(retries.backoff._sync.time, "sleep", clock.sleep)  # no real waits
    with Emulator(
        Account(scale=0.3, seed=3),
        fault_rate=0.3,
        fault_seed=5,
        fault_kinds=("429", "503", "reset", "truncated"),
    ) as emu:
        config = {**emu.oauth_config(), **FAST_RATES, "export_page_size": 50}
        catalog = catalog_for(config, {"tickets", "ticket_events", "users", "groups", "macros"})
        emu.reset_counts()
        messages = sync_in_process(config, catalog, capsys, clock=clock, sleep=clock.sleep)
        requests, statuses = emu.request_counts(), emu.status_counts()

    figures = closing(logged)
    written = sum(1 for m in messages if m["type"] == "RECORD")
    assert int(figures["records"].replace(",", "")) == written > 0
    assert int(figures["requests"].replace(",", "")) == sum(requests.values())
    assert int(figures["refused"]) == statuses.get(429, 0) > 0
    assert requests.get("/oauth/tokens", 0) >= 1  # token requests are counted too
    assert statuses.get(503, 0) > 0 and statuses.get(0, 0) > 0  # and retries after 503s, resets


def test_lists_and_per_parent_reads_count_records_and_pages_every_minute(
    clock, logged, started, own_signals, capsys
):
    with Emulator(Account(scale=1, seed=1), rate_limits=True) as emu:
        emu.rate_clock = clock
        catalog = catalog_for(emu.config(), {"organization_memberships", "schedule_holidays"})
        config = {**emu.config(), "max_requests_per_minute": 1}  # one request a minute
        sync_in_process(config, catalog, capsys, clock=clock, sleep=clock.sleep)

    lines = [(at, m) for at, text in logged if (m := LIST_LINE.match(text))]
    assert not [text for _, text in logged if EXPORT_LINE.match(text)]  # no share, no range
    by_stream: dict[str, list[tuple[float, re.Match[str]]]] = {}
    for at, m in lines:
        by_stream.setdefault(m["stream"], []).append((at, m))
    # 214 memberships: three pages, one a minute, a line at the second and the third.
    assert [(m["records"], m["pages"]) for _, m in by_stream["organization_memberships"]] == [
        ("200", "2"),
        ("214", "3"),
    ]
    # Holidays: a request per schedule (three), each a minute after the one before (the
    # schedule list's own request came a minute before the first).
    assert [(m["records"], m["pages"]) for _, m in by_stream["schedule_holidays"]] == [
        ("3", "1"),
        ("6", "2"),
        ("8", "3"),
    ]
    times = [at for at, _ in lines]
    assert all(b - a >= PROGRESS_INTERVAL_SECONDS - SLACK for a, b in itertools.pairwise(times))


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 s"),
        (59.4, "59 s"),
        (60, "1 min"),
        (190, "3 min 10 s"),
        (3_600, "1 h"),
        (7_500, "2 h 5 min"),
        (97_200, "1 d 3 h"),
    ],
)
def test_time_left_in_words(seconds, words):
    assert duration_words(seconds) == words


def test_the_budget_says_how_long_more_requests_take():
    clock = FakeClock()
    core = Throttle(190, clock=clock, sleep=clock.sleep)
    exports = Throttle(10, parent=core, clock=clock, sleep=clock.sleep)
    for _ in range(10):  # the window is full
        exports.wait()
        exports.done()
    assert exports.time_for(0) == 0
    assert exports.time_for(25) == pytest.approx(180)  # 10 at +60 s, 10 at +120, 5 at +180
    assert exports.time_for(3, seconds_each=2.0) == pytest.approx(66)  # from +60, 2 s each
    assert core.time_for(180) == pytest.approx(0)  # Core holds the 10: 180 more fit now
    assert core.time_for(181) == pytest.approx(60)
    assert clock() == 1000.0  # nothing waited, nothing counted
    assert exports.wait() == pytest.approx(60)


def test_without_a_budget_to_wait_for_the_time_left_is_the_pace_so_far():
    clock = FakeClock(0.0)
    progress = StreamProgress("tickets", clock, logging.getLogger("test"), lambda n, each: n * each)
    progress.cover(1_000, 11_000)
    for page in range(1, 5):  # each page 2 s, and 500 s of range
        clock.sleep(2.0)
        progress.page(100, 1_000 + (page - 1) * 500, 1_000 + page * 500)
    assert progress.time_left(clock()) == pytest.approx(32.0)  # 16 pages of 2 s
    assert progress.line(clock()) == (
        "Progress 'tickets': 20% of 1970-01-01T00:16:40Z .. 1970-01-01T03:03:20Z, "
        "400 records, about 32 s left"
    )
    progress.waited = 4.0  # half of it waiting for a budget: the pages take 1 s each
    assert progress.time_left(clock()) == pytest.approx(16.0)


def test_an_export_read_per_parent_covers_a_range_per_parent(caplog):
    clock = FakeClock(0.0)
    logger = logging.getLogger("test-progress")
    progress = StreamProgress("custom_object_records", clock, logger, lambda n, each: n * each)
    with caplog.at_level(logging.INFO, logger="test-progress"):
        progress.cover(0, 1_000)
        progress.page(10, 0, 900)
        progress.finish()
        progress.cover(500, 1_500)  # the next object: its own range, from its own start
        clock.sleep(60.0)
        progress.page(5, 500, 750)  # a quarter in a minute: three pages of a minute left
    assert [record.getMessage() for record in caplog.records] == [
        "Progress 'custom_object_records': 100% of 1970-01-01T00:00:00Z .. "
        "1970-01-01T00:16:40Z, 10 records",
        "Progress 'custom_object_records': 25% of 1970-01-01T00:08:20Z .. "
        "1970-01-01T00:25:00Z, 15 records, about 3 min left",
    ]
