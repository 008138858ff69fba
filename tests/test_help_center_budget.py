"""Help Center and community requests spend a budget of their own, not the Support API's.

Zendesk counts them apart: a sync that spends the whole Core budget does not hold back a
single Help Center request, and the Help Center's own setting paces them. The tap runs in
process on a fake clock (tests/inprocess.py), so every wait is recorded, none is spent.
"""

from __future__ import annotations

import time

from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.inprocess import sync_in_process
from tests.singer import FAST_RATES, select

HELP_CENTER = {
    "help_center_categories",
    "help_center_sections",
    "help_center_article_comments",
    "community_topics",
    "community_posts",
    "community_post_comments",
}
LISTS = {"groups", "ticket_fields", "group_memberships", "organization_memberships"}


def is_help_center(endpoint: str | None) -> bool:
    return bool(endpoint) and endpoint.startswith(("/api/v2/help_center", "/api/v2/community"))


def run(config, waits, own_signals, capsys, streams):
    discovery = TapZendeskObjects(config=config, parse_env_config=False)
    catalog = select(discovery.catalog_dict, streams)
    waits.clear()
    messages = sync_in_process(config, catalog, capsys)
    return [m for m in messages if m["type"] == "RECORD"]


def test_a_spent_core_budget_holds_back_no_help_center_request(waits, own_signals, capsys):
    account = Account(scale=0.3, seed=2, now=int(time.time()) - 3600)
    with Emulator(account) as emu:
        config = {**emu.config(), **FAST_RATES, "max_requests_per_minute": 3}
        records = run(config, waits, own_signals, capsys, HELP_CENTER | LISTS)
    assert records
    core_waits = [w for endpoint, w in waits if not is_help_center(endpoint) and w > 0]
    help_center = [w for endpoint, w in waits if is_help_center(endpoint)]
    assert core_waits, "the Core budget was spent: Core requests waited"
    assert len(help_center) > 30 and not any(help_center), "no Help Center request waited"


def test_the_help_center_setting_paces_help_center_requests(waits, own_signals, capsys):
    account = Account(scale=0.3, seed=2, now=int(time.time()) - 3600)
    with Emulator(account) as emu:
        config = {**emu.config(), **FAST_RATES, "help_center_requests_per_minute": 20}
        run(config, waits, own_signals, capsys, HELP_CENTER)
    help_center = [w for endpoint, w in waits if is_help_center(endpoint)]
    assert len(help_center) > 30
    # 20 a minute, 19 spent (5% kept for the account's other integrations): each window
    # of 19 requests is followed by a wait for the next.
    assert sum(1 for w in help_center if w > 0) >= len(help_center) // 19 - 1
    assert not any(w for endpoint, w in waits if not is_help_center(endpoint))
