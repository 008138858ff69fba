"""Pacing under Zendesk's default limits against no limits at all (issue 15).

For each scale: a full sync, then a scheduled sync from its state after 10 changes, each
(a) with no limits anywhere (the emulator's off, the tap's rates lifted) and (b) with the
emulator enforcing Zendesk's defaults (Core 200/min, incremental exports 10/min, users
export 20/min) and the tap at its defaults. The target for (b): its wall time at most (a)'s
plus the 60 s windows its requests force (per bucket, ceil(n / budget) - 1; the largest
counts; Core's budget net of its 5% reserve) plus 4 s, with no 429. The scheduled run starts
a window after the full run (the emulator forgets the minute the full run ended in). A last
case: another integration spends 80% of the Core budget, and the emulator's headers say so.
Every run authenticates with OAuth client credentials; in (b) the emulator's tokens last
20 s, and the token requests each run made are reported.

The catalog is the tap's default selection (Segment's collections), as a scheduled
production run has it; with `all_streams`, the 31 streams of the throughput figure. Each
full sync's records are counted in its output and checked against the emulator's truth.
Given several tap codes (`--compare`), every case runs with each, one after the other.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.catalogs import every_stream, select, selected
from benchmarks.taps import THIS, TapCode, credentials
from benchmarks.written import check_written, expected
from tap_zendesk_objects.config.schema import (
    DEFAULT_CONVERSATION_LOG_RATE,
    DEFAULT_CORE_RATE,
    DEFAULT_INCREMENTAL_RATE,
    DEFAULT_SIDE_CONVERSATION_EVENTS_RATE,
    DEFAULT_USERS_EXPORT_RATE,
)
from tap_zendesk_objects.http.rate_buckets import (
    CONVERSATION_LOG_BUCKET,
    CORE_BUCKET,
    INCREMENTAL_BUCKET,
    RATE_WINDOWS,
    SIDE_CONVERSATION_EVENTS_BUCKET,
    USERS_EXPORT_BUCKET,
)
from tap_zendesk_objects.http.throttle import RESERVE_SHARE
from tests.emulator.account import Account
from tests.emulator.oauth import TOKEN_PATH
from tests.emulator.server import Emulator

START_DATE = "2000-01-01T00:00:00Z"
UNPACED = {
    "max_requests_per_minute": 10_000_000,
    "incremental_requests_per_minute": 10_000_000,
    "users_export_requests_per_minute": 10_000_000,
    "conversation_log_requests_per_minute": 10_000_000,
    "side_conversation_events_requests_per_10_minutes": 10_000_000,
    "help_center_requests_per_minute": 10_000_000,
}
BUDGETS = {
    CORE_BUCKET: DEFAULT_CORE_RATE - int(DEFAULT_CORE_RATE * RESERVE_SHARE),
    INCREMENTAL_BUCKET: DEFAULT_INCREMENTAL_RATE,
    USERS_EXPORT_BUCKET: DEFAULT_USERS_EXPORT_RATE,
    CONVERSATION_LOG_BUCKET: DEFAULT_CONVERSATION_LOG_RATE,
    SIDE_CONVERSATION_EVENTS_BUCKET: DEFAULT_SIDE_CONVERSATION_EVENTS_RATE,
}
CONVERSATION_LOG = re.compile(r"/api/v2/tickets/\d+/conversation_log")
SIDE_CONVERSATION_EVENTS = "/api/v2/tickets/side_conversations/events"
SLACK_SECONDS = 4.0
OTHERS_SHARE = 0.8
# (b) runs get OAuth tokens that last this long, so a paced run spans several.
TOKEN_LIFETIME_SECONDS = 20


def bucket_of(path: str) -> str:
    """The tap's budget for an endpoint (every request also counts against Core)."""
    if path == "/api/v2/incremental/users/cursor":
        return USERS_EXPORT_BUCKET
    if CONVERSATION_LOG.fullmatch(path):
        return CONVERSATION_LOG_BUCKET
    if path == SIDE_CONVERSATION_EVENTS:
        return SIDE_CONVERSATION_EVENTS_BUCKET
    return INCREMENTAL_BUCKET if path.startswith("/api/v2/incremental/") else CORE_BUCKET


def per_bucket(counts: dict[str, int]) -> dict[str, int]:
    """Requests per bucket; `core` counts them all, as Zendesk's account budget does."""
    buckets = dict.fromkeys(BUDGETS, 0)
    for path, n in counts.items():
        if path == TOKEN_PATH:
            continue  # token requests are in no budget
        buckets[bucket_of(path)] += n
        if bucket_of(path) != CORE_BUCKET:
            buckets[CORE_BUCKET] += n
    return buckets


def bucket_seconds(bucket: str, requests: int) -> float:
    """The windows one bucket's requests force: (ceil(n / budget) - 1) x its window."""
    window = RATE_WINDOWS.get(bucket, 60.0)
    return max(math.ceil(requests / BUDGETS[bucket]) - 1, 0) * window


def forced_seconds(buckets: dict[str, int]) -> float:
    """The windows the largest bucket forces."""
    return max(bucket_seconds(b, n) for b, n in buckets.items())


def run(
    workdir: Path,
    config: dict,
    catalog: dict,
    state: dict | None,
    tap: TapCode = THIS,
    truth: Mapping[str, int] | None = None,
) -> tuple[float, dict]:
    """One tap run, stdout to a file; (wall seconds, final state). With `truth` (records per
    stream), the records written are checked against it."""
    paths = {name: workdir / f"{name}.json" for name in ("config", "catalog", "state")}
    paths["config"].write_text(json.dumps(config))
    paths["catalog"].write_text(json.dumps(catalog))
    args = tap.command("--config", str(paths["config"]), "--catalog", str(paths["catalog"]))
    if state is not None:
        paths["state"].write_text(json.dumps(state))
        args += ["--state", str(paths["state"])]
    out, err = workdir / "out.jsonl", workdir / "err.log"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.perf_counter()
        code = subprocess.run(
            args, stdout=stdout, stderr=stderr, check=False, cwd=tap.root, env=tap.env()
        ).returncode
        wall = time.perf_counter() - started
    if code != 0:
        sys.exit(f"{tap.label}: tap failed ({code}):\n{err.read_text(errors='replace')[-2000:]}")
    if truth is not None:
        check_written(out, truth, tap.label)
    return wall, last_state(out)


def last_state(path: Path) -> dict:
    """The value of the last STATE message in a file of Singer messages."""
    with path.open("rb") as lines:
        lines.seek(max(path.stat().st_size - (1 << 20), 0))
        states = [line for line in lines.read().splitlines() if b'"type":"STATE"' in line]
    return json.loads(states[-1])["value"]


def measure(
    emulator: Emulator,
    workdir: Path,
    config: dict,
    catalog: dict,
    state: Any,
    tap: TapCode = THIS,
    truth: Mapping[str, int] | None = None,
) -> dict:
    """One run's wall time, requests per bucket, waits, 429s and token requests."""
    emulator.reset_rate_windows()  # a window after any earlier run
    emulator.reset_counts()
    wall, final = run(workdir, config, catalog, state, tap, truth)
    buckets = per_bucket(emulator.request_counts())
    log = (workdir / "err.log").read_text(errors="replace")
    return {
        "wall": round(wall, 1),
        "requests": buckets,
        "waits": {b: log.count(f"Rate budget '{b}' spent for now") for b in BUDGETS},
        "429": emulator.status_counts().get(429, 0),
        "tokens": emulator.request_counts().get(TOKEN_PATH, 0),
        "forced": forced_seconds(buckets),
        "state": final,
    }


def one_mode(
    scale: float,
    workdir: Path,
    limited: bool,
    others: float = 0.0,
    all_streams: bool = False,
    tap: TapCode = THIS,
    api_token: bool = False,
) -> dict:
    """A full sync and a scheduled one after 10 changes, on a fresh account; the full
    sync's records are checked against the truth."""
    account = Account(scale=scale, seed=1)
    account.warm()
    options: dict[str, Any] = {"rate_limits": limited}
    if limited:
        options["token_lifetime"] = TOKEN_LIFETIME_SECONDS
    if others:
        options["other_core_per_minute"] = int(DEFAULT_CORE_RATE * others)
    with Emulator(account, **options) as emulator:
        rates = {} if limited else UNPACED
        config = {**credentials(emulator, api_token), "start_date": START_DATE, **rates}
        (workdir / "config.json").write_text(json.dumps(config))
        catalog = tap.discover(workdir / "config.json")
        if all_streams:
            select(catalog, every_stream)
        truth = expected(account, selected(catalog))
        full = measure(emulator, workdir, config, catalog, None, tap, truth)
        if others:
            return {"full": full}
        account.update_tickets(5)
        account.update_users(3)
        account.update_organizations(2)
        scheduled = measure(emulator, workdir, config, catalog, full["state"], tap)
    return {"full": full, "scheduled": scheduled}


def pacing(
    scales: list[float],
    workdir: Path,
    taps: Sequence[TapCode] = (THIS,),
    *,
    busy_only: bool = False,
    all_streams: bool = False,
    api_token: bool = False,
) -> dict[str, Any]:
    """Every case with each tap code, printed as a table; the figures (per code) too."""
    figures: dict[str, Any] = {tap.label: {} for tap in taps}
    selection = "the 31 streams" if all_streams else "the default selection"
    print(f"\n3. Pacing of {selection}: (a) no limits anywhere, (b) Zendesk's default limits,")
    print("   the tap at its defaults")
    print(
        "   requests per bucket: core (every request) / incremental exports / users export"
        " / conversation log / side conversation events"
    )
    print(
        f"   {'case':<22} {'(a) s':>6} {'(b) s':>6} {'target':>6}  {'requests':<12} 429"
        f"  tokens ({TOKEN_LIFETIME_SECONDS} s)"
    )
    for scale in [] if busy_only else scales:
        for tap in taps:
            a, b = (
                one_mode(scale, workdir, limited, 0.0, all_streams, tap, api_token)
                for limited in (False, True)
            )
            for kind in ("full", "scheduled"):
                target = a[kind]["wall"] + b[kind]["forced"] + SLACK_SECONDS
                within = b[kind]["wall"] <= target and b[kind]["429"] == 0
                figures[tap.label][f"scale {scale:g} {kind}"] = {
                    "a": {k: v for k, v in a[kind].items() if k != "state"},
                    "b": {k: v for k, v in b[kind].items() if k != "state"},
                    "target": round(target, 1),
                    "within": within,
                }
                requests = "/".join(map(str, b[kind]["requests"].values()))
                print(
                    f"   scale {scale:g} {kind:<14} {a[kind]['wall']:>6.1f} "
                    f"{b[kind]['wall']:>6.1f} {target:>6.1f}  {requests:<12} "
                    f"{b[kind]['429']:>3}  {b[kind]['tokens']:>6}"
                    f"{'' if within else '  OVER TARGET'}{label_of(tap, taps)}"
                )
    scale = max(scales)  # the most Core requests: more than the others leave in a minute
    for tap in taps:
        busy = one_mode(scale, workdir, True, OTHERS_SHARE, all_streams, tap, api_token)["full"]
        figures[tap.label]["others spend 80% of Core"] = {
            k: v for k, v in busy.items() if k != "state"
        }
        print(
            f"   scale {scale:g} full, another integration spending 80% of Core: "
            f"{busy['wall']:.1f} s, requests {'/'.join(map(str, busy['requests'].values()))}, "
            f"waits of 1 s or more {'/'.join(map(str, busy['waits'].values()))}, "
            f"{busy['429']} x 429, {busy['tokens']} token requests{label_of(tap, taps)}"
        )
    return figures if len(taps) > 1 else figures[THIS.label]


def label_of(tap: TapCode, taps: Sequence[TapCode]) -> str:
    """Which code a printed row measured, when several are compared."""
    return f"  [{tap.label}]" if len(taps) > 1 else ""


def main() -> None:
    """`python -m benchmarks.pacing [SCALES [JSON]] [--busy-only] [--all-streams]`."""
    import tempfile

    scales = [float(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "1,5").split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        figures = pacing(
            scales,
            Path(tmp),
            busy_only="--busy-only" in sys.argv,
            all_streams="--all-streams" in sys.argv,
        )
    if len(sys.argv) > 2 and sys.argv[2].endswith(".json"):
        Path(sys.argv[2]).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
