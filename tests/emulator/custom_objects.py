"""The account's custom objects (the new API, not legacy Sunshine): objects, fields, records.

Three objects with 6 to 10 fields of every common type. Record values come as Zendesk sends
them: integers as strings, decimals mostly as strings (now and then a JSON number), dates
as ``YYYY-MM-DD``, lookups as the related record's id string (a user id, or another
object's record ULID), checkboxes as booleans, multiselects as lists; unset values null.
Record ids are ULIDs; `created_by_user_id` and `updated_by_user_id` are agent ids as strings.

Each object's records live in a store collection of their own (`records_coll`), sorted by
`updated_at`, so the incremental export pages them in that order. A deleted record stays
(for Zendesk's 30 days) with `name`, `external_id` and every field value "[DELETED]" and
`updated_at` its deletion time; `deleted` says which are.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from tests.emulator.conversation_messages import ulid
from tests.emulator.zendesk import API, DAY, iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

OBJECTS_COLL = "custom_objects"
FIELDS_COLL = "custom_object_fields"
DELETED = "[DELETED]"
_RECORDS_PREFIX = "custom_object_records:"
# key -> (title, plural, description, records at scale 1, fields: (key, type, option values))
OBJECTS: dict[str, tuple[str, str, str, int, tuple[tuple[str, str, tuple[str, ...]], ...]]] = {
    "apartment": ("Apartment", "Apartments", "Flats we rent out", 60, (
        ("rent", "decimal", ()),
        ("rooms", "integer", ()),
        ("available_from", "date", ()),
        ("furnished", "checkbox", ()),
        ("building", "dropdown", ("north_tower", "south_tower", "annexe")),
        ("tenant", "lookup", ("zen:user",)),
        ("notes", "textarea", ()),
    )),
    "car": ("Car", "Cars", "Cars in the fleet 🚗", 40, (
        ("make", "dropdown", ("volvo", "skoda", "citroen", "toyota")),
        ("year", "integer", ()),
        ("plate", "regexp", ()),
        ("parked_at", "lookup", ("zen:custom_object:apartment",)),
        ("electric", "checkbox", ()),
        ("features", "multiselect", ("gps", "towbar", "winter_tyres", "roof_box")),
    )),
    "vendor_contract": ("Vendor contract", "Vendor contracts", "Contracts signed ✍️", 25, (
        ("vendor", "text", ()),
        ("amount", "decimal", ()),
        ("starts_on", "date", ()),
        ("ends_on", "date", ()),
        ("signed", "checkbox", ()),
        ("owner", "lookup", ("zen:user",)),
        ("priority", "dropdown", ("low", "normal", "high")),
        ("seats", "integer", ()),
        ("reference", "text", ()),
        ("legacy_code", "text", ()),  # an inactive field: its values stay null
    )),
}  # fmt: skip
_INACTIVE = {("vendor_contract", "legacy_code")}


def records_coll(key: str) -> str:
    """The store collection of one object's records."""
    return _RECORDS_PREFIX + key


class CustomObjects:
    """The custom objects of one account: definitions, fields and records, and deletions."""

    def __init__(self, account: Account) -> None:
        self.acc = account
        self.fields_of: dict[str, list[int]] = {}  # object key -> field ids by position
        self.deleted: dict[tuple[str, str], int] = {}  # (object key, record id) -> epoch

    def build(self, rng: random.Random) -> None:
        """The objects, their fields, then their records (looked-up objects first)."""
        acc = self.acc
        for key, (title, plural, description, _n, fields) in OBJECTS.items():
            created = rng.randint(acc._t0 - 100 * DAY, acc._t0)
            agent = str(rng.choice(acc._agent_ids))
            obj = {
                "key": key,
                "url": f"{API}/custom_objects/{key}.json",
                "title": title,
                "raw_title": title,
                "title_pluralized": plural,
                "raw_title_pluralized": plural,
                "description": description,
                "raw_description": description,
                "include_in_list_view": rng.random() < 0.7,
                "allows_attachments": key == "vendor_contract",
                "allows_photos": key == "car",
                "created_by_user_id": agent,
                "updated_by_user_id": agent,
                "created_at": iso(created),
                "updated_at": iso(rng.randint(created, acc._t0)),
            }
            acc._put(OBJECTS_COLL, obj, created, key)
            for position, (fkey, ftype, options) in enumerate(fields):
                self._field(rng, key, position, fkey, ftype, options, created)
        for key, spec in OBJECTS.items():
            shared = rng.randint(acc._t0, acc._t1)  # an import: several records share it
            for _ in range(acc._n(spec[3])):
                created = rng.randint(acc._t0, acc._t1 - DAY)
                updated = rng.randint(created, acc._t1)
                if rng.random() < 0.1 and shared > created:
                    updated = shared
                rec = self.new_record(rng, key, created, updated)
                if rng.random() < 0.06:  # deleted in the last 29 days: still exported
                    lo = max(updated, acc.now - 29 * DAY)
                    stamp = rng.randint(lo, max(lo, acc._t1))
                    self.delete_record(key, rec["id"], stamp, str(rng.choice(acc._agent_ids)))

    def _field(
        self,
        rng: random.Random,
        key: str,
        position: int,
        fkey: str,
        ftype: str,
        options: tuple[str, ...],
        created: int,
    ) -> None:
        fid = self.acc._next_id("custom_object_field", 360_005_000_000)
        title = fkey.replace("_", " ").capitalize()
        lookup = ftype == "lookup"
        rec = {
            "id": fid,
            "url": f"{API}/custom_objects/{key}/fields/{fid}.json",
            "key": fkey,
            "type": ftype,
            "title": title,
            "raw_title": title,
            "description": rng.choice(["", f"The {title.lower()}"]),
            "raw_description": "",
            "position": position,
            "active": (key, fkey) not in _INACTIVE,
            "system": False,
            "required": position == 0,
            "regexp_for_validation": r"^[A-Z]{2,3}-\d{1,4}$" if ftype == "regexp" else None,
            "custom_field_options": [
                {
                    "id": fid * 10 + i,
                    "name": v.replace("_", " ").title(),
                    "raw_name": v,
                    "value": v,
                    "position": i,
                }
                for i, v in enumerate(options if ftype in ("dropdown", "multiselect") else ())
            ],
            "relationship_target_type": options[0] if lookup else None,
            "relationship_filter": {"all": [], "any": []} if lookup else None,
            "properties": {"autoincrement_enabled": False, "is_unique": fkey == "plate"},
            "created_at": iso(created),
            "updated_at": iso(created),
        }
        rec["raw_description"] = rec["description"]
        self.acc._put(FIELDS_COLL, rec, created)
        self.fields_of.setdefault(key, []).append(fid)

    def standard_fields(self, key: str) -> list[dict[str, Any]]:
        """`name` and `external_id`, which `include_standard_fields=true` lists first."""
        obj = self.acc._data[OBJECTS_COLL][key]
        base = 360_005_900_000 + 10 * list(OBJECTS).index(key)
        return [
            {
                "id": base + i,
                "url": f"{API}/custom_objects/{key}/fields/{base + i}.json",
                "key": fkey,
                "type": "text",
                "title": title,
                "raw_title": title,
                "description": "",
                "raw_description": "",
                "position": i,
                "active": True,
                "system": True,
                "required": fkey == "name",
                "custom_field_options": [],
                "relationship_target_type": None,
                "relationship_filter": None,
                "properties": {"autoincrement_enabled": False, "is_unique": fkey != "name"},
                "created_at": obj["created_at"],
                "updated_at": obj["created_at"],
            }
            for i, (fkey, title) in enumerate((("name", "Name"), ("external_id", "External id")))
        ]

    def _value(self, rng: random.Random, field: dict) -> Any:
        ftype = field["type"]
        if not field["active"] or rng.random() < 0.12:
            return None
        options = [o["value"] for o in field["custom_field_options"]]
        if ftype == "text" or ftype == "textarea":
            return self.acc._text(rng, 1, 8 if ftype == "text" else 30)
        if ftype == "integer":
            return str(rng.randint(-5, 2030))
        if ftype == "decimal":
            amount = rng.randint(0, 900_000) / 100
            return amount if rng.random() < 0.15 else f"{amount:.2f}"
        if ftype == "date":
            return iso(rng.randint(self.acc._t0, self.acc.now + 300 * DAY))[:10]
        if ftype == "checkbox":
            return rng.random() < 0.5
        if ftype == "dropdown":
            return rng.choice(options)
        if ftype == "multiselect":
            return rng.sample(options, rng.randint(0, len(options)))
        if ftype == "regexp":
            return f"{rng.choice(['AB', 'XYZ', 'ÉK'])}-{rng.randint(1, 9999)}"
        target = field["relationship_target_type"]  # lookup
        if target == "zen:user":
            return str(rng.choice(sorted(self.acc._data["users"])))
        live = [
            rid
            for rid in self.acc._data.get(records_coll(target.rsplit(":", 1)[1]), {})
            if (target.rsplit(":", 1)[1], rid) not in self.deleted
        ]
        return rng.choice(sorted(live)) if live else None

    def values(self, rng: random.Random, key: str) -> dict[str, Any]:
        """A value for every field of the object (keyed by field key)."""
        fields = self.acc._data[FIELDS_COLL]
        return {fields[f]["key"]: self._value(rng, fields[f]) for f in self.fields_of[key]}

    def new_record(self, rng: random.Random, key: str, created: int, updated: int) -> dict:
        """A record of object `key` created and updated then, by agents."""
        acc = self.acc
        rid = ulid(created * 1000 + rng.randint(0, 999), rng.getrandbits(80))
        title = OBJECTS[key][0]
        rec = {
            "id": rid,
            "url": f"{API}/custom_objects/{key}/records/{rid}.json",
            "custom_object_key": key,
            "name": f"{title} {rng.randint(1, 999)}{rng.choice(['', 'B', ' ✓'])}",
            "external_id": rng.choice([None, f"ext-{rid[-8:].lower()}"]),
            "custom_object_fields": self.values(rng, key),
            "created_by_user_id": str(rng.choice(acc._agent_ids)),
            "updated_by_user_id": str(rng.choice(acc._agent_ids)),
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        acc._put(records_coll(key), rec, updated, rid)
        return rec

    def update_record(self, rng: random.Random, key: str, rid: str, stamp: int, user: str) -> None:
        """New values for a live record's fields and name, updated at `stamp` by `user`."""
        rec = self.acc._data[records_coll(key)][rid]
        rec["custom_object_fields"] = self.values(rng, key)
        rec["name"] = f"{rec['name'].split(' (')[0]} (edited {stamp})"
        rec["updated_at"], rec["updated_by_user_id"] = iso(stamp), user
        self.acc._put(records_coll(key), rec, stamp, rid)

    def delete_record(self, key: str, rid: str, stamp: int, user: str) -> None:
        """What a deletion leaves for the export: every value "[DELETED]", updated then."""
        rec = self.acc._data[records_coll(key)][rid]
        rec["name"] = rec["external_id"] = DELETED
        rec["custom_object_fields"] = {k: DELETED for k in rec["custom_object_fields"]}
        rec["updated_at"], rec["updated_by_user_id"] = iso(stamp), user
        self.acc._put(records_coll(key), rec, stamp, rid)
        self.deleted[(key, rid)] = stamp
