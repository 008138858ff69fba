"""What the dbt_zendesk end-to-end test needs besides its checks: the dbt connection, the truth
of the field changes, and dbt run without Meltano."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import BIN, REPO, clean_environ
from tests.e2e.warehouse import START_DATE
from tests.emulator.account import Account
from tests.postgres import Postgres

# Keys of a Create/Change child event that are not the changed field.
EVENT_KEYS = {"id", "event_type", "type", "via", "via_reference_id", "previous_value"}


def dbt_env(postgres: Postgres) -> dict[str, str]:
    """The dbt-postgres utility's connection, as a user sets it (DBT_POSTGRES_*)."""
    return {
        "DBT_POSTGRES_HOST": postgres.socket_dir,
        "DBT_POSTGRES_USER": "postgres",
        "DBT_POSTGRES_DBNAME": "postgres",
    }


def epoch(value: datetime) -> int:
    """A naive UTC timestamp from PostgreSQL as epoch seconds."""
    return int(value.replace(tzinfo=UTC).timestamp())


def field_changes(account: Account, cut: int) -> set[tuple]:
    """(ticket, field, epoch, updater) of every Create/Change child the export shows."""
    changes = set()
    for update in account.records("ticket_events"):
        if not to_epoch(START_DATE) <= update["timestamp"] <= cut:
            continue
        for child in update["child_events"]:
            if child["event_type"] not in ("Create", "Change"):
                continue
            (field,) = set(child) - EVENT_KEYS
            changes.add((update["ticket_id"], field, update["timestamp"], update["updater_id"]))
    return changes


def status_changes(account: Account, cut: int) -> set[tuple]:
    """(ticket, status, epoch, updater) of every status set or changed."""
    out = set()
    for update in account.records("ticket_events"):
        if not to_epoch(START_DATE) <= update["timestamp"] <= cut:
            continue
        for child in update["child_events"]:
            if child["event_type"] in ("Create", "Change") and "status" in child:
                out.add(
                    (
                        update["ticket_id"],
                        child["status"],
                        update["timestamp"],
                        update["updater_id"],
                    )
                )
    return out


def plain_dbt(postgres: Postgres, folder: Path, schema: str, *args: str) -> None:
    """`dbt run ARGS` of a copy of transform/ without Meltano, into `schema`."""
    project = folder / "transform"
    ignore = shutil.ignore_patterns("target", "logs")
    shutil.copytree(REPO / "transform", project, ignore=ignore, dirs_exist_ok=True)
    env = {
        **clean_environ(),
        **dbt_env(postgres),
        "DBT_POSTGRES_SCHEMA": schema,
        "DBT_PROFILES_DIR": str(project / "profiles" / "postgres"),
    }
    proc = subprocess.run(
        [str(BIN / "dbt"), "run", "--project-dir", str(project), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
