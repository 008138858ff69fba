"""Users and their identities, organizations, groups and the memberships that link them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from tap_zendesk_objects.http.pagination import PageParams
from tap_zendesk_objects.http.rate_buckets import USERS_EXPORT_BUCKET
from tap_zendesk_objects.schemas.people import (
    GROUP_MEMBERSHIPS,
    GROUPS,
    ORGANIZATION_MEMBERSHIPS,
    ORGANIZATIONS,
    USER_IDENTITIES,
    USERS,
)
from tap_zendesk_objects.streams.derived import DerivedStream
from tap_zendesk_objects.streams.families import CursorExportStream, ListStream, TimeExportStream

if TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


class UsersStream(CursorExportStream):
    """Users from the cursor export; deleted users (`active: false`) carry `_sdc_deleted_at`."""

    name = "users"
    path = "/api/v2/incremental/users/cursor"
    records_key = "users"
    replication_key = "updated_at"
    full_first_sync = True
    schema = USERS
    rate_bucket = USERS_EXPORT_BUCKET  # Zendesk gives this export a budget of its own
    sideloads: ClassVar[dict[str, str]] = {"user_identities": "identities"}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Emit the page's identities, flag deleted users, fill the custom-field columns."""
        identities = [item for item in body.get("identities") or [] if isinstance(item, dict)]
        for identity in identities:
            identity["received_at"] = self.extracted_at  # when this page was read
        self.derived("user_identities").emit(identities)
        for user in records:
            if user.get("active") is False:
                user["_sdc_deleted_at"] = user.get("updated_at")
        return self.fill_custom_columns(records)


class OrganizationsStream(TimeExportStream):
    """Organizations from the time-based export (Zendesk has no cursor variant)."""

    name = "organizations"
    path = "/api/v2/incremental/organizations"
    records_key = "organizations"
    replication_key = "updated_at"
    export_time_field = "updated_at"
    full_first_sync = True
    schema = ORGANIZATIONS

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Fill the custom-field columns (after the boundary repeats are dropped)."""
        return self.fill_custom_columns(records)


class GroupsStream(ListStream):
    """Groups, read in full (the list is ordered by name, so it cannot be bookmarked).

    Zendesk leaves deleted groups out unless asked: read without them, they would vanish from
    the warehouse (ACTIVATE_VERSION) while old tickets still point at them. They are read,
    and flagged with `_sdc_deleted_at`.
    """

    name = "groups"
    path = "/api/v2/groups"
    records_key = "groups"
    schema = GROUPS

    def run_params(self, context: Context | None) -> PageParams:
        """Deleted groups too."""
        return {"exclude_deleted": "false"}

    def shape_page(self, records: list[dict], body: dict) -> Iterable[dict]:
        """Flag deleted groups (`deleted: true`) as deleted rows."""
        for group in records:
            if group.get("deleted") is True:
                group["_sdc_deleted_at"] = group.get("updated_at")
        return records


class GroupMembershipsStream(ListStream):
    """Which agent is in which group, read in full each run."""

    name = "group_memberships"
    path = "/api/v2/group_memberships"
    records_key = "group_memberships"
    schema = GROUP_MEMBERSHIPS


class OrganizationMembershipsStream(ListStream):
    """Which user is in which organization, read in full each run."""

    name = "organization_memberships"
    path = "/api/v2/organization_memberships"
    records_key = "organization_memberships"
    schema = ORGANIZATION_MEMBERSHIPS


class UserIdentitiesStream(DerivedStream):
    """Users' identities, from the users export's `identities` sideload: no request of their own.

    They come with their user, so they are incremental with the users' bookmark.
    """

    name = "user_identities"
    schema = USER_IDENTITIES
    parent_stream_type = UsersStream
    selected_by_default = False
