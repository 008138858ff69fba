"""The checks before any stream is read: bookmarks not ahead of the clock, an admin for exports.

Zendesk serves its incremental exports to admins only. An agent's credentials would get a
403 on the first export, after the lists were already read; a token of an OAuth client acts
as whoever created the client, which the user may not know. So the run asks
`GET /api/v2/users/me` once, before any stream, and stops with one line naming the role.

A bookmark ahead of the clock is never used silently. A hand-edited state, or a clock that
jumped, can leave a bookmark in the future: exports would then read only their last minutes
until the clock passes it, and the lists nothing at all, and what changed in between would
never be read. The run stops before any request instead, naming the stream, the bookmark and
how to reset it. A few minutes of clock skew are tolerated.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import requests
from singer_sdk import Stream, Tap
from singer_sdk.pagination import SinglePagePaginator

from tap_zendesk_objects.errors import ConfigError, ZendeskAPIError
from tap_zendesk_objects.http.responses import error_text, payload
from tap_zendesk_objects.run.context import RunContext
from tap_zendesk_objects.schemas.common import NO_PROPERTIES
from tap_zendesk_objects.streams.client import ZendeskStream, describe_request
from tap_zendesk_objects.streams.families import ExportStream
from tap_zendesk_objects.timeutil import bookmark_epoch, format_time

CLOCK_SKEW_TOLERANCE_SECONDS = 600


class CurrentUserRequest(ZendeskStream):
    """`/api/v2/users/me`: the user the credentials act as (never a stream of its own)."""

    name = "current_user"
    path = "/api/v2/users/me"
    records_key = "user"
    schema = NO_PROPERTIES

    def get_new_paginator(self) -> SinglePagePaginator:
        """One page."""
        return SinglePagePaginator()

    def page_problem(self, body: dict, response: requests.Response) -> str | None:
        """Well-formed when it holds one user object (retried otherwise, like a bad page)."""
        if isinstance(body.get(self.records_key), dict):
            return None
        return f"a 200 without its `{self.records_key}` object"

    def parse_response(self, response: requests.Response) -> Iterable[dict]:
        """The one user object."""
        return [payload(response)[self.records_key]]

    def _fatal_error(self, response: requests.Response) -> ZendeskAPIError:
        """A 403 here is about the token's scope, not about a stream to deselect."""
        if response.status_code != 403:
            return super()._fatal_error(response)
        credentials = self.credentials
        scope = getattr(credentials, "scope", None)
        fix = (
            f"its OAuth scope '{scope}' does not reach it: set `oauth_scope` to `read` (the "
            "default; the exports and lists need it too)"
            if scope
            else "use an admin's credentials whose token has the `read` scope"
        )
        return ZendeskAPIError(
            f"{describe_request(response)}: 403 {error_text(response)}. The "
            f"{credentials.description} may not read its own user, which the tap checks "
            f"before the incremental exports: {fix}"
        )


def check_admin(tap: Tap, run: RunContext, streams: Iterable[Stream]) -> None:
    """Raise ZendeskAPIError when selected exports need an admin and the credentials are not."""
    exports = sorted(
        s.name
        for s in streams
        if isinstance(s, ExportStream)
        and s.admins_only
        and (s.selected or s.has_selected_descendents)
    )
    if not exports:
        return
    request = CurrentUserRequest(tap=tap, run=run)
    user = next(iter(request.request_records(None)), {})
    role = user.get("role")
    if role == "admin":
        return
    who = user.get("email") or user.get("name") if user.get("id") is not None else None
    msg = (
        f"the {request.credentials.description} acts as {who or 'an anonymous user'}, whose "
        f"role is {role or 'unknown'}: the incremental exports of {', '.join(exports)} need an "
        "admin. Use an admin's credentials (a token of an OAuth client acts as the admin who "
        "created it), or deselect those streams"
    )
    raise ZendeskAPIError(msg)


def check_bookmarks_not_ahead(tap: Tap) -> None:
    """Raise one line naming every selected stream whose bookmark is in the future."""
    now = time.time()
    bookmarks = (tap.state or {}).get("bookmarks") or {}
    ahead = []
    for stream in tap.streams.values():
        if not stream.selected or not stream.replication_key:
            continue
        value = (bookmarks.get(stream.name) or {}).get("replication_key_value")
        try:
            epoch = bookmark_epoch(value)
        except (TypeError, ValueError):
            continue  # the state check names bookmarks that are not times
        if epoch is not None and epoch > now + CLOCK_SKEW_TOLERANCE_SECONDS:
            ahead.append(f"'{stream.name}' is {value!r}")
    if ahead:
        msg = (
            f"the state's bookmark of stream {', of stream '.join(ahead)}, ahead of the clock "
            f"(now {format_time(now)}): that stream would skip what changes until then. "
            "Check the machine's clock, or reset the bookmark: remove the stream from the "
            'state\'s "bookmarks" (Meltano: `meltano state clear <state id>`, or `meltano '
            "state set`), and its next run reads from start_date."
        )
        raise ConfigError(msg)
