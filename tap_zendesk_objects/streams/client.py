"""The one ZendeskStream base: URL, auth, errors, retries and pacing for every stream."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, cast

import requests
from singer_sdk import RESTStream
from singer_sdk.exceptions import RetriableAPIError
from singer_sdk.pagination import BaseAPIPaginator

from tap_zendesk_objects.config.checks import base_url
from tap_zendesk_objects.errors import (
    InvalidBodyError,
    MalformedPageError,
    PlanRestrictedError,
    RateLimitedError,
    StreamFailedError,
    TokenRejectedError,
    TooRecentStartError,
    ZendeskAPIError,
)
from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.http.rate_buckets import CORE_BUCKET, RATE_SETTINGS
from tap_zendesk_objects.http.responses import (
    error_text,
    error_title,
    log_api_warning,
    missing_scopes,
    payload,
    release_body,
)
from tap_zendesk_objects.http.retries import BackoffRetries, describe_prepared
from tap_zendesk_objects.http.transport import mount_whole_body_adapter
from tap_zendesk_objects.records.projection import SchemaProjection
from tap_zendesk_objects.sdk_internals import StreamInternals
from tap_zendesk_objects.streams.derived import DerivedStream
from tap_zendesk_objects.streams.outcomes import (
    FailureOutcomes,
    scopes_refused,
)
from tap_zendesk_objects.timeutil import utc_now_iso

if TYPE_CHECKING:
    from singer_sdk import Tap
    from singer_sdk.helpers.types import Auth, Context

    from tap_zendesk_objects.run.context import Credentials, Pacing, RunContext
    from tap_zendesk_objects.run.progress import StreamProgress

# Statuses worth another try: Zendesk's transient errors and its edit-conflict 409.
RETRY_STATUSES = frozenset({409, 500, 502, 503, 504})


def describe_request(response: requests.Response) -> str:
    """`GET /api/v2/groups`: the method and path only (queries and headers stay out)."""
    return describe_prepared(response.request, response.url)


class ZendeskStream(
    FailureOutcomes,
    SchemaProjection,
    BackoffRetries,
    StreamInternals,
    RESTStream[PageParams | None],
):
    """Base of every stream that calls Zendesk.

    Subclasses declare `name`, `path`, `records_key` (the collection key of the response),
    `schema`, and pick a pagination family below.
    """

    run: RunContext
    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    records_key: ClassVar[str]
    rate_bucket: ClassVar[str] = CORE_BUCKET
    # True for endpoints some plans lack: 403/404 then means "empty stream", not failure.
    plan_gated: ClassVar[bool] = False
    plan_requirement: ClassVar[str] = ""
    # Record keys kept under another column name (a Zendesk key the tap's own column takes).
    renamed_keys: ClassVar[dict[str, str]] = {}

    # The SDK marks `sync` final; this is the tap's one override of it, so that a stream's
    # permanent failure ends that stream only (outcomes.py).
    def sync(self, context: Context | None = None) -> None:  # type: ignore[misc]  # see above
        """The SDK's sync, with a `StreamFailedError` contained to this stream."""
        with self.failure_contained():
            super().sync(context)

    def __init__(self, tap: Tap, *args: Any, run: RunContext, **kwargs: Any) -> None:
        """`run`: what the run shares (budgets, credentials, stop control...)."""
        self.run = run
        super().__init__(tap, *args, **kwargs)
        mount_whole_body_adapter(self.requests_session)

    @property
    def url_base(self) -> str:
        """`api_url`, or https://{subdomain}.zendesk.com."""
        return base_url(self.config)

    @property
    def credentials(self) -> Credentials:
        """The run's one set of credentials, shared by every stream."""
        return self.run.credentials

    @property
    def authenticator(self) -> Auth:
        """Puts the credentials on each request, on every try (see build_prepared_request).

        Each request it signs goes out next: the run counts them there.
        """
        return self.run.run_stats.authenticator(self.credentials.authenticator)

    def build_prepared_request(self, *args: Any, **kwargs: Any) -> requests.PreparedRequest:
        """Prepare a request without credentials: the SDK adds them on each try (`_request`).

        So a retry after a token refresh carries the new token, and a failed token request
        is retried and paced like the request that needed it.
        """
        request = requests.Request(*args, **kwargs)
        cast("dict[str, str]", request.headers).setdefault("User-Agent", self.user_agent)
        self.requests_session.auth = None
        return self.requests_session.prepare_request(request)

    @property
    def http_headers(self) -> dict[str, str]:
        """Ask for JSON."""
        return {"Accept": "application/json"}

    @property
    def timeout(self) -> int:
        """The `request_timeout` setting."""
        return int(self.config.get("request_timeout") or 120)

    @property
    def throttle(self) -> Pacing:
        """The pacing shared by every stream of this stream's rate bucket."""
        return self.run.throttle_for(self.rate_bucket)

    @cached_property
    def progress(self) -> StreamProgress:
        """The stream's read so far in this run, for its progress lines (progress.py)."""
        return self.run.run_stats.stream_progress(self.name, self.throttle.time_for)

    @property
    def rate_setting(self) -> str:
        """The setting that caps this stream's rate bucket."""
        return RATE_SETTINGS[self.rate_bucket][0]

    # Requests -----------------------------------------------------------------------

    def fixed_params(self) -> PageParams:
        """Query parameters sent with every page."""
        return {}

    def first_page_params(self, context: Context | None) -> PageParams:
        """Query parameters that only the first page carries (e.g. start_time)."""
        return {}

    def get_url_params(self, context: Context | None, next_page_token: PageParams | None) -> dict:
        """Fixed parameters plus either the first page's or the paginator's."""
        return {**self.fixed_params(), **(next_page_token or self.first_page_params(context))}

    def validate_response(self, response: requests.Response) -> None:
        """Sort a response into success, retry (429, 409, 5xx, broken JSON) or a clear failure."""
        log_api_warning(self.run.api_warnings_seen, self.logger, response)
        status = response.status_code
        where = describe_request(response)
        if status == 429:
            raise RateLimitedError(f"{where}: 429 rate limited", response)
        if status in RETRY_STATUSES or status >= 500:
            raise RetriableAPIError(f"{where}: {status} {error_text(response)}", response)
        if status >= 400:
            raise self._fatal_error(response)
        try:
            problem = self.page_problem(payload(response), response)
        except InvalidBodyError as exc:
            raise RetriableAPIError(f"{where}: {exc}", response) from None
        if problem:
            raise MalformedPageError(f"{where}: {problem}", response)

    def _fatal_error(self, response: requests.Response) -> ZendeskAPIError:
        status, where, detail = response.status_code, describe_request(response), ""
        detail = error_text(response)
        if status == 404 and "help desk" in detail.lower():
            # Checked before plan gating: a wrong subdomain is never "a plan without it".
            return ZendeskAPIError(
                f"no Zendesk account at {self.url_base} (404 {error_title(response)}). "
                "Check `subdomain`: use `acme` for acme.zendesk.com, not `acme.zendesk.com`."
            )
        if status in (403, 404) and self.plan_gated and not missing_scopes(detail):
            return PlanRestrictedError(f"{where}: {status} {detail}", status)
        if status == 403 and missing_scopes(detail):
            return StreamFailedError(scopes_refused(where, detail, self.name))
        credentials = self.credentials
        if status == 401:
            message = (
                f"Zendesk rejected the credentials ({credentials.description}) on {where}: "
                f"401 {detail}. Check the {credentials.settings}, {credentials.advice}."
            )
            if credentials.refreshable:
                return TokenRejectedError(message, response)
            return ZendeskAPIError(message)
        if status == 403:
            return StreamFailedError(
                f"{where}: 403 {detail}. Stream '{self.name}' needs an admin: the "
                f"{credentials.description} was refused; use an admin's credentials or "
                f"deselect '{self.name}'."
            )
        if status == 422 and "recent" in detail.lower():
            return TooRecentStartError(f"{where}: 422 {detail}")
        return StreamFailedError(f"{where}: {status} {detail}")

    def write_page_state(self) -> None:
        """Write STATE before each page of a sorted stream, so a restart resumes there.

        At that moment every record of the previous pages has been written and counted in
        the bookmark, and no record of the next page has: the bookmark never runs ahead of
        what was emitted.
        """
        if self.is_sorted and self.replication_key and self.keeps_bookmark:
            self.tap.state_writer.write_state(self.tap_state)

    @property
    def keeps_bookmark(self) -> bool:
        """True when this run moves the stream's bookmark: when it is selected."""
        return self.selected

    # Responses ----------------------------------------------------------------------

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """The page's records, stamped with `received_at`, after the stream's page hook."""
        body = payload(response)
        records = body.pop(self.records_key, None) or []  # the page is not held twice
        release_body(response)  # nor its raw bytes, while the next page is fetched
        received_at = utc_now_iso()
        projected: list[SchemaProjection] = [self, *self.derived_streams]
        for stream in projected:
            stream.extracted_at = received_at
        for source, column in self.renamed_keys.items():
            for record in records:
                if source in record:
                    record[column] = record.pop(source)
        for record in records:
            record["received_at"] = received_at
        fresh = self.new_records(records)
        self.progress.page(len(fresh), *self.page_times(records))
        self.feed_follow_ups(fresh)
        return self.shape_page(fresh, body)

    def page_times(self, records: list[dict]) -> tuple[int | None, int | None]:
        """Hook: the times of a page's first and last records, for a read that walks time."""
        return None, None

    def feed_follow_ups(self, records: list[dict]) -> None:
        """Hook: hand the page's records to the streams that read per ticket (exports)."""

    def new_records(self, records: list[dict]) -> list[dict]:
        """The page's records not already read (pagination families that repeat some)."""
        return records

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Hook for a stream's page-level work (flags, derived streams); once per page."""
        return records

    def fill_custom_columns(self, records: list[dict]) -> list[dict]:
        """Fill a page's custom-field columns (tickets, users, organizations), in place."""
        self.run.custom_fields.mapper(self).apply(records)
        return records

    def derived(self, name: str) -> DerivedStream:
        """The derived stream called `name`."""
        return next(stream for stream in self.derived_streams if stream.name == name)

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        """Keep the schema's keys only (the SDK's type conformance is off, see projection)."""
        return self.project(row)

    def get_new_paginator(self) -> BaseAPIPaginator[Any]:
        """Each pagination family names its paginator (a ZendeskPaginator, but one)."""
        raise NotImplementedError

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        """Records of every page; derived streams get their SCHEMA first."""
        self.skipped = False
        progress = self.progress  # the read begins
        for derived in self.derived_streams:
            derived.begin()
        try:
            yield from super().get_records(context)
        except PlanRestrictedError as exc:
            self.skipped = True
            self.warn_skipped(exc)
        else:
            progress.finish()
        for derived in self.derived_streams:
            derived.finish()

    def warn_skipped(self, exc: PlanRestrictedError) -> None:
        """The one warning of a stream the account's plan or program lacks."""
        self.log(
            "Stream '%s' skipped: %s. %s",
            self.name,
            exc,
            self.plan_requirement,
            level=logging.WARNING,
        )

    @property
    def derived_streams(self) -> list[DerivedStream]:
        """The streams filled from this stream's responses."""
        return [child for child in self.child_streams if isinstance(child, DerivedStream)]

    def generate_child_contexts(
        self,
        record: dict,
        context: Context | None,
    ) -> Iterator[Context]:
        """Derived streams are fed page by page, never synced per parent record."""
        return iter(())
