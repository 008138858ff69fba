"""transform/: the files that tie the dbt project to dbt_zendesk's contract, checked offline.

The end-to-end test (tests/e2e/test_dbt_zendesk_run.py) runs the project on loaded tables;
these check what needs no database: the generated zone models are current, every relation of
the contract has one model, the vars a user pastes name the package's switches.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import yaml

REPO = Path(__file__).resolve().parents[1]
TRANSFORM = REPO / "transform"
CONTRACT = json.loads((TRANSFORM / "contract" / "dbt_zendesk_columns.json").read_text())
# The relations issue #21 names, as dbt_zendesk's sources.
SOURCES = {
    "ticket", "ticket_field_history", "ticket_comment", "ticket_tag", "user", "user_tag",
    "organization", "organization_tag", "domain_name", "group", "brand", "ticket_form_history",
    "schedule", "schedule_holiday", "ticket_schedule", "time_zone", "daylight_time", "audit_log",
}  # fmt: skip


@functools.cache
def time_zones() -> ModuleType:
    """transform/time_zones.py, a script rather than a package module."""
    spec = importlib.util.spec_from_file_location("time_zones", TRANSFORM / "time_zones.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def test_the_contract_names_its_source_and_every_relation():
    assert CONTRACT["source"]["package"] == "fivetran/dbt_zendesk"
    assert len(CONTRACT["source"]["commit"]) == 40
    assert set(CONTRACT["tables"]) >= SOURCES | {"sla_policy_metric_history", "ticket_sla_policy"}
    for table, spec in CONTRACT["tables"].items():
        names = [column["name"] for column in spec["columns"]]
        assert len(names) == len(set(names)), table
        assert "_fivetran_synced" in names, table


def test_each_relation_has_one_model_and_no_model_is_unlisted():
    models = {path.stem for path in (TRANSFORM / "models" / "fivetran_zendesk").glob("*.sql")}
    assert models == set(CONTRACT["tables"])


def test_the_generated_zone_models_are_current():
    assert time_zones().main(["--check"]) == 0


def test_every_rails_zone_maps_to_a_known_zone():
    module = time_zones()
    with (TRANSFORM / "rails_time_zones.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len({row["rails_name"] for row in rows})
    for row in rows:
        module.packaged_zone(row["iana_name"])  # raises for an unknown zone
    names = {row["rails_name"] for row in rows}
    assert {"Pacific Time (US & Canada)", "Eastern Time (US & Canada)", "Copenhagen"} <= names


def test_periods_of_zones_north_south_and_reversed():
    module = time_zones()

    def year_periods(name: str, year: int) -> list[tuple[datetime, datetime, int]]:
        zone = module.packaged_zone(name)
        standard = module.standard_offset(zone)
        return [
            (p.start_utc, p.end_utc, p.hours)
            for p in module.periods(zone, standard)
            if p.start_utc.year == year
        ]

    utc = UTC
    # The EU changes at 01:00 UTC on the last Sundays of March and October.
    assert year_periods("Europe/London", 2026) == [
        (datetime(2026, 3, 29, 1, tzinfo=utc), datetime(2026, 10, 25, 1, tzinfo=utc), 1)
    ]
    # Ireland's tz rules call winter the exception: still +00:00 standard, summer +1.
    dublin = module.packaged_zone("Europe/Dublin")
    assert module.offset_text(module.standard_offset(dublin)) == "+00:00"
    assert year_periods("Europe/Dublin", 2026) == year_periods("Europe/London", 2026)
    # Southern hemisphere: the period starting in October ends the next April.
    ((start, end, hours),) = year_periods("Australia/Sydney", 2026)
    assert (start.month, end.year, end.month, hours) == (10, 2027, 4, 1)
    # US: second Sunday of March 10:00 UTC to first Sunday of November 09:00 UTC (Pacific).
    assert year_periods("America/Los_Angeles", 2026) == [
        (datetime(2026, 3, 8, 10, tzinfo=utc), datetime(2026, 11, 1, 9, tzinfo=utc), 1)
    ]
    assert year_periods("Asia/Tokyo", 2026) == []
    assert module.offset_text(-timedelta(hours=3, minutes=30)) == "-03:30"


def test_the_vars_name_the_packages_switches_and_our_schema():
    variables = yaml.safe_load((TRANSFORM / "dbt_zendesk_vars.yml").read_text())["vars"]
    meltano = yaml.safe_load((REPO / "meltano.yml").read_text())
    dbt = next(p for p in meltano["plugins"]["utilities"] if p["name"] == "dbt-postgres")
    schema = next(s for s in dbt["settings"] if s["name"] == "schema")
    assert variables["zendesk_schema"] == schema["value"]
    switches = {name for name in variables if name.startswith("using_")}
    assert switches == set(CONTRACT["package_switches"])
    assert {"status", "assignee_id", "priority"} <= set(variables["ticket_field_history_columns"])
