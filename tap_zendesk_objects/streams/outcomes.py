"""How failures end: a malformed page is retried, one stream fails, or the run stops.

A stream whose read fails in a way no retry cures (a 400/404/422, a 403 on an endpoint the
plan or role lacks, pages that keep coming back malformed) is recorded here, and the sync goes
on with the next stream. The failed stream keeps the bookmark of the records it wrote (sorted
streams) or the one it started from (the others); a full-table list sends no ACTIVATE_VERSION.
Once every other stream is done, the run fails with one line per failed stream.

Plan restrictions (`PlanRestrictedError`) are not failures: the stream is skipped with a
warning where it is read. Errors that concern every stream (credentials, a wrong subdomain,
Zendesk unreachable for minutes) still stop the run at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from tap_zendesk_objects.errors import (
    MalformedPageError,
    StreamFailedError,
    StreamsFailedError,
    ZendeskAPIError,
)
from tap_zendesk_objects.http.pagination import collection_problem
from tap_zendesk_objects.http.responses import missing_scopes

if TYPE_CHECKING:
    import requests

    from tap_zendesk_objects.run.context import RunContext

# Where the SDK keeps the bookmark of an unsorted stream until its read completes.
PROGRESS_MARKERS = "progress_markers"


def raise_if_any_failed(lines: list[str]) -> None:
    """End the run with one line per failed stream, if any failed."""
    if lines:
        raise StreamsFailedError(list(lines))


def scopes_refused(where: str, detail: str, stream: str) -> str:
    """A 403 naming OAuth scopes the token lacks: which, and what to do."""
    return (
        f"{where}: 403 {detail}. The OAuth token lacks the scope `{missing_scopes(detail)}`: "
        f"give its OAuth client that scope, or deselect '{stream}'."
    )


class FailureOutcomes:
    """Mixin for streams: a `StreamFailedError` ends this stream's sync, not the run's."""

    name: str
    records_key: ClassVar[str]
    stream_state: dict
    log: Callable[..., None]
    run: RunContext

    @contextmanager
    def failure_contained(self) -> Iterator[None]:
        """Around a sync: a permanent failure drops unconfirmed progress and is noted."""
        try:
            yield
        except StreamFailedError as exc:
            # Progress markers of an unsorted stream would move its bookmark past records
            # never read: the next run starts from the bookmark this one started from.
            self.stream_state.pop(PROGRESS_MARKERS, None)
            line = f"stream '{self.name}' failed: {exc}"
            self.log("%s (the other streams go on)", line, level=logging.ERROR)
            self.run.failures.append(line)

    def page_problem(self, body: dict, response: requests.Response) -> str | None:
        """Why a 200 is not a well-formed page of this collection (None when it is)."""
        return collection_problem(body, self.records_key)

    def gave_up(self, exc: BaseException, message: str) -> ZendeskAPIError:
        """The error ending a request that kept failing: malformed pages fail this stream only."""
        if isinstance(exc, MalformedPageError):
            return StreamFailedError(message)
        return ZendeskAPIError(message)

    def prepare_retry(self, exc: BaseException, request: Any) -> None:
        """Hook: change a request before it is tried again (exports shrink their page)."""
