"""Benchmark a full sync of the 31 streams against the local emulator, and the conversations.

Reports the four figures issue 7 asks for, and a fifth:
1. records/s and CPU seconds per 1,000 records, Singer messages to a file, limits off;
2. requests made against the floor, per endpoint and per stream;
3. pacing (benchmarks/pacing.py): full and scheduled syncs at scales 1 and 5, with no limits
   and with Zendesk's default limits enforced, against the target wall time; and a run
   where another integration spends 80% of the Core budget;
4. peak RSS of the tap at two scales;
5. the four conversation streams on a messaging-heavy account (benchmarks/conversations.py):
   conversation log requests against their floor, and wall time under Zendesk's limits
   against the slowest budget's time and against the sum of all budgets';
6. the Help Center, community and custom object streams (benchmarks/help_center.py):
   requests per family against the floor, first and scheduled sync.

Every full sync's records are counted in the tap's output and checked against the emulator's
truth: a run that wrote other counts stops the benchmark. `--compare REF` runs the code of a
git ref side by side with this checkout's (sections 1 to 4), `--all-streams` paces every
stream instead of the default selection, `--only` picks sections.

Run: `scripts/benchmark` (or `.venv/bin/python -m benchmarks.run --help`).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.catalogs import every_stream, select, selected
from benchmarks.conversations import conversations
from benchmarks.help_center import help_center
from benchmarks.pacing import UNPACED, pacing
from benchmarks.taps import THIS, TapCode, checkout, credentials
from benchmarks.written import START_EPOCH, check_written, expected, full_truth
from tests.emulator.account import Account
from tests.emulator.more_collections import MORE_STREAMS
from tests.emulator.oauth import TOKEN_PATH
from tests.emulator.server import Emulator

START_DATE = "2000-01-01T00:00:00Z"
SECTIONS = ("throughput", "pacing", "memory", "conversations", "help-center")
EXPORT_PAGE, LIST_PAGE = 1000, 100
EXPORTS = {
    "/api/v2/incremental/tickets/cursor": "tickets",
    "/api/v2/incremental/users/cursor": "users",
    "/api/v2/incremental/organizations": "organizations",
    "/api/v2/incremental/ticket_events": "ticket_events",
    "/api/v2/incremental/ticket_metric_events": "ticket_metric_events",
}
LISTS = {
    "/api/v2/groups": "groups",
    "/api/v2/ticket_fields": "ticket_fields",
    "/api/v2/ticket_forms": "ticket_forms",
    "/api/v2/skips": "ticket_skips",
    "/api/v2/organization_memberships": "organization_memberships",
    "/api/v2/group_memberships": "group_memberships",
    "/api/v2/satisfaction_ratings": "satisfaction_ratings",
    "/api/v2/activities": "activities",
    "/api/v2/audit_logs": "audit_logs",
    # Beyond Segment's 16. The three field lists are streams and define the custom columns:
    # one read serves both. Schedule holidays take one request per schedule (below).
    "/api/v2/user_fields": "user_fields",
    "/api/v2/organization_fields": "organization_fields",
    "/api/v2/brands": "brands",
    "/api/v2/tags": "tags",
    "/api/v2/macros": "macros",
    "/api/v2/triggers": "triggers",
    "/api/v2/automations": "automations",
    "/api/v2/views": "views",
    "/api/v2/custom_statuses": "custom_statuses",
    "/api/v2/custom_roles": "custom_roles",
    "/api/v2/slas/policies": "sla_policies",
    "/api/v2/business_hours/schedules": "schedules",
}
HOLIDAYS = "/api/v2/business_hours/schedules/{}/holidays"
# Requests each run makes once besides the collections' pages.
PER_RUN = {"/api/v2/users/me": "admin check", TOKEN_PATH: "OAuth token"}


@dataclass
class Run:
    """One tap run: wall and CPU seconds, peak RSS, the records it wrote, its requests."""

    wall: float
    cpu: float
    max_rss_mb: float
    records: int
    requests: dict[str, int]


def run_tap(
    tap: TapCode, config: dict[str, Any], catalog: dict[str, Any], workdir: Path, truth: Any
) -> Run:
    """Run the tap with its messages to a file; measure it alone.

    The records are counted in that file after the run, outside the measured time, and
    checked against `truth` (records per selected stream).
    """
    (workdir / "config.json").write_text(json.dumps(config))
    (workdir / "catalog.json").write_text(json.dumps(catalog))
    rss_file, out_path = workdir / "peak_rss_kb", workdir / "out.jsonl"
    args = tap.command(
        "--config", str(workdir / "config.json"), "--catalog", str(workdir / "catalog.json"),
        peak_rss_file=rss_file,
    )  # fmt: skip
    err_path = workdir / "stderr.log"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=tap.root, env=tap.env())
        _, status, usage = os.wait4(proc.pid, 0)  # CPU of the tap alone
        wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{tap.label}: the tap failed ({code}):\n{err_path.read_text()[-1500:]}")
    records = check_written(out_path, truth, tap.label)
    out_path.unlink()
    rss_mb = int(rss_file.read_text()) / 1024
    return Run(wall, usage.ru_utime + usage.ru_stime, rss_mb, records, {})


def full_catalog(tap: TapCode, config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """The catalog `tap` discovers, with the 31 streams selected (opt-in ones too).

    The conversation streams are measured apart, on a messaging-heavy account
    (benchmarks/conversations.py), and so are the Help Center, community and custom object
    streams (benchmarks/help_center.py).
    """
    (workdir / "config.json").write_text(json.dumps(config))
    return select(tap.discover(workdir / "config.json"), every_stream)


def floor_requests(account: Account) -> dict[str, int]:
    """The fewest requests a full sync can make, per endpoint (closing pages excluded)."""
    truth = full_truth(account)
    sizes = {endpoint: len(truth[stream]) for endpoint, stream in EXPORTS.items()}
    sizes["/api/v2/incremental/ticket_events"] = sum(
        1 for update in account.records("ticket_events") if update["timestamp"] >= START_EPOCH
    )
    floor = {endpoint: max(math.ceil(n / EXPORT_PAGE), 1) for endpoint, n in sizes.items()}
    for endpoint, stream in LISTS.items():
        floor[endpoint] = max(math.ceil(len(truth[stream]) / LIST_PAGE), 1)
    for schedule in account.records("schedules"):
        floor[HOLIDAYS.format(schedule["id"])] = 1
    return floor


def stream_of(endpoint: str) -> str:
    """The stream an endpoint serves."""
    if endpoint.endswith("/holidays"):
        return "schedule_holidays"
    return {**EXPORTS, **LISTS}.get(endpoint) or PER_RUN.get(endpoint, "?")


def sync(
    scale: float, workdir: Path, taps: Sequence[TapCode], runs: int = 1, api_token: bool = False
) -> tuple[dict[TapCode, list[Run]], Account]:
    """Build a warm account, serve it, and run `runs` full syncs of the 31 streams with each
    tap code, alternating between them so that both meet the same machine load."""
    account = Account(scale=scale, seed=1)
    account.warm()
    gc.freeze()  # the emulator stands in for Zendesk: its own heap is not what is measured
    done: dict[TapCode, list[Run]] = {tap: [] for tap in taps}
    with Emulator(account) as emulator:
        config = {**credentials(emulator, api_token), **UNPACED, "start_date": START_DATE}
        catalogs = {tap: full_catalog(tap, config, workdir) for tap in taps}
        for _ in range(runs):
            for tap in taps:
                emulator.reset_counts()
                truth = expected(account, selected(catalogs[tap]))
                run = run_tap(tap, config, catalogs[tap], workdir, truth)
                run.requests = emulator.request_counts()
                done[tap].append(run)
    return done, account


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time."""
    return sorted(runs, key=lambda r: r.wall)[len(runs) // 2]


def report_requests(
    counts: dict[str, int], account: Account
) -> tuple[int, int, list[str], dict[str, list[int]]]:
    """Requests made and their floor, with one line per endpoint, and both per stream."""
    floor = floor_requests(account)
    lines, made, least = [], 0, 0
    per_stream: dict[str, list[int]] = {}
    for endpoint in sorted(set(counts) | set(floor)):
        n, least_here = counts.get(endpoint, 0), floor.get(endpoint, 0)
        extra = n - least_here
        note = "" if extra <= 0 else f"  (+{extra} over the floor)"
        if endpoint == "/api/v2/incremental/ticket_metric_events" and extra:
            note = f"  (+{extra}: boundary-second repeats and the closing page)"
        elif endpoint in EXPORTS and extra == 1:
            note = "  (closing page)"
        elif endpoint in PER_RUN and extra == 1:
            note = f"  ({PER_RUN[endpoint]})"
        stream = stream_of(endpoint)
        lines.append(f"    {endpoint:<50} {stream:<24} {n:>4}  floor {least_here:>4}{note}")
        made, least = made + n, least + least_here
        total = per_stream.setdefault(stream, [0, 0])
        total[0], total[1] = total[0] + n, total[1] + least_here
    return made, least, lines, per_stream


def throughput(
    scale: float, runs: int, taps: Sequence[TapCode], workdir: Path, api_token: bool
) -> dict:
    """Sections 1 and 2: records/s and CPU of the median run, requests against the floor."""
    done, account = sync(scale, workdir, taps, runs=runs, api_token=api_token)
    figures: dict[str, Any] = {}
    print(f"\n1. Throughput at scale {scale:g}, limits off, messages to a file")
    for tap in taps:
        run = median_run(done[tap])
        walls = ", ".join(f"{r.wall:.2f}" for r in done[tap])
        cpu_per_1000 = run.cpu / run.records * 1000
        figures[tap.label] = {
            "scale": scale,
            "records": run.records,
            "runs_wall_seconds": [round(r.wall, 2) for r in done[tap]],
            "wall_seconds": round(run.wall, 2),
            "records_per_second": round(run.records / run.wall),
            "cpu_seconds_per_1000_records": round(cpu_per_1000, 4),
            "peak_rss_mb": round(run.max_rss_mb, 1),
        }
        print(f"   {tap.label}: {len(done[tap])} runs of the whole tap process: {walls} s")
        print(f"   the median run: {run.records} records written (the truth's count) in")
        print(f"   {run.wall:.2f} s = {run.records / run.wall:,.0f} records/s; CPU {run.cpu:.2f} s")
        print(f"   = {cpu_per_1000:.4f} CPU s per 1,000 records; peak RSS {run.max_rss_mb:.0f} MB")
    if len(taps) > 1:
        ratio = statistics.median(r.wall for r in done[taps[-1]]) / statistics.median(
            r.wall for r in done[taps[0]]
        )
        print(f"   {taps[-1].label} takes {ratio:.3f} x the time of {taps[0].label}")
    for tap in taps:
        made, least, lines, per_stream = report_requests(done[tap][-1].requests, account)
        figures[tap.label]["requests"] = {"made": made, "floor": least, "per_stream": per_stream}
        print(f"\n2. Requests at scale {scale:g}, {tap.label}: {made} made, floor {least}")
        print("\n".join(lines))
        print("   beyond Segment's 16, per stream: made / floor")
        for stream in MORE_STREAMS:
            n, least_here = per_stream.get(stream, [0, 0])
            note = "  (the users export's sideload)" if stream == "user_identities" else ""
            print(f"    {stream:<24} {n:>4} / {least_here}{note}")
    return figures


def memory(scales: list[float], taps: Sequence[TapCode], workdir: Path, api_token: bool) -> dict:
    """Section 4: the tap's peak RSS in one full sync of the 31 streams at each scale."""
    print("\n4. Peak RSS of the tap")
    figures: dict[str, Any] = {}
    for scale in scales:
        done, _ = sync(scale, workdir, taps, api_token=api_token)
        for tap in taps:
            (run,) = done[tap]
            figures.setdefault(tap.label, {})[f"{scale:g}"] = round(run.max_rss_mb, 1)
            print(
                f"   {tap.label}, scale {scale:g}: {run.max_rss_mb:.0f} MB "
                f"({run.records} records, {run.wall:.1f} s)"
            )
    return figures


def scales_of(text: str) -> list[float]:
    """A comma-separated list of scales."""
    return [float(s) for s in text.split(",")]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: what to measure, at which scales, against which code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scale", type=float, default=5, help="throughput scale (default 5)")
    parser.add_argument("--runs", type=int, default=5, help="throughput runs, median kept")
    parser.add_argument("--pacing-scales", default="1,5", help="comma-separated (default 1,5)")
    parser.add_argument(
        "--all-streams",
        action="store_true",
        help="pace the 31 streams of sections 1 and 4 instead of the default selection",
    )
    parser.add_argument("--memory-scales", default="1,10", help="comma-separated (default 1,10)")
    parser.add_argument("--skip-pacing", action="store_true")
    parser.add_argument(
        "--conversation-scale", type=float, default=0.3, help="section 5 (default 0.3)"
    )
    parser.add_argument("--skip-conversations", action="store_true")
    parser.add_argument("--help-center-scale", type=float, default=1, help="section 6")
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run, of {', '.join(SECTIONS)} (default all)",
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="also run the code of git REF (a temporary worktree), alternating with this "
        "checkout's, in throughput, pacing and memory",
    )
    parser.add_argument(
        "--api-token",
        action="store_true",
        help="authenticate with an API token instead of OAuth client credentials (for "
        "--compare with refs older than the OAuth grants)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    args.only = set(args.only.split(","))
    if args.only - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(args.only - set(SECTIONS)))}")
    if args.skip_pacing:
        args.only.discard("pacing")
    if args.skip_conversations:
        args.only.discard("conversations")
    return args


def main(argv: list[str] | None = None) -> None:
    """Run the measurements asked for and print them."""
    args = parse_args(argv)
    python = platform.python_version()
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {python}"
    }
    print(f"tap-zendesk-objects benchmark on {figures['machine']}")
    with contextlib.ExitStack() as stack:
        taps = [THIS]
        if args.compare:
            taps.insert(0, stack.enter_context(checkout(args.compare)))
            print(f"comparing {taps[0].label} (runs first) with {THIS.label}")
        for tap in taps:
            tap.compile()  # as a pip install would leave it (an editable install compiles late)
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if "throughput" in args.only:
            figures["throughput"] = throughput(args.scale, args.runs, taps, workdir, args.api_token)
        if "pacing" in args.only:
            scales = scales_of(args.pacing_scales)
            figures["pacing"] = pacing(
                scales, workdir, taps, all_streams=args.all_streams, api_token=args.api_token
            )
        if "memory" in args.only:
            figures["peak_rss_mb"] = memory(
                scales_of(args.memory_scales), taps, workdir, args.api_token
            )
        if "conversations" in args.only:
            figures["conversations"] = conversations(args.conversation_scale, workdir)
        if "help-center" in args.only:
            figures["help_center"] = help_center(args.help_center_scale, workdir)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
