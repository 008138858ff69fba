"""Who may call the emulator: its credentials, tap configs that carry them, and the checks.

A GET authenticates with the API token (Basic ``email/token:api_token``) or a Bearer token
(the fixed `ACCESS_TOKEN` or one the OAuth issuer gave out, within its scopes); an agent's
credentials may not read what only admins may. The one POST, the OAuth token endpoint, takes
the client's credentials in its body instead (oauth.py).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from tests.emulator.bodies import FORBIDDEN, INVALID_ENDPOINT
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET, MISSING_SCOPE, TOKEN_PATH, OAuthIssuer
from tests.emulator.server_request import HTTPError
from tests.emulator.zendesk import ADMIN_EMAIL, SUBDOMAIN

EMAIL = ADMIN_EMAIL
API_TOKEN = "emulator-api-token-0123456789abcdef"
ACCESS_TOKEN = "emulator-oauth-access-token-fedcba9876543210"

_NOT_AUTH = {"error": "Couldn't authenticate you"}
_BAD_TOKEN = {
    "error": "invalid_token",
    "error_description": "The access token provided is expired, revoked, malformed or invalid "
    "for other reasons.",
}
# Besides the incremental exports, what only admins may call (an agent's token gets 403).
_ADMIN_ONLY = frozenset({"/api/v2/satisfaction_ratings", "/api/v2/audit_logs"})


def config(base_url: str) -> dict[str, str]:
    """A tap config pointing at an emulator."""
    return {"subdomain": SUBDOMAIN, "api_url": base_url, "email": EMAIL, "api_token": API_TOKEN}


def oauth_config(base_url: str) -> dict[str, str]:
    """A tap config for an emulator's OAuth client: client credentials alone."""
    return {
        "subdomain": SUBDOMAIN,
        "api_url": base_url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }


def token_endpoint(
    oauth: OAuthIssuer, path: str, content_type: str, body: bytes
) -> tuple[int, Any]:
    """Only the OAuth token endpoint takes a POST: client auth in its body, no budget."""
    if path != TOKEN_PATH:
        raise HTTPError(404, INVALID_ENDPOINT)
    return oauth.token_response(content_type, body)


def authenticate(oauth: OAuthIssuer, authorization: str, path: str) -> None:
    """Refuse a GET whose Authorization header does not let it read `path` (401 or 403)."""
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer":
        token = value.strip()
        verdict = 200 if token == ACCESS_TOKEN else oauth.authorize(token, path)
        if verdict == 403:
            raise HTTPError(403, MISSING_SCOPE)
        if verdict != 200:
            raise HTTPError(401, _BAD_TOKEN, {"WWW-Authenticate": 'Bearer realm="Zendesk"'})
        return
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if decoded == f"{EMAIL}/token:{API_TOKEN}":
            return
    raise HTTPError(401, _NOT_AUTH, {"WWW-Authenticate": 'Basic realm="Web Password"'})


def authorize_role(role: str, path: str) -> None:
    """403 when an agent's credentials ask for an export or another admin-only path (agents
    with read access to custom objects may export their records: the emulator's agent has)."""
    export = path.startswith("/api/v2/incremental/") and not path.startswith(
        "/api/v2/incremental/custom_objects/"
    )
    if role == "agent" and (export or path in _ADMIN_ONLY):
        raise HTTPError(403, FORBIDDEN)
