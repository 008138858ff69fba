"""Each request paced by its bucket, and retried as layers of the `backoff` library.

The retry policy goes through the SDK's hooks (`request_decorator`,
`backoff_wait_generator`, `backoff_max_tries`, `backoff_runtime`, `backoff_handler`):
transient failures back off exponentially with jitter for a bounded number of tries, or
wait what the response names (Retry-After); 429s wait their Retry-After for up to three
hours; a 401 to a token that can be replaced is replayed once with a new one. The library
sleeps between tries; a stop signal during that sleep ends the run (run/context.py).
"""

from __future__ import annotations

import logging
import random
import weakref
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import backoff
import requests
from singer_sdk.exceptions import RetriableAPIError

from tap_zendesk_objects.errors import RateLimitedError, TokenRejectedError, ZendeskAPIError
from tap_zendesk_objects.http.responses import release_page
from tap_zendesk_objects.http.throttle import DEFAULT_RETRY_AFTER_SECONDS, retry_after_seconds
from tap_zendesk_objects.http.transport import failure_kind

if TYPE_CHECKING:
    from backoff.types import Details
    from singer_sdk import RESTStream

    from tap_zendesk_objects.run.context import Credentials, Pacing, RunContext
    from tap_zendesk_objects.run.progress import StreamProgress

    # Mypy reads the mixin as the SDK's RESTStream it is mixed into; at run time it is a mixin.
    _RetryingStream = RESTStream[Any]
else:
    _RetryingStream = object


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
    response = getattr(exc, "response", None)
    if response is None:
        return DEFAULT_RETRY_AFTER_SECONDS
    return retry_after_seconds(response.headers, DEFAULT_RETRY_AFTER_SECONDS)


def describe_prepared(request: requests.PreparedRequest | None, url: str | None = None) -> str:
    """`GET /api/v2/groups` for a request that may have had no answer."""
    method = (request.method if request is not None else None) or "GET"
    target = url or (request.url if request is not None else None) or ""
    return f"{method} {urlsplit(str(target)).path}"


def transient_reason(exc: BaseException, request: Any) -> str:
    """`GET /api/v2/groups: 503 ...`, or the kind of network failure (never its URL or headers)."""
    if isinstance(exc, RetriableAPIError):
        return str(exc)
    where = describe_prepared(request if isinstance(request, requests.PreparedRequest) else None)
    return f"{where}: {failure_kind(exc)}"


class BackoffRetries(_RetryingStream):
    """The request hooks of ZendeskStream: pacing, retries and their log lines."""

    # This stream's last page, released when the next is asked for (see request_decorator).
    _previous_page: weakref.ref[requests.Response] | None = None
    if TYPE_CHECKING:  # provided by ZendeskStream (streams/client.py) and FailureOutcomes
        run: RunContext

        @property
        def throttle(self) -> Pacing:
            """The stream's rate bucket's pacing."""

        @property
        def rate_setting(self) -> str:
            """The setting that caps the stream's bucket."""

        @property
        def credentials(self) -> Credentials:
            """The run's credentials."""

        @property
        def progress(self) -> StreamProgress:
            """The stream's read so far."""

        def write_page_state(self) -> None:
            """STATE before each page of a sorted stream."""

        def gave_up(self, exc: BaseException, message: str) -> ZendeskAPIError:
            """What ends a request that kept failing (outcomes.py)."""

        def prepare_retry(self, exc: BaseException, request: Any) -> None:
            """How a request changes before it is tried again (exports shrink their page)."""

    def request_decorator(self, func: Callable[..., requests.Response]) -> Callable:
        """Pace every try; retry through the `backoff` library, with the SDK's hooks.

        From the inside out: transient failures (`backoff_wait_generator`,
        `backoff_max_tries`), 429s (`backoff_runtime` on Retry-After, for as long as
        RATE_LIMIT_PATIENCE_SECONDS) and one replay with a new token after a 401 to a
        refreshable token; `backoff_handler` logs each wait. What still fails is one line.
        """
        stop = self.run.stop
        throttle = self.throttle
        stats, progress = self.run.run_stats, self.progress

        def attempt(*args: Any, **kwargs: Any) -> requests.Response:
            stop.in_retry_wait = False
            stop.stop_if_asked()
            with stats.budget_wait(progress):
                throttle.wait(self.path)  # the endpoint: its own budgets pace it
            stop.stop_if_asked()
            try:
                response = func(*args, **kwargs)
            except RetriableAPIError as exc:
                if isinstance(exc, RateLimitedError):
                    stats.rate_limited += 1
                if exc.response is not None:
                    throttle.observe(exc.response.headers, self.path)
                raise
            finally:
                throttle.done()
            throttle.observe(response.headers, self.path)
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
                response: requests.Response = request(*args, **kwargs)
            except TokenRejectedError as exc:  # a new token was refused too
                raise ZendeskAPIError(f"{exc} (also after a token refresh)") from None
            except RateLimitedError as exc:
                msg = (
                    f"{exc}: Zendesk kept refusing for over "
                    f"{RATE_LIMIT_PATIENCE_SECONDS // 60} minutes; lower "
                    f"`{self.rate_setting}` or run when other "
                    "integrations are quieter"
                )
                raise ZendeskAPIError(msg) from None
            except TRANSIENT_ERRORS as exc:
                reason = transient_reason(exc, args[0] if args else None)
                raise self.gave_up(
                    exc, f"{reason}: still failing after {MAX_TRIES} tries"
                ) from None
            finally:
                stop.in_retry_wait = False
            self._previous_page = weakref.ref(response)
            return response

        return send

    # The library sends each failure into the generator: the SDK's annotation says None.
    def backoff_wait_generator(self) -> Generator[float, BaseException, None]:  # type: ignore[override]
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
        if isinstance(exc, TokenRejectedError):
            where = describe_prepared(exc.response.request, exc.response.url)
            self.log("%s: 401; replaying it with a new token", where, level=logging.INFO)
            self.credentials.token_rejected(exc.response.request)
        elif isinstance(exc, RateLimitedError):
            self.log("%s; waiting %.1f s (Retry-After)", exc, wait, level=logging.WARNING)
        else:
            args = details.get("args") or (None,)
            self.prepare_retry(exc, args[0])
            self.log(
                "%s; retry %d of %d in %.1f s",
                transient_reason(exc, args[0]),
                details.get("tries"),
                MAX_TRIES - 1,
                wait,
                level=logging.WARNING,
            )
        # The library sleeps next: from here a stop signal ends the run at once, and one
        # that came while this wait was being logged ends it now.
        stop = self.run.stop
        stop.in_retry_wait = True
        stop.stop_if_asked()
