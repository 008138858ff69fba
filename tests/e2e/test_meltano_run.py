"""`meltano run tap-zendesk-objects target-postgres` against the emulator, into real PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import RUN, MeltanoProject, project_env, tap_env
from tests.e2e.warehouse import (
    DEFAULT_STREAMS,
    FULL_TABLE,
    INCREMENTAL,
    OPT_IN,
    SCHEMA,
    START_DATE,
    flagged,
    ids_of,
    last_sync_started_at,
    rewritten_since,
)
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.postgres import Postgres
from tests.singer import FAST_RATES


def assert_loaded_truth(pg: Postgres, account: Account, streams: set[str]) -> None:
    """Every table holds exactly the truth's ids, keyed on `id`."""
    truth = account.truth(to_epoch(START_DATE))
    for stream in sorted(streams):
        assert truth[stream], f"the emulator has no {stream}: the test would prove nothing"
        assert ids_of(pg, stream) == set(truth[stream]), stream
        assert pg.primary_key(SCHEMA, stream) == ["id"], f"{stream} has no primary key on id"


@dataclass
class FirstRun:
    """The pipeline after its first `meltano run`, and what the warehouse held then."""

    emulator: Emulator
    postgres: Postgres
    project: MeltanoProject
    seconds: float
    tables: dict[str, int]
    ids: dict[str, set[int]]
    primary_keys: dict[str, list[str]]
    flagged: dict[str, set[int]]
    truth: dict[str, set[int]]
    deleted_tickets: set[int]
    inactive_users: set[int]
    state_ids: list[str]
    sync_started_at: int


@pytest.fixture(scope="module")
def first_run(
    tmp_path_factory: pytest.TempPathFactory, meltano_sys_dir: Path
) -> Iterator[FirstRun]:
    """One scale-1 account, loaded once by `meltano run`; a snapshot of the warehouse after it.

    Tests may change the account and run again (the second-run test does), so the snapshot is
    taken here, before any of them.
    """
    folder = tmp_path_factory.mktemp("first-run")
    with Emulator(Account(scale=1, seed=1)) as emulator, Postgres(folder / "pg") as postgres:
        account = emulator.account
        project = MeltanoProject(
            folder / "project", meltano_sys_dir, project_env(emulator, postgres)
        )
        started = time.monotonic()
        project.meltano(*RUN)
        seconds = time.monotonic() - started
        tables = postgres.tables(SCHEMA)
        print(f"first meltano run: {seconds:.1f}s, {tables}")
        loaded = set(tables) & DEFAULT_STREAMS
        yield FirstRun(
            emulator=emulator,
            postgres=postgres,
            project=project,
            seconds=seconds,
            tables=tables,
            ids={stream: ids_of(postgres, stream) for stream in loaded},
            primary_keys={stream: postgres.primary_key(SCHEMA, stream) for stream in loaded},
            flagged={stream: flagged(postgres, stream) for stream in ("tickets", "users")},
            truth={k: set(v) for k, v in account.truth(to_epoch(START_DATE)).items()},
            deleted_tickets={
                t["id"] for t in account.records("tickets") if t["status"] == "deleted"
            },
            inactive_users={u["id"] for u in account.records("users") if not u["active"]},
            state_ids=project.meltano("--environment=prod", "state", "list").stdout.split(),
            sync_started_at=last_sync_started_at(postgres, "tickets"),
        )


def test_first_run_loads_every_table_with_its_primary_key(first_run: FirstRun) -> None:
    assert set(first_run.tables) == DEFAULT_STREAMS
    for stream in sorted(DEFAULT_STREAMS):
        assert first_run.truth[stream], (
            f"the emulator has no {stream}: the test would prove nothing"
        )
        assert first_run.ids[stream] == first_run.truth[stream], stream
        assert first_run.primary_keys[stream] == ["id"], f"{stream} has no primary key on id"


def test_first_run_flags_deleted_tickets_and_users(first_run: FirstRun) -> None:
    assert first_run.deleted_tickets, "no deleted ticket: the test would prove nothing"
    assert first_run.flagged["tickets"] == first_run.deleted_tickets
    assert first_run.inactive_users, "no deleted user: the test would prove nothing"
    assert first_run.flagged["users"] == first_run.inactive_users


def test_first_run_state_is_kept_by_meltano(first_run: FirstRun) -> None:
    # Meltano keys state by environment and pipeline.
    assert "prod:tap-zendesk-objects-to-target-postgres" in first_run.state_ids


def test_second_run_updates_in_place_adds_and_deletes(first_run: FirstRun) -> None:
    account, postgres, project = first_run.emulator.account, first_run.postgres, first_run.project
    before = first_run.ids
    first_sync = first_run.sync_started_at

    since = int(time.time()) - 120
    updated = account.update_tickets(5)
    deleted = account.delete_tickets(3)
    created = account.create_tickets(4)
    renamed_users = account.update_users(3)
    deleted_users = account.delete_users(2)
    new_users = account.create_users(2)
    account.update_organizations(2)
    new_orgs = account.create_organizations(1)
    account.update_satisfaction_ratings(2)
    renamed_group = account.rename_group()
    gone_group_membership = account.remove_group_membership()
    gone_org_membership = account.remove_organization_membership()
    changed = account.truth(since)

    started = time.monotonic()
    project.meltano(*RUN)
    print(f"second meltano run: {time.monotonic() - started:.1f}s")
    print(postgres.tables(SCHEMA))

    truth = account.truth(to_epoch(START_DATE))
    for stream in sorted(INCREMENTAL):
        # Incremental tables keep what they had (a deleted ticket's metrics too) and gain the new.
        assert ids_of(postgres, stream) == before[stream] | set(truth[stream]), stream
    for stream in sorted(FULL_TABLE):
        # Full-table tables become exactly what Zendesk returns now (ACTIVATE_VERSION).
        assert ids_of(postgres, stream) == set(truth[stream]), stream
    for stream in sorted(DEFAULT_STREAMS):
        assert postgres.primary_key(SCHEMA, stream) == ["id"], stream

    # New rows added.
    tickets = ids_of(postgres, "tickets")
    assert set(created) <= tickets and not set(created) & before["tickets"]
    assert set(new_users) <= ids_of(postgres, "users")
    assert set(new_orgs) <= ids_of(postgres, "organizations")
    # Changed rows updated in place.
    for tid in updated:
        row = postgres.rows(SCHEMA, "tickets", f"id = {int(tid)}")
        assert len(row) == 1
        assert row[0]["subject"] == account.get("tickets", tid)["subject"]
        assert row[0]["status"] == account.get("tickets", tid)["status"]
    for uid in renamed_users:
        (row,) = postgres.rows(SCHEMA, "users", f"id = {int(uid)}")
        assert row["name"] == account.get("users", uid)["name"]
    (group,) = postgres.rows(SCHEMA, "groups", f"id = {int(renamed_group)}")
    assert group["name"] == account.get("groups", renamed_group)["name"]
    # Deletions: tickets and users flagged, the removed memberships gone.
    all_deleted = {t["id"] for t in account.records("tickets") if t["status"] == "deleted"}
    assert set(deleted) <= all_deleted
    assert flagged(postgres, "tickets") == all_deleted
    for tid in deleted:
        (row,) = postgres.rows(SCHEMA, "tickets", f"id = {int(tid)}")
        assert row["status"] == "deleted"
    inactive = {u["id"] for u in account.records("users") if not u["active"]}
    assert set(deleted_users) <= inactive
    assert flagged(postgres, "users") == inactive
    assert gone_group_membership in before["group_memberships"]
    assert gone_group_membership not in ids_of(postgres, "group_memberships")
    assert gone_org_membership in before["organization_memberships"]
    assert gone_org_membership not in ids_of(postgres, "organization_memberships")
    # Meltano passed the state on: the second run rewrote the changed tickets, not all of them.
    rewritten = rewritten_since(postgres, "tickets", first_sync)
    assert set(changed["tickets"]) <= rewritten
    assert len(rewritten) <= len(changed["tickets"]) + 10, (len(rewritten), len(changed["tickets"]))


def test_meltano_select_adds_ticket_comments_and_audit_logs(
    emulator_factory, postgres: Postgres, meltano_project
) -> None:
    emulator = emulator_factory(scale=0.2, seed=3)
    project: MeltanoProject = meltano_project(env=project_env(emulator, postgres))
    project.meltano("select", "tap-zendesk-objects", "ticket_comments", "*")
    project.meltano("select", "tap-zendesk-objects", "audit_logs", "*")
    config = yaml.safe_load(project.meltano_yml.read_text())
    tap = next(p for p in config["plugins"]["extractors"] if p["name"] == "tap-zendesk-objects")
    assert {"ticket_comments.*", "audit_logs.*"} <= set(tap["select"])
    listed = project.meltano("select", "tap-zendesk-objects", "--list").stdout
    assert "ticket_comments" in listed and "audit_logs" in listed

    project.meltano(*RUN)
    assert set(postgres.tables(SCHEMA)) == DEFAULT_STREAMS | OPT_IN
    assert_loaded_truth(postgres, emulator.account, DEFAULT_STREAMS | OPT_IN)


def test_second_account_loads_into_its_own_schema(
    emulator_factory, postgres: Postgres, meltano_project
) -> None:
    first = emulator_factory(scale=0.2, seed=1)
    second = emulator_factory(scale=0.3, seed=2)
    env = {
        **project_env(first, postgres),
        # The second account's own settings; what it does not set, it inherits from the first.
        **tap_env({**second.config(), **FAST_RATES}, prefix="TAP_ZENDESK_OBJECTS__EU_"),
    }
    project: MeltanoProject = meltano_project(env=env)
    project.meltano("--environment=prod", "run", "zendesk-eu-to-postgres")

    assert first.request_counts() == {}, "the second account's run called the first account"
    assert postgres.tables("zendesk") == {}, "the first account's schema was written"
    eu_truth = second.account.truth(to_epoch(START_DATE))
    assert set(postgres.tables("zendesk_eu")) == DEFAULT_STREAMS
    assert postgres.column("zendesk_eu", "tickets")
    assert ids_of(postgres, "tickets", "zendesk_eu") == set(eu_truth["tickets"])
    assert ids_of(postgres, "users", "zendesk_eu") == set(eu_truth["users"])
    state_ids = project.meltano("--environment=prod", "state", "list").stdout.split()
    assert "prod:tap-zendesk-objects--eu-to-target-postgres" in state_ids
