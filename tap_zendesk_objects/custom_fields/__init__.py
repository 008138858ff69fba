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

One job a module:
- `definitions`: which streams have custom fields, and a field list's rows reduced to FieldDef;
- `naming`: a field's column name;
- `columns`: a field's column schema, and the columns discovery adds;
- `values`: converting a value to its column's type;
- `mapping`: filling a page of records' custom columns;
- `field_lists`: reading the definition lists, at most once a run;
- `registry`: the run's custom fields (the tap's `custom_fields`): discovery, catalogs, mappers.
"""
