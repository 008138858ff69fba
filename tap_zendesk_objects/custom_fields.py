"""Custom fields as typed, nullable columns of tickets, users and organizations.

Discovery reads the three field-definition lists (ticket_fields, user_fields,
organization_fields) once and adds one column per active custom field. Column names:
`custom_` + the field's `key` (users, organizations) or a slug of the ticket field's title
(lower-cased, every run of characters outside a-z0-9 turned into one `_`, `_` stripped at both
ends), the whole name cut to 63 bytes. An empty slug, or a name that two fields (or a standard
column) would share, gives `custom_<id>`; the field with the lowest id keeps the name. Names
are computed over active and inactive fields alike, so deactivating a field renames no other.

A sync takes its custom columns from the schema it runs with: the catalog's when one is given
(`--catalog`), else the one just discovered. Values are converted to the column's declared
type by a converter built once per column; a value that cannot be converted becomes null, with
one warning per column per run.

Ticket values are keyed by field id, so a catalog run reads ticket_fields once to map ids to
the catalog's columns. User and organization values are keyed by `key`, and the column name
holds the key, so those lists are read only when the catalog holds a name the key alone
cannot explain (a `custom_<id>` fallback, or a name cut at 63 bytes).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tap_zendesk_objects.client import PlanRestrictedError
from tap_zendesk_objects.config import CREDENTIAL_SETTINGS, check_config
from tap_zendesk_objects.errors import TapError
from tap_zendesk_objects.families import ListStream, SharedReads

if TYPE_CHECKING:
    from singer_sdk import Stream, Tap
    from singer_sdk.singerlib import Catalog

PREFIX = "custom_"
MAX_NAME_BYTES = 63  # PostgreSQL's identifier limit

# Field type -> (JSON type, format); anything unknown is a string.
_TYPES: dict[str, tuple[str, str | None]] = {
    "text": ("string", None),
    "textarea": ("string", None),
    "regexp": ("string", None),
    "partialcreditcard": ("string", None),
    "dropdown": ("string", None),
    "tagger": ("string", None),
    "date": ("string", "date"),
    "integer": ("integer", None),
    "decimal": ("number", None),
    "checkbox": ("boolean", None),
    "multiselect": ("array", None),
    "lookup": ("integer", None),
}
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


# Naming -----------------------------------------------------------------------------------

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_FALLBACK = re.compile(r"custom_\d+")


def slug(title: str) -> str:
    """`Contract value (€)` -> `contract_value`: lower-case, runs outside a-z0-9 -> `_`."""
    return _NON_ALNUM.sub("_", title.lower()).strip("_")


def cut(name: str) -> str:
    """The name cut to 63 UTF-8 bytes, never inside a character."""
    return name.encode()[:MAX_NAME_BYTES].decode(errors="ignore")


def preferred_name(definition: FieldDef, by_key: bool) -> str | None:
    """The name a field asks for before collisions are settled; None when unusable."""
    stem = (definition.key or "") if by_key else slug(definition.title or "")
    return cut(PREFIX + stem) if stem else None


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


def column_schema(definition: FieldDef, label: str) -> dict[str, Any]:
    """Nullable JSON schema of a field's column."""
    json_type, fmt = _TYPES.get(definition.type, ("string", None))
    schema: dict[str, Any] = {"type": [json_type, "null"]}
    if fmt:
        schema["format"] = fmt
    if json_type == "array":
        schema["items"] = {"type": ["string"]}
    schema["description"] = (
        f"Zendesk {label} field {definition.id} ({definition.type}): {definition.title}"
    )
    return schema


def parse_definitions(rows: Iterable[Mapping[str, Any]], collection: Collection) -> list[FieldDef]:
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


def discovered_columns(
    definitions: list[FieldDef], collection: Collection, reserved: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Column name -> schema, one per active field, in the account's field order."""
    names = column_names(definitions, collection.by_key, reserved)
    return {names[d.id]: column_schema(d, collection.label) for d in definitions if d.active}


# Values -----------------------------------------------------------------------------------


class _UnconvertibleError(Exception):
    """A value that cannot take its column's type.

    Raised as a fresh instance every time: re-raising one shared instance would chain every
    traceback onto it and keep each page's records alive for the whole run.
    """


_INTEGER_TEXT = re.compile(r"[+-]?\d+(?:\.0*)?")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}(?=$|[T ])")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def _to_string(value: Any) -> Any:
    if type(value) is str or value is None:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _to_integer(value: Any) -> Any:
    if type(value) is int or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if _INTEGER_TEXT.fullmatch(text):
            return int(text.split(".")[0])
    raise _UnconvertibleError


def _to_number(value: Any) -> Any:
    if type(value) is float:
        if math.isfinite(value):
            return value
        raise _UnconvertibleError
    if type(value) is int or value is None:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if _NUMBER_TEXT.fullmatch(text):
            number = float(text)
            if math.isfinite(number):
                return int(number) if number.is_integer() and "." not in text else number
    raise _UnconvertibleError


def _to_boolean(value: Any) -> Any:
    if type(value) is bool or value is None:
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "":
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    if type(value) is int and value in (0, 1):
        return bool(value)
    raise _UnconvertibleError


def _to_date(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        match = _DATE_TEXT.match(text)
        if match:
            day = match.group(0)
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                raise _UnconvertibleError from None
            return day
    raise _UnconvertibleError


def _to_string_list(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        if all(type(item) is str for item in value):
            return value
        return [_to_string(item) for item in value if item is not None]
    if isinstance(value, str):
        return [value] if value else []
    raise _UnconvertibleError


def _identity(value: Any) -> Any:
    return value


def _kind(schema: Mapping[str, Any]) -> str:
    """`integer`, `number`, `boolean`, `date`, `string`, `array` or `any` for a column schema."""
    declared = schema.get("type")
    types = {declared} if isinstance(declared, str) else set(declared or ())
    types.discard("null")
    if len(types) != 1:
        return "any"
    (json_type,) = types
    if json_type == "string" and schema.get("format") == "date":
        return "date"
    return json_type if json_type in _CONVERTERS else "any"


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _to_date,
    "array": _to_string_list,
    "any": _identity,
}
_KIND_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "date": "a date",
    "array": "a list",
    "string": "text",
}


def converter(
    schema: Mapping[str, Any], column: str, stream: str, logger: logging.Logger
) -> Callable[[Any], Any]:
    """A value converter for one column; unconvertible values -> None, warned about once."""
    kind = _kind(schema)
    convert = _CONVERTERS[kind]
    if kind in ("any", "string"):  # these never fail
        return convert
    warned = False

    def run(value: Any) -> Any:
        nonlocal warned
        try:
            return convert(value)
        except _UnconvertibleError:
            if not warned:
                warned = True
                shown = repr(value)
                if len(shown) > 40:
                    shown = shown[:37] + "..."
                logger.warning(
                    "Stream '%s', column '%s': value %s is not %s; emitted as null "
                    "(further unconvertible values of this column are not logged)",
                    stream,
                    column,
                    shown,
                    _KIND_WORDS[kind],
                )
            return None

    return run


# Applying values to records ---------------------------------------------------------------

# Column name, the type its values usually already have (passed through as is), converter.
Target = tuple[str, type | None, Callable[[Any], Any]]
_FAST_TYPES: dict[str, type | None] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": None,
    "array": None,
    "any": None,
}


def target(name: str, schema: Mapping[str, Any], stream: str, logger: logging.Logger) -> Target:
    """How one column is filled: values of its usual type go through untouched."""
    return name, _FAST_TYPES[_kind(schema)], converter(schema, name, stream, logger)


@dataclass
class ColumnMapper:
    """Fills a stream's custom columns from its raw container, page by page."""

    collection: Collection
    nulls: dict[str, None]
    targets: dict[Any, Target | None]  # field id (tickets) or key (users, orgs) -> column
    # Key mode (users/orgs from a catalog, no definitions read): targets found on first sight.
    columns: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    make: Callable[[str], Target] | None = None

    def apply(self, records: list[dict]) -> None:
        """Set every custom column of every record: its converted value, else null."""
        if not self.nulls:
            return
        if self.collection.by_key:
            self._apply_by_key(records)
        else:
            self._apply_by_id(records)

    def _apply_by_id(self, records: list[dict]) -> None:
        """Tickets: `custom_fields` is a list of {id, value}."""
        container, nulls, targets = self.collection.container, self.nulls, self.targets
        for record in records:
            record.update(nulls)
            values = record.get(container)
            if type(values) is not list:
                continue
            for item in values:
                try:
                    found = targets[item["id"]]
                except (KeyError, TypeError, IndexError):
                    found = self._find_item(item)
                if found is not None:
                    name, fast, convert = found
                    value = item.get("value")
                    if value is None or type(value) is fast:
                        record[name] = value
                    else:
                        record[name] = convert(value)

    def _apply_by_key(self, records: list[dict]) -> None:
        """Users and organizations: the container is an object keyed by field key."""
        container, nulls, targets = self.collection.container, self.nulls, self.targets
        for record in records:
            record.update(nulls)
            values = record.get(container)
            if type(values) is not dict:
                continue
            for key, value in values.items():
                try:
                    found = targets[key]
                except KeyError:
                    found = self._find(key)
                if found is not None:
                    name, fast, convert = found
                    if value is None or type(value) is fast:
                        record[name] = value
                    else:
                        record[name] = convert(value)

    def _find_item(self, item: Any) -> Target | None:
        """A ticket's {id, value} not seen before (or malformed: then nothing)."""
        if type(item) is not dict:
            return None
        ident = item.get("id")
        try:
            return self.targets[ident]
        except KeyError:
            return self._find(ident)
        except TypeError:  # an unhashable id: no field has it
            return None

    def _find(self, ident: Any) -> Target | None:
        """Key mode: the column `custom_<key>` if the schema has it. Else nothing."""
        found = None
        if self.make is not None and isinstance(ident, str):
            name = cut(PREFIX + ident)
            if name in self.columns:
                found = self.make(name)
        self.targets[ident] = found
        return found


class CustomFields(SharedReads):
    """Per run: the field definitions read (each list at most once) and each stream's mapper.

    The definition lists read in full this run are kept by endpoint, as Zendesk sent their
    rows: the ticket_fields, user_fields and organization_fields streams and the custom
    columns share one read of each.
    """

    def __init__(self, tap: Tap) -> None:
        super().__init__()
        self.tap = tap
        self._definitions: dict[str, list[FieldDef] | None] = {}
        self._mappers: dict[str, ColumnMapper] = {}
        self._unreachable: str | None = None

    # Reading definitions ------------------------------------------------------------------

    def definitions(self, collection: Collection) -> list[FieldDef] | None:
        """The collection's custom field definitions, read once per run; None if unreadable."""
        if collection.stream not in self._definitions:
            self._definitions[collection.stream] = self._read(collection)
        return self._definitions[collection.stream]

    def _read(self, collection: Collection) -> list[FieldDef] | None:
        logger = self.tap.logger
        what = f"custom {collection.label} fields"
        if self._unreachable is not None:
            logger.warning(
                "%s not read (%s); '%s' keeps its standard columns",
                what,
                self._unreachable,
                collection.stream,
            )
            return None
        rows = self._rows.get(collection.definitions)
        stream = _definitions_stream(collection)(tap=self.tap)
        try:
            if rows is None:
                rows = list(stream.request_records(None))
                self._rows[collection.definitions] = rows
        except PlanRestrictedError as exc:
            logger.warning(
                "%s not read: %s. '%s' keeps its standard columns (the raw `%s` stays). "
                "Reading field definitions needs an agent or admin token with read access.",
                what,
                exc,
                collection.stream,
                collection.container,
            )
            return None
        except TapError as exc:
            self._unreachable = str(exc)
            logger.warning(
                "%s not read: %s. '%s' keeps its standard columns (the raw `%s` stays).",
                what,
                exc,
                collection.stream,
                collection.container,
            )
            return None
        return parse_definitions(rows, collection)

    # Discovery ----------------------------------------------------------------------------

    def credentials_problem(self) -> str | None:
        """Why field definitions cannot be read with this config, or None."""
        config = self.tap.config
        if not any(config.get(key) for key in CREDENTIAL_SETTINGS):
            return "no credentials in the config"
        try:
            check_config(config)
        except TapError as exc:
            return str(exc)
        return None

    def discover(self, streams: Iterable[Stream]) -> None:
        """Give tickets, users and organizations one column per active custom field."""
        wanted = [s for s in streams if s.name in COLLECTIONS]
        if not wanted:
            return
        problem = self.credentials_problem()
        if problem is not None:
            self.tap.logger.warning(
                "Custom fields not discovered (%s): tickets, users and organizations keep "
                "their standard columns",
                problem,
            )
            return
        for stream in wanted:
            collection = COLLECTIONS[stream.name]
            definitions = self.definitions(collection)
            if not definitions:
                continue
            base = type(stream).schema
            columns = discovered_columns(definitions, collection, base["properties"])
            stream.schema = {**base, "properties": {**base["properties"], **columns}}
            self.tap.logger.info(
                "Stream '%s': %d custom field column(s) discovered", stream.name, len(columns)
            )

    # Syncing ------------------------------------------------------------------------------

    def adopt_catalog(self, streams: Iterable[Stream], catalog: Catalog) -> None:
        """Catalog runs: tickets, users and organizations take the catalog's schema as theirs.

        The SDK keeps a catalog's schema apart (`effective_schema`); making it the stream's
        own schema too means every step that reads `schema` sees the catalog's custom
        columns, whichever of the two it reads.
        """
        for stream in streams:
            if stream.name not in COLLECTIONS:
                continue
            entry = catalog.get_stream(stream.name)
            if entry is not None and entry.schema.properties:
                stream.schema = entry.schema.to_dict()

    def mapper(self, stream: Stream) -> ColumnMapper:
        """The stream's mapper, built on first use from the schema the stream runs with."""
        mapper = self._mappers.get(stream.name)
        if mapper is None:
            mapper = self._build(stream)
            self._mappers[stream.name] = mapper
        return mapper

    def _build(self, stream: Stream) -> ColumnMapper:
        collection = COLLECTIONS[stream.name]
        standard = type(stream).schema["properties"]
        mask = stream.mask
        columns = {
            name: schema
            for name, schema in stream.effective_schema.get("properties", {}).items()
            if name.startswith(PREFIX) and name not in standard and mask[("properties", name)]
        }
        if not columns:
            return ColumnMapper(collection, {}, {})
        logger = stream.logger

        def make(name: str) -> Target:
            return target(name, columns[name], stream.name, logger)

        nulls = dict.fromkeys(columns)
        read = collection.stream in self._definitions
        needs_definitions = not collection.by_key or any(
            _FALLBACK.fullmatch(name) or len(name.encode()) >= MAX_NAME_BYTES for name in columns
        )
        if collection.by_key and not read and not needs_definitions:
            return ColumnMapper(collection, nulls, {}, columns, make)
        definitions = self.definitions(collection)
        if definitions is None:
            if collection.by_key:  # still map what the keys explain
                return ColumnMapper(collection, nulls, {}, columns, make)
            return ColumnMapper(collection, nulls, {})
        names = column_names(definitions, collection.by_key, standard)
        targets: dict[Any, Target | None] = {}
        for definition in definitions:
            name = names[definition.id]
            if name in columns:
                ident = definition.key if collection.by_key else definition.id
                targets[ident] = make(name)
        unmatched = sorted(set(columns) - {t[0] for t in targets.values() if t})
        if unmatched:
            logger.warning(
                "Stream '%s': column(s) %s of the catalog match no current Zendesk field "
                "(deleted or renamed?); they stay null. Run discovery to refresh the catalog.",
                stream.name,
                ", ".join(unmatched),
            )
        return ColumnMapper(collection, nulls, targets)


def _definitions_stream(collection: Collection) -> type[ListStream]:
    return _DEFINITION_STREAMS[collection.definitions]


def _make_definitions_stream(endpoint: str) -> type[ListStream]:
    """A list stream over one definition list, used only for its requests."""
    return type(
        f"_{endpoint.title().replace('_', '')}Definitions",
        (ListStream,),
        {
            "__doc__": f"The /api/v2/{endpoint} list, read for custom-field columns.",
            "name": f"{endpoint}_definitions",
            "path": f"/api/v2/{endpoint}",
            "records_key": endpoint,
            "schema": {"type": "object", "properties": {}},
            "plan_gated": True,  # 403/404: a warning and the standard schema
        },
    )


_DEFINITION_STREAMS = {
    name: _make_definitions_stream(name)
    for name in ("ticket_fields", "user_fields", "organization_fields")
}


def registry(tap: Tap) -> CustomFields:
    """The run's CustomFields, created on first use."""
    found = tap.__dict__.get("_custom_fields")
    if found is None:
        found = CustomFields(tap)
        tap.__dict__["_custom_fields"] = found
    return found


def apply_custom_columns(stream: Stream, records: list[dict]) -> list[dict]:
    """Fill the stream's custom columns on a page of records (tickets, users, organizations)."""
    registry(stream._tap).mapper(stream).apply(records)
    return records
