"""The demo behind `scripts/demo`: the main job into an embedded PostgreSQL, then a table list.

Starts the local Zendesk emulator (a demo account with Zendesk's default rate limits, read with
OAuth client credentials whose tokens last 0.2 seconds, so the log shows the tap renewing them)
unless TAP_ZENDESK_OBJECTS_SUBDOMAIN with TAP_ZENDESK_OBJECTS_CLIENT_ID and
TAP_ZENDESK_OBJECTS_CLIENT_SECRET (or the deprecated TAP_ZENDESK_OBJECTS_EMAIL and
TAP_ZENDESK_OBJECTS_API_TOKEN) name a real account, starts PostgreSQL in .demo/postgres, runs
`meltano run tap-zendesk-objects target-postgres` in the
`demo` environment, prints every table of schema `zendesk` with its row count, and stops what
it started. Everything it writes stays in .demo/ (the Meltano log, state, the database).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / ".demo"
MELTANO = str(Path(sys.executable).parent / "meltano")
# A real account: its subdomain and one way to authenticate (OAuth client credentials first).
REAL_ACCOUNT = "TAP_ZENDESK_OBJECTS_SUBDOMAIN"
REAL_CREDENTIALS = (
    ("TAP_ZENDESK_OBJECTS_CLIENT_ID", "TAP_ZENDESK_OBJECTS_CLIENT_SECRET"),
    ("TAP_ZENDESK_OBJECTS_EMAIL", "TAP_ZENDESK_OBJECTS_API_TOKEN"),
    ("TAP_ZENDESK_OBJECTS_ACCESS_TOKEN",),
)
SCHEMA = "zendesk"
# The demo account's OAuth tokens expire this fast, so that one run renews several.
DEMO_TOKEN_LIFETIME_SECONDS = 0.2


def say(text: str) -> None:
    """One line of progress."""
    print(f"demo: {text}", flush=True)


def meltano(env: dict[str, str], log: Path, *args: str) -> None:
    """Run meltano in the project, its log appended to `log`; exit with its tail on failure."""
    with log.open("a") as out:
        out.write(f"\n$ meltano {' '.join(args)}\n")
        out.flush()
        code = subprocess.run(
            [MELTANO, *args], cwd=ROOT, env=env, stdout=out, stderr=out, check=False
        ).returncode
    if code != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-40:])
        sys.exit(f"{tail}\ndemo: `meltano {' '.join(args)}` failed ({code}); log: {log}")


def main() -> None:
    """Run the demo."""
    from tests.postgres import Postgres

    real = bool(os.environ.get(REAL_ACCOUNT)) and any(
        all(os.environ.get(name) for name in names) for names in REAL_CREDENTIALS
    )
    if DEMO.exists():
        shutil.rmtree(DEMO)
    DEMO.mkdir()
    log = DEMO / "meltano.log"
    env = {
        **os.environ,
        "MELTANO_DATABASE_URI": f"sqlite:///{DEMO / 'meltano.db'}",  # fresh state each demo
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "NO_COLOR": "1",
    }
    with ExitStack() as stack:
        if real:
            say(f"reading the real account {os.environ['TAP_ZENDESK_OBJECTS_SUBDOMAIN']}")
        else:
            from tests.emulator.account import Account
            from tests.emulator.server import Emulator

            emulator = stack.enter_context(
                Emulator(
                    Account(scale=1, seed=1),
                    rate_limits=True,
                    token_lifetime=DEMO_TOKEN_LIFETIME_SECONDS,
                )
            )
            say(
                f"Zendesk emulator (demo account) at {emulator.base_url}, OAuth client "
                f"credentials, tokens valid {DEMO_TOKEN_LIFETIME_SECONDS} s"
            )
            # The emulator's address and credentials exist only here, for this run.
            demo_config = emulator.oauth_config()
            env.update({f"TAP_ZENDESK_OBJECTS_{k.upper()}": v for k, v in demo_config.items()})
            # The emulator enforces Zendesk's default rate limits and the tap keeps its polite
            # defaults, as against a real account (the demo fits in one minute of budget).
        postgres = stack.enter_context(Postgres(DEMO / "postgres", keep=True))
        say(f"PostgreSQL at {postgres.sqlalchemy_url}")
        env["TARGET_POSTGRES_SQLALCHEMY_URL"] = postgres.sqlalchemy_url

        started = time.monotonic()
        say("meltano install tap-zendesk-objects target-postgres")
        meltano(env, log, "install", "tap-zendesk-objects", "target-postgres")
        say(f"meltano --environment=demo run tap-zendesk-objects target-postgres (log: {log})")
        run_started = time.monotonic()
        meltano(env, log, "--environment=demo", "run", "tap-zendesk-objects", "target-postgres")
        say(f"run took {time.monotonic() - run_started:.1f}s")
        minted = len(re.findall(r"OAuth token \d+ obtained", log.read_text()))
        say(f"{minted} OAuth token(s) obtained during the run (see 'OAuth token' in the log)")

        tables = postgres.tables(SCHEMA)
        width = max((len(name) for name in tables), default=5) + 2
        print(f"\n{'table':<{width}}{'rows':>8}")
        for name, rows in tables.items():
            print(f"{name:<{width}}{rows:>8}")
        print(f"{'total':<{width}}{sum(tables.values()):>8}\n")
        say(f"{len(tables)} tables in schema {SCHEMA}, {time.monotonic() - started:.1f}s in all")
    say("stopped the emulator and PostgreSQL (data kept in .demo/postgres)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
