"""The Singer SDK's standard tap tests, run against a local emulator."""

from __future__ import annotations

import atexit

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_zendesk_objects.tap import TapZendeskObjects
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES

# The SDK builds its test class at import time, so the emulator starts here too.
_EMULATOR = Emulator(Account(scale=1, seed=3)).start()
atexit.register(_EMULATOR.stop)

CONFIG = {**_EMULATOR.config(), **FAST_RATES, "start_date": "2020-01-01T00:00:00Z"}
# Every stream selected, the opt-in ones (ticket_comments, audit_logs) included.
CATALOG = TapZendeskObjects(config=CONFIG, parse_env_config=False).catalog_dict
for _entry in CATALOG["streams"]:
    for _metadata in _entry["metadata"]:
        if _metadata["breadcrumb"] == []:
            _metadata["metadata"]["selected"] = True

# Zendesk leaves optional keys out of some records (a ticket field's `slug`, say); the
# schema still declares them, so the SDK's "declared but never seen" notice is not a fault.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Fields in transformed catalog but not in records:UserWarning"
)

TestTapZendeskObjects = get_tap_test_class(
    tap_class=TapZendeskObjects,
    config=CONFIG,
    parse_env_config=False,
    catalog=CATALOG,
    suite_config=SuiteConfig(max_records_limit=500),
)
