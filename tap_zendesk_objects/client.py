"""The one ZendeskStream base: URL, auth, errors, retries and pacing for every stream."""

from __future__ import annotations

import logging
import random
import weakref
from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import urlsplit

import backoff
import requests
from singer_sdk import RESTStream, Stream
from singer_sdk.exceptions import RetriableAPIError

from tap_zendesk_objects.config import (
    DEFAULT_CORE_RATE,
    DEFAULT_INCREMENTAL_RATE,
    DEFAULT_USERS_EXPORT_RATE,
    base_url,
)
from tap_zendesk_objects.errors import ZendeskAPIError
from tap_zendesk_objects.pagination import PageParams, ZendeskPaginator
from tap_zendesk_objects.projection import SchemaProjection
from tap_zendesk_objects.responses import (
    InvalidBodyError,
    error_text,
    error_title,
    payload,
    release_body,
    release_page,
)
from tap_zendesk_objects.throttle import (
    DEFAULT_RETRY_AFTER_SECONDS,
    RateLimitedError,
    retry_after_seconds,
)
from tap_zendesk_objects.timeutil import utc_now_iso
from tap_zendesk_objects.transport import failure_kind, mount_whole_body_adapter

if TYPE_CHECKING:
    from backoff.types import Details
    from requests.auth import AuthBase
    from singer_sdk.helpers.types import Context

    from tap_zendesk_objects.auth import Credentials
    from tap_zendesk_objects.throttle import Throttle

CORE_BUCKET = "core"
INCREMENTAL_BUCKET = "incremental"
USERS_EXPORT_BUCKET = "users_export"
# Each bucket's pace: the setting that caps it, and its default.
RATE_SETTINGS = {
    CORE_BUCKET: ("max_requests_per_minute", DEFAULT_CORE_RATE),
    INCREMENTAL_BUCKET: ("incremental_requests_per_minute", DEFAULT_INCREMENTAL_RATE),
    USERS_EXPORT_BUCKET: ("users_export_requests_per_minute", DEFAULT_USERS_EXPORT_RATE),
}

# Statuses worth another try: Zendesk's transient errors and its edit-conflict 409.
RETRY_STATUSES = frozenset({409, 500, 502, 503, 504})
# Transient failures (5xx, 409, resets, timeouts, cut-off or invalid bodies) of one request:
# tries in all, and the backoff between them (BASE, doubling, capped, with jitter), which
# adds up to about three minutes before the run gives up. A response that names a wait
# (Retry-After) is waited out as it says instead.
MAX_TRIES = 10
RETRY_BACKOFF_BASE_SECONDS = 0.5
RETRY_BACKOFF_CAP_SECONDS = 60.0
# 429s are retried for as long as Zendesk keeps naming a wait, up to this cap.
RATE_LIMIT_PATIENCE_SECONDS = 3 * 3600
# Tries of a request whose refreshable token Zendesk refused: the first, and one replay.
TOKEN_TRIES = 2
TRANSIENT_ERRORS = (
    RetriableAPIError,
    ConnectionError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def retry_backoff(failures: int) -> float:
    """Seconds to wait after the n-th transient failure of a request (jittered)."""
    ceiling = min(RETRY_BACKOFF_BASE_SECONDS * 2.0 ** (failures - 1), RETRY_BACKOFF_CAP_SECONDS)
    return ceiling * random.uniform(0.5, 1.0)


def named_wait(exc: BaseException) -> float | None:
    """The wait a failed response names (`Retry-After`), or None."""
    response = getattr(exc, "response", None)
    if response is None or response.headers.get("Retry-After") is None:
        return None
    return retry_after_seconds(response.headers, DEFAULT_RETRY_AFTER_SECONDS)


def rate_limit_wait(exc: BaseException) -> float:
    """A 429's wait: its Retry-After, else a minute."""
    return getattr(exc, "retry_after", DEFAULT_RETRY_AFTER_SECONDS)


class PlanRestrictedError(ZendeskAPIError):
    """403/404 on an endpoint that only some Zendesk plans have."""


class TokenRejectedError(ZendeskAPIError):
    """A 401 to a token that can be replaced: the request is replayed once with a new one."""

    def __init__(self, message: str, response: requests.Response) -> None:
        super().__init__(message)
        self.response = response


class TooRecentStartError(ZendeskAPIError):
    """422: an export was asked for data from the last minute, which Zendesk withholds."""


def describe_request(response: requests.Response) -> str:
    """`GET /api/v2/groups`: the method and path only (queries and headers stay out)."""
    return describe_prepared(response.request, response.url)


def describe_prepared(request: requests.PreparedRequest | None, url: str | None = None) -> str:
    """`GET /api/v2/groups` for a request that may have had no answer."""
    method = (request.method if request is not None else None) or "GET"
    target = url or (request.url if request is not None else None) or ""
    return f"{method} {urlsplit(str(target)).path}"


class ZendeskStream(SchemaProjection, RESTStream[PageParams | None]):
    """Base of every stream that calls Zendesk.

    Subclasses declare `name`, `path`, `records_key` (the collection key of the response),
    `schema`, and pick a pagination family below.
    """

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    records_key: ClassVar[str]
    rate_bucket: ClassVar[str] = CORE_BUCKET
    # True for endpoints some plans lack: 403/404 then means "empty stream", not failure.
    plan_gated: ClassVar[bool] = False
    plan_requirement: ClassVar[str] = ""
    # This stream's last page, released when the next is asked for (see request_decorator).
    _previous_page: weakref.ref[requests.Response] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mount_whole_body_adapter(self.requests_session)

    @property
    def url_base(self) -> str:
        """`api_url`, or https://{subdomain}.zendesk.com."""
        return base_url(self.config)

    @property
    def credentials(self) -> Credentials:
        """The run's one set of credentials, shared by every stream."""
        return cast("Any", self._tap).credentials

    @property
    def authenticator(self) -> AuthBase:
        """Puts the credentials on each request, on every try (see build_prepared_request)."""
        return self.credentials.authenticator

    def build_prepared_request(self, *args: Any, **kwargs: Any) -> requests.PreparedRequest:
        """Prepare a request without credentials: the SDK adds them on each try (`_request`).

        So a retry after a token refresh carries the new token, and a failed token request
        is retried and paced like the request that needed it.
        """
        request = requests.Request(*args, **kwargs)
        request.headers.setdefault("User-Agent", self.user_agent)
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
    def throttle(self) -> Throttle:
        """The pacing shared by every stream of this stream's rate bucket."""
        return cast("Any", self._tap).throttle_for(self.rate_bucket)

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
        status = response.status_code
        where = describe_request(response)
        if status == 429:
            raise RateLimitedError(f"{where}: 429 rate limited", response)
        if status in RETRY_STATUSES or status >= 500:
            raise RetriableAPIError(f"{where}: {status} {error_text(response)}", response)
        if status >= 400:
            raise self._fatal_error(response)
        try:
            payload(response)
        except InvalidBodyError as exc:
            raise RetriableAPIError(f"{where}: {exc}", response) from None

    def _fatal_error(self, response: requests.Response) -> ZendeskAPIError:
        status, where, detail = response.status_code, describe_request(response), ""
        detail = error_text(response)
        if status == 404 and "help desk" in detail.lower():
            # Checked before plan gating: a wrong subdomain is never "a plan without it".
            return ZendeskAPIError(
                f"no Zendesk account at {self.url_base} (404 {error_title(response)}). "
                "Check `subdomain`: use `acme` for acme.zendesk.com, not `acme.zendesk.com`."
            )
        if status in (403, 404) and self.plan_gated:
            return PlanRestrictedError(f"{where}: {status} {detail}")
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
            return ZendeskAPIError(
                f"{where}: 403 {detail}. Stream '{self.name}' needs an admin: the "
                f"{credentials.description} was refused; use an admin's credentials or "
                f"deselect '{self.name}'."
            )
        if status == 422 and "recent" in detail.lower():
            return TooRecentStartError(f"{where}: 422 {detail}")
        return ZendeskAPIError(f"{where}: {status} {detail}")

    def write_page_state(self) -> None:
        """Write STATE before each page of a sorted stream, so a restart resumes there.

        At that moment every record of the previous pages has been written and counted in
        the bookmark, and no record of the next page has: the bookmark never runs ahead of
        what was emitted.
        """
        if self.is_sorted and self.replication_key and self.selected:
            self._write_state_message()

    def request_decorator(self, func: Callable[..., requests.Response]) -> Callable:
        """Pace every try; retry through the `backoff` library, with the SDK's hooks.

        From the inside out: transient failures (`backoff_wait_generator`,
        `backoff_max_tries`), 429s (`backoff_runtime` on Retry-After, for as long as
        RATE_LIMIT_PATIENCE_SECONDS) and one replay with a new token after a 401 to a
        refreshable token; `backoff_handler` logs each wait. What still fails is one line.
        """
        tap = cast("Any", self._tap)
        throttle = self.throttle

        def attempt(*args: Any, **kwargs: Any) -> requests.Response:
            tap.in_retry_wait = False
            tap.stop_if_asked()
            throttle.wait()
            tap.stop_if_asked()
            try:
                response = func(*args, **kwargs)
            except RetriableAPIError as exc:
                if exc.response is not None:
                    throttle.observe(exc.response.headers)
                raise
            finally:
                throttle.done()
            throttle.observe(response.headers)
            return response

        def retried(wait_gen: Callable, errors: Any, **policy: Any) -> Callable:
            return backoff.on_exception(
                wait_gen,
                errors,
                on_backoff=self.backoff_handler,
                jitter=None,
                logger=None,
                **policy,
            )

        transient = retried(
            self.backoff_wait_generator,
            TRANSIENT_ERRORS,
            max_tries=self.backoff_max_tries,
            giveup=lambda exc: isinstance(exc, RateLimitedError),  # the next layer's
        )
        rate_limited = retried(
            lambda: self.backoff_runtime(value=rate_limit_wait),
            RateLimitedError,
            max_time=RATE_LIMIT_PATIENCE_SECONDS,
        )
        new_token = retried(backoff.constant, TokenRejectedError, max_tries=TOKEN_TRIES, interval=0)
        request = new_token(rate_limited(transient(attempt)))

        def send(*args: Any, **kwargs: Any) -> requests.Response:
            self.write_page_state()
            previous = self._previous_page() if self._previous_page else None
            if previous is not None:
                release_page(previous)  # paging has read it: no wait holds a page
            try:
                response = request(*args, **kwargs)
            except TokenRejectedError as exc:  # a new token was refused too
                raise ZendeskAPIError(f"{exc} (also after a token refresh)") from None
            except RateLimitedError as exc:
                msg = (
                    f"{exc}: Zendesk kept refusing for over "
                    f"{RATE_LIMIT_PATIENCE_SECONDS // 60} minutes; lower "
                    f"`{RATE_SETTINGS[self.rate_bucket][0]}` or run when other "
                    "integrations are quieter"
                )
                raise ZendeskAPIError(msg) from None
            except TRANSIENT_ERRORS as exc:
                reason = _transient_reason(exc, args[0] if args else None)
                raise ZendeskAPIError(f"{reason}: still failing after {MAX_TRIES} tries") from None
            finally:
                tap.in_retry_wait = False
            self._previous_page = weakref.ref(response)
            return response

        return send

    def backoff_wait_generator(self) -> Generator[float, BaseException, None]:
        """Waits between tries after transient failures: Retry-After, else doubling + jitter."""
        failures = 0
        failure = yield 0.0  # the library primes the generator, then sends each failure
        while True:
            failures += 1
            wait = named_wait(failure)
            failure = yield retry_backoff(failures) if wait is None else wait

    def backoff_max_tries(self) -> int:
        """Tries of a request that keeps failing transiently."""
        return MAX_TRIES

    def backoff_handler(self, details: Details) -> None:
        """Log the wait before the next try (and get a new token after a 401)."""
        exc = cast("BaseException", details.get("exception"))
        wait = float(details.get("wait") or 0.0)
        tap = cast("Any", self._tap)
        if isinstance(exc, TokenRejectedError):
            where = describe_request(exc.response)
            self.log("%s: 401; replaying it with a new token", where, level=logging.INFO)
            self.credentials.token_rejected(exc.response.request)
        elif isinstance(exc, RateLimitedError):
            self.log("%s; waiting %.1f s (Retry-After)", exc, wait, level=logging.WARNING)
        else:
            args = details.get("args") or (None,)
            self.log(
                "%s; retry %d of %d in %.1f s",
                _transient_reason(exc, args[0]),
                details.get("tries"),
                MAX_TRIES - 1,
                wait,
                level=logging.WARNING,
            )
        tap.in_retry_wait = True  # the library sleeps next: a stop signal may end it

    # Responses ----------------------------------------------------------------------

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """The page's records, stamped with `received_at`, after the stream's page hook."""
        body = payload(response)
        records = body.pop(self.records_key, None) or []  # the page is not held twice
        release_body(response)  # nor its raw bytes, while the next page is fetched
        received_at = utc_now_iso()
        for stream in (self, *self.derived_streams):
            stream.extracted_at = received_at
        for record in records:
            record["received_at"] = received_at
        return self.process_page(records, body)

    def process_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Hook for page-level work (dedupe, derived streams); runs once per page."""
        return records

    def derived(self, name: str) -> DerivedStream:
        """The derived stream called `name`."""
        return next(stream for stream in self.derived_streams if stream.name == name)

    def post_process(self, row: dict, context: Context | None = None) -> dict | None:
        """Keep the schema's keys only (the SDK's type conformance is off, see projection)."""
        return self.project(row)

    def get_new_paginator(self) -> ZendeskPaginator:
        """Each pagination family names its paginator."""
        raise NotImplementedError

    def get_records(self, context: Context | None) -> Iterable[dict[str, Any]]:
        """Records of every page; derived streams get their SCHEMA first."""
        self.skipped = False
        for derived in self.derived_streams:
            derived.begin()
        try:
            yield from super().get_records(context)
        except PlanRestrictedError as exc:
            self.skipped = True
            self.log(
                "Stream '%s' skipped: %s. %s",
                self.name,
                exc,
                self.plan_requirement,
                level=logging.WARNING,
            )
        for derived in self.derived_streams:
            derived.finish()

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


def _transient_reason(exc: BaseException, request: Any) -> str:
    """`GET /api/v2/groups: 503 ...`, or the kind of network failure (never its URL or headers)."""
    if isinstance(exc, RetriableAPIError):
        return str(exc)
    where = describe_prepared(request if isinstance(request, requests.PreparedRequest) else None)
    return f"{where}: {failure_kind(exc)}"


class DerivedStream(SchemaProjection, Stream):
    """A collection read out of its parent's responses: it costs no request.

    The parent writes this stream's SCHEMA once per run, then hands it rows page by page.
    It keeps no bookmark of its own: the parent's bookmark covers it.
    """

    primary_keys: ClassVar[tuple[str, ...]] = ("id",)
    parent_stream_type: ClassVar[type[ZendeskStream]]
    state_partitioning_keys: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.emitted = 0

    def get_records(self, context: Context | None) -> Iterable[dict]:
        """Never called: the parent emits this stream's rows."""
        return iter(())

    def begin(self) -> None:
        """Write the SCHEMA message, once, when the parent starts."""
        if self.selected:
            self._write_schema_message()

    def emit(self, rows: Iterable[dict]) -> None:
        """Write RECORD messages for rows taken from the parent's page."""
        if not self.selected:
            return
        for row in rows:
            self._write_record_message(self.project(row))
            self.emitted += 1

    def finish(self) -> None:
        """Log the count, as the SDK does for ordinary streams."""
        if self.selected:
            self.log(
                "Emitted %d records from '%s' pages", self.emitted, self.parent_stream_type.name
            )
