"""Syncs against an emulator that fails one request in ten: 5xx, 429, 409, resets, cut-off
bodies and slow answers. Nothing may be lost. (Apart from test_resilience.py so that the ten
runs go to a worker of their own.)"""

from __future__ import annotations

import pytest

from tests.emulator.fixtures import settled_account
from tests.emulator.server import Emulator
from tests.full_sync import START_DATE, emitted_ids, full_catalog, missing_ids
from tests.singer import FAST_RATES, run_tap

# Every seed from 1 to 10, none picked by hand: with 10% faults each run meets several 5xx,
# 429s, resets, cut-off bodies and slow answers (the test fails a seed that meets too few).
FAULT_SEEDS = tuple(range(1, 11))


@pytest.mark.slow
@pytest.mark.parametrize("fault_seed", FAULT_SEEDS)
def test_ten_percent_faults_lose_nothing(tmp_path, fault_seed):
    with Emulator(
        settled_account(), fault_rate=0.1, fault_seed=fault_seed, slow_seconds=0.2
    ) as emu:
        # Small export pages: more requests, so more of them meet a fault.
        config = {**emu.config(), **FAST_RATES, "start_date": START_DATE, "export_page_size": 100}
        catalog = full_catalog(tmp_path, emu, config)
        result = run_tap(tmp_path, config, catalog=catalog)
        statuses = emu.status_counts()
    assert result.returncode == 0, result.stderr[-3000:]
    assert missing_ids(emu, emitted_ids(result.messages)) == {}
    failures = sum(n for status, n in statuses.items() if status != 200)
    print(f"seed {fault_seed}: {statuses}")
    assert failures >= 2, f"seed {fault_seed} met too few faults to prove anything: {statuses}"
    assert "retry" in result.stderr or "Retry-After" in result.stderr
