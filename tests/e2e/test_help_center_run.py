"""`meltano run` with the Help Center, community and custom object streams, into PostgreSQL."""

from __future__ import annotations

import yaml

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import RUN, MeltanoProject, project_env
from tests.e2e.warehouse import DEFAULT_STREAMS, SCHEMA, START_DATE
from tests.emulator.help_center_account import HELP_CENTER_STREAMS
from tests.postgres import Postgres

KEYS = {"custom_objects": ["key"], "custom_object_records": ["custom_object_key", "id"]}


def loaded_keys(pg: Postgres, stream: str) -> list:
    """Each row's primary key, as the emulator's truth spells it."""
    key = KEYS.get(stream, ["id"])
    rows = pg.rows(SCHEMA, stream)
    return [tuple(row[k] for k in key) if len(key) > 1 else row[key[0]] for row in rows]


def test_help_center_community_and_custom_objects_load_with_their_primary_keys(
    emulator_factory, postgres: Postgres, meltano_project
) -> None:
    emulator = emulator_factory(scale=0.2, seed=6)
    project: MeltanoProject = meltano_project(env=project_env(emulator, postgres))
    project.meltano("select", "tap-zendesk-objects", "help_center_articles", "*")  # README
    config = yaml.safe_load(project.meltano_yml.read_text())
    tap = next(p for p in config["plugins"]["extractors"] if p["name"] == "tap-zendesk-objects")
    tap["select"] += [f"{s}.*" for s in HELP_CENTER_STREAMS if s != "help_center_articles"]
    project.meltano_yml.write_text(yaml.safe_dump(config, sort_keys=False))

    project.meltano(*RUN)
    assert set(postgres.tables(SCHEMA)) == DEFAULT_STREAMS | set(HELP_CENTER_STREAMS)
    want = emulator.account.help_center_truth(to_epoch(START_DATE))
    for stream in HELP_CENTER_STREAMS:
        assert want[stream], f"the emulator has no {stream}: the test would prove nothing"
        got = loaded_keys(postgres, stream)
        assert len(got) == len(set(got)), f"{stream} holds duplicate keys"
        assert set(got) == set(want[stream]), stream
        assert sorted(postgres.primary_key(SCHEMA, stream)) == sorted(KEYS.get(stream, ["id"]))

    # A scheduled run: new votes and records land, deleted records are flagged.
    votes = emulator.account.add_article_votes(2)
    gone = emulator.account.delete_custom_object_records(1)
    project.meltano(*RUN)
    assert set(votes) <= set(loaded_keys(postgres, "help_center_article_votes"))
    flagged = {
        (row["custom_object_key"], row["id"])
        for row in postgres.rows(SCHEMA, "custom_object_records")
        if row["_sdc_deleted_at"] is not None
    }
    assert set(gone) <= flagged
