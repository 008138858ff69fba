"""What the end-to-end tests expect in the warehouse: streams, start date, id checks."""

from __future__ import annotations

from tests.postgres import Postgres

START_DATE = "2020-01-01T00:00:00Z"
SCHEMA = "zendesk"
OPT_IN = {"ticket_comments", "audit_logs"}
FULL_TABLE = {
    "groups",
    "ticket_fields",
    "ticket_forms",
    "ticket_skips",
    "organization_memberships",
    "group_memberships",
}
INCREMENTAL = {
    "tickets",
    "ticket_metrics",
    "ticket_events",
    "attachments",
    "users",
    "organizations",
    "satisfaction_ratings",
    "activities",
}
DEFAULT_STREAMS = FULL_TABLE | INCREMENTAL


def ids_of(pg: Postgres, table: str, schema: str = SCHEMA) -> set[int]:
    """A table's ids, after checking that none is there twice."""
    ids = pg.column(schema, table)
    assert len(ids) == len(set(ids)), f"{schema}.{table} holds duplicate ids"
    return set(ids)


def flagged(pg: Postgres, table: str, schema: str = SCHEMA) -> set[int]:
    """Ids of rows whose `_sdc_deleted_at` is set."""
    return {row["id"] for row in pg.rows(schema, table, "_sdc_deleted_at is not null")}


def rewritten_since(pg: Postgres, table: str, sync_started_at: int) -> set[int]:
    """Ids of rows a later target run wrote (its `_sdc_sync_started_at` is newer)."""
    where = f"_sdc_sync_started_at > {int(sync_started_at)}"
    return {row["id"] for row in pg.rows(SCHEMA, table, where)}


def last_sync_started_at(pg: Postgres, table: str) -> int:
    """The newest `_sdc_sync_started_at` of a table."""
    return pg.query(f'select max(_sdc_sync_started_at) from {SCHEMA}."{table}"')[0][0]
