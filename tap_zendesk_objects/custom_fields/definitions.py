"""Which streams carry custom fields, and a field list's rows reduced to what columns need."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Ticket field types that are Zendesk's own (used when a definition lacks `removable`).
SYSTEM_TICKET_TYPES = frozenset(
    {
        "subject",
        "description",
        "status",
        "custom_status",
        "tickettype",
        "priority",
        "group",
        "assignee",
        "brand",
    }
)


@dataclass(frozen=True)
class Collection:
    """Where one stream's custom fields are defined and where its records carry them."""

    stream: str
    definitions: str  # the list endpoint's collection key, e.g. "user_fields"
    container: str  # the record key holding the values
    by_key: bool  # values keyed by field key (users, orgs) rather than by id (tickets)
    label: str  # "ticket", "user", "organization"


COLLECTIONS: dict[str, Collection] = {
    "tickets": Collection("tickets", "ticket_fields", "custom_fields", False, "ticket"),
    "users": Collection("users", "user_fields", "user_fields", True, "user"),
    "organizations": Collection(
        "organizations", "organization_fields", "organization_fields", True, "organization"
    ),
}


@dataclass(frozen=True)
class FieldDef:
    """One custom field definition, reduced to what columns need."""

    id: int
    type: str
    title: str
    key: str | None
    active: bool


def parse_definitions(rows: Iterable[Any], collection: Collection) -> list[FieldDef]:
    """Custom field definitions out of a field list (system ticket fields left out)."""
    out = []
    for row in rows:
        if not isinstance(row, Mapping) or not isinstance(row.get("id"), int):
            continue
        ftype = str(row.get("type") or "")
        if not collection.by_key:
            removable = row.get("removable")
            if removable is False or (removable is None and ftype in SYSTEM_TICKET_TYPES):
                continue
        key = row.get("key")
        out.append(
            FieldDef(
                id=row["id"],
                type=ftype,
                title=str(row.get("title") or row.get("raw_title") or ""),
                key=str(key) if key else None,
                active=row.get("active") is not False,
            )
        )
    return out
