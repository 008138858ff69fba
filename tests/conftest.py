"""Shared pytest configuration, and the fixtures more than one test module needs."""

from __future__ import annotations

from typing import Any

import pytest

from tests.oauth_runs import api_token_config
from tests.singer import discover, select

pytest_plugins = ["tests.emulator.fixtures", "tests.inprocess"]


@pytest.fixture
def tickets_catalog(emulator, tmp_path) -> dict[str, Any]:
    """groups and tickets (an export: the run checks the user is an admin first)."""
    catalog = select(discover(tmp_path, api_token_config(emulator)), {"groups", "tickets"})
    emulator.reset_counts()
    return catalog
