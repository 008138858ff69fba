"""Credentials: the one way the config names to authenticate, and the tokens OAuth needs.

Four ways (`config.auth_method`): OAuth client credentials, the OAuth refresh-token grant,
a static OAuth access token, and the deprecated API token. The two OAuth grants share one
`OAuthClient` per run, used by every request of every stream (discovery included): it mints
a token at `{api_url}/oauth/tokens`, keeps it until shortly before it expires, mints the next
one, one at a time, and drops a token Zendesk answered 401 to so that the request is replayed
with a new one. Refresh tokens rotate (a refresh kills the old access and refresh tokens), so
the refresh grant keeps the newest in a file the next run reads (`RefreshTokenFile`).

Token requests and responses never reach a log: only the `error` code of a refusal does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import msgspec
import requests
from requests.auth import AuthBase
from singer_sdk.authenticators import BasicAuthenticator, BearerTokenAuthenticator
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.helpers.types import Auth

from tap_zendesk_objects.auth.masking import mask_secret
from tap_zendesk_objects.auth.refresh_tokens import RefreshTokenFile, default_token_file
from tap_zendesk_objects.config.checks import auth_method, base_url
from tap_zendesk_objects.config.schema import (
    API_TOKEN,
    CLIENT_CREDENTIALS,
    DEFAULT_OAUTH_SCOPE,
    DEFAULT_TIMEOUT_SECONDS,
    DEFAULT_TOKEN_LIFETIME_SECONDS,
    REFRESH_GRANT,
    STATIC_TOKEN,
)
from tap_zendesk_objects.errors import RateLimitedError, ZendeskAPIError
from tap_zendesk_objects.http.responses import error_text
from tap_zendesk_objects.http.transport import failure_kind

TOKEN_PATH = "/oauth/tokens"  # noqa: S105 (a path, not a secret)
TOKEN_REQUEST = f"POST {TOKEN_PATH}"
# A token is replaced this long before it expires: 10% of its lifetime, at most a minute
# (a fixed minute would mint a token on every request once lifetimes are short).
REFRESH_MARGIN_SHARE = 0.1
MAX_REFRESH_MARGIN_SECONDS = 60.0
API_TOKEN_END = "2027-04-30"  # noqa: S105 (a date)


class Credentials:
    """How every request of a run authenticates, and how errors name it."""

    # What the credentials are, for messages (never a secret): "API token of a@acme.com".
    description: str
    # The settings that hold them: "`email` and `api_token`".
    settings: str
    # True when a 401 may be cured by a new token (then the request is replayed once).
    refreshable: bool = False
    # What to tell a user whose credentials Zendesk answered 401 to.
    advice: str = "and that API access is on in Admin Center"
    authenticator: Auth

    def token_rejected(self, request: requests.PreparedRequest) -> None:
        """Zendesk answered 401 to `request`: stop using its token."""


class ApiTokenCredentials(Credentials):
    """`{email}/token` basic auth: deprecated, Zendesk refuses every API token after 2027-04-30."""

    settings = "`email` and `api_token`"

    def __init__(self, config: Mapping[str, Any], logger: logging.Logger) -> None:
        self.description = f"API token of {config['email']}"
        self.authenticator = BasicAuthenticator(
            username=f"{config['email']}/token", password=config["api_token"]
        )
        logger.warning(
            "API token auth is deprecated: Zendesk stops accepting API tokens on %s. Switch: "
            "have an admin create a confidential OAuth client (Admin Center > Apps and "
            "integrations > APIs > OAuth clients), set `client_id` and `client_secret`, and "
            "remove `email` and `api_token`.",
            API_TOKEN_END,
        )


class StaticTokenCredentials(Credentials):
    """A fixed OAuth bearer token: it cannot be refreshed, so it ends the run when it expires."""

    description = "OAuth access_token"
    settings = "`access_token`"
    advice = (
        "that it has not expired (tokens of OAuth clients made since 2026-04-30 last 30 "
        "minutes: set `client_id` and `client_secret` instead, and the tap refreshes tokens "
        "itself)"
    )

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.authenticator = BearerTokenAuthenticator(token=config["access_token"])


class _CurrentToken(AuthBase):
    """Puts the client's current token on a request, minting one first when it is due."""

    def __init__(self, client: OAuthClient) -> None:
        self._client = client

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._client.current_token()}"
        return request


class OAuthClient(Credentials):
    """Tokens of a confidential OAuth client, by client credentials or the refresh grant."""

    refreshable = True
    settings = "`client_id` and `client_secret`"
    advice = "that the OAuth client is active and its user is an active admin"

    def __init__(
        self,
        config: Mapping[str, Any],
        logger: logging.Logger,
        *,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
    ) -> None:
        self.client_id = str(config["client_id"])
        self._client_secret = str(config["client_secret"])
        self.grant = REFRESH_GRANT if config.get("refresh_token") else CLIENT_CREDENTIALS
        self.scope = str(config.get("oauth_scope") or DEFAULT_OAUTH_SCOPE)
        self.lifetime = int(config.get("oauth_token_lifetime") or DEFAULT_TOKEN_LIFETIME_SECONDS)
        self.token_url = base_url(config) + TOKEN_PATH
        self.timeout = int(config.get("request_timeout") or DEFAULT_TIMEOUT_SECONDS)
        grant_name = "client credentials" if self.grant == CLIENT_CREDENTIALS else "refresh token"
        self.description = f"OAuth client {self.client_id} ({grant_name})"
        self.refresh_tokens: RefreshTokenFile | None = None
        if self.grant == REFRESH_GRANT:
            self.settings = "`client_id`, `client_secret` and `refresh_token`"
            path = config.get("oauth_token_file") or default_token_file(
                str(config["subdomain"]), self.client_id
            )
            self.refresh_tokens = RefreshTokenFile(path, str(config["refresh_token"]))
        self.authenticator = _CurrentToken(self)
        self.tokens_obtained = 0
        self.token_requests = 0  # sent, answered or not (the run's request count)
        self._logger = logger
        self._clock = clock
        self._session = session or requests.Session()
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    def current_token(self) -> str:
        """The token to send now: the cached one, or a new one when it is due or was dropped."""
        with self._lock:  # one token request at a time; the others wait for its token
            if self._token is None or self._clock() >= self._renew_at:
                self._token = None
                self._token = self._obtain()
            return self._token

    def token_rejected(self, request: requests.PreparedRequest) -> None:
        """Drop the token of a request Zendesk answered 401, unless it was replaced already."""
        sent = str(request.headers.get("Authorization", "")).removeprefix("Bearer ")
        with self._lock:
            if sent == self._token:
                self._token = None

    def _obtain(self) -> str:
        started = self._clock()
        body: dict[str, Any] = {
            "grant_type": self.grant,
            "client_id": self.client_id,
            "client_secret": self._client_secret,
            "scope": self.scope,
            "expires_in": self.lifetime,
        }
        if self.refresh_tokens is None:
            answer = self._post(body)
        else:
            with self.refresh_tokens.locked() as chain:  # runs sharing the file take turns
                body["refresh_token"] = chain.newest()
                mask_secret(body["refresh_token"])  # the file's, unknown to the CLI's mask
                answer = self._post(body)
                rotated = answer.get("refresh_token")
                if isinstance(rotated, str) and rotated:
                    mask_secret(rotated)
                    chain.save(rotated)
        token = str(answer["access_token"])  # a string: checked by `_post`
        mask_secret(token)
        lifetime = answer.get("expires_in")
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            lifetime = self.lifetime  # Zendesk may leave it out: the lifetime asked for
        margin = min(MAX_REFRESH_MARGIN_SECONDS, REFRESH_MARGIN_SHARE * lifetime)
        self._renew_at = started + lifetime - margin
        self.tokens_obtained += 1
        self._logger.info(
            "OAuth token %d obtained (%s grant), valid %g s; the next is minted in %g s",
            self.tokens_obtained,
            self.grant,
            lifetime,
            lifetime - margin,
        )
        return token

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        """One token request; transient failures raise what the request loop retries."""
        self.token_requests += 1
        try:
            response = self._session.post(
                self.token_url,
                json=body,
                headers={"Accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise RetriableAPIError(f"{TOKEN_REQUEST}: {failure_kind(exc)}") from None
        status = response.status_code
        if status == 429:
            raise RateLimitedError(f"{TOKEN_REQUEST}: 429 rate limited", response)
        if status >= 500 or status == 409:
            raise RetriableAPIError(f"{TOKEN_REQUEST}: {status} {error_text(response)}", response)
        if status >= 400:
            raise ZendeskAPIError(self._refusal(response))
        try:
            answer = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
            msg = f"{TOKEN_REQUEST}: {status} answer without an access_token"
            raise RetriableAPIError(msg, response)
        return answer

    def _refusal(self, response: requests.Response) -> str:
        """One line for a token request Zendesk refused, naming what to change."""
        status = response.status_code
        try:
            error = msgspec.json.decode(response.content).get("error")
        except (msgspec.DecodeError, AttributeError):
            error = None
        code = f"{status} {error}" if isinstance(error, str) else f"{status}"
        if error == "invalid_client":
            return (
                f"Zendesk refused the OAuth client {self.client_id} ({code}): check that "
                "`client_id` is the client's Identifier and `client_secret` its current Secret, "
                "and that the client is confidential"
            )
        if error == "invalid_grant":
            return (
                f"Zendesk refused the refresh token ({code}): it was used, expired or revoked. "
                "Authorize again and set the new `refresh_token`, or remove `refresh_token` to "
                "use client credentials"
            )
        if error == "invalid_scope":
            return (
                f"Zendesk refused the OAuth scope '{self.scope}' ({code}): set `oauth_scope` to "
                "scopes the client allows (Admin Center > OAuth clients > Allowed scopes); "
                "`read` is all the tap needs"
            )
        if error in ("unsupported_grant_type", "unauthorized_client"):
            return (
                f"Zendesk refused the {self.grant} grant for OAuth client {self.client_id} "
                f"({code}): it needs a confidential client"
                + (" that may use client credentials" if self.grant == CLIENT_CREDENTIALS else "")
            )
        return f"{TOKEN_REQUEST}: {status} {error_text(response)}"


def credentials_for(config: Mapping[str, Any], logger: logging.Logger) -> Credentials:
    """The credentials of the one way to authenticate the config names."""
    method = auth_method(config)
    if method == API_TOKEN:
        return ApiTokenCredentials(config, logger)
    if method == STATIC_TOKEN:
        return StaticTokenCredentials(config)
    return OAuthClient(config, logger)
