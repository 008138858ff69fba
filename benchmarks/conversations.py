"""The conversation streams on a messaging-heavy account (issue 19): requests and wall time.

A first sync with the default selection plus the four conversation streams, then a scheduled
one after changes (new messages on 10 messaging tickets, 3 new survey responses, 2 edited
ones, 5 side conversation events), each (a) with no limits anywhere and (b) with the emulator
enforcing Zendesk's default limits (Core 200/min, exports 10/min, users export 20/min,
conversation log 100/min, side conversation events 600/10 min) and the tap at its defaults.

Reported:
- conversation log requests against their floor: one per page (100 events) of each messaging
  ticket the tickets export returned, none for any other ticket;
- (b)'s wall time against its bound: (a)'s time plus the windows of the slowest budget, and
  against the sum of every budget's windows (what reading the logs after the exports, one
  budget after the other, would take).

Exports are read at 50 records a page (`export_page_size`), so that they too need minutes of
their budget on an account small enough for a benchmark.

Run: `.venv/bin/python -m benchmarks.conversations [SCALE [JSON]]` (default scale 0.3).
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.catalogs import select, selected
from benchmarks.pacing import UNPACED, bucket_seconds, measure
from benchmarks.taps import THIS
from benchmarks.written import expected
from tests.emulator.account import Account
from tests.emulator.conversation_account import CONVERSATION_STREAMS
from tests.emulator.conversation_routes import log_requests
from tests.emulator.server import Emulator

START_DATE = "2000-01-01T00:00:00Z"
START_EPOCH = 946_684_800
MESSAGING_SHARE = 0.8
EXPORT_PAGE_SIZE = 50
LOG_PAGE = 100
SLACK_SECONDS = 10.0
CONVERSATIONS = CONVERSATION_STREAMS


def catalog_for(workdir: Path, config: dict) -> dict:
    """Discovery's catalog: the default selection plus the four conversation streams."""
    (workdir / "config.json").write_text(json.dumps(config))
    catalog = THIS.discover(workdir / "config.json")
    return select(catalog, lambda name, default: default or name in CONVERSATIONS)


def log_floor(account: Account, tickets: set[int]) -> int:
    """One request per page of each ticket's log (an empty log still takes one)."""
    return sum(max(math.ceil(len(account.conversation_log(t)) / LOG_PAGE), 1) for t in tickets)


def one_mode(scale: float, workdir: Path, limited: bool) -> dict[str, Any]:
    """A first and a scheduled sync on a fresh account; their figures."""
    account = Account(scale=scale, seed=1, messaging_share=MESSAGING_SHARE)
    account.warm()
    with Emulator(account, rate_limits=limited) as emulator:
        config = {**emulator.oauth_config(), "start_date": START_DATE}
        config["export_page_size"] = EXPORT_PAGE_SIZE
        config.update({} if limited else UNPACED)
        catalog = catalog_for(workdir, config)
        messaging = account.messaging_ticket_ids()
        truth = expected(account, selected(catalog))
        full = measure(emulator, workdir, config, catalog, None, truth=truth)
        asked = log_requests(emulator)
        full["log"] = {
            "requests": sum(asked.values()),
            "floor": log_floor(account, messaging),
            "other_tickets": len(set(asked) - messaging),
            "messaging_tickets": len(messaging),
        }
        changed = set(account.add_conversation_messages(10))
        moved = {account.csat.responses[r]["ticket_id"] for r in account.add_survey_responses(3)}
        moved |= {account.csat.responses[r]["ticket_id"] for r in account.edit_survey_responses(2)}
        events = account.add_side_conversation_events(5)
        moved |= {account.get("side_conversation_events", e)["ticket_id"] for e in events}
        scheduled = measure(emulator, workdir, config, catalog, full["state"])
        asked = log_requests(emulator)
        wanted = (changed | moved) & messaging
        scheduled["log"] = {
            "requests": sum(asked.values()),
            "floor": log_floor(account, wanted),
            "other_tickets": len(set(asked) - wanted),
            "messaging_tickets": len(wanted),
        }
    for run in (full, scheduled):
        run.pop("state")
        run["sum_of_budgets"] = sum(bucket_seconds(b, n) for b, n in run["requests"].items())
    return {"full": full, "scheduled": scheduled}


def conversations(scale: float, workdir: Path) -> dict[str, Any]:
    """Both modes, printed as a table; the figures are returned too."""
    a = one_mode(scale, workdir, limited=False)
    b = one_mode(scale, workdir, limited=True)
    print(f"\n5. Conversation streams, scale {scale:g}, {MESSAGING_SHARE:.0%} messaging tickets")
    print(
        "   requests per bucket: core / incremental / users export / conversation log / "
        "side conversation events"
    )
    print(
        f"   {'case':<10} {'log req':>8} {'floor':>6} {'others':>6}  {'(a) s':>6} {'(b) s':>6}"
        f" {'bound':>6} {'sum':>6}  {'requests':<22} 429"
    )
    figures: dict[str, Any] = {}
    for kind in ("full", "scheduled"):
        bound = a[kind]["wall"] + b[kind]["forced"] + SLACK_SECONDS
        one_after_another = a[kind]["wall"] + b[kind]["sum_of_budgets"]
        log = b[kind]["log"]
        within = b[kind]["wall"] <= bound and b[kind]["429"] == 0
        at_floor = log["requests"] == log["floor"] and log["other_tickets"] == 0
        figures[kind] = {
            "a": a[kind],
            "b": b[kind],
            "bound": round(bound, 1),
            "one_after_another": round(one_after_another, 1),
            "within": within,
            "logs_at_floor": at_floor,
        }
        print(
            f"   {kind:<10} {log['requests']:>8} {log['floor']:>6} {log['other_tickets']:>6}  "
            f"{a[kind]['wall']:>6.1f} {b[kind]['wall']:>6.1f} {bound:>6.1f} "
            f"{one_after_another:>6.1f}  {'/'.join(map(str, b[kind]['requests'].values())):<22} "
            f"{b[kind]['429']:>3}{'' if within else '  OVER BOUND'}"
            f"{'' if at_floor else '  ABOVE FLOOR'}"
        )
    return figures


def main() -> None:
    """`python -m benchmarks.conversations [SCALE [JSON]]`."""
    scale = float(sys.argv[1]) if len(sys.argv) > 1 else 0.3
    with tempfile.TemporaryDirectory() as tmp:
        figures = conversations(scale, Path(tmp))
    if len(sys.argv) > 2 and sys.argv[2].endswith(".json"):
        Path(sys.argv[2]).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
