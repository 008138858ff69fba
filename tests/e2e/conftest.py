"""Fixtures: installed plugin virtualenvs (once per session), PostgreSQL, Meltano projects."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.project import BIN, MeltanoProject
from tests.postgres import Postgres

# The singer-sdk version scripts/test-next-sdk installed, for the plugin virtualenvs too.
NEXT_SDK = os.environ.get("NEXT_SINGER_SDK_VERSION")


@pytest.fixture(scope="session")
def meltano_sys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MELTANO_SYS_DIR_ROOT whose tap and target-postgres virtualenvs are installed.

    `meltano install` builds them as a user's clone would (`pip_url: -e .` and
    `meltanolabs-target-postgres~=0.8.1`, with uv): about 10 s the first time, less with uv's
    cache. Every project of the session shares them.
    """
    sys_dir = tmp_path_factory.mktemp("meltano-sys")
    project = MeltanoProject(tmp_path_factory.mktemp("meltano-install"), sys_dir)
    started = time.monotonic()
    project.meltano("install", "tap-zendesk-objects", "target-postgres")
    print(f"meltano install: {time.monotonic() - started:.1f}s")
    if NEXT_SDK:  # scripts/test-next-sdk: the tap Meltano runs gets the SDK under test too
        venv_python = sys_dir / "extractors" / "tap-zendesk-objects" / "venv" / "bin" / "python"
        sdk = f"singer-sdk[msgspec]=={NEXT_SDK}"
        uv = [str(BIN / "uv"), "pip", "install", "--quiet", "--python", str(venv_python), sdk]
        subprocess.run(uv, check=True)
    return sys_dir


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[Postgres]:
    """A fresh PostgreSQL server, deleted afterwards."""
    with Postgres(tmp_path / "pg") as pg:
        yield pg


@pytest.fixture
def meltano_project(tmp_path: Path, meltano_sys_dir: Path) -> Callable[..., MeltanoProject]:
    """Make a project: `meltano_project(env={...})`, in this test's folder."""

    def make(env: dict[str, str] | None = None, name: str = "project") -> MeltanoProject:
        return MeltanoProject(tmp_path / name, meltano_sys_dir, env)

    return make
