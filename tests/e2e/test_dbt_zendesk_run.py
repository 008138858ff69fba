"""`meltano run tap-zendesk-objects target-postgres dbt-postgres:run`: dbt_zendesk's sources.

The dbt project in transform/ turns the loaded tables into the relations Fivetran's dbt_zendesk
package reads. Checked against the emulator's truth: the relations and their columns and types
(transform/contract/dbt_zendesk_columns.json, read from the package), field history, tags,
domains, comments (messaging messages included), schedule intervals, SLA applications, and the
UTC offsets of every zone on both sides of each daylight-saving change (against PostgreSQL's own
time zone database, which shares no code with transform/time_zones.py).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.dbt_pipeline import dbt_env, epoch, field_changes, plain_dbt, status_changes
from tests.e2e.project import REPO, MeltanoProject, project_env
from tests.e2e.warehouse import SCHEMA, START_DATE
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.postgres import Postgres

DBT_SCHEMA = "zendesk_fivetran"
PIPELINE = (
    "--environment=dbt_zendesk",
    "run",
    "tap-zendesk-objects",
    "target-postgres",
    "dbt-postgres:run",
)
CONTRACT = json.loads((REPO / "transform/contract/dbt_zendesk_columns.json").read_text())
# Relations that carry the tap's typed custom field columns (custom_*) besides the package's.
PASSTHROUGH = {"ticket", "user", "organization"}


@dataclass
class Pipeline:
    """The pipeline after its first run."""

    emulator: Emulator
    postgres: Postgres
    project: MeltanoProject
    cut: int
    requests: dict[str, int]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, meltano_sys_dir: Path) -> Iterator[Pipeline]:
    """One small account through the whole pipeline, dbt included."""
    folder = tmp_path_factory.mktemp("dbt-zendesk")
    with Emulator(Account(scale=0.3, seed=7)) as emulator, Postgres(folder / "pg") as postgres:
        env = {**project_env(emulator, postgres), **dbt_env(postgres)}
        project = MeltanoProject(folder / "project", meltano_sys_dir, env)
        project.meltano("install", "dbt-postgres", timeout=900)
        project.meltano(*PIPELINE)
        yield Pipeline(
            emulator, postgres, project, int(time.time()) - 61, emulator.request_counts()
        )


def relation_columns(pg: Postgres, table: str) -> dict[str, str]:
    """Column name -> PostgreSQL type of one relation dbt built."""
    rows = pg.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = %s and table_name = %s order by ordinal_position",
        (DBT_SCHEMA, table),
    )
    return dict(rows)


def test_every_relation_has_the_packages_columns_and_types(pipeline: Pipeline) -> None:
    built = set(pipeline.postgres.tables(DBT_SCHEMA))
    assert set(CONTRACT["tables"]) <= built
    for table, spec in CONTRACT["tables"].items():
        got = relation_columns(pipeline.postgres, table)
        want = {column["name"]: column["postgres_type"] for column in spec["columns"]}
        extra = set(got) - set(want)
        if table in PASSTHROUGH:
            extra = {name for name in extra if not name.startswith("custom_")}
        assert not extra, f"{table}: columns the package does not list: {sorted(extra)}"
        assert {name: got.get(name) for name in want} == want, table


def test_field_history_is_every_change_at_its_time_by_its_updater(pipeline: Pipeline) -> None:
    account = pipeline.emulator.account
    rows = pipeline.postgres.rows(DBT_SCHEMA, "ticket_field_history")
    events = [
        r for r in rows if not r["field_name"].endswith("_time") and r["field_name"] != "sla_policy"
    ]
    got = {(r["ticket_id"], r["field_name"], epoch(r["updated"]), r["user_id"]) for r in events}
    want = field_changes(account, pipeline.cut)
    assert {c[1] for c in want} >= {"status", "priority", "assignee_id"}
    assert got == want
    assert len(events) == len(want), "a change is there twice"
    statuses = {
        (r["ticket_id"], r["value"], epoch(r["updated"]), r["user_id"])
        for r in events
        if r["field_name"] == "status"
    }
    assert statuses == status_changes(account, pipeline.cut)


def test_sla_targets_and_policies_come_from_the_metric_events(pipeline: Pipeline) -> None:
    account = pipeline.emulator.account
    applied = [
        e
        for e in account.records("ticket_metric_events")
        if e["type"] == "apply_sla" and to_epoch(e["time"]) <= pipeline.cut
    ]
    assert applied, "the emulator applied no SLA: the test would prove nothing"
    pg = pipeline.postgres
    policies = {
        (r["ticket_id"], r["sla_policy_id"], epoch(r["policy_applied_at"]))
        for r in pg.rows(DBT_SCHEMA, "ticket_sla_policy")
    }
    assert policies == {
        (e["ticket_id"], e["sla"]["policy"]["id"], to_epoch(e["time"])) for e in applied
    }
    targets = {
        (
            r["ticket_id"],
            epoch(r["updated"]),
            json.loads(r["value"])["minutes"],
            json.loads(r["value"])["in_business_hours"],
        )
        for r in pg.rows(DBT_SCHEMA, "ticket_field_history", "field_name = 'first_reply_time'")
    }
    assert targets == {
        (e["ticket_id"], to_epoch(e["time"]), e["sla"]["target"], e["sla"]["business_hours"])
        for e in applied
    }
    metrics = pg.rows(DBT_SCHEMA, "sla_policy_metric_history")
    want = Counter(
        (p["id"], m["metric"], m["priority"], m["target"], m["business_hours"])
        for p in account.records("sla_policies")
        for m in p["policy_metrics"]
    )
    got = Counter(
        (r["sla_policy_id"], r["metric"], r["priority"], r["target"], r["business_hours"])
        for r in metrics
    )
    assert got == want


def test_tags_and_domains_are_the_accounts(pipeline: Pipeline) -> None:
    account, pg = pipeline.emulator.account, pipeline.postgres
    tickets = [t for t in account.records("tickets") if t["generated_timestamp"] <= pipeline.cut]
    want = Counter((t["id"], tag) for t in tickets for tag in t["tags"])
    assert want, "no ticket has tags: the test would prove nothing"
    got = Counter((r["ticket_id"], r["tag"]) for r in pg.rows(DBT_SCHEMA, "ticket_tag"))
    assert got == want
    users = Counter((u["id"], tag) for u in account.records("users") for tag in u["tags"])
    assert Counter((r["user_id"], r["tag"]) for r in pg.rows(DBT_SCHEMA, "user_tag")) == users
    domains = {
        (o["id"], index, name)
        for o in account.records("organizations")
        for index, name in enumerate(o["domain_names"])
    }
    assert domains
    got_domains = {
        (r["organization_id"], r["index"], r["domain_name"])
        for r in pg.rows(DBT_SCHEMA, "domain_name")
    }
    assert got_domains == domains


def test_comments_are_the_exports_and_the_messaging_messages(pipeline: Pipeline) -> None:
    account, pg = pipeline.emulator.account, pipeline.postgres
    truth = account.truth(to_epoch(START_DATE))
    rows = pg.rows(DBT_SCHEMA, "ticket_comment")
    comments = {r["id"]: r for r in rows if r["id"] >= 0}
    exported = {
        c["id"]: c
        for c in account.records("ticket_comments")
        if c["id"] in truth["ticket_comments"]
    }
    assert set(comments) == set(exported)
    for cid, comment in exported.items():
        row = comments[cid]
        assert (row["user_id"], row["public"]) == (comment["author_id"], comment["public"]), cid
    messages = Counter(r["ticket_id"] for r in rows if r["id"] < 0)
    logged = account.conversation_truth(to_epoch(START_DATE))["conversation_log"]
    want = Counter(
        tid
        for event_id, tid in logged.items()
        for event in [next(e for e in account.conversation_log(tid) if e["id"] == event_id)]
        if event["type"] == "Messaging::ConversationMessage"
    )
    assert want, "no messaging messages: the test would prove nothing"
    assert messages == want
    assert len({r["id"] for r in rows}) == len(rows)


def test_schedules_are_their_intervals_in_local_and_utc_minutes(pipeline: Pipeline) -> None:
    account, pg = pipeline.emulator.account, pipeline.postgres
    want = {
        (s["id"], i["start_time"], i["end_time"], s["time_zone"])
        for s in account.records("schedules")
        for i in s["intervals"]
    }
    rows = pg.rows(DBT_SCHEMA, "schedule")
    assert {(r["id"], r["start_time"], r["end_time"], r["time_zone"]) for r in rows} == want
    offsets = dict(pg.query(f"select time_zone, standard_offset from {DBT_SCHEMA}.time_zone"))
    pacific = [r for r in rows if r["time_zone"] == "Pacific Time (US & Canada)"]
    assert pacific and offsets["Pacific Time (US & Canada)"] == "-08:00"
    for row in pacific:  # 09:00 local at standard time is 17:00 UTC
        assert row["start_time_utc"] == row["start_time"] + 480
    holidays = {
        (h["id"], h["start_date"], h["end_date"]) for h in account.records("schedule_holidays")
    }
    got = {
        (r["id"], r["start_date"], r["end_date"]) for r in pg.rows(DBT_SCHEMA, "schedule_holiday")
    }
    assert got == holidays


def test_offsets_are_right_on_both_sides_of_each_daylight_saving_change(
    pipeline: Pipeline,
) -> None:
    """For every zone and every change of 2025 and 2026 (future changes are predictions, which
    time zone database versions make differently), a day before and after it: the offset
    dbt_zendesk derives from time_zone and daylight_time equals PostgreSQL's for the zone."""
    pg = pipeline.postgres
    iana = dict(
        line.split(",", 1)[::1]
        for line in (REPO / "transform/rails_time_zones.csv").read_text().splitlines()[1:]
    )
    standard = {}
    for zone, text in pg.query(f"select time_zone, standard_offset from {DBT_SCHEMA}.time_zone"):
        sign = -1 if text.startswith("-") else 1
        standard[zone] = sign * (int(text[1:3]) * 60 + int(text[4:6]))
    periods = pg.query(
        f"select time_zone, daylight_start_utc, daylight_end_utc, daylight_offset "
        f"from {DBT_SCHEMA}.daylight_time where year between 2025 and 2027"
    )
    zones_with_changes = {row[0] for row in periods}
    assert {"Pacific Time (US & Canada)", "Sydney", "London"} <= zones_with_changes
    assert "Tokyo" not in zones_with_changes

    def ours(zone: str, instant: datetime) -> int:
        extra = [
            60 * hours for z, start, end, hours in periods if z == zone and start <= instant < end
        ]
        return standard[zone] + sum(extra)

    checked = 0
    for zone, start, end, _hours in periods:
        for instant in (
            start - timedelta(days=1),
            start + timedelta(days=1),
            end - timedelta(days=1),
            end + timedelta(days=1),
        ):
            if instant > datetime.now(UTC).replace(tzinfo=None):
                continue
            (theirs,) = pg.query(
                "select cast(extract(epoch from ((%s::timestamp at time zone 'UTC') "
                "at time zone %s) - %s::timestamp) / 60 as integer)",
                (instant, iana[zone], instant),
            )[0]
            assert ours(zone, instant) == theirs, (zone, instant)
            checked += 1
    assert checked > 100


def test_no_request_beyond_the_selected_streams(pipeline: Pipeline) -> None:
    requests = pipeline.requests
    assert not any("/comments" in path for path in requests), "comments come from the export"
    before = pipeline.emulator.request_counts()
    pipeline.project.meltano("--environment=dbt_zendesk", "run", "dbt-postgres:run")
    assert pipeline.emulator.request_counts() == before, "dbt asked Zendesk for something"


def test_the_project_runs_with_plain_dbt_too(pipeline: Pipeline, tmp_path: Path) -> None:
    """Without Meltano: the `dbt` extra's dbt, the project's profile, DBT_POSTGRES_* set."""
    plain_dbt(pipeline.postgres, tmp_path, "plain_dbt")
    pg = pipeline.postgres
    assert pg.tables("plain_dbt") == pg.tables(DBT_SCHEMA)


def test_custom_field_changes_are_named_by_their_numeric_id(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """Both shapes the reference leaves open: a custom field under its own id (the tap's
    field_name is then the id), and several under `custom_ticket_fields` (one row each)."""
    pg = pipeline.postgres
    insert = (
        f"insert into {SCHEMA}.ticket_events (id, ticket_event_id, ticket_id, updater_id, "
        '"timestamp", event_type, field_name, value, received_at) '
        "values (%s, 1, -7, 42, '2026-01-02 03:04:05', 'Change', %s, %s, now())"
    )
    crafted = [
        (-1, "360000123", "gold"),
        (-2, "custom_ticket_fields", '{"360000456": "x", "360000789": ["a", "b"]}'),
    ]
    try:
        for row in crafted:
            pg.query(insert, row)
        plain_dbt(pg, tmp_path, "crafted", "--select", "ticket_field_history")
        got = {
            (r["field_name"], r["value"], r["user_id"])
            for r in pg.rows("crafted", "ticket_field_history", "ticket_id = -7")
        }
        assert got == {
            ("360000123", "gold", 42),
            ("360000456", "x", 42),
            ("360000789", '["a", "b"]', 42),
        }
    finally:
        pg.query(f"delete from {SCHEMA}.ticket_events where ticket_id = -7")


def test_a_scheduled_run_then_dbt_updates_the_relations(pipeline: Pipeline) -> None:
    account, pg = pipeline.emulator.account, pipeline.postgres
    updated = account.update_tickets(3)
    created = account.create_tickets(2)
    # (Mutations are stamped 90 s back: past the minute the exports withhold.)
    pipeline.project.meltano(*PIPELINE)
    cut = int(time.time()) - 61
    statuses = {
        (r["ticket_id"], r["value"], epoch(r["updated"]), r["user_id"])
        for r in pg.rows(DBT_SCHEMA, "ticket_field_history", "field_name = 'status'")
    }
    assert statuses == status_changes(account, cut)
    assert {t for t, *_ in statuses} >= set(updated) | set(created)
    tags = Counter((r["ticket_id"], r["tag"]) for r in pg.rows(DBT_SCHEMA, "ticket_tag"))
    tickets = {t["id"]: t for t in account.records("tickets")}
    assert tags == Counter((tid, tag) for tid, t in tickets.items() for tag in t["tags"])
    current = {r["id"]: r["status"] for r in pg.rows(DBT_SCHEMA, "ticket")}
    assert {tid: current[tid] for tid in updated} == {
        tid: tickets[tid]["status"] for tid in updated
    }


def test_meltano_yml_states_the_dbt_selection_once() -> None:
    """The dbt_zendesk environment selects the default selection plus dbt's streams."""
    config = yaml.safe_load((REPO / "meltano.yml").read_text())
    tap = next(p for p in config["plugins"]["extractors"] if p["name"] == "tap-zendesk-objects")
    env = next(e for e in config["environments"] if e["name"] == "dbt_zendesk")
    (env_tap,) = env["config"]["plugins"]["extractors"]
    extra = [s for s in env_tap["select"] if s not in tap["select"]]
    assert env_tap["select"][: len(tap["select"])] == tap["select"]
    assert {s.removesuffix(".*") for s in extra} == {
        "ticket_comments",
        "conversation_log",
        "brands",
        "schedules",
        "schedule_holidays",
        "sla_policies",
        "ticket_metric_events",
    }
