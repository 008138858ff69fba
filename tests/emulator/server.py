"""A local Zendesk Support API emulator over real HTTP (standard library only): its core.

`Emulator(account)` serves the endpoints the tap reads, with Zendesk's pagination styles,
errors, rate limits (optional) and seeded fault injection. Records are serialised once per
version (see `Account.record_json`) and joined, so big export pages are cheap.

This module runs the server and takes each request through the others, in order: faults
(server_faults.py), authentication (server_auth.py), rate limits (server_rates.py), then the
route: users/me and lists (server_lists.py, paged by server_paging.py), incremental exports
(server_exports.py), the 15 further collections (more_routes.py), messaging conversation logs
and updated CSAT (conversation_routes.py), side conversations (side_conversation_routes.py),
the Help Center and community (help_center_routes.py, on a budget of their own instead of
Core) and custom objects (custom_object_routes.py), or a test's script (scripted.py).
Short per-item lists (comments, votes, fields) page by server_item_paging.py.
"""

from __future__ import annotations

import contextlib
import functools
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from tests.emulator import (
    conversation_routes,
    custom_object_routes,
    help_center_routes,
    more_routes,
    server_exports,
    server_lists,
    side_conversation_routes,
)
from tests.emulator.account import Account
from tests.emulator.bodies import INVALID_ENDPOINT
from tests.emulator.oauth import OAuthIssuer
from tests.emulator.scripted import Scripts
from tests.emulator.server_auth import (
    authenticate,
    authorize_role,
    config,
    oauth_config,
    token_endpoint,
)
from tests.emulator.server_faults import FAULT_KINDS, Faults, reset_connection
from tests.emulator.server_paging import Lists
from tests.emulator.server_rates import RateLimits
from tests.emulator.server_request import HTTPError, Query, Route
from tests.emulator.zendesk import SUBDOMAIN, dumps

_NO_HELPDESK = {
    "error": {
        "title": f"No help desk at {SUBDOMAIN}.zendesk.com",
        "message": "There is no help desk configured at this address. This means that the "
        "address is available and that you can claim it at http://www.zendesk.com/signup",
    }
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EmulatedZendesk/1.0"
    timeout = 60  # idle keep-alive connections end after this
    body = b""  # a POST's request body
    max_body = 1 << 20

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and the
        # client's delayed ACK stall every response by ~40 ms, as no real server would.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.connections.add(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.connections.discard(self.connection)  # type: ignore[attr-defined]

    def do_GET(self) -> None:
        self.server.emulator._handle(self)  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= self.max_body:
            self.close_connection = True  # the body cannot be skipped safely
            length = 0
        self.body = self.rfile.read(length) if length else b""
        self.server.emulator._handle(self)  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        super().__init__(addr, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-answer are normal here


class Emulator:
    """The HTTP server. Attributes may be changed while it runs."""

    def __init__(
        self,
        account: Account,
        *,
        port: int = 0,
        enterprise: bool = True,
        rate_limits: bool = False,
        core_per_minute: int = 200,
        incremental_per_minute: int = 10,
        users_cursor_per_minute: int = 20,
        fault_rate: float = 0.0,
        fault_seed: int = 1,
        slow_seconds: float = 2.0,
        unknown_subdomain: bool = False,
        fault_kinds: Sequence[str] = FAULT_KINDS,
        role: str = "admin",
        token_lifetime: float | None = None,
        other_core_per_minute: int = 0,
        fault_retry_after: int = 1,
    ) -> None:
        self.account = account
        self.port = port
        self.enterprise = enterprise
        self.rate_limits = rate_limits
        self.core_per_minute = core_per_minute
        self.incremental_per_minute = incremental_per_minute
        self.users_cursor_per_minute = users_cursor_per_minute
        # Another integration of the account spending this many Core requests a minute
        # (evenly): the headers report it, and with rate limits on it leaves the tap less.
        self.other_core_per_minute = other_core_per_minute
        self.fault_rate = fault_rate
        self.fault_retry_after = fault_retry_after  # Retry-After of an injected 429
        self.slow_seconds = slow_seconds
        self.unknown_subdomain = unknown_subdomain
        self.role = role  # "agent": the credentials are an agent's, not an admin's
        # OAuth token endpoint and issued tokens; token_lifetime overrides their lifetime (s)
        self.oauth = OAuthIssuer(token_lifetime=token_lifetime)
        self.fault_kinds = tuple(fault_kinds)
        # The clock the rate windows (clock minutes) are counted on: tests may freeze it.
        self.rate_clock: Callable[[], float] = time.time
        self.faults = Faults(self, fault_seed)
        self.rates = RateLimits(self)
        self.lists = Lists(self)  # list pages, with their cache of sorted listings
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._statuses: dict[int, int] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.scripts = Scripts()  # answers chosen by a test (see tests/emulator/scripted.py)
        self._routes: dict[str, Route] = {}
        # Paths with an id in them: (pattern, handler(match, query)).
        self._pattern_routes: list[tuple[re.Pattern, Callable[[re.Match, Query], Any]]] = []
        server_lists.register(self)
        server_exports.register(self)
        more_routes.register(self)
        conversation_routes.register(self)
        side_conversation_routes.register(self)
        help_center_routes.register(self)
        custom_object_routes.register(self)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Emulator:
        """Bind 127.0.0.1 and serve in a background thread."""
        self._server = _Server(("127.0.0.1", self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        for conn in list(server.connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> dict[str, str]:
        """A tap config for this emulator."""
        return config(self.base_url)

    def oauth_config(self) -> dict[str, str]:
        """A tap config for this emulator's OAuth client: client credentials alone."""
        return oauth_config(self.base_url)

    # ------------------------------------------------------------------ accounting
    def request_counts(self) -> dict[str, int]:
        """Requests per normalised endpoint path, faulted and refused ones included."""
        with self._lock:
            return dict(self._counts)

    def status_counts(self) -> dict[int, int]:
        """Responses per HTTP status (0 = connection reset without an answer)."""
        with self._lock:
            return dict(self._statuses)

    def reset_counts(self) -> None:
        """Forget request and status counts."""
        with self._lock:
            self._counts.clear()
            self._statuses.clear()

    def reset_rate_windows(self) -> None:
        """Forget what the current minute's budgets hold, as if the next minute had begun."""
        self.rates.reset_windows()

    # ------------------------------------------------------------------ request handling
    def _handle(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        path = parts.path.rstrip("/")
        if path.endswith(".json") and not path.startswith("/oauth/"):
            path = path[:-5]
        query = Query(parts.query)
        with self._lock:
            self._counts[path] = self._counts.get(path, 0) + 1
        fault = self.faults.draw()
        buckets = self.rates.for_path(path)
        headers: dict[str, str] = {}
        truncate = False
        try:
            if self.unknown_subdomain:
                raise HTTPError(404, _NO_HELPDESK)
            if fault == "reset":
                self._count_status(0)
                reset_connection(h)
                return
            truncate = self.faults.inject(fault, path)
            if h.command == "POST":
                status, body = token_endpoint(
                    self.oauth, path, h.headers.get("Content-Type", ""), h.body
                )
                headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
            else:
                authenticate(self.oauth, h.headers.get("Authorization", ""), path)
                authorize_role(self.role, path)
                self.rates.consume(buckets, path)
                route = self._routes.get(path) or self._pattern_route(path)
                if route is None:
                    raise HTTPError(404, INVALID_ENDPOINT)
                status, body, scripted = self.scripts.answer(
                    path, query.multi, lambda: route(query)
                )
                headers.update(scripted)
        except HTTPError as err:
            status, body = err.status, err.body
            headers.update(err.headers)
        headers.update(self.rates.headers(buckets))
        payload = body if isinstance(body, bytes) else dumps(body)
        self._send(h, status, payload, headers, truncate)

    def _pattern_route(self, path: str) -> Route | None:
        for pattern, handler in self._pattern_routes:
            match = pattern.fullmatch(path)
            if match:
                return functools.partial(handler, match)
        return None

    def _count_status(self, status: int) -> None:
        with self._lock:
            self._statuses[status] = self._statuses.get(status, 0) + 1

    def _send(
        self,
        h: _Handler,
        status: int,
        payload: bytes,
        headers: dict[str, str],
        truncate: bool,
    ) -> None:
        self._count_status(status)
        h.send_response(status)
        h.send_header("Content-Type", "application/json; charset=utf-8")
        h.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            h.send_header(key, value)
        if truncate:
            h.send_header("Connection", "close")
        h.end_headers()
        try:
            if truncate:
                h.wfile.write(payload[: len(payload) // 2])
                h.wfile.flush()
                h.close_connection = True
            else:
                h.wfile.write(payload)
        except OSError:
            h.close_connection = True
