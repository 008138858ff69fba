"""Shared pytest configuration, and the fixtures more than one test module needs.

scripts/test runs the suite on several workers (pytest-xdist, `--dist loadgroup`): each test
module is one group, so that a module's shared fixtures (a module-scoped sync, a loaded
warehouse) are made once, on one worker; the end-to-end modules are two groups, so that the
Meltano plugins are installed on two workers, not on every one. The groups that take longest
(the end-to-end ones, and those with tests on real time) start first.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.oauth_runs import api_token_config
from tests.singer import discover, select

pytest_plugins = ["tests.emulator.fixtures", "tests.inprocess"]


def xdist_group(item: pytest.Item) -> str:
    """The worker group of a test: its module, or one of the two end-to-end groups."""
    module = item.nodeid.split("::", 1)[0]
    if module.startswith("tests/e2e/"):
        return "e2e-dbt" if module.endswith("test_dbt_zendesk_run.py") else "e2e"
    return module


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group the tests for the workers; the longest groups first (a stable sort)."""
    slow = {xdist_group(item) for item in items if item.get_closest_marker("slow")}
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group(item)))

    def rank(item: pytest.Item) -> int:
        group = xdist_group(item)
        return 0 if group.startswith("e2e") else 1 if group in slow else 2

    items.sort(key=rank)


@pytest.fixture
def tickets_catalog(emulator, tmp_path) -> dict[str, Any]:
    """groups and tickets (an export: the run checks the user is an admin first)."""
    catalog = select(discover(tmp_path, api_token_config(emulator)), {"groups", "tickets"})
    emulator.reset_counts()
    return catalog
