"""A throw-away copy of the Meltano project, run the way users run it.

Each `MeltanoProject` is a folder holding a copy of the repository's meltano.yml (plus links to
the package, so that `pip_url: -e .` resolves), its own system database (state) and a shared
`MELTANO_SYS_DIR_ROOT` whose plugin virtualenvs are installed once per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.e2e.warehouse import START_DATE
from tests.singer import FAST_RATES

if TYPE_CHECKING:
    from tests.emulator.server import Emulator
    from tests.postgres import Postgres

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MELTANO = str(BIN / "meltano")
# What `pip_url: -e .` needs to build the tap from the project folder.
PACKAGE_FILES = ("pyproject.toml", "README.md", "tap_zendesk_objects")
# Copied, not linked: dbt writes into its project folder (`dbt clean` empties parts of it).
COPIED_FOLDERS = ("transform",)
# Variables that would change what a run does if they leaked in from the shell.
_FOREIGN = ("TAP_ZENDESK_OBJECTS", "TARGET_POSTGRES", "TARGET_JSONL", "MELTANO_", "DBT_")


def clean_environ() -> dict[str, str]:
    """The current environment without Meltano, tap or target variables."""
    return {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN)}


def tap_env(config: dict[str, Any], prefix: str = "TAP_ZENDESK_OBJECTS_") -> dict[str, str]:
    """Tap settings as the environment variables Meltano reads."""
    return {f"{prefix}{key.upper()}": str(value) for key, value in config.items()}


class MeltanoProject:
    """A Meltano project folder made from the repository's meltano.yml."""

    def __init__(self, root: Path, sys_dir: Path, env: dict[str, str] | None = None) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "meltano.yml", self.root / "meltano.yml")
        for name in PACKAGE_FILES:
            link = self.root / name
            if not link.exists():
                link.symlink_to(REPO / name)
        for name in COPIED_FOLDERS:
            ignore = shutil.ignore_patterns("target", "logs", "dbt_packages", "__pycache__")
            shutil.copytree(REPO / name, self.root / name, ignore=ignore, dirs_exist_ok=True)
        self.env = {
            **clean_environ(),
            "MELTANO_SYS_DIR_ROOT": str(sys_dir),
            "MELTANO_DATABASE_URI": f"sqlite:///{self.root / 'meltano.db'}",
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "NO_COLOR": "1",
            **(env or {}),
        }

    @property
    def meltano_yml(self) -> Path:
        """The project's meltano.yml."""
        return self.root / "meltano.yml"

    def meltano(
        self, *args: str, check: bool = True, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        """Run `meltano ARGS` in the project; on failure, raise with the log's tail."""
        proc = subprocess.run(
            [MELTANO, *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"meltano {' '.join(args)} exited {proc.returncode}:\n"
                f"{proc.stderr[-6000:]}\n{proc.stdout[-2000:]}"
            )
        return proc


# The pipeline a user schedules: the first account into PostgreSQL.
RUN = ("--environment=prod", "run", "tap-zendesk-objects", "target-postgres")


def project_env(emulator: Emulator, postgres: Postgres) -> dict[str, str]:
    """Point the project's first account at the emulator and its loader at `postgres`."""
    return {
        **tap_env({**emulator.config(), **FAST_RATES, "start_date": START_DATE}),
        "TARGET_POSTGRES_SQLALCHEMY_URL": postgres.sqlalchemy_url,
    }
