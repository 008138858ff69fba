"""A local Zendesk Support API emulator over real HTTP (standard library only).

`Emulator(account)` serves the endpoints the tap reads, with Zendesk's pagination styles,
errors, rate limits (optional) and seeded fault injection. Records are serialised once per
version (see `Account.record_json`) and joined, so big export pages are cheap.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import json
import math
import random
import re
import socket
import struct
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.emulator import more_routes
from tests.emulator.account import Account
from tests.emulator.bodies import FORBIDDEN
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET, MISSING_SCOPE, TOKEN_PATH, OAuthIssuer
from tests.emulator.scripted import Scripts
from tests.emulator.zendesk import (
    ADMIN_EMAIL,
    SUBDOMAIN,
    ZENDESK_HOST,
    dumps,
    parse_iso,
    visible_cutoff,
)

EMAIL = ADMIN_EMAIL
API_TOKEN = "emulator-api-token-0123456789abcdef"
ACCESS_TOKEN = "emulator-oauth-access-token-fedcba9876543210"

# Sorted listings kept for paging (per collection, order, filter and collection generation).
MAX_CACHED_LISTINGS = 64
FAULT_KINDS = ("500", "502", "503", "504", "429", "reset", "truncated", "slow")

_NOT_AUTH = {"error": "Couldn't authenticate you"}
_BAD_TOKEN = {
    "error": "invalid_token",
    "error_description": "The access token provided is expired, revoked, malformed or invalid "
    "for other reasons.",
}
_NOT_FOUND = {"error": "InvalidEndpoint", "description": "Not found"}
# Besides the incremental exports, what only admins may call (an agent's token gets 403).
_ADMIN_ONLY = frozenset({"/api/v2/satisfaction_ratings", "/api/v2/audit_logs"})
_NO_HELPDESK = {
    "error": {
        "title": f"No help desk at {SUBDOMAIN}.zendesk.com",
        "message": "There is no help desk configured at this address. This means that the "
        "address is available and that you can claim it at http://www.zendesk.com/signup",
    }
}
_TOO_RECENT = {
    "error": "InvalidValue",
    "description": "Too recent start_time. Use a start_time older than 1 minute",
}
_STATUS_TEXT = {
    500: {"error": "InternalServerError", "description": "Something went wrong"},
    502: {"error": "BadGateway", "description": "Bad gateway"},
    503: {"error": "ServiceUnavailable", "description": "Service temporarily unavailable"},
    504: {"error": "GatewayTimeout", "description": "Gateway timeout"},
}


def config(base_url: str) -> dict[str, str]:
    """A tap config pointing at an emulator."""
    return {"subdomain": SUBDOMAIN, "api_url": base_url, "email": EMAIL, "api_token": API_TOKEN}


class _HTTPError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def _bad_request(detail: str, code: str = "InvalidPaginationParameter") -> _HTTPError:
    return _HTTPError(
        400, {"errors": [{"code": code, "title": "Invalid pagination parameter", "detail": detail}]}
    )


def _invalid_value(detail: str) -> _HTTPError:
    return _HTTPError(400, {"error": "InvalidValue", "description": detail})


def _b64(obj: Any) -> str:
    raw = obj if isinstance(obj, str) else json.dumps(obj, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _unb64(text: str) -> str:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_request("Invalid cursor") from exc


def export_cursor(ts: int, rid: int) -> str:
    """Zendesk's incremental cursor: base64 of ``"<epoch>.0||<id>|"``."""
    return base64.b64encode(f"{ts}.0||{rid}|".encode()).decode()


def parse_export_cursor(cursor: str) -> tuple[int, int]:
    """Inverse of `export_cursor`."""
    text = _unb64(cursor)
    try:
        ts_text, _, rid_text, _ = text.split("|")
        return int(float(ts_text)), int(rid_text)
    except ValueError as exc:
        raise _HTTPError(400, {"error": "InvalidCursor", "description": "Invalid cursor"}) from exc


def page_body(key: str, parts: list[bytes], tail: dict[str, Any]) -> bytes:
    """`{"<key>": [records...], <tail>}` from records already serialised to JSON."""
    return b'{"%s":[' % key.encode() + b",".join(parts) + b"]," + dumps(tail)[1:]


def _scan_export(
    keys: list[tuple[int, int]],
    pos: int,
    per_page: int,
    keep: Callable[[int], bool],
    cut: int,
) -> tuple[list[tuple[int, int]], int]:
    """Up to per_page kept (time, id) keys from pos, none newer than the export cut-off;
    and the position after the last one looked at."""
    page: list[tuple[int, int]] = []
    while pos < len(keys) and len(page) < per_page:
        ts, rid = keys[pos]
        if ts > cut:
            break
        if keep(rid):
            page.append((ts, rid))
        pos += 1
    return page, pos


def _created_between(lo: int | None, hi: int | None) -> Callable[[dict], bool]:
    """A filter on `created_at` within [lo, hi]; an open end when None."""

    def keep(record: dict) -> bool:
        created = parse_iso(record["created_at"])
        return (lo is None or created >= lo) and (hi is None or created <= hi)

    return keep


class _Query:
    def __init__(self, query: str) -> None:
        self.multi = parse_qs(query, keep_blank_values=True)

    def __contains__(self, key: str) -> bool:
        return key in self.multi

    def get(self, key: str, default: str | None = None) -> str | None:
        values = self.multi.get(key)
        return values[-1] if values else default

    def all(self, key: str) -> list[str]:
        return self.multi.get(key, [])

    def int(self, key: str, default: int | None = None) -> int | None:
        value = self.get(key)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError as exc:
            raise _invalid_value(f"{key} must be an integer") from exc


class _Bucket:
    def __init__(self, name: str, header: str | None) -> None:
        self.name, self.header = name, header
        self.window = 0
        self.used = 0

    def state(self, limit: int, now: float, others_per_minute: int = 0) -> tuple[int, int]:
        """(remaining, seconds to reset) of this clock minute's budget.

        `others_per_minute`: requests another integration of the account spends in each
        minute, evenly over it, in the same budget.
        """
        window = int(now // 60)
        if window != self.window:
            self.window, self.used = window, 0
        others = int(others_per_minute * (now - window * 60) / 60)
        reset = max(1, math.ceil((window + 1) * 60 - now))
        return max(0, limit - self.used - others), reset


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
        self._fault_rng = random.Random(fault_seed)
        self._lock = threading.Lock()
        self._listings: dict[tuple, tuple[list[tuple[tuple, int]], list[list]]] = {}
        self._counts: dict[str, int] = {}
        self._statuses: dict[int, int] = {}
        self._buckets = {
            "core": _Bucket("core", None),
            "incremental": _Bucket("incremental", "Zendesk-RateLimit-incremental-exports"),
            "users_cursor": _Bucket("users_cursor", "Zendesk-RateLimit-incremental-exports-cursor"),
        }
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.scripts = Scripts()  # answers chosen by a test (see tests/emulator/scripted.py)
        self._routes: dict[str, Callable[[_Query], Any]] = {
            "/api/v2/users/me": self._users_me,
            "/api/v2/incremental/tickets/cursor": self._tickets_export,
            "/api/v2/incremental/users/cursor": self._users_export,
            "/api/v2/incremental/organizations": self._organizations_export,
            "/api/v2/incremental/ticket_events": self._ticket_events_export,
            "/api/v2/groups": self._groups,
            "/api/v2/group_memberships": self._group_memberships,
            "/api/v2/organization_memberships": self._organization_memberships,
            "/api/v2/skips": self._skips,
            "/api/v2/satisfaction_ratings": self._satisfaction_ratings,
            "/api/v2/activities": self._activities,
            "/api/v2/audit_logs": self._audit_logs,
            "/api/v2/ticket_forms": self._ticket_forms,
            "/api/v2/ticket_fields": self._ticket_fields,
            "/api/v2/user_fields": self._user_fields,
            "/api/v2/organization_fields": self._organization_fields,
        }
        # Paths with an id in them: (pattern, handler(match, query)).
        self._pattern_routes: list[tuple[re.Pattern, Callable[[re.Match, _Query], Any]]] = []
        more_routes.register(self)

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
        return {
            "subdomain": SUBDOMAIN,
            "api_url": self.base_url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }

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

    # ------------------------------------------------------------------ request handling
    def _handle(self, h: _Handler) -> None:
        parts = urlsplit(h.path)
        path = parts.path.rstrip("/")
        if path.endswith(".json") and not path.startswith("/oauth/"):
            path = path[:-5]
        query = _Query(parts.query)
        with self._lock:
            self._counts[path] = self._counts.get(path, 0) + 1
            fault = None
            if self.fault_rate > 0 and self._fault_rng.random() < self.fault_rate:
                fault = self._fault_rng.choice(self.fault_kinds)
        buckets = self._buckets_for(path)
        headers: dict[str, str] = {}
        truncate = False
        try:
            if self.unknown_subdomain:
                raise _HTTPError(404, _NO_HELPDESK)
            if fault == "reset":
                self._reset(h)
                return
            if fault == "slow":
                time.sleep(self.slow_seconds)
            elif fault == "truncated":
                truncate = True
            elif fault == "429":
                retry_after = {"Retry-After": str(self.fault_retry_after)}
                raise _HTTPError(429, self._limit_body(path), retry_after)
            elif fault is not None:
                raise _HTTPError(int(fault), _STATUS_TEXT[int(fault)])
            if h.command == "POST":
                status, body = self._token_endpoint(h, path)
                headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
            else:
                self._authenticate(h, path)
                if self.role == "agent" and (
                    path.startswith("/api/v2/incremental/") or path in _ADMIN_ONLY
                ):
                    raise _HTTPError(403, FORBIDDEN)
                self._consume(buckets, path)
                route = self._routes.get(path) or self._pattern_route(path)
                if route is None:
                    raise _HTTPError(404, _NOT_FOUND)
                status, body, scripted = self.scripts.answer(
                    path, query.multi, lambda: route(query)
                )
                headers.update(scripted)
        except _HTTPError as err:
            status, body = err.status, err.body
            headers.update(err.headers)
        headers.update(self._limit_headers(buckets))
        payload = body if isinstance(body, bytes) else dumps(body)
        self._send(h, status, payload, headers, truncate)

    def _pattern_route(self, path: str) -> Callable[[_Query], Any] | None:
        for pattern, handler in self._pattern_routes:
            match = pattern.fullmatch(path)
            if match:
                return functools.partial(handler, match)
        return None

    def _send(
        self,
        h: _Handler,
        status: int,
        payload: bytes,
        headers: dict[str, str],
        truncate: bool,
    ) -> None:
        with self._lock:
            self._statuses[status] = self._statuses.get(status, 0) + 1
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

    def _reset(self, h: _Handler) -> None:
        with self._lock:
            self._statuses[0] = self._statuses.get(0, 0) + 1
        h.close_connection = True
        with contextlib.suppress(OSError):  # RST instead of a polite FIN
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _token_endpoint(self, h: _Handler, path: str) -> tuple[int, Any]:
        """Only the OAuth token endpoint takes a POST: client auth in its body, no budget."""
        if path != TOKEN_PATH:
            raise _HTTPError(404, _NOT_FOUND)
        return self.oauth.token_response(h.headers.get("Content-Type", ""), h.body)

    def _authenticate(self, h: _Handler, path: str) -> None:
        auth = h.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer":
            token = value.strip()
            verdict = 200 if token == ACCESS_TOKEN else self.oauth.authorize(token, path)
            if verdict == 403:
                raise _HTTPError(403, MISSING_SCOPE)
            if verdict != 200:
                raise _HTTPError(401, _BAD_TOKEN, {"WWW-Authenticate": 'Bearer realm="Zendesk"'})
            return
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            if decoded == f"{EMAIL}/token:{API_TOKEN}":
                return
        raise _HTTPError(401, _NOT_AUTH, {"WWW-Authenticate": 'Basic realm="Web Password"'})

    # --- rate limits
    def _buckets_for(self, path: str) -> list[_Bucket]:
        if path == TOKEN_PATH:
            return []  # Zendesk documents no rate limit for the token endpoint
        buckets = [self._buckets["core"]]
        if path == "/api/v2/incremental/users/cursor":
            buckets.append(self._buckets["users_cursor"])
        elif path.startswith("/api/v2/incremental/"):
            buckets.append(self._buckets["incremental"])
        return buckets

    def _state(self, bucket: _Bucket, now: float) -> tuple[int, int]:
        others = self.other_core_per_minute if bucket.name == "core" else 0
        return bucket.state(self._limit(bucket), now, others)

    def reset_rate_windows(self) -> None:
        """Forget what the current minute's budgets hold, as if the next minute had begun."""
        with self._lock:
            for bucket in self._buckets.values():
                bucket.used = 0

    def _limit(self, bucket: _Bucket) -> int:
        return {
            "core": self.core_per_minute,
            "incremental": self.incremental_per_minute,
            "users_cursor": self.users_cursor_per_minute,
        }[bucket.name]

    @staticmethod
    def _limit_body(path: str) -> dict[str, str]:
        if path.startswith("/api/v2/incremental/"):
            return {
                "error": "APIRateLimitExceeded",
                "description": "Number of allowed incremental export API requests per minute "
                "exceeded",
            }
        return {
            "error": "APIRateLimitExceeded",
            "description": "Number of allowed API requests per minute exceeded",
        }

    def _consume(self, buckets: list[_Bucket], path: str) -> None:
        now = self.rate_clock()
        with self._lock:
            states = [self._state(b, now) for b in buckets]
            if self.rate_limits:
                for (remaining, reset), _b in zip(states, buckets, strict=True):
                    if remaining <= 0:
                        raise _HTTPError(429, self._limit_body(path), {"Retry-After": str(reset)})
            for b in buckets:
                b.used += 1

    def _limit_headers(self, buckets: list[_Bucket]) -> dict[str, str]:
        now = self.rate_clock()
        headers: dict[str, str] = {}
        with self._lock:
            for b in buckets:
                limit = self._limit(b)
                remaining, reset = self._state(b, now)
                if not self.rate_limits:
                    remaining = limit  # limits off: a budget nothing spends
                if b.header is None:
                    headers.update(
                        {
                            "X-Rate-Limit": str(limit),
                            "X-Rate-Limit-Remaining": str(remaining),
                            "ratelimit-limit": str(limit),
                            "ratelimit-remaining": str(remaining),
                            "ratelimit-reset": str(reset),
                            "rate-limit": str(limit),
                            "rate-limit-remaining": str(remaining),
                            "rate-limit-reset": str(reset),
                        }
                    )
                else:
                    headers[b.header] = f"total={limit}; remaining={remaining}; resets={reset}"
        return headers

    # ------------------------------------------------------------------ endpoints
    def _users_me(self, q: _Query) -> Any:
        acc = self.account
        with acc.lock:
            record = acc.record_json("users", acc.admin_id)
        if self.role == "admin":
            return b'{"user":' + record + b"}"
        user = json.loads(record)  # the same person, seen with another role
        user.update(role=self.role, role_type=None, report_csv=False)
        return {"user": user}

    # --- incremental cursor exports
    def _start_time(self, q: _Query) -> int:
        start = q.int("start_time")
        if start is None:
            raise _invalid_value("start_time is required")
        if start > int(time.time()) - 60:
            raise _HTTPError(422, _TOO_RECENT)
        return start

    @staticmethod
    def _per_page(q: _Query) -> int:
        per_page = q.int("per_page", 1000)
        assert per_page is not None
        return max(1, min(1000, per_page))

    def _cursor_export(
        self,
        q: _Query,
        coll: str,
        path: str,
        keep: Callable[[int], bool],
        variant: Callable[[int], bytes],
        sideload: Callable[[list[int]], dict] | None = None,
    ) -> bytes:
        if ("start_time" in q) == ("cursor" in q):
            raise _invalid_value("Send either start_time (first request) or cursor, not both")
        per_page = self._per_page(q)
        acc = self.account
        cut = visible_cutoff()
        with acc.lock:
            keys = acc.sorted_keys(coll)
            if "cursor" in q:
                pos = bisect_right(keys, parse_export_cursor(q.get("cursor") or ""))
            else:
                pos = bisect_left(keys, (self._start_time(q),))
            page, pos = _scan_export(keys, pos, per_page, keep, cut)
            parts = [variant(rid) for _, rid in page]
        extra = {k: v for k, v in q.multi.items() if k not in ("cursor", "start_time")}
        after = export_cursor(*page[-1]) if page else None
        before = export_cursor(*page[0]) if page else None

        def url(cursor: str | None) -> str | None:
            if cursor is None:
                return None
            return f"{ZENDESK_HOST}{path}.json?" + urlencode(
                {**extra, "cursor": [cursor]}, doseq=True
            )

        tail = {
            "after_url": url(after),
            "after_cursor": after,
            "before_url": url(before),
            "before_cursor": before,
            "end_of_stream": len(page) < per_page,
        }
        if sideload is not None:
            tail.update(sideload([rid for _, rid in page]))
        return page_body(coll, parts, tail)

    def _tickets_export(self, q: _Query) -> bytes:
        acc = self.account
        scope = q.get("support_type_scope", "agent")
        if scope not in ("agent", "all", "ai_agent"):
            raise _invalid_value("support_type_scope must be agent, all or ai_agent")
        exclude_deleted = (q.get("exclude_deleted") or "").lower() == "true"
        metric_sets = "metric_sets" in (q.get("include") or "").split(",")
        tickets = acc._data["tickets"]

        def keep(tid: int) -> bool:
            if exclude_deleted and tickets[tid]["status"] == "deleted":
                return False
            ai = tid in acc.ai_ticket_ids
            return scope == "all" or (scope == "ai_agent") == ai

        def variant(tid: int) -> bytes:
            data = acc.record_json("tickets", tid)
            mid = acc.metric_by_ticket.get(tid) if metric_sets else None
            if mid is None:
                return data
            return data[:-1] + b',"metric_set":' + acc.record_json("ticket_metrics", mid) + b"}"

        return self._cursor_export(
            q, "tickets", "/api/v2/incremental/tickets/cursor", keep, variant
        )

    def _users_export(self, q: _Query) -> bytes:
        acc = self.account
        identities = "identities" in (q.get("include") or "").split(",")
        return self._cursor_export(
            q,
            "users",
            "/api/v2/incremental/users/cursor",
            lambda _rid: True,
            lambda rid: acc.record_json("users", rid),
            functools.partial(more_routes.identities_sideload, self) if identities else None,
        )

    # --- incremental time-based exports
    def _time_export(
        self,
        q: _Query,
        coll: str,
        path: str,
        keep: Callable[[int], bool],
        variant: Callable[[int], bytes],
        end_of_stream: bool = True,
    ) -> bytes:
        start = self._start_time(q)
        per_page = self._per_page(q)
        acc = self.account
        cut = visible_cutoff()
        with acc.lock:
            keys = acc.sorted_keys(coll)
            page, pos = _scan_export(keys, bisect_left(keys, (start,)), per_page, keep, cut)
            last_page = len(page) < per_page
            if page:  # extend with every record sharing the last second
                last_ts = page[-1][0]
                while pos < len(keys) and keys[pos][0] == last_ts:
                    if keep(keys[pos][1]):
                        page.append(keys[pos])
                    pos += 1
            parts = [variant(rid) for _, rid in page]
        if not page:
            end_time = start
        elif page[0][0] == page[-1][0]:
            end_time = page[-1][0] + 1
        else:
            end_time = page[-1][0]
        extra = {k: v for k, v in q.multi.items() if k != "start_time"}
        next_page = f"{ZENDESK_HOST}{path}.json?" + urlencode(
            {**extra, "start_time": [str(end_time)]}, doseq=True
        )
        tail = {"next_page": next_page, "count": len(page), "end_time": end_time}
        if end_of_stream:  # the flag, where the export sends one
            tail["end_of_stream"] = last_page
        return page_body(coll, parts, tail)

    def _organizations_export(self, q: _Query) -> bytes:
        acc = self.account
        return self._time_export(
            q,
            "organizations",
            "/api/v2/incremental/organizations",
            lambda _rid: True,
            lambda rid: acc.record_json("organizations", rid),
        )

    def _ticket_events_export(self, q: _Query) -> bytes:
        acc = self.account
        scope = q.get("support_type_scope", "agent")
        if scope not in ("agent", "all", "ai_agent"):
            raise _invalid_value("support_type_scope must be agent, all or ai_agent")
        full = "comment_events" in (q.get("include") or "").split(",")
        events = acc._data["ticket_events"]

        def keep(eid: int) -> bool:
            ai = events[eid]["ticket_id"] in acc.ai_ticket_ids
            return scope == "all" or (scope == "ai_agent") == ai

        return self._time_export(
            q,
            "ticket_events",
            "/api/v2/incremental/ticket_events",
            keep,
            lambda eid: acc.record_json("ticket_events", eid, "" if full else "reduced"),
        )

    # --- lists
    def _list(
        self,
        q: _Query,
        key: str,
        coll: str,
        path: str,
        order: str,
        sort_key: Callable[[dict], tuple],
        keep: Callable[[dict], bool] = lambda _r: True,
        offset: bool = True,
        unpaged_all: bool = False,
        filter_key: tuple = (),
    ) -> bytes:
        acc = self.account
        cursor_mode = any(k in q for k in ("page[size]", "page[after]", "page[before]"))
        with acc.lock:
            rows, keys = self._sorted_rows(coll, order, sort_key, keep, filter_key)
            if cursor_mode:
                return self._cursor_page(q, key, coll, path, order, rows, keys)
            if unpaged_all or not offset:
                parts = [acc.record_json(coll, rid) for _, rid in rows]
                tail = {"next_page": None, "previous_page": None, "count": len(rows)}
                return page_body(key, parts, tail)
            page = q.int("page", 1)
            per_page = q.int("per_page", 100)
            assert page is not None and per_page is not None
            if page < 1 or per_page < 1:
                raise _bad_request("page and per_page must be positive")
            per_page = min(per_page, 100)
            if page * per_page > 10_000:
                raise _bad_request(
                    "Offset pagination is limited to the first 10000 records. Use cursor "
                    "based pagination instead.",
                    "InvalidPaginationDepth",
                )
            chunk = rows[(page - 1) * per_page : page * per_page]
            parts = [acc.record_json(coll, rid) for _, rid in chunk]

        def url(p: int) -> str:
            params = {k: v for k, v in q.multi.items() if k not in ("page", "per_page")}
            params.update({"page": [str(p)], "per_page": [str(per_page)]})
            return f"{ZENDESK_HOST}{path}.json?" + urlencode(params, doseq=True)

        tail = {
            "next_page": url(page + 1) if page * per_page < len(rows) else None,
            "previous_page": url(page - 1) if page > 1 else None,
            "count": len(rows),
        }
        return page_body(key, parts, tail)

    def _sorted_rows(
        self,
        coll: str,
        order: str,
        sort_key: Callable[[dict], tuple],
        keep: Callable[[dict], bool],
        filter_key: tuple,
    ) -> tuple[list[tuple[tuple, int]], list[list]]:
        """(sort key, id) of the kept records in order, and their keys as cursor lists.

        Cached per collection generation, so paging through a list sorts it once, as a
        database index would; any change to the collection makes a fresh listing.
        """
        acc = self.account
        cache_key = (coll, order, filter_key, acc.generation.get(coll, 0))
        cached = self._listings.get(cache_key)
        if cached is None:
            rows = sorted(
                ((sort_key(r), rid) for rid, r in acc._data[coll].items() if keep(r)),
                key=lambda kr: kr[0],
            )
            cached = (rows, [list(k) for k, _ in rows])
            if len(self._listings) >= MAX_CACHED_LISTINGS:
                self._listings.clear()
            self._listings[cache_key] = cached
        return cached

    def _cursor_page(
        self,
        q: _Query,
        key: str,
        coll: str,
        path: str,
        order: str,
        rows: list[tuple[tuple, int]],
        keys: list[list],
    ) -> bytes:
        size_text = q.get("page[size]", "100") or "100"
        try:
            size = int(size_text)
        except ValueError as exc:
            raise _bad_request("page[size] must be an integer") from exc
        if not 1 <= size <= 100:
            raise _bad_request("page[size] must be between 1 and 100")

        def decode(cursor: str) -> list:
            try:
                data = json.loads(_unb64(cursor))
                if data.get("o") != order:
                    raise ValueError(order)
                return list(data["v"])
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise _bad_request("Invalid page[after] / page[before] cursor") from exc

        if "page[before]" in q:
            end = bisect_left(keys, decode(q.get("page[before]") or ""))
            begin = max(0, end - size)
            has_more = begin > 0
        else:
            begin = (
                bisect_right(keys, decode(q.get("page[after]") or "")) if "page[after]" in q else 0
            )
            end = min(len(rows), begin + size)
            has_more = end < len(rows)
        chunk = rows[begin:end]
        parts = [self.account.record_json(coll, rid) for _, rid in chunk]
        after = _b64({"o": order, "v": list(chunk[-1][0])}) if chunk else None
        before = _b64({"o": order, "v": list(chunk[0][0])}) if chunk else None
        params = {k: v for k, v in q.multi.items() if not k.startswith("page[")}

        def link(name: str, cursor: str | None) -> str | None:
            if cursor is None:
                return None
            p = {**params, "page[size]": [str(size)], name: [cursor]}
            return f"{ZENDESK_HOST}{path}.json?" + urlencode(p, doseq=True)

        tail = {
            "meta": {"has_more": has_more, "after_cursor": after, "before_cursor": before},
            "links": {"next": link("page[after]", after), "prev": link("page[before]", before)},
        }
        return page_body(key, parts, tail)

    def _by_id(self, q: _Query, coll: str, key: str | None = None) -> bytes:
        path = "/api/v2/" + (key or coll)
        return self._list(q, key or coll, coll, path, "id", lambda r: (r["id"],))

    def _groups(self, q: _Query) -> bytes:
        # Zendesk leaves deleted groups out unless asked with exclude_deleted=false.
        with_deleted = (q.get("exclude_deleted") or "").lower() == "false"
        return self._list(
            q,
            "groups",
            "groups",
            "/api/v2/groups",
            "name,id",
            lambda r: (r["name"], r["id"]),
            lambda r: with_deleted or not r["deleted"],
            filter_key=(with_deleted,),
        )

    def _group_memberships(self, q: _Query) -> bytes:
        return self._by_id(q, "group_memberships")

    def _organization_memberships(self, q: _Query) -> bytes:
        return self._by_id(q, "organization_memberships")

    def _skips(self, q: _Query) -> bytes:
        desc = q.get("sort_order") == "desc"
        return self._list(
            q,
            "skips",
            "ticket_skips",
            "/api/v2/skips",
            "-id" if desc else "id",
            (lambda r: (-r["id"],)) if desc else (lambda r: (r["id"],)),
        )

    def _satisfaction_ratings(self, q: _Query) -> bytes:
        start, end = q.int("start_time"), q.int("end_time")
        sort = q.get("sort", "id") or "id"
        field = sort.lstrip("-")
        if field not in ("id", "created_at", "updated_at"):
            raise _invalid_value("sort must be id, created_at or updated_at (optionally -)")
        sign = -1 if sort.startswith("-") else 1

        def sort_key(r: dict) -> tuple:
            if field == "id":
                return (sign * r["id"],)
            return (sign * parse_iso(r[field]), sign * r["id"])

        return self._list(
            q,
            "satisfaction_ratings",
            "satisfaction_ratings",
            "/api/v2/satisfaction_ratings",
            sort,
            sort_key,
            _created_between(start, end),
            filter_key=(start, end),
        )

    def _activities(self, q: _Query) -> bytes:
        since_text = q.get("since")
        since = None
        if since_text:
            try:
                since = parse_iso(since_text)
            except ValueError as exc:
                raise _invalid_value("since must be an ISO-8601 time") from exc
        return self._list(
            q,
            "activities",
            "activities",
            "/api/v2/activities",
            "id",
            lambda r: (r["id"],),
            lambda r: since is None or parse_iso(r["created_at"]) >= since,
            filter_key=(since,),
        )

    def _audit_logs(self, q: _Query) -> bytes:
        if not self.enterprise:
            raise _HTTPError(403, FORBIDDEN)
        bounds = q.all("filter[created_at][]") or q.all("filter[created_at]")
        try:
            lo = parse_iso(bounds[0]) if bounds else None
            hi = parse_iso(bounds[1]) if len(bounds) > 1 else None
        except ValueError as exc:
            raise _invalid_value("filter[created_at] must be ISO-8601 times") from exc
        sort = q.get("sort", "-created_at") or "-created_at"
        if sort not in ("created_at", "-created_at"):
            raise _invalid_value("sort must be created_at or -created_at")
        sign = 1 if sort == "created_at" else -1

        return self._list(
            q,
            "audit_logs",
            "audit_logs",
            "/api/v2/audit_logs",
            sort + ",id",
            lambda r: (sign * parse_iso(r["created_at"]), sign * r["id"]),
            _created_between(lo, hi),
            filter_key=(lo, hi),
        )

    def _ticket_forms(self, q: _Query) -> bytes:
        if not self.enterprise:
            raise _HTTPError(404, {"error": "RecordNotFound", "description": "Not found"})
        paged = any(k in q for k in ("page", "per_page", "page[size]", "page[after]"))
        return self._list(
            q,
            "ticket_forms",
            "ticket_forms",
            "/api/v2/ticket_forms",
            "position,id",
            lambda r: (r["position"], r["id"]),
            unpaged_all=not paged,
        )

    def _ticket_fields(self, q: _Query) -> bytes:
        cursor_mode = any(k in q for k in ("page[size]", "page[after]", "page[before]"))
        if cursor_mode:
            return self._list(
                q,
                "ticket_fields",
                "ticket_fields",
                "/api/v2/ticket_fields",
                "id",
                lambda r: (r["id"],),
            )
        return self._list(
            q,
            "ticket_fields",
            "ticket_fields",
            "/api/v2/ticket_fields",
            "position,id",
            lambda r: (r["position"], r["id"]),
            offset=False,
        )

    def _user_fields(self, q: _Query) -> bytes:
        return self._fields(q, "user_fields")

    def _organization_fields(self, q: _Query) -> bytes:
        return self._fields(q, "organization_fields")

    def _fields(self, q: _Query, coll: str) -> bytes:
        cursor_mode = any(k in q for k in ("page[size]", "page[after]", "page[before]"))
        if cursor_mode:
            return self._by_id(q, coll)
        return self._list(
            q, coll, coll, f"/api/v2/{coll}", "position,id", lambda r: (r["position"], r["id"])
        )
