"""`meltano run` with the four conversation streams selected, into real PostgreSQL."""

from __future__ import annotations

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import RUN, MeltanoProject, project_env
from tests.e2e.warehouse import DEFAULT_STREAMS, SCHEMA, START_DATE
from tests.emulator.conversation_account import CONVERSATION_STREAMS
from tests.postgres import Postgres

CONVERSATIONS = CONVERSATION_STREAMS


def test_the_conversation_streams_load_with_their_primary_keys(
    emulator_factory, postgres: Postgres, meltano_project
) -> None:
    emulator = emulator_factory(scale=0.2, seed=4)
    project: MeltanoProject = meltano_project(env=project_env(emulator, postgres))
    for stream in CONVERSATIONS:  # as the README shows
        project.meltano("select", "tap-zendesk-objects", stream, "*")

    project.meltano(*RUN)
    assert set(postgres.tables(SCHEMA)) == DEFAULT_STREAMS | set(CONVERSATIONS)
    want = emulator.account.conversation_truth(to_epoch(START_DATE))
    for stream in CONVERSATIONS:
        assert want[stream], f"the emulator has no {stream}: the test would prove nothing"
        got = [row["id"] for row in postgres.rows(SCHEMA, stream)]
        assert len(got) == len(set(got)), f"{stream} holds duplicate keys"
        assert set(got) == set(want[stream]), stream
        assert postgres.primary_key(SCHEMA, stream) == ["id"]

    # A scheduled run: new messages land, nothing is duplicated.
    changed = emulator.account.add_conversation_messages(3)
    project.meltano(*RUN)
    rows = postgres.rows(SCHEMA, "conversation_log")
    got = [row["id"] for row in rows]
    assert len(got) == len(set(got))
    logs = {e["id"] for tid in changed for e in emulator.account.conversation_log(tid)}
    assert logs <= set(got)
    assert {row["ticket_id"] for row in rows if row["id"] in logs} == set(changed)
