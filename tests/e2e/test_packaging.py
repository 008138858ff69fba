"""The built package, used where users are: a clean virtualenv, and a brand-new Meltano project.

The sdist and wheel are built once for the module (`python -m build`, uv as its installer).
Each consumer gets only the wheel and the plugin definition, in folders with no checkout.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tarfile
import time
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from typing import Any

import pytest
import yaml

import tap_zendesk_objects
from tap_zendesk_objects.cli import plugin_definition
from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import BIN, MELTANO, REPO, clean_environ, tap_env
from tests.e2e.warehouse import DEFAULT_STREAMS, START_DATE
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.readme import readme_commands
from tests.singer import FAST_RATES

UV = str(BIN / "uv")
DEFINITION = REPO / plugin_definition.DEFINITION_PATH
TARGET_JSONL = "target-jsonl~=0.1.4"


@dataclass
class Dist:
    """The built distributions."""

    wheel: Path
    sdist: Path


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 600):
    """Run a command; on failure, raise with the end of its output."""
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=env or clean_environ(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = f"{proc.stderr[-6000:]}\n{proc.stdout[-2000:]}"
    assert proc.returncode == 0, f"{shlex.join(args)} exited {proc.returncode}:\n{output}"
    return proc


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    started = time.monotonic()
    build = [sys.executable, "-m", "build", "--installer", "uv", "--outdir", str(out), str(REPO)]
    run(build, cwd=out, env={**clean_environ(), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    print(f"python -m build: {time.monotonic() - started:.1f}s")
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return Dist(wheel, sdist)


@pytest.fixture(scope="module")
def emulator() -> Any:
    with Emulator(Account(scale=0.2, seed=11)) as emu:
        yield emu


def venv(folder: Path, *packages: str) -> Path:
    """A new virtualenv holding `packages` (and their dependencies from PyPI); its bin folder."""
    run([UV, "venv", "--quiet", "--python", sys.executable, str(folder)], cwd=folder.parent)
    run([UV, "pip", "install", "--quiet", "--python", str(folder / "bin" / "python"), *packages],
        cwd=folder.parent)  # fmt: skip
    return folder / "bin"


def jsonl_ids(folder: Path) -> dict[str, set[int]]:
    """Ids per stream of target-jsonl's files, after checking that none is there twice."""
    found = {}
    for path in folder.glob("*.jsonl"):
        ids = [json.loads(line)["id"] for line in path.read_text().splitlines()]
        assert len(ids) == len(set(ids)), f"{path.name} holds duplicate ids"
        found[path.stem] = set(ids)
    return found


def assert_truth(emulator: Emulator, loaded: dict[str, set[int]]) -> None:
    assert set(loaded) == DEFAULT_STREAMS
    truth = emulator.account.truth(to_epoch(START_DATE))
    for stream in sorted(DEFAULT_STREAMS):
        assert truth[stream], f"the emulator has no {stream}: the test would prove nothing"
        assert loaded[stream] == set(truth[stream]), stream


def test_twine_check_passes(dist: Dist) -> None:
    run([sys.executable, "-m", "twine", "check", "--strict", str(dist.wheel), str(dist.sdist)],
        cwd=dist.wheel.parent)  # fmt: skip


def test_wheel_holds_the_package_the_license_and_the_metadata(dist: Dist) -> None:
    version = tap_zendesk_objects.__version__
    assert dist.wheel.name == f"tap_zendesk_objects-{version}-py3-none-any.whl"
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        info = f"tap_zendesk_objects-{version}.dist-info"
        metadata = Parser().parsestr(wheel.read(f"{info}/METADATA").decode())
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
        license_text = wheel.read(f"{info}/licenses/LICENSE").decode()
    package = REPO / "tap_zendesk_objects"
    sources = {
        path.relative_to(REPO).as_posix()
        for path in package.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert sources, "no package files found"
    assert sources <= names, sorted(sources - names)
    assert license_text == (REPO / "LICENSE").read_text()
    assert "tap-zendesk-objects = tap_zendesk_objects.cli.launch:main" in entry_points
    assert metadata["Version"] == version
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata["Summary"]
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert metadata.get_payload().startswith("# tap-zendesk-objects")
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL"))
    assert urls["Repository"] == tap_zendesk_objects.REPOSITORY
    classifiers = metadata.get_all("Classifier")
    assert "Programming Language :: Python :: 3.11" in classifiers


def test_sdist_holds_what_the_wheel_is_built_from(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    expected = {"pyproject.toml", "README.md", "LICENSE", "tap_zendesk_objects/__init__.py"}
    assert expected | {plugin_definition.DEFINITION_PATH.as_posix()} <= names
    assert not any(name.startswith(("benchmarks/", ".venv/")) for name in names)


def test_wheel_in_a_clean_virtualenv_pipes_a_sync_into_a_target(
    dist: Dist, emulator: Emulator, tmp_path: Path
) -> None:
    started = time.monotonic()
    tap_bin = venv(tmp_path / "tap-venv", str(dist.wheel))
    target_bin = venv(tmp_path / "target-venv", TARGET_JSONL)  # its own, as pipx would
    print(f"two virtualenvs: {time.monotonic() - started:.1f}s")
    work = tmp_path / "work"  # no checkout here, nor on the path
    work.mkdir()
    env = {k: v for k, v in clean_environ().items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    tap = str(tap_bin / "tap-zendesk-objects")

    show_file = "import tap_zendesk_objects as t; print(t.__file__)"
    where = run([str(tap_bin / "python"), "-c", show_file], cwd=work, env=env).stdout
    assert Path(where.strip()).is_relative_to(tmp_path / "tap-venv"), where

    about = json.loads(run([tap, "--about", "--format=json"], cwd=work, env=env).stdout)
    assert about["version"] == tap_zendesk_objects.__version__
    # The installed tap's settings are the plugin definition's (names, kinds, secrets, defaults).
    assert plugin_definition.definition(about) == yaml.safe_load(DEFINITION.read_text())

    config = {**emulator.config(), **FAST_RATES, "start_date": START_DATE}
    (work / "config.json").write_text(json.dumps(config))
    (work / "target.json").write_text(
        json.dumps({"destination_path": "output", "do_timestamp_file": False})
    )
    catalog = json.loads(
        run([tap, "--config", "config.json", "--discover"], cwd=work, env=env).stdout
    )
    assert len(catalog["streams"]) == len(plugin_definition.STREAM_TYPES)

    started = time.monotonic()
    target = str(target_bin / "target-jsonl")
    pipe = f"{shlex.quote(tap)} --config config.json | {shlex.quote(target)} --config target.json"
    proc = run(["bash", "-o", "pipefail", "-c", f"{pipe} > state.json"], cwd=work, env=env)
    print(f"tap | target-jsonl: {time.monotonic() - started:.1f}s")
    assert "Traceback" not in proc.stderr
    assert_truth(emulator, jsonl_ids(work / "output"))
    state = json.loads((work / "state.json").read_text().splitlines()[-1])
    assert state["bookmarks"]["tickets"]["replication_key_value"]


def hub_definition(plugins: dict[str, Any], kind: str, name: str) -> dict[str, Any]:
    """A plugin of the repository's meltano.yml, as a definition file for `--from-ref`."""
    return next(p for p in plugins[kind] if p["name"] == name)


def test_meltano_add_from_the_definition_in_a_new_project(
    dist: Dist, emulator: Emulator, tmp_path: Path
) -> None:
    env = {
        **clean_environ(),
        "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
        "NO_COLOR": "1",
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }
    started = time.monotonic()
    run([MELTANO, "init", "project", "--no-usage-stats"], cwd=tmp_path, env=env)
    project = tmp_path / "project"

    # The definition as published, but installing the wheel just built.
    definition = yaml.safe_load(DEFINITION.read_text())
    (tmp_path / "tap.yml").write_text(yaml.safe_dump({**definition, "pip_url": str(dist.wheel)}))
    repo_plugins = yaml.safe_load((REPO / "meltano.yml").read_text())["plugins"]
    (tmp_path / "target.yml").write_text(
        yaml.safe_dump(hub_definition(repo_plugins, "loaders", "target-jsonl"))
    )

    # The README's commands, with the definition's URL replaced by the local file.
    commands = readme_commands("Add it to your Meltano project", "meltano")
    for command in commands:
        if command[1] == "add":
            command[command.index("--from-ref") + 1] = str(tmp_path / "tap.yml")
        if command[1] in ("add", "select"):  # the settings come below
            run([MELTANO, *command[1:]], cwd=project, env=env)
    assert any(command[1] == "add" for command in commands)
    run([MELTANO, "add", "--plugin-type", "loader", "target-jsonl", "--from-ref",
         str(tmp_path / "target.yml")], cwd=project, env=env)  # fmt: skip
    print(f"meltano init, add, select: {time.monotonic() - started:.1f}s")

    extractor = hub_definition(
        yaml.safe_load((project / "meltano.yml").read_text())["plugins"], "extractors",
        "tap-zendesk-objects",
    )  # fmt: skip
    assert extractor["settings"] == definition["settings"]
    assert extractor["settings_group_validation"] == definition["settings_group_validation"]
    assert extractor["capabilities"] == definition["capabilities"]
    assert sorted(extractor["select"]) == sorted(definition["select"])

    # The README's settings (OAuth client credentials), with the emulator's values.
    values = {**emulator.oauth_config(), "start_date": START_DATE}
    settings = [c for c in commands if c[1:4] == ["config", "set", "tap-zendesk-objects"]]
    assert {c[4] for c in settings} >= {"subdomain", "client_id", "client_secret"}
    for command in settings:
        run([MELTANO, *command[1:5], values[command[4]]], cwd=project, env=env)
    secret = values["client_secret"]
    assert secret in (project / ".env").read_text(), "the secret is not in .env"
    assert secret not in (project / "meltano.yml").read_text(), "the secret is in meltano.yml"
    run_env = {
        **env,
        **tap_env({"api_url": values["api_url"], **FAST_RATES}),
        "TARGET_JSONL_DESTINATION_PATH": str(project / "output"),
        "TARGET_JSONL_DO_TIMESTAMP_FILE": "false",
    }

    started = time.monotonic()
    run([MELTANO, "run", "tap-zendesk-objects", "target-jsonl"], cwd=project, env=run_env)
    print(f"meltano run: {time.monotonic() - started:.1f}s")
    assert_truth(emulator, jsonl_ids(project / "output"))
    state_ids = run([MELTANO, "state", "list"], cwd=project, env=run_env).stdout.split()
    assert any(sid.endswith(":tap-zendesk-objects-to-target-jsonl") for sid in state_ids)
