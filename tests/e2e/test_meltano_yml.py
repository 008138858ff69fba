"""meltano.yml defines the plugins in full, in step with the tap's own `--about`."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
import yaml

from tests.e2e.project import BIN, REPO, clean_environ
from tests.emulator.oauth import CLIENT_SECRET
from tests.emulator.server_auth import ACCESS_TOKEN, API_TOKEN

CONFIG = yaml.safe_load((REPO / "meltano.yml").read_text())
KINDS = {
    "string": "string",
    "integer": "integer",
    "boolean": "boolean",
    "object": "object",
    "array": "array",
}


def tap_json(*args: str) -> Any:
    proc = subprocess.run(
        [str(BIN / "tap-zendesk-objects"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=clean_environ(),
        timeout=120,
        check=True,
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def about() -> dict[str, Any]:
    return tap_json("--about", "--format=json")


def plugin(kind: str, name: str) -> dict[str, Any]:
    return next(p for p in CONFIG["plugins"][kind] if p["name"] == name)


def test_project_needs_meltano_4():
    assert CONFIG["requires_meltano"] == ">=4.0"
    assert "version" not in CONFIG


def test_extractor_is_defined_in_full(about):
    tap = plugin("extractors", "tap-zendesk-objects")
    assert tap["namespace"] == "tap_zendesk_objects"
    assert tap["pip_url"] == "-e ."
    assert tap["executable"] == "tap-zendesk-objects"
    assert {"catalog", "discover", "state", "about", "stream-maps", "activate-version"} <= set(
        tap["capabilities"]
    )
    assert set(tap["capabilities"]) <= set(about["capabilities"])


def test_every_tap_setting_is_declared_with_label_description_and_kind(about):
    tap = plugin("extractors", "tap-zendesk-objects")
    declared = {s["name"]: s for s in tap["settings"]}
    properties = about["settings"]["properties"]
    assert list(declared) == list(properties)
    for name, schema in properties.items():
        setting = declared[name]
        assert setting["label"] == schema["title"], name
        assert setting["description"], name
        types = [t for t in schema.get("type", ["object"]) if t != "null"] or ["object"]
        expected = "date_iso8601" if schema.get("format") == "date-time" else KINDS[types[0]]
        assert setting["kind"] == expected, name
        assert setting.get("sensitive", False) == schema.get("secret", False), name
        if "default" in schema:
            assert setting["value"] == schema["default"], name
    assert {n for n, s in declared.items() if s.get("sensitive")} == {
        "access_token",
        "api_token",
        "client_secret",
        "refresh_token",
    }


def test_each_way_to_authenticate_is_a_settings_group():
    groups = plugin("extractors", "tap-zendesk-objects")["settings_group_validation"]
    assert groups[0] == ["subdomain", "client_id", "client_secret"], "OAuth first"
    assert sorted(map(sorted, groups)) == sorted(
        map(
            sorted,
            [
                ["subdomain", "client_id", "client_secret"],
                ["subdomain", "client_id", "client_secret", "refresh_token"],
                ["subdomain", "access_token"],
                ["subdomain", "email", "api_token"],
            ],
        )
    )


def test_default_select_is_the_tap_default_selection(tmp_path, emulator):
    config = tmp_path / "config.json"
    config.write_text(json.dumps(emulator.config()))
    catalog = tap_json("--config", str(config), "--discover")
    by_default = {
        entry["tap_stream_id"]
        for entry in catalog["streams"]
        for md in entry["metadata"]
        if md["breadcrumb"] == [] and md["metadata"].get("selected-by-default")
    }
    assert "ticket_comments" not in by_default and "audit_logs" not in by_default
    select = plugin("extractors", "tap-zendesk-objects")["select"]
    assert all(rule.endswith(".*") for rule in select)
    assert {rule.removesuffix(".*") for rule in select} == by_default


def test_second_account_inherits_and_loads_into_its_own_schema():
    first = plugin("extractors", "tap-zendesk-objects")
    second = plugin("extractors", "tap-zendesk-objects--eu")
    assert second["inherit_from"] == "tap-zendesk-objects"
    assert first["load_schema"] == "zendesk"
    assert second["load_schema"] == "zendesk_eu"
    target = plugin("loaders", "target-postgres")
    schema = next(s for s in target["settings"] if s["name"] == "default_target_schema")
    assert schema["value"] == "$MELTANO_EXTRACT__LOAD_SCHEMA"


def test_loaders_are_defined_in_full():
    postgres = plugin("loaders", "target-postgres")
    assert postgres["variant"] == "meltanolabs"
    assert postgres["pip_url"] == "meltanolabs-target-postgres~=0.8.1"
    assert postgres["executable"] == "target-postgres"
    settings = {s["name"]: s for s in postgres["settings"]}
    assert settings["sqlalchemy_url"]["sensitive"] is True
    assert settings["password"]["sensitive"] is True
    # Removed memberships leave the warehouse: ACTIVATE_VERSION deletes retired rows.
    assert settings["hard_delete"]["value"] is True
    assert settings["activate_version"]["value"] is True
    assert settings["load_method"]["value"] == "upsert"
    # PostgreSQL refuses NUL in text: the tap strips it, and the loader is told to as well.
    assert settings["sanitize_null_text_characters"]["value"] is True
    jsonl = plugin("loaders", "target-jsonl")
    assert jsonl["pip_url"].startswith("target-jsonl") and jsonl["executable"] == "target-jsonl"


def test_job_runs_every_three_hours():
    jobs = {job["name"]: job["tasks"] for job in CONFIG["jobs"]}
    assert jobs["zendesk-to-postgres"] == ["tap-zendesk-objects target-postgres"]
    schedules = {s["name"]: s for s in CONFIG["schedules"]}
    assert schedules["zendesk-every-3-hours"]["job"] == "zendesk-to-postgres"
    assert schedules["zendesk-every-3-hours"]["interval"] == "0 */3 * * *"


def test_environments():
    names = {env["name"] for env in CONFIG["environments"]}
    assert {"dev", "prod", "demo"} <= names
    # The bare `meltano run tap-zendesk-objects target-postgres` loads into schema zendesk.
    assert CONFIG["default_environment"] == "prod"
    prod = next(env for env in CONFIG["environments"] if env["name"] == "prod")
    assert "config" not in prod


def test_no_demo_address_or_credential_in_the_project_file():
    text = (REPO / "meltano.yml").read_text()
    for secret in (API_TOKEN, ACCESS_TOKEN, CLIENT_SECRET, "127.0.0.1", "localhost", "api_url:"):
        assert secret not in text
