"""Benchmark a full sync of the 31 streams against the local emulator, and the conversations.

Reports the four figures issue 7 asks for, and a fifth:
1. records/s and CPU seconds per 1,000 records, Singer messages to /dev/null, limits off;
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

Run: `scripts/benchmark` (or `.venv/bin/python -m benchmarks.run --help`).
"""

from __future__ import annotations

import argparse
import compileall
import gc
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.conversations import CONVERSATIONS, conversations
from benchmarks.help_center import help_center
from benchmarks.pacing import UNPACED, pacing
from tests.emulator.account import Account
from tests.emulator.help_center_account import HELP_CENTER_STREAMS
from tests.emulator.more_collections import MORE_STREAMS
from tests.emulator.more_collections import truth as more_truth
from tests.emulator.oauth import TOKEN_PATH
from tests.emulator.server import Emulator
from tests.emulator.zendesk import visible_cutoff

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946684800
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
# Streams added after the throughput figures were first taken, benchmarked in sections 5, 6.
LATER_STREAMS = frozenset({*CONVERSATIONS, *HELP_CENTER_STREAMS})
# Requests each run makes once besides the collections' pages.
PER_RUN = {"/api/v2/users/me": "admin check", TOKEN_PATH: "OAuth token"}


@dataclass
class Run:
    """One tap run: wall and CPU seconds, peak RSS, exit code."""

    wall: float
    cpu: float
    max_rss_mb: float
    returncode: int
    stderr_tail: str


def run_tap(config: dict[str, Any], catalog: dict[str, Any], workdir: Path) -> Run:
    """Run the tap's console entry point with stdout to /dev/null; measure it alone."""
    (workdir / "config.json").write_text(json.dumps(config))
    (workdir / "catalog.json").write_text(json.dumps(catalog))
    rss_file = workdir / "peak_rss_kb"
    args = [sys.executable, "-m", "benchmarks.peak_rss", str(rss_file)]
    args += ["--config", str(workdir / "config.json"), "--catalog", str(workdir / "catalog.json")]
    err_path = workdir / "stderr.log"
    with Path(os.devnull).open("wb") as devnull, err_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=devnull, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # CPU of the tap alone
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=int(rss_file.read_text()) / 1024,
        returncode=proc.returncode,
        stderr_tail=err_path.read_text(errors="replace")[-1500:],
    )


def full_catalog(config: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """The discovered catalog with the 31 streams selected (opt-in ones too).

    The conversation streams are measured apart, on a messaging-heavy account
    (benchmarks/conversations.py), and so are the Help Center, community and custom object
    streams (benchmarks/help_center.py).
    """
    (workdir / "config.json").write_text(json.dumps(config))
    tap = [sys.executable, "-m", "tap_zendesk_objects"]
    args = [*tap, "--config", str(workdir / "config.json"), "--discover"]
    out = subprocess.run(args, capture_output=True, check=True, text=True).stdout
    catalog = json.loads(out)
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["stream"] not in LATER_STREAMS
    return catalog


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


def full_truth(account: Account, start: int = START_EPOCH) -> dict[str, dict]:
    """What a full sync of all 31 streams emits (the tests prove the tap emits exactly this)."""
    return {**account.truth(start), **more_truth(account, start, visible_cutoff())}


def stream_of(endpoint: str) -> str:
    """The stream an endpoint serves."""
    if endpoint.endswith("/holidays"):
        return "schedule_holidays"
    return {**EXPORTS, **LISTS}.get(endpoint) or PER_RUN.get(endpoint, "?")


def record_count(account: Account) -> int:
    """Records a full sync of all 31 streams emits."""
    return sum(len(ids) for ids in full_truth(account).values())


def sync(
    scale: float, workdir: Path, runs: int = 1, **emulator_options: Any
) -> tuple[list[Run], Emulator, int]:
    """Build a warm account, serve it, and run `runs` full syncs with every stream selected.

    Request and status counts are those of the last run (every run makes the same requests).
    """
    account = Account(scale=scale, seed=1)
    account.warm()
    gc.freeze()  # the emulator stands in for Zendesk: its own heap is not what is measured
    rates = emulator_options.pop("tap_rates", UNPACED)
    emulator = Emulator(account, **emulator_options).start()
    done: list[Run] = []
    try:
        # OAuth client credentials, the way the README recommends running the tap.
        config = {**emulator.oauth_config(), **rates, "start_date": START_DATE}
        catalog = full_catalog(config, workdir)
        for _ in range(runs):
            emulator.reset_counts()
            run = run_tap(config, catalog, workdir)
            if run.returncode != 0:
                sys.exit(f"tap failed at scale {scale}:\n{run.stderr_tail}")
            done.append(run)
    finally:
        emulator.stop()
    return done, emulator, record_count(account)


def report_requests(emulator: Emulator) -> tuple[int, int, list[str], dict[str, list[int]]]:
    """Requests made and their floor, with one line per endpoint, and both per stream."""
    counts, floor = emulator.request_counts(), floor_requests(emulator.account)
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


def main(argv: list[str] | None = None) -> None:
    """Run the four measurements and print them."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scale", type=float, default=5, help="throughput scale (default 5)")
    parser.add_argument("--runs", type=int, default=5, help="throughput runs, median kept")
    parser.add_argument("--pacing-scales", default="1,5", help="comma-separated (default 1,5)")
    parser.add_argument("--memory-scales", default="1,10", help="comma-separated (default 1,10)")
    parser.add_argument("--skip-pacing", action="store_true")
    parser.add_argument(
        "--conversation-scale", type=float, default=0.3, help="section 5 (default 0.3)"
    )
    parser.add_argument("--skip-conversations", action="store_true")
    parser.add_argument("--help-center-scale", type=float, default=1, help="section 6")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    python = platform.python_version()
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {python}"
    }
    print(f"tap-zendesk-objects benchmark on {figures['machine']}")
    # Byte-compiled as a pip install would leave it (an editable install compiles on import).
    compileall.compile_dir(Path(__file__).parents[1] / "tap_zendesk_objects", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)

        runs, emulator, records = sync(args.scale, workdir, runs=args.runs)
        run = sorted(runs, key=lambda r: r.wall)[len(runs) // 2]  # the median run
        made, least, lines, per_stream = report_requests(emulator)
        figures["throughput"] = {
            "scale": args.scale,
            "records": records,
            "runs_wall_seconds": [round(r.wall, 2) for r in runs],
            "wall_seconds": round(run.wall, 2),
            "records_per_second": round(records / run.wall),
            "cpu_seconds_per_1000_records": round(run.cpu / records * 1000, 4),
            "peak_rss_mb": round(run.max_rss_mb, 1),
        }
        figures["requests"] = {"made": made, "floor": least, "per_stream": per_stream}
        print(f"\n1. Throughput at scale {args.scale:g}, limits off, messages to /dev/null")
        walls = ", ".join(f"{r.wall:.2f}" for r in runs)
        print(f"   {len(runs)} runs of the whole tap process: {walls} s; the median run:")
        print(f"   {records} records in {run.wall:.2f} s = {records / run.wall:,.0f} records/s")
        print(f"   CPU {run.cpu:.2f} s = {run.cpu / records * 1000:.4f} CPU s per 1,000 records")
        print(f"   peak RSS {run.max_rss_mb:.0f} MB")
        print(f"\n2. Requests at scale {args.scale:g}: {made} made, floor {least}")
        print("\n".join(lines))
        print("   beyond Segment's 16, per stream: made / floor")
        for stream in MORE_STREAMS:
            n, least_here = per_stream.get(stream, [0, 0])
            note = "  (the users export's sideload)" if stream == "user_identities" else ""
            print(f"    {stream:<24} {n:>4} / {least_here}{note}")

        if not args.skip_pacing:
            scales = [float(s) for s in args.pacing_scales.split(",")]
            figures["pacing"] = pacing(scales, workdir)

        print("\n4. Peak RSS of the tap")
        figures["peak_rss_mb"] = {}
        for scale in (float(s) for s in args.memory_scales.split(",")):
            (run,), _, records = sync(scale, workdir)
            figures["peak_rss_mb"][f"{scale:g}"] = round(run.max_rss_mb, 1)
            print(
                f"   scale {scale:g}: {run.max_rss_mb:.0f} MB ({records} records, {run.wall:.1f} s)"
            )
        if not args.skip_conversations:
            figures["conversations"] = conversations(args.conversation_scale, workdir)
        figures["help_center"] = help_center(args.help_center_scale, workdir)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
