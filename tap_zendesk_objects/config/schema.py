"""Settings: the JSON schema users see in `--about`, and the checks and normalisation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from singer_sdk import typing as th

from tap_zendesk_objects.errors import ConfigError
from tap_zendesk_objects.timeutil import parse_time

DEFAULT_CORE_RATE = 200
DEFAULT_INCREMENTAL_RATE = 10
DEFAULT_USERS_EXPORT_RATE = 20
DEFAULT_CONVERSATION_LOG_RATE = 100  # per minute, Zendesk's documented omnilog-index limit
DEFAULT_SIDE_CONVERSATION_EVENTS_RATE = 600  # per 10 minutes, Zendesk's documented limit
DEFAULT_HELP_CENTER_RATE = 200  # per minute: Help Center's budget is Support's number, apart
DEFAULT_TIMEOUT_SECONDS = 120
DEFAULT_EXPORT_PAGE_SIZE = 1000
DEFAULT_RATINGS_LOOKBACK_DAYS = 30
DEFAULT_OAUTH_SCOPE = "read"
DEFAULT_TOKEN_LIFETIME_SECONDS = 1800
# Zendesk takes an `expires_in` of more than 300 s and less than 172,800 s (2 days).
TOKEN_LIFETIME_BOUNDS = (300, 172_800)
# Settings that are credentials: never logged, masked on stderr.
SECRET_SETTINGS = ("access_token", "api_token", "client_secret", "refresh_token")
# The four ways to authenticate, by the settings each needs (exactly one may be configured).
# (Names of ways, not secrets.)
CLIENT_CREDENTIALS = "client_credentials"
REFRESH_GRANT = "refresh_token"
STATIC_TOKEN = "access_token"  # noqa: S105
API_TOKEN = "api_token"  # noqa: S105
_OAUTH_CLIENT_SETTINGS = ("client_id", "client_secret", "refresh_token")
_API_TOKEN_SETTINGS = ("email", "api_token")
CREDENTIAL_SETTINGS = (*_OAUTH_CLIENT_SETTINGS, "access_token", *_API_TOKEN_SETTINGS)

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "subdomain",
        th.StringType,
        required=True,
        title="Subdomain",
        description=(
            "Your Zendesk subdomain: `acme` for acme.zendesk.com. `acme.zendesk.com` and "
            "`https://acme.zendesk.com/` are accepted too."
        ),
        examples=["acme"],
    ),
    th.Property(
        "client_id",
        th.StringType,
        title="OAuth client identifier",
        description=(
            "The Identifier of a confidential OAuth client an admin created in Admin Center > "
            "Apps and integrations > APIs > OAuth clients. With `client_secret` alone the tap "
            "uses the client-credentials grant (recommended for unattended runs)."
        ),
    ),
    th.Property(
        "client_secret",
        th.StringType,
        secret=True,
        title="OAuth client secret",
        description="The Secret of that OAuth client (shown once, when created or regenerated).",
    ),
    th.Property(
        "refresh_token",
        th.StringType,
        secret=True,
        title="OAuth refresh token",
        description=(
            "Optional, with `client_id` and `client_secret`: use the refresh-token grant instead "
            "of client credentials. Zendesk rotates it on every refresh; the newest is kept in "
            "`oauth_token_file` and used by the next run."
        ),
    ),
    th.Property(
        "oauth_scope",
        th.StringType,
        default=DEFAULT_OAUTH_SCOPE,
        title="OAuth scope",
        description="Scope asked for with each OAuth token (space-separated). `read` suffices.",
    ),
    th.Property(
        "oauth_token_lifetime",
        th.IntegerType,
        default=DEFAULT_TOKEN_LIFETIME_SECONDS,
        title="OAuth token lifetime (seconds)",
        description=(
            "Access-token lifetime asked for (`expires_in`): more than 300 and less than "
            "172800 (2 days). The tap refreshes the token before it expires."
        ),
    ),
    th.Property(
        "oauth_token_file",
        th.StringType,
        title="OAuth refresh-token file",
        description=(
            "Refresh-token grant only: where the newest (rotated) refresh token is kept for the "
            "next run, mode 0600. Default: "
            "`$XDG_STATE_HOME/tap-zendesk-objects/refresh-token-<subdomain>-<client>.json` "
            "(`~/.local/state/...`)."
        ),
    ),
    th.Property(
        "access_token",
        th.StringType,
        secret=True,
        title="OAuth access token",
        description=(
            "A static OAuth bearer token of an admin. It cannot be refreshed: tokens of clients "
            "made since 2026-04-30 expire after 30 minutes, so prefer `client_id` + "
            "`client_secret`."
        ),
    ),
    th.Property(
        "email",
        th.StringType,
        title="Email (API token auth, deprecated)",
        description="Email of the admin whose API token is given in `api_token`.",
    ),
    th.Property(
        "api_token",
        th.StringType,
        secret=True,
        title="API token (deprecated)",
        description=(
            "Zendesk API token, with `email`. Deprecated: Zendesk stops accepting API tokens on "
            "2027-04-30; use `client_id` + `client_secret`."
        ),
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        title="Start date",
        description=(
            "Earliest tickets, ticket events, satisfaction ratings and audit logs to read on "
            "the first sync. Default: one year ago. Users, organizations and the small lists "
            "are always read in full."
        ),
    ),
    th.Property(
        "max_requests_per_minute",
        th.IntegerType,
        default=DEFAULT_CORE_RATE,
        title="Core API requests per minute",
        description=(
            "Cap on Core API requests per minute. The account's whole budget is shared with "
            "its other integrations (Team 200, Growth/Professional 400, Enterprise 700)."
        ),
    ),
    th.Property(
        "incremental_requests_per_minute",
        th.IntegerType,
        default=DEFAULT_INCREMENTAL_RATE,
        title="Incremental export requests per minute",
        description="Cap on incremental export requests per minute: 10, or 30 with High Volume.",
    ),
    th.Property(
        "users_export_requests_per_minute",
        th.IntegerType,
        default=DEFAULT_USERS_EXPORT_RATE,
        title="Users export requests per minute",
        description=(
            "Cap on users cursor export requests per minute, a budget of its own: 20, or 60 "
            "with High Volume."
        ),
    ),
    th.Property(
        "conversation_log_requests_per_minute",
        th.IntegerType,
        default=DEFAULT_CONVERSATION_LOG_RATE,
        title="Conversation log requests per minute",
        description=(
            "Cap on conversation log requests per minute (stream conversation_log), a budget "
            "of its own that Zendesk reports as `omnilog-index`: 100, or 300 with High "
            "Volume. They count against the Core API cap too."
        ),
    ),
    th.Property(
        "side_conversation_events_requests_per_10_minutes",
        th.IntegerType,
        default=DEFAULT_SIDE_CONVERSATION_EVENTS_RATE,
        title="Side conversation event export requests per 10 minutes",
        description=(
            "Cap on side conversation event export requests in any 10 minutes (streams "
            "side_conversation_events and side_conversations): Zendesk allows 600."
        ),
    ),
    th.Property(
        "help_center_requests_per_minute",
        th.IntegerType,
        default=DEFAULT_HELP_CENTER_RATE,
        title="Help Center requests per minute",
        description=(
            "Cap on Help Center and community requests per minute (the help_center_ and "
            "community_ streams): Zendesk counts them apart from the Support API, with the "
            "same per-minute number as the account's plan (Team 200, Growth/Professional "
            "400, Enterprise 700)."
        ),
    ),
    th.Property(
        "help_center_brand_urls",
        th.ArrayType(th.StringType),
        title="Other brands' Help Center URLs",
        description=(
            "Base URLs of other brands' Help Centers to read besides the default brand's "
            "(e.g. `https://brand2.zendesk.com`, or a brand's host mapped domain). Each Help "
            "Center and community record carries the `help_center_url` it came from."
        ),
    ),
    th.Property(
        "api_url",
        th.StringType,
        title="API base URL",
        description=(
            "Override of the base URL (a proxy, a sandbox host). Default: "
            "`https://{subdomain}.zendesk.com`."
        ),
    ),
    th.Property(
        "request_timeout",
        th.IntegerType,
        default=DEFAULT_TIMEOUT_SECONDS,
        title="Request timeout (seconds)",
        description="Seconds to wait for one response before retrying it.",
    ),
    th.Property(
        "export_page_size",
        th.IntegerType,
        default=DEFAULT_EXPORT_PAGE_SIZE,
        title="Export page size",
        description=(
            "Records per incremental export page (1 to 1000). A page that times out is asked "
            "for again with half as many records, down to 50, then the size grows back."
        ),
    ),
    th.Property(
        "satisfaction_ratings_lookback_days",
        th.IntegerType,
        default=DEFAULT_RATINGS_LOOKBACK_DAYS,
        title="Satisfaction ratings look-back (days)",
        description=(
            "Ratings are re-read from this many days before the bookmark, so that a rating "
            "that changes after it was created is caught."
        ),
    ),
    # The SDK's own setting, declared here because this tap's default differs (the SDK's is
    # off, and SDK 0.55 lists it in `--about` with that default); families.py honours it.
    th.Property(
        "emit_activate_version_messages",
        th.BooleanType,
        default=True,
        title="Emit `ACTIVATE_VERSION` messages",
        description=(
            "Version the rows of each full-table list, and send ACTIVATE_VERSION once the "
            "list was read in full, so that the target retires the rows Zendesk no longer "
            "returns. On by default here (the SDK's default is off); false: no stream sends "
            "ACTIVATE_VERSION or a version."
        ),
    ),
).to_dict()

_SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# A base URL: scheme and host (and port), nothing after but an optional slash.
BASE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d+)?/?")


def normalize_subdomain(value: str) -> str:
    """Return `acme` for `acme`, `acme.zendesk.com` or `https://acme.zendesk.com/`."""
    text = value.strip().lower()
    text = re.sub(r"^https?://", "", text).rstrip("/")
    text = text.removesuffix(".zendesk.com")
    if not _SUBDOMAIN.fullmatch(text):
        msg = (
            f"subdomain {value!r} is not a Zendesk subdomain: give the first part of your "
            "Zendesk address, e.g. `acme` for acme.zendesk.com (not `acme.zendesk.com.zendesk.com`"
            " or a URL with a path)"
        )
        raise ConfigError(msg)
    return text


def parse_start_date(value: str | None) -> dt.datetime | None:
    """Parse `start_date` (pendulum) as an aware UTC datetime; None when unset."""
    if value in (None, ""):
        return None
    try:
        parsed = parse_time(str(value))
    except ValueError:
        msg = f"start_date {value!r} is not a date: use ISO 8601, e.g. 2024-01-31T00:00:00Z"
        raise ConfigError(msg) from None
    return parsed.in_timezone("UTC")


def check_config(config: Mapping[str, Any]) -> None:
    """Raise ConfigError with one clear sentence for a configuration that cannot work."""
    if not config.get("subdomain"):
        msg = "`subdomain` is missing: set it to `acme` for acme.zendesk.com"
        raise ConfigError(msg)
    if not isinstance(config["subdomain"], str):
        msg = f"`subdomain` must be text such as `acme`, not {config['subdomain']!r}"
        raise ConfigError(msg)
    normalize_subdomain(config["subdomain"])
    if config.get("batch_config"):
        msg = (
            "`batch_config` is set, but this tap does not write BATCH messages: remove it "
            "(records reach the target as RECORD messages)"
        )
        raise ConfigError(msg)
    for key in (
        *_OAUTH_CLIENT_SETTINGS,
        *_API_TOKEN_SETTINGS,
        "access_token",
        "oauth_scope",
        "oauth_token_file",
        "start_date",
        "api_url",
    ):
        if config.get(key) is not None and not isinstance(config[key], str):
            msg = f"`{key}` must be text, not {type(config[key]).__name__}"
            raise ConfigError(msg)
    brand_urls = config.get("help_center_brand_urls")
    if brand_urls is not None and not (
        isinstance(brand_urls, list)
        and all(isinstance(url, str) and BASE_URL.fullmatch(url) for url in brand_urls)
    ):
        msg = (
            "`help_center_brand_urls` must be a list of base URLs such as "
            f"https://brand2.zendesk.com (no path), not {brand_urls!r}"
        )
        raise ConfigError(msg)
    auth_method(config)
    parse_start_date(config.get("start_date"))
    for key in (
        "max_requests_per_minute",
        "incremental_requests_per_minute",
        "users_export_requests_per_minute",
        "conversation_log_requests_per_minute",
        "side_conversation_events_requests_per_10_minutes",
        "help_center_requests_per_minute",
        "request_timeout",
        "export_page_size",
    ):
        value = config.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value <= 0
        ):
            msg = f"`{key}` must be a positive whole number, not {value!r}"
            raise ConfigError(msg)
    lifetime = config.get("oauth_token_lifetime")
    low, high = TOKEN_LIFETIME_BOUNDS
    if lifetime is not None and not (
        isinstance(lifetime, int) and not isinstance(lifetime, bool) and low < lifetime < high
    ):
        msg = (
            f"`oauth_token_lifetime` must be whole seconds above {low} and below {high} "
            f"(Zendesk's range: more than 5 minutes, less than 2 days), not {lifetime!r}"
        )
        raise ConfigError(msg)
    if config.get("oauth_scope") is not None and not str(config["oauth_scope"]).split():
        msg = "`oauth_scope` is empty: leave it out (default `read`) or name scopes, e.g. `read`"
        raise ConfigError(msg)
    page_size = config.get("export_page_size")
    if page_size is not None and page_size > DEFAULT_EXPORT_PAGE_SIZE:
        msg = f"`export_page_size` is at most 1000 (Zendesk's limit), not {page_size}"
        raise ConfigError(msg)
    api_url = config.get("api_url")
    if api_url and not re.match(r"^https?://[^/\s]+", str(api_url)):
        msg = f"`api_url` must be an http(s) URL such as https://acme.zendesk.com, not {api_url!r}"
        raise ConfigError(msg)


def auth_method(config: Mapping[str, Any]) -> str:
    """Which of the four ways to authenticate the config names; ConfigError unless exactly one.

    `client_id` + `client_secret` (client credentials), the same + `refresh_token` (refresh
    grant), `access_token` (static bearer), `email` + `api_token` (deprecated).
    """
    given = {key for key in CREDENTIAL_SETTINGS if config.get(key)}
    ways = {
        "`client_id`/`client_secret`": given & set(_OAUTH_CLIENT_SETTINGS),
        "`access_token`": given & {"access_token"},
        "`email`/`api_token`": given & set(_API_TOKEN_SETTINGS),
    }
    used = [name for name, keys in ways.items() if keys]
    if not used:
        msg = (
            "no credentials: set `client_id` and `client_secret` (OAuth, recommended), or "
            "`access_token`, or `email` and `api_token`"
        )
        raise ConfigError(msg)
    if len(used) > 1:
        found = ", ".join(f"`{key}`" for key in sorted(given))
        msg = (
            f"conflicting credentials: {' and '.join(used)} are both set ({found}); set exactly "
            "one way to authenticate (remove the others from the config and the environment)"
        )
        raise ConfigError(msg)
    if "`access_token`" in used:
        return STATIC_TOKEN
    if "`email`/`api_token`" in used:
        if len(given) == 1:
            missing = "api_token" if "email" in given else "email"
            msg = f"API token auth needs both `email` and `api_token`; `{missing}` is missing"
            raise ConfigError(msg)
        return API_TOKEN
    for key in ("client_id", "client_secret"):
        if key not in given:
            msg = f"OAuth needs both `client_id` and `client_secret`; `{key}` is missing"
            raise ConfigError(msg)
    return REFRESH_GRANT if "refresh_token" in given else CLIENT_CREDENTIALS


def base_url(config: Mapping[str, Any]) -> str:
    """Where every request goes: `api_url`, or the account's own Zendesk host."""
    if config.get("api_url"):
        return str(config["api_url"]).rstrip("/")
    return f"https://{normalize_subdomain(str(config['subdomain']))}.zendesk.com"
