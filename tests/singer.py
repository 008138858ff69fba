"""Run the tap as users do (its console script) and read the Singer messages it writes."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema.validators import validator_for

from tap_zendesk_objects.auth.masking import shows_secret

TAP = [sys.executable, "-m", "tap_zendesk_objects"]
# How the tap starts its one error line on stderr (cli/main.py).
ERROR_PREFIX = "tap-zendesk-objects: error: "
# The stderr of every tap run made through this module in this test process (one pytest-xdist
# worker's share of the session): the secret scan of tests/test_resilience.py reads it, and
# every run, on every worker, is checked as it ends (`record_stderr`).
TAP_STDERR: list[str] = []
# Limits that never slow a test down when the emulator's own limits are off.
FAST_RATES = {
    "max_requests_per_minute": 1_000_000,
    "incremental_requests_per_minute": 1_000_000,
    "users_export_requests_per_minute": 1_000_000,
    "conversation_log_requests_per_minute": 1_000_000,
    "side_conversation_events_requests_per_10_minutes": 1_000_000,
    "help_center_requests_per_minute": 1_000_000,
}


@dataclass
class SyncResult:
    """What one tap run wrote."""

    returncode: int
    stderr: str
    messages: list[dict[str, Any]] = field(default_factory=list)

    def records(self, stream: str) -> list[dict[str, Any]]:
        """RECORD payloads of one stream, in order."""
        return [
            m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream
        ]

    def ids(self, stream: str) -> set[int]:
        """Distinct record ids of one stream."""
        return {record["id"] for record in self.records(stream)}

    def streams(self) -> set[str]:
        """Streams that had at least one RECORD."""
        return {m["stream"] for m in self.messages if m["type"] == "RECORD"}

    def of_type(self, kind: str, stream: str | None = None) -> list[dict[str, Any]]:
        """Messages of one type (SCHEMA, STATE, ACTIVATE_VERSION...), optionally of one stream."""
        return [
            m
            for m in self.messages
            if m["type"] == kind and (stream is None or m.get("stream") == stream)
        ]

    @property
    def final_state(self) -> dict[str, Any]:
        """The last STATE message's value."""
        states = self.of_type("STATE")
        return states[-1]["value"] if states else {}


def write_json(path: Path, value: Any) -> Path:
    """Write `value` as JSON and return the path."""
    path.write_text(json.dumps(value))
    return path


def run_tap(
    tmp_path: Path,
    config: dict[str, Any],
    *,
    catalog: dict | None = None,
    state: dict | None = None,
    extra_args: list[str] | None = None,
    timeout: float = 900,
) -> SyncResult:
    """Run `tap-zendesk-objects --config ... [--catalog ...] [--state ...]` and parse stdout."""
    args = [*TAP, "--config", str(write_json(tmp_path / "config.json", config))]
    if catalog is not None:
        args += ["--catalog", str(write_json(tmp_path / "catalog.json", catalog))]
    if state is not None:
        args += ["--state", str(write_json(tmp_path / "state.json", state))]
    args += extra_args or []
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    record_stderr(proc.stderr, config)
    messages = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    violations = schema_violations(messages)
    assert not violations, f"{len(violations)} RECORDs violate their SCHEMA: {violations[:5]}"
    return SyncResult(proc.returncode, proc.stderr, messages)


def error_line(result: SyncResult) -> str:
    """The one error line, after checking the run failed cleanly."""
    assert result.returncode != 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    assert "Config validation failed" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    assert len(lines) == 1, result.stderr[-4000:]
    return lines[0].removeprefix(ERROR_PREFIX)


def schema_violations(messages: list[dict[str, Any]]) -> list[str]:
    """Every RECORD checked against the last SCHEMA of its stream (jsonschema)."""
    validators: dict[str, Any] = {}
    found: list[str] = []
    for message in messages:
        stream = message.get("stream")
        if message["type"] == "SCHEMA":
            schema = message["schema"]
            validators[stream] = validator_for(schema)(schema)
        elif message["type"] == "RECORD":
            validator = validators.get(stream)
            if validator is None:
                found.append(f"{stream}: a RECORD before any SCHEMA")
            elif not validator.is_valid(message["record"]):
                error = next(iter(validator.iter_errors(message["record"])))
                found.append(f"{stream} id {message['record'].get('id')}: {error.message}")
    return found


def discover(tmp_path: Path, config: dict[str, Any]) -> dict[str, Any]:
    """The catalog `--discover` prints."""
    args = [*TAP, "--config", str(write_json(tmp_path / "config.json", config)), "--discover"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    record_stderr(proc.stderr, config)
    proc.check_returncode()
    return json.loads(proc.stdout)


SECRET_KEYS = ("access_token", "api_token", "client_secret", "refresh_token")


def secrets_of(config: dict[str, Any] | None = None) -> set[str]:
    """The emulator's credentials, every OAuth token its emulators issued in this session, and
    the config's own secrets: none may ever reach the tap's logs."""
    from tests.emulator.oauth import CLIENT_SECRET, tokens_issued_in_session
    from tests.emulator.server_auth import ACCESS_TOKEN, API_TOKEN

    found = {ACCESS_TOKEN, API_TOKEN, CLIENT_SECRET, *tokens_issued_in_session()}
    for key in SECRET_KEYS:
        if config and isinstance(config.get(key), str) and config[key]:
            found.add(config[key])
    return found


def shown_secrets(text: str, config: dict[str, Any] | None = None) -> list[str]:
    """The secrets `text` shows, as the tap masks them (a short one as a whole token)."""
    return [secret for secret in secrets_of(config) if shows_secret(text, secret)]


def record_stderr(stderr: str, config: dict[str, Any] | None = None) -> None:
    """Keep a run's stderr for the session-wide scan, and fail at once if it shows a secret."""
    TAP_STDERR.append(stderr)
    leaked = shown_secrets(stderr, config)
    assert not leaked, f"the tap's stderr shows a credential ({len(leaked)} found)"


def select(catalog: dict[str, Any], streams: set[str] | None = None) -> dict[str, Any]:
    """Select the named streams (all when None) and deselect the rest, in place."""
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = streams is None or entry["stream"] in streams
    return catalog
