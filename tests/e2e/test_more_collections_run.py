"""`meltano run` with the 15 opt-in collections selected, into real PostgreSQL."""

from __future__ import annotations

import yaml

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import RUN, MeltanoProject, project_env
from tests.e2e.warehouse import DEFAULT_STREAMS, SCHEMA, START_DATE
from tests.emulator.more_collections import MORE_STREAMS, new_metric_events, truth
from tests.emulator.zendesk import visible_cutoff
from tests.postgres import Postgres

KEYS = {"tags": ["name"], "schedule_holidays": ["schedule_id", "id"]}


def loaded_keys(pg: Postgres, stream: str) -> list:
    """Each row's primary key, as the emulator's truth spells it."""
    key = KEYS.get(stream, ["id"])
    rows = pg.rows(SCHEMA, stream)
    return [tuple(row[k] for k in key) if len(key) > 1 else row[key[0]] for row in rows]


def select_all_new(project: MeltanoProject) -> None:
    """`meltano select` for one of them (as the README shows), the rest straight in meltano.yml."""
    project.meltano("select", "tap-zendesk-objects", "ticket_metric_events", "*")
    config = yaml.safe_load(project.meltano_yml.read_text())
    tap = next(p for p in config["plugins"]["extractors"] if p["name"] == "tap-zendesk-objects")
    assert "ticket_metric_events.*" in tap["select"]
    tap["select"] += [f"{stream}.*" for stream in MORE_STREAMS if stream != "ticket_metric_events"]
    project.meltano_yml.write_text(yaml.safe_dump(config, sort_keys=False))


def test_the_15_new_collections_load_with_their_primary_keys(
    emulator_factory, postgres: Postgres, meltano_project
) -> None:
    emulator = emulator_factory(scale=0.2, seed=3)
    project: MeltanoProject = meltano_project(env=project_env(emulator, postgres))
    select_all_new(project)

    project.meltano(*RUN)
    assert set(postgres.tables(SCHEMA)) == DEFAULT_STREAMS | set(MORE_STREAMS)
    want = truth(emulator.account, to_epoch(START_DATE), visible_cutoff())
    for stream in MORE_STREAMS:
        assert want[stream], f"the emulator has no {stream}: the test would prove nothing"
        got = loaded_keys(postgres, stream)
        assert len(got) == len(set(got)), f"{stream} holds duplicate keys"
        assert set(got) == set(want[stream]), stream
        # target-postgres lists a key's columns in table order.
        assert sorted(postgres.primary_key(SCHEMA, stream)) == sorted(KEYS.get(stream, ["id"]))

    # The second run adds the new metric events; the lists stay exactly what Zendesk returns.
    before = set(loaded_keys(postgres, "ticket_metric_events"))
    added = new_metric_events(emulator.account, 3)
    project.meltano(*RUN)
    events = set(loaded_keys(postgres, "ticket_metric_events"))
    assert events == before | set(added) and not before & set(added)
    for stream in set(MORE_STREAMS) - {"ticket_metric_events", "user_identities"}:
        assert set(loaded_keys(postgres, stream)) == set(want[stream]), stream
