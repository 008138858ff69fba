"""Settings: the JSON schema users see in `--about`, and the defaults it names."""

from __future__ import annotations

from singer_sdk import typing as th

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
OAUTH_CLIENT_SETTINGS = ("client_id", "client_secret", "refresh_token")
API_TOKEN_SETTINGS = ("email", "api_token")
CREDENTIAL_SETTINGS = (*OAUTH_CLIENT_SETTINGS, "access_token", *API_TOKEN_SETTINGS)

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
