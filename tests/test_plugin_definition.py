"""The Meltano plugin definition: generated from the tap, in step with `--about` and the README."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

import tap_zendesk_objects
from tap_zendesk_objects.cli import plugin_definition
from tap_zendesk_objects.config.checks import auth_method, check_config
from tap_zendesk_objects.config.schema import CONFIG_SCHEMA
from tap_zendesk_objects.tap import TapZendeskObjects
from tests.readme import readme_commands
from tests.singer import discover

REPO = Path(__file__).resolve().parents[1]
DEFINITION = REPO / "plugins" / "extractors" / "tap-zendesk-objects.yml"
# The keys Meltano Hub's extractor schema allows (schemas/plugin_definitions/extractors.schema.json
# of meltano/hub: `additionalProperties: false`).
HUB_KEYS = {
    "name", "pip_url", "variant", "namespace", "label", "description", "executable",
    "settings", "docs", "repo", "logo_url", "hidden", "settings_group_validation", "commands",
    "capabilities", "metadata", "schema", "select", "maintenance_status", "domain_url",
    "keywords", "requires", "definition", "next_steps", "settings_preamble", "usage", "prereq",
}  # fmt: skip
MELTANO_KINDS = {
    "string", "integer", "decimal", "boolean", "date_iso8601", "options", "object", "array",
}  # fmt: skip


@pytest.fixture(scope="module")
def about() -> dict[str, Any]:
    """`--about --format=json` of this checkout's tap, as a user's shell runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "tap_zendesk_objects", "--about", "--format=json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return yaml.safe_load(DEFINITION.read_text())


def extractor_of_meltano_yml() -> dict[str, Any]:
    config = yaml.safe_load((REPO / "meltano.yml").read_text())
    return next(p for p in config["plugins"]["extractors"] if p["name"] == "tap-zendesk-objects")


def test_generated_files_are_up_to_date():
    # Fails after a setting is added, renamed or changed in config.py until
    # `scripts/plugin-definition` is run (it rewrites both files).
    assert plugin_definition.main(["--check", "--root", str(REPO)]) == 0
    assert DEFINITION.read_text() == plugin_definition.definition_yaml()


def test_definition_settings_are_abouts(about, committed):
    properties = about["settings"]["properties"]
    settings = {s["name"]: s for s in committed["settings"]}
    assert list(settings) == list(properties)
    for name, schema in properties.items():
        setting = settings[name]
        assert setting["label"] == schema["title"], name
        assert setting["description"] == " ".join(schema["description"].split()), name
        assert setting["kind"] in MELTANO_KINDS, name
        types = set(schema.get("type", ["object"])) - {"null"}
        if schema.get("format") == "date-time":
            assert setting["kind"] == "date_iso8601", name
        else:
            assert {setting["kind"]} == types, name
        assert setting.get("sensitive", False) == schema.get("secret", False), name
        assert ("value" in setting) == ("default" in schema), name
        if "default" in schema:
            assert setting["value"] == schema["default"], name
    assert {n for n, s in settings.items() if s.get("sensitive")} == {
        "access_token",
        "api_token",
        "client_secret",
        "refresh_token",
    }


def test_definition_is_built_from_about_alone(about, committed):
    # What the module builds in-process is what `--about` prints.
    assert plugin_definition.definition(about) == committed
    assert committed["capabilities"] == about["capabilities"]
    assert "batch" not in committed["capabilities"]


def test_definition_in_meltano_hubs_format(committed):
    assert set(committed) <= HUB_KEYS
    for key in ("name", "variant", "namespace", "pip_url", "executable"):
        assert committed[key], key
    assert committed["name"] == committed["executable"] == "tap-zendesk-objects"
    assert committed["namespace"] == "tap_zendesk_objects"
    assert committed["repo"] == tap_zendesk_objects.REPOSITORY


def test_each_settings_group_is_one_way_to_authenticate(about, committed):
    groups = committed["settings_group_validation"]
    assert groups[0] == ["subdomain", "client_id", "client_secret"], "OAuth first"
    ways = set()
    for group in groups:
        assert set(about["settings"]["required"]) <= set(group)
        config = {name: "x" if name != "subdomain" else "acme" for name in group}
        check_config(config)  # the group alone is a configuration the tap accepts
        ways.add(auth_method(config))
    assert len(ways) == len(groups) == 4


def test_select_is_the_tap_default_selection(tmp_path, emulator, committed):
    catalog = discover(tmp_path, emulator.config())
    by_default = [
        entry["tap_stream_id"]
        for entry in catalog["streams"]
        for md in entry["metadata"]
        if md["breadcrumb"] == [] and md["metadata"].get("selected-by-default")
    ]
    assert sorted(rule.removesuffix(".*") for rule in committed["select"]) == sorted(by_default)
    assert all(rule.endswith(".*") for rule in committed["select"])
    assert len(by_default) < len(catalog["streams"])


def test_meltano_yml_uses_the_same_definition(committed):
    entry = extractor_of_meltano_yml()
    hub_only = set(plugin_definition.HUB_ONLY)
    assert {k: v for k, v in committed.items() if k not in hub_only | {"pip_url"}} == {
        k: v for k, v in entry.items() if k not in {"pip_url", "load_schema"}
    }
    # The repository's own project installs this checkout (the demo and the e2e tests run it).
    assert entry["pip_url"] == "-e ."
    assert entry["load_schema"] == "zendesk"


def test_check_reports_a_stale_meltano_yml(tmp_path, capsys):
    (tmp_path / "plugins" / "extractors").mkdir(parents=True)
    (tmp_path / "plugins" / "extractors" / DEFINITION.name).write_text(DEFINITION.read_text())
    text = (REPO / "meltano.yml").read_text().replace("    - name: start_date\n", "", 1)
    (tmp_path / "meltano.yml").write_text(text)
    assert plugin_definition.main(["--check", "--root", str(tmp_path)]) == 1
    assert "meltano.yml" in capsys.readouterr().err
    assert plugin_definition.main(["--write", "--root", str(tmp_path)]) == 0
    assert (tmp_path / "meltano.yml").read_text() == (REPO / "meltano.yml").read_text()


def test_printed_definition_is_the_committed_file():
    proc = subprocess.run(
        [sys.executable, "-m", "tap_zendesk_objects.cli.plugin_definition"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert proc.stdout == DEFINITION.read_text()


def test_package_metadata_agrees_with_the_tap(about):
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert "version" in project["dynamic"]
    assert about["version"] == tap_zendesk_objects.__version__
    assert project["urls"]["Repository"] == tap_zendesk_objects.REPOSITORY
    assert project["license"] == "Apache-2.0"
    assert "Apache License" in (REPO / "LICENSE").read_text()
    classified = {
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    assert classified == set(about["supported_python_versions"])


def test_readme_adds_the_definition_and_selects_the_default_collections(committed):
    commands = readme_commands("Add it to your Meltano project", "meltano")
    adds = [c for c in commands if c[1] == "add"]
    assert adds and all(c[:4] == ["meltano", "add", "--plugin-type", "extractor"] for c in adds)
    assert any("--from-ref" in c and c[-1].endswith(DEFINITION.name) for c in adds)
    selects = [c for c in commands if c[1] == "select"]
    assert [c[:3] for c in selects] == [["meltano", "select", "tap-zendesk-objects"]] * len(selects)
    assert all(c[4] == "*" and len(c) == 5 for c in selects)
    assert [f"{c[3]}.*" for c in selects] == committed["select"]


def test_the_sdk_adding_its_settings_leaves_the_tap_s_own_alone():
    """The SDK appends its settings (stream_maps...) to the tap's schema whenever a tap in this
    process checks a config: the settings the tap itself declares must stay as declared."""
    TapZendeskObjects.append_builtin_config(TapZendeskObjects.config_jsonschema)  # as the SDK
    assert "stream_maps" in TapZendeskObjects.config_jsonschema["properties"]
    assert "stream_maps" not in CONFIG_SCHEMA["properties"]
