"""Before the incremental exports: are the credentials an admin's? One request tells.

Zendesk serves its incremental exports to admins only. An agent's credentials would get a
403 on the first export, after the lists were already read; a token of an OAuth client acts
as whoever created the client, which the user may not know. So the run asks
`GET /api/v2/users/me` once, before any stream, and stops with one line naming the role.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import requests
from singer_sdk import Stream, Tap
from singer_sdk.pagination import SinglePagePaginator

from tap_zendesk_objects.errors import ZendeskAPIError
from tap_zendesk_objects.http.responses import error_text, payload
from tap_zendesk_objects.streams.client import ZendeskStream, describe_request
from tap_zendesk_objects.streams.families import ExportStream


class CurrentUserRequest(ZendeskStream):
    """`/api/v2/users/me`: the user the credentials act as (never a stream of its own)."""

    name = "current_user"
    path = "/api/v2/users/me"
    records_key = "user"
    schema: ClassVar[dict[str, Any]] = {"type": "object", "properties": {}}

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


def check_admin(tap: Tap, streams: Iterable[Stream]) -> None:
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
    request = CurrentUserRequest(tap=tap)
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
