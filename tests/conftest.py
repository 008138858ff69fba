"""Shared pytest configuration, and the fixtures more than one test module needs.

scripts/test runs the suite on several workers (pytest-xdist, `--dist loadscope`): each test
module runs on one worker, so that its shared fixtures (a module-scoped sync, a loaded
warehouse) are made once. The modules that take longest (the end-to-end ones, and those with
tests on real time) start first, so that their waits overlap the rest of the suite.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.oauth_runs import api_token_config
from tests.singer import discover, select

pytest_plugins = ["tests.emulator.fixtures", "tests.inprocess"]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The end-to-end modules first, then those with slow tests, then the rest (stable)."""
    module = {item: item.nodeid.split("::", 1)[0] for item in items}
    slow = {module[item] for item in items if item.get_closest_marker("slow")}

    def rank(item: pytest.Item) -> int:
        return 0 if module[item].startswith("tests/e2e/") else 1 if module[item] in slow else 2

    items.sort(key=rank)


@pytest.fixture
def tickets_catalog(emulator, tmp_path) -> dict[str, Any]:
    """groups and tickets (an export: the run checks the user is an admin first)."""
    catalog = select(discover(tmp_path, api_token_config(emulator)), {"groups", "tickets"})
    emulator.reset_counts()
    return catalog
