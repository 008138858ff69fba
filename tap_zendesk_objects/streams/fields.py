"""Field definitions: the ticket, user and organization field lists."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from tap_zendesk_objects.families import SharedListStream
from tap_zendesk_objects.schemas.fields import CUSTOM_FIELD_DEFINITIONS, TICKET_FIELDS

if TYPE_CHECKING:
    from tap_zendesk_objects.families import SharedReads
    from tap_zendesk_objects.tap import TapZendeskObjects


class DefinitionListStream(SharedListStream):
    """A field-definition list, read in full each run.

    The same list gives tickets, users or organizations their custom columns: whichever needs
    it first reads it, and the other reuses those rows, so a run requests it once.
    """

    def read_store(self) -> SharedReads:
        """The custom-field registry's field lists, which read these lists too."""
        return cast("TapZendeskObjects", self._tap).custom_fields.field_lists


class TicketFieldsStream(DefinitionListStream):
    """Ticket fields, system and custom."""

    name = "ticket_fields"
    path = "/api/v2/ticket_fields"
    records_key = "ticket_fields"
    schema = TICKET_FIELDS


class UserFieldsStream(DefinitionListStream):
    """Definitions of the users' custom fields (opt-in)."""

    name = "user_fields"
    path = "/api/v2/user_fields"
    records_key = "user_fields"
    schema = CUSTOM_FIELD_DEFINITIONS
    selected_by_default = False


class OrganizationFieldsStream(DefinitionListStream):
    """Definitions of the organizations' custom fields (opt-in)."""

    name = "organization_fields"
    path = "/api/v2/organization_fields"
    records_key = "organization_fields"
    schema = CUSTOM_FIELD_DEFINITIONS
    selected_by_default = False
