"""`meltano run` with OAuth: Meltano writes the tap's config anew for every run, so a rotated
refresh token must outlive the run somewhere else (the tap's token file)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tap_zendesk_objects.timeutil import to_epoch
from tests.e2e.project import RUN, tap_env
from tests.e2e.warehouse import START_DATE, ids_of
from tests.emulator.account import Account
from tests.emulator.server import Emulator
from tests.singer import FAST_RATES

STREAMS = ("tickets", "users", "groups")


def test_refresh_grant_chain_survives_meltano_runs(tmp_path: Path, postgres, meltano_project):
    with Emulator(Account(scale=0.2, seed=1)) as emulator:
        settings = {
            **emulator.oauth_config(),
            "refresh_token": emulator.oauth.issue_refresh_token("read"),
            **FAST_RATES,
            "start_date": START_DATE,
        }
        state_home = tmp_path / "state-home"  # where the default token file goes
        project = meltano_project(
            env={
                **tap_env(settings),
                "XDG_STATE_HOME": str(state_home),
                "TARGET_POSTGRES_SQLALCHEMY_URL": postgres.sqlalchemy_url,
            }
        )
        # The same settings every time, as a scheduler runs the job: each run rotates the
        # chain (discovery and the sync each refresh once) and the next goes on from the file.
        for _ in range(3):
            project.meltano(*RUN)
        files = list((state_home / "tap-zendesk-objects").glob("refresh-token-*.json"))
        assert len(files) == 1, files
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        kept = json.loads(files[0].read_text())["refresh_token"]
        assert emulator.oauth.live_refresh_tokens() == {kept}, "the file holds the newest token"
        assert emulator.oauth.token_requests().get("refresh_token", 0) >= 3
        truth = emulator.account.truth(to_epoch(START_DATE))
    for stream in STREAMS:
        assert truth[stream], f"the emulator has no {stream}: the test would prove nothing"
        assert ids_of(postgres, stream) == set(truth[stream]), stream
