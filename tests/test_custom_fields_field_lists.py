"""Custom fields when the field lists go wrong: refused (403) or changed after the catalog was
made, through a proxy in front of the emulator; and not read when no custom column is wanted.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.custom_fields_expected import (
    BAD,
    FIELD_LISTS,
    STREAMS,
    custom_columns,
    expected_value,
    tap_config,
)
from tests.singer import TAP, discover, run_tap, select

# A proxy in front of the emulator, to refuse or change the field lists --------------------

Rewrite = Callable[[str, int, bytes], tuple[int, bytes]]


FORBIDDEN = json.dumps(
    {"error": {"title": "Forbidden", "message": "Access to this resource is restricted."}}
).encode()


@contextmanager
def proxy(upstream: str, rewrite: Rewrite) -> Iterator[str]:
    """An HTTP server that forwards GETs to `upstream`, letting `rewrite` change answers."""
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                conn.request("GET", self.path, headers=headers)
                response = conn.getresponse()
                status, body = response.status, response.read()
            finally:
                conn.close()
            path = urlsplit(self.path).path.removesuffix(".json")
            status, body = rewrite(path, status, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def refuse_field_lists(path: str, status: int, body: bytes) -> tuple[int, bytes]:
    return (403, FORBIDDEN) if path in FIELD_LISTS else (status, body)


def test_403_on_the_field_lists_gives_the_standard_schema_and_a_warning(emulator, tmp_path):
    with proxy(emulator.base_url, refuse_field_lists) as url:
        config = tap_config({**emulator.config(), "api_url": url})
        args = [*TAP, "--config", str(_write(tmp_path / "c.json", config)), "--discover"]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    streams = {e["tap_stream_id"]: e for e in json.loads(proc.stdout)["streams"]}
    for stream in STREAMS:
        assert custom_columns(streams[stream]["schema"], stream) == {}
    assert len(re.findall(r"custom \w+ fields not read: .*403", proc.stderr)) == 3


def test_403_on_the_field_lists_during_a_catalog_run_is_a_warning(emulator, tmp_path):
    config = tap_config(emulator.config())
    catalog = select(discover(tmp_path, config), set(STREAMS))
    with proxy(emulator.base_url, refuse_field_lists) as url:
        result = run_tap(tmp_path, {**config, "api_url": url}, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "custom ticket fields not read" in result.stderr
    tickets = result.records("tickets")
    assert tickets and all(t["custom_seats"] is None for t in tickets)
    # users and organizations map by key, without their field lists
    assert any(u["custom_user_text"] is not None for u in result.records("users"))


def test_a_field_deactivated_or_deleted_after_the_catalog_was_made(emulator, tmp_path):
    config = tap_config(emulator.config())
    catalog = select(discover(tmp_path, config), set(STREAMS))
    account = emulator.account
    by_title = {row["title"]: row["id"] for row in account.records("ticket_fields")}
    deactivated, deleted = by_title["Seats"], by_title["Card"]

    def change(path: str, status: int, body: bytes) -> tuple[int, bytes]:
        if path not in FIELD_LISTS or status != 200:
            return status, body
        data = json.loads(body)
        rows = next(v for v in data.values() if isinstance(v, list))
        for row in rows:
            if row["id"] == deactivated or row.get("key") == "user_integer":
                row["active"] = False
        rows[:] = [row for row in rows if row["id"] != deleted]
        return status, json.dumps(data).encode()

    with proxy(emulator.base_url, change) as url:
        proxied = {**config, "api_url": url}
        result = run_tap(tmp_path, proxied, catalog=catalog)
        rediscovered = discover(tmp_path, proxied)
    assert result.returncode == 0, result.stderr[-2000:]
    tickets = result.records("tickets")
    truth = account.truth_custom_values("tickets")
    assert any(t["custom_seats"] is not None for t in tickets), "still mapped by id"
    assert all(
        t["custom_seats"] == expected_value("integer", truth[t["id"]][deactivated])
        or expected_value("integer", truth[t["id"]][deactivated]) is BAD
        for t in tickets
    )
    assert all(t["custom_card"] is None for t in tickets)
    assert "custom_card of the catalog match no current Zendesk field" in result.stderr
    users = result.records("users")
    assert any(u["custom_user_integer"] is not None for u in users)
    entry = next(e for e in rediscovered["streams"] if e["tap_stream_id"] == "tickets")
    names = set(custom_columns(entry["schema"], "tickets"))
    assert "custom_seats" not in names and "custom_card" not in names
    assert "custom_order_number" in names


def _write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path


def test_no_field_list_is_read_when_the_catalog_wants_no_custom_column(emulator, tmp_path):
    config = tap_config(emulator.config())
    catalog = select(discover(tmp_path, config), set(STREAMS))
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            crumb = metadata["breadcrumb"]
            if crumb and crumb[-1].startswith("custom_") and crumb[-1] != "custom_fields":
                metadata["metadata"]["selected"] = crumb[-1] == "custom_user_text"
    emulator.reset_counts()
    result = run_tap(tmp_path, config, catalog=catalog)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not FIELD_LISTS & set(emulator.request_counts())
    ticket = result.records("tickets")[0]
    assert "custom_seats" not in ticket and "custom_fields" in ticket
    users = result.records("users")
    assert "custom_user_integer" not in users[0]
    assert any(u["custom_user_text"] is not None for u in users)
