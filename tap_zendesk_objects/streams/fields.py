"""Field definitions: the ticket, user and organization field lists.

Each list is read two ways: as a stream of its own (synced like any other), and for the custom
columns of tickets, users and organizations (read, never synced). One run requests it once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap_zendesk_objects.schemas.common import NO_PROPERTIES
from tap_zendesk_objects.schemas.fields import CUSTOM_FIELD_DEFINITIONS, TICKET_FIELDS
from tap_zendesk_objects.streams.families import ListStream, SharedListStream

if TYPE_CHECKING:
    from tap_zendesk_objects.run.context import SharedReads


class DefinitionListStream(SharedListStream):
    """A field-definition list, read in full each run.

    The same list gives tickets, users or organizations their custom columns: whichever needs
    it first reads it, and the other reuses those rows, so a run requests it once.
    """

    def read_store(self) -> SharedReads:
        """The custom-field registry's field lists, which read these lists too."""
        return self.run.custom_fields.field_lists


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


class FieldDefinitionsRead(ListStream):
    """A field-definition list read only for the custom columns: never synced, not in the catalog.

    Plan-gated, unlike the synced streams above: a token that may not read the list (403/404)
    gets a warning, and the stream its standard columns.
    """

    schema = NO_PROPERTIES
    plan_gated = True


class TicketFieldDefinitions(FieldDefinitionsRead):
    """The ticket fields, for the tickets' custom columns."""

    name = "ticket_fields_definitions"
    path = "/api/v2/ticket_fields"
    records_key = "ticket_fields"


class UserFieldDefinitions(FieldDefinitionsRead):
    """The user fields, for the users' custom columns."""

    name = "user_fields_definitions"
    path = "/api/v2/user_fields"
    records_key = "user_fields"


class OrganizationFieldDefinitions(FieldDefinitionsRead):
    """The organization fields, for the organizations' custom columns."""

    name = "organization_fields_definitions"
    path = "/api/v2/organization_fields"
    records_key = "organization_fields"
