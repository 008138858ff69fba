"""A custom field's column name: `custom_` + its key or title slug, unique, at most 63 bytes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from tap_zendesk_objects.custom_fields.definitions import FieldDef

PREFIX = "custom_"
MAX_NAME_BYTES = 63  # PostgreSQL's identifier limit

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_FALLBACK = re.compile(r"custom_\d+")


def slug(title: str) -> str:
    """`Contract value (€)` -> `contract_value`: lower-case, runs outside a-z0-9 -> `_`."""
    return _NON_ALNUM.sub("_", title.lower()).strip("_")


def cut(name: str) -> str:
    """The name cut to 63 UTF-8 bytes, never inside a character."""
    return name.encode()[:MAX_NAME_BYTES].decode(errors="ignore")


def prefixed(stem: str) -> str:
    """`custom_<stem>`, cut to length: the name a key or slug asks for."""
    return cut(PREFIX + stem)


def preferred_name(definition: FieldDef, by_key: bool) -> str | None:
    """The name a field asks for before collisions are settled; None when unusable."""
    stem = (definition.key or "") if by_key else slug(definition.title or "")
    return prefixed(stem) if stem else None


def column_names(
    definitions: Iterable[FieldDef], by_key: bool, reserved: Iterable[str] = ()
) -> dict[int, str]:
    """Field id -> column name, collisions settled (the lowest id keeps a shared name)."""
    taken = set(reserved)
    wanted = {d.id: preferred_name(d, by_key) for d in definitions}
    owner: dict[str, int] = {}
    for field_id in sorted(wanted):
        name = wanted[field_id]
        if name is not None and name not in taken:
            owner.setdefault(name, field_id)
    return {
        field_id: name
        if name is not None and owner.get(name) == field_id
        else f"{PREFIX}{field_id}"
        for field_id, name in wanted.items()
    }


def key_explains(name: str) -> bool:
    """Whether a field's key alone gives this column: not a `custom_<id>` fallback, not cut."""
    return not (_FALLBACK.fullmatch(name) or len(name.encode()) >= MAX_NAME_BYTES)
