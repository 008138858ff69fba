"""Every exception of the tap, in one place: what ends a run, a stream, or one try.

Errors a user can fix end the run with one clear line (`TapError` and its kinds); some end one
stream only (`StreamFailedError`), some are retried (the `RetriableAPIError` kinds), and some
are not failures at all (`PlanRestrictedError`: the stream is skipped with a warning).
"""

from __future__ import annotations

import requests
from singer_sdk.exceptions import RetriableAPIError


class TapError(Exception):
    """A problem the user can fix; the CLI prints its message alone, without a traceback."""


class ConfigError(TapError):
    """The configuration cannot work (missing auth, malformed subdomain, bad dates...)."""


class ZendeskAPIError(TapError):
    """Zendesk refused a request in a way retrying cannot fix."""


class InputFileError(TapError):
    """A --config, --state or --catalog file is missing, unreadable or malformed."""


class StreamFailedError(ZendeskAPIError):
    """Zendesk refused one stream's read for good; the other streams go on."""


class StreamsFailedError(TapError):
    """Some streams failed: one line each, written once every other stream is done."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class PlanRestrictedError(ZendeskAPIError):
    """403/404 on an endpoint that only some Zendesk plans have."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class TooRecentStartError(ZendeskAPIError):
    """422: an export was asked for data from the last minute, which Zendesk withholds."""


class TokenRejectedError(ZendeskAPIError):
    """A 401 to a token that can be replaced: the request is replayed once with a new one."""

    def __init__(self, message: str, response: requests.Response) -> None:
        super().__init__(message)
        self.response = response


class RateLimitedError(RetriableAPIError):
    """A 429: wait Retry-After (read from `response` by the retries), then try again."""

    response: requests.Response

    def __init__(self, message: str, response: requests.Response) -> None:
        super().__init__(message, response)


class MalformedPageError(RetriableAPIError):
    """A 200 that is not a well-formed page of its collection: retried, never taken as empty."""


class InvalidBodyError(ValueError):
    """The body is not the JSON object Zendesk sends (truncated, HTML from a proxy...)."""
