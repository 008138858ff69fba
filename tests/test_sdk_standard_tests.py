"""The Singer SDK's standard tap tests, run against a local emulator."""

from __future__ import annotations

import atexit

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

# The SDK's "Fields in transformed catalog but not in records" warning is not ignored: with
# pytest's warnings as errors, a record that leaves a declared key out fails its test.
_BASE = get_tap_test_class(
    tap_class=TapZendeskObjects,
    config=CONFIG,
    parse_env_config=False,
    catalog=CATALOG,
    suite_config=SuiteConfig(max_records_limit=500),
)


def never_valued(schema: dict, records: list[dict]) -> set[str]:
    """Top-level properties `schema` declares that no record carries a value for.

    The tap writes every selected key (null when Zendesk sent none), so the SDK's "Fields in
    transformed catalog but not in records" test, which looks at keys only, cannot see a
    property the tap never fills: this looks at values.
    """
    return {
        name
        for name in schema["properties"]
        if all(record.get(name) in (None, [], {}) for record in records)
    }


class TestTapZendeskObjects(_BASE):
    """The SDK's standard tests, and the check their key test cannot make for this tap."""

    def test_declared_properties_carry_values(self, runner):
        found = {}
        for entry in CATALOG["streams"]:
            records = runner.records.get(entry["stream"], [])
            if records:
                found[entry["stream"]] = sorted(never_valued(entry["schema"], records))
        unexplained = {
            stream: [name for name in names if name not in OMITTED.get(stream, {})]
            for stream, names in found.items()
        }
        assert {s: n for s, n in unexplained.items() if n} == {}
        stale = {
            stream: [name for name in names if name not in found.get(stream, [])]
            for stream, names in OMITTED.items()
        }
        assert {s: n for s, n in stale.items() if n} == {}, "allowed but valued: drop them"


# The one allow-list: declared properties no record of this sync carries a value for, and
# why. "Sample" entries are values Zendesk sends only in some accounts or situations that the
# emulator's account (seed 3, first 500 records a stream) does not have.
_HC_VOTE = "votes carry `url` only (reference: id, item_id, item_type, user_id, value, url)"
OMITTED: dict[str, dict[str, str]] = {
    "community_post_comment_votes": {"html_url": _HC_VOTE},
    "community_post_votes": {"html_url": _HC_VOTE},
    "help_center_article_comment_votes": {"html_url": _HC_VOTE},
    "help_center_article_votes": {"html_url": _HC_VOTE},
    "community_post_comments": {"locale": "article comments carry a locale, post comments none"},
    "community_posts": {"content_tag_ids": "sample: an empty list without content tags"},
    "help_center_articles": {
        "content_tag_ids": "sample: an empty list without content tags",
        "outdated_locales": "sample: empty unless a translation is outdated",
    },
    "help_center_sections": {"theme_template_id": "sample: null without a theme template"},
    "custom_statuses": {
        "end_user_description": "sample: null unless an admin wrote one",
        "raw_end_user_description": "sample: null unless an admin wrote one",
    },
    "groups": {"_sdc_deleted_at": "the tap sets it on deleted groups only; the sample has none"},
    "organizations": {"deleted_at": "null unless deleted; the sample deletes none"},
    "ticket_forms": {
        "deleted_at": "null unless deleted; the sample deletes none",
        "end_user_conditions": "sample: an empty list without conditional fields",
    },
    "schedule_holidays": {"url": "holidays carry id, name, start_date and end_date only"},
    "side_conversations": {"external_ids": "sample: its 9 side conversations have none"},
    "ticket_fields": {
        "agent_description": "sample: null unless an admin wrote one",
        "custom_statuses": "sent on the custom_status system field only; the sample has none",
        "slug": "left out of the list's answer for most fields",
        "system_field_options": "sent on system fields with options; the sample has none",
    },
    "ticket_metric_events": {"deleted": "sent on some event types only; the sample's have none"},
    "tickets": {
        "email_cc_ids": "sample: an empty list without CCs",
        "encoded_id": "left out of the export's tickets",
        "followup_ids": "sample: an empty list without follow-up tickets",
        "forum_topic_id": "legacy (forums retired): always null",
        "problem_id": "sample: null unless an incident is linked to a problem",
        "sharing_agreement_ids": "sample: an empty list without ticket sharing",
    },
}
