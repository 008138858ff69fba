"""Zendesk's OAuth token endpoint for the emulator: `POST /oauth/tokens` (host root).

One confidential client (`CLIENT_ID`, `CLIENT_SECRET`) may use two grants:

- ``client_credentials``: an access token, no refresh token; earlier ones stay valid until
  they expire.
- ``refresh_token``: single-use refresh tokens that rotate. A refresh kills the refresh token
  used and the access token issued with it, and answers a new pair.

The body must be JSON. Access tokens live `token_lifetime` seconds when set (a test override),
else the request's ``expires_in`` (more than 300, less than 172800), else 1800. Refresh tokens
live ``refresh_token_expires_in`` (more than 604800, less than 7776000), default 30 days.
Error bodies follow RFC 6749 (``error`` + ``error_description``), as Zendesk's do.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TOKEN_PATH = "/oauth/tokens"
CLIENT_ID = "tap-zendesk-objects-emulator"
CLIENT_SECRET = "emulator-oauth-client-secret-5e2b9c1d7f"

_RESOURCES_RW = (
    "tickets",
    "users",
    "organizations",
    "hc",
    "apps",
    "triggers",
    "automations",
    "targets",
    "webhooks",
    "macros",
    "requests",
    "satisfaction_ratings",
    "dynamic_content",
)
# The client's allowed scopes: read, write and the resource scopes (auditlogs is read only).
ALLOWED_SCOPES = frozenset(
    {"read", "write", "auditlogs:read"}
    | {f"{r}:{a}" for r in _RESOURCES_RW for a in ("read", "write")}
)
DEFAULT_SCOPE = "read write"  # what a request without `scope` gets

# Every access and refresh token any issuer of this process made: the tests' secret scan
# (tests/singer.py `secrets_of`) looks for each of them in every tap log.
_SESSION_TOKENS: set[str] = set()
_SESSION_LOCK = threading.Lock()


def tokens_issued_in_session() -> set[str]:
    """Every access and refresh token the emulators of this process issued so far."""
    with _SESSION_LOCK:
        return set(_SESSION_TOKENS)


def _remember(token: str) -> str:
    with _SESSION_LOCK:
        _SESSION_TOKENS.add(token)
    return token


DEFAULT_LIFETIME = 1800.0
MIN_EXPIRES_IN, MAX_EXPIRES_IN = 300, 172_800  # both exclusive
REFRESH_LIFETIME = 2_592_000
MIN_REFRESH_EXPIRES_IN, MAX_REFRESH_EXPIRES_IN = 604_800, 7_776_000  # both exclusive

# Which API paths a resource scope reaches (the path itself or below it); others need "read".
_SCOPE_PATHS = {
    "tickets:read": ("/api/v2/tickets", "/api/v2/incremental/tickets"),
    "users:read": ("/api/v2/users", "/api/v2/incremental/users"),
    "organizations:read": ("/api/v2/organizations", "/api/v2/incremental/organizations"),
    "satisfaction_ratings:read": ("/api/v2/satisfaction_ratings",),
    "auditlogs:read": ("/api/v2/audit_logs",),
    "hc:read": ("/api/v2/help_center", "/api/v2/community"),
}

MISSING_SCOPE = {
    "error": "Forbidden",
    "description": "You are missing the following required scopes: read",
}
_INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
_INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
_INVALID_SCOPE = "The requested scope is invalid, unknown, or malformed."
_UNSUPPORTED_GRANT = "The authorization grant type is not supported by the authorization server."


class TokenError(Exception):
    """A refused token request: its HTTP status and RFC 6749 error body."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(error)
        self.status = status
        self.body = {"error": error, "error_description": description}


def _invalid_request(detail: str) -> TokenError:
    return TokenError(400, "invalid_request", detail)


@dataclass
class _Access:
    scopes: frozenset[str]
    expires_at: float
    revoked: bool = False


@dataclass
class _Refresh:
    client_id: str
    scope: str
    expires_at: float
    access_token: str | None = None
    used: bool = False


def _scopes(text: str) -> list[str]:
    """The scope words in order, duplicates dropped."""
    return list(dict.fromkeys(text.split()))


def _seconds(params: dict[str, Any], key: str, low: int, high: int) -> int | None:
    """An optional integer parameter strictly between low and high (a digit string too)."""
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low < value < high:
        raise _invalid_request(f"{key} must be an integer more than {low} and less than {high}.")
    return value


class OAuthIssuer:
    """Issues, rotates, expires and checks OAuth tokens; thread-safe.

    `clock` (seconds, monotonic by default) decides every expiry, so tests can inject one.
    `token_lifetime`, when not None, overrides every new access token's lifetime (seconds).
    `dead_on_arrival`, when True, makes every new access token answer 401 invalid_token from
    its first use (a token Zendesk keeps refusing, whatever the refresh).
    """

    def __init__(
        self,
        *,
        token_lifetime: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_lifetime = token_lifetime
        self.clock = clock
        self.dead_on_arrival = False
        self._lock = threading.Lock()
        self._access: dict[str, _Access] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._requests: dict[str, int] = {}

    # ------------------------------------------------------------------ test helpers
    def issue_refresh_token(self, scope: str = "read") -> str:
        """A fresh refresh token (30 days), as after an admin's authorization-code grant."""
        words = _scopes(scope)
        if not words or not set(words) <= ALLOWED_SCOPES:
            raise ValueError(f"scope outside the client's allowed scopes: {scope!r}")
        token = _remember(secrets.token_urlsafe(48))
        with self._lock:
            self._refresh[token] = _Refresh(
                CLIENT_ID, " ".join(words), self.clock() + REFRESH_LIFETIME
            )
        return token

    def revoke_access_tokens(self) -> None:
        """Every access token issued so far stops working at once (401 invalid_token)."""
        with self._lock:
            for access in self._access.values():
                access.revoked = True

    def expire_refresh_tokens(self) -> None:
        """Every refresh token issued so far expires now (invalid_grant)."""
        with self._lock:
            now = self.clock()
            for refresh in self._refresh.values():
                refresh.expires_at = min(refresh.expires_at, now)

    def issued_tokens(self) -> set[str]:
        """Every access and refresh token this issuer made (or was given), live or dead."""
        with self._lock:
            return set(self._access) | set(self._refresh)

    def live_refresh_tokens(self) -> set[str]:
        """The refresh tokens a refresh grant would accept now: unused and unexpired."""
        with self._lock:
            now = self.clock()
            return {
                token
                for token, refresh in self._refresh.items()
                if not refresh.used and now < refresh.expires_at
            }

    def token_requests(self) -> dict[str, int]:
        """Token requests, successful and refused, by grant_type ("" when none was readable)."""
        with self._lock:
            return dict(self._requests)

    # ------------------------------------------------------------------ API side
    def authorize(self, token: str, path: str) -> int:
        """200 when an issued access token may GET path, 401 when it is unknown, expired or
        revoked, 403 when its scopes do not reach path.

        Scope rule: "read" reaches every path; a resource scope (e.g. "tickets:read") reaches
        only its own paths and what lies below them (``/api/v2/tickets...``,
        ``/api/v2/incremental/tickets...``; see `_SCOPE_PATHS`); "write" alone reaches none.
        """
        with self._lock:
            access = self._access.get(token)
            if access is None or access.revoked or self.clock() >= access.expires_at:
                return 401
            scopes = access.scopes
        if "read" in scopes:
            return 200
        for scope in scopes:
            for prefix in _SCOPE_PATHS.get(scope, ()):
                if path == prefix or path.startswith(prefix + "/"):
                    return 200
        return 403

    # ------------------------------------------------------------------ token endpoint
    def token_response(self, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """Answer a POST to the token endpoint: (HTTP status, JSON body)."""
        params: Any = None
        if content_type.split(";")[0].strip().lower() == "application/json":
            try:
                params = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                params = None
        grant = params.get("grant_type") if isinstance(params, dict) else None
        with self._lock:
            key = grant if isinstance(grant, str) else ""
            self._requests[key] = self._requests.get(key, 0) + 1
        try:
            if not isinstance(params, dict):
                raise _invalid_request(
                    "The request body must be a JSON object sent as application/json."
                )
            return 200, self._grant(params)
        except TokenError as err:
            return err.status, err.body

    def _grant(self, params: dict[str, Any]) -> dict[str, Any]:
        grant = params.get("grant_type")
        if grant is None:
            raise _invalid_request("Missing required parameter: grant_type.")
        if grant not in ("client_credentials", "refresh_token"):
            raise TokenError(400, "unsupported_grant_type", _UNSUPPORTED_GRANT)
        client_id, secret = params.get("client_id"), params.get("client_secret")
        if not (
            isinstance(client_id, str)
            and isinstance(secret, str)
            and hmac.compare_digest(client_id.encode(), CLIENT_ID.encode())
            and hmac.compare_digest(secret.encode(), CLIENT_SECRET.encode())
        ):
            raise TokenError(401, "invalid_client", _INVALID_CLIENT)
        scope = params.get("scope")
        if scope is not None and not isinstance(scope, str):
            raise TokenError(400, "invalid_scope", _INVALID_SCOPE)
        words = _scopes(scope or "")
        if not set(words) <= ALLOWED_SCOPES:
            raise TokenError(400, "invalid_scope", _INVALID_SCOPE)
        expires_in = _seconds(params, "expires_in", MIN_EXPIRES_IN, MAX_EXPIRES_IN)
        lifetime = self.token_lifetime
        if lifetime is None:
            lifetime = DEFAULT_LIFETIME if expires_in is None else float(expires_in)
        if grant == "client_credentials":
            scope_text = " ".join(words) if words else DEFAULT_SCOPE
            with self._lock:
                access = self._new_access(scope_text, lifetime)
            return {
                "access_token": access,
                "token_type": "bearer",
                "scope": scope_text,
                "expires_in": _reported(lifetime),
            }
        return self._refresh_grant(params, words, lifetime, expires_in is not None)

    def _refresh_grant(
        self, params: dict[str, Any], words: list[str], lifetime: float, echo: bool
    ) -> dict[str, Any]:
        old_token = params.get("refresh_token")
        if not isinstance(old_token, str) or not old_token:
            raise _invalid_request("Missing required parameter: refresh_token.")
        refresh_lifetime = _seconds(
            params, "refresh_token_expires_in", MIN_REFRESH_EXPIRES_IN, MAX_REFRESH_EXPIRES_IN
        )
        refresh_lifetime = refresh_lifetime or REFRESH_LIFETIME
        with self._lock:
            now = self.clock()
            old = self._refresh.get(old_token)
            if old is None or old.used or now >= old.expires_at or old.client_id != CLIENT_ID:
                raise TokenError(400, "invalid_grant", _INVALID_GRANT)
            if not set(words) <= set(old.scope.split()):
                raise TokenError(400, "invalid_scope", _INVALID_SCOPE)
            scope_text = " ".join(words) if words else old.scope
            old.used = True  # rotation: the old refresh token and its access token die now
            if old.access_token is not None:
                self._access[old.access_token].revoked = True
            access = self._new_access(scope_text, lifetime)
            refresh = _remember(secrets.token_urlsafe(48))
            self._refresh[refresh] = _Refresh(CLIENT_ID, scope_text, now + refresh_lifetime, access)
        answer: dict[str, Any] = {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "bearer",
            "scope": scope_text,
            "refresh_token_expires_in": refresh_lifetime,
        }
        if echo:  # Zendesk answers expires_in only when the request sent it
            answer["expires_in"] = _reported(lifetime)
        return answer

    def _new_access(self, scope_text: str, lifetime: float) -> str:
        """Store a new access token (call with the lock held)."""
        token = _remember(secrets.token_urlsafe(48))
        self._access[token] = _Access(
            frozenset(scope_text.split()), self.clock() + lifetime, revoked=self.dead_on_arrival
        )
        return token


def _reported(lifetime: float) -> float:
    """Whole seconds, as Zendesk answers; a sub-second test lifetime (the demo's) as it is."""
    return lifetime if lifetime < 1 else int(lifetime)
