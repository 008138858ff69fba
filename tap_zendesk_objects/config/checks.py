"""Checks and normalisation of a config: one clear sentence for a config that cannot work."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from tap_zendesk_objects.config.schema import (
    API_TOKEN,
    API_TOKEN_SETTINGS,
    CLIENT_CREDENTIALS,
    CREDENTIAL_SETTINGS,
    DEFAULT_EXPORT_PAGE_SIZE,
    OAUTH_CLIENT_SETTINGS,
    REFRESH_GRANT,
    STATIC_TOKEN,
    TOKEN_LIFETIME_BOUNDS,
)
from tap_zendesk_objects.errors import ConfigError
from tap_zendesk_objects.timeutil import parse_time

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
        *OAUTH_CLIENT_SETTINGS,
        *API_TOKEN_SETTINGS,
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
        "`client_id`/`client_secret`": given & set(OAUTH_CLIENT_SETTINGS),
        "`access_token`": given & {"access_token"},
        "`email`/`api_token`": given & set(API_TOKEN_SETTINGS),
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
