"""The account's field definitions, custom field values and ticket forms.

Ticket, user and organization fields of every type; the raw values records give them (of
mixed JSON types); and the ticket forms that list the ticket fields.
A mixin of `Account` (account.py): it stores through the account and draws from its random
stream.
"""

from __future__ import annotations

import time
from typing import Any

from tests.emulator.account_build import Generator
from tests.emulator.zendesk import API, DAY, iso


class FieldsGenerator(Generator):
    """Builds fields and forms, and draws custom field values for new records."""

    def _field_def(
        self,
        coll: str,
        fid: int,
        ftype: str,
        title: str,
        key: str | None,
        pos: int,
        options: list[str] | None = None,
        active: bool = True,
    ) -> dict:
        rng = self._rng
        created = self._time(self._t0 - 400 * DAY, self._t0)
        updated = self._time(created, self._t0 + 30 * DAY)
        opts = None
        if options is not None:
            opts = [
                {
                    "id": fid * 10 + j,
                    "name": name,
                    "raw_name": name,
                    "value": name.lower().replace(" ", "_"),
                    "default": False,
                }
                for j, name in enumerate(options, 1)
            ]
        rec: dict[str, Any] = {
            "id": fid,
            "url": f"{API}/{coll}/{fid}.json",
            "type": ftype,
            "title": title,
            "raw_title": title if rng.random() < 0.8 else "{{dc.%s}}" % (key or "field"),
            "description": rng.choice([None, "", self._text(rng)]),
            "raw_description": "",
            "position": pos,
            "active": active,
            "regexp_for_validation": r"^[A-Z]{3}-\d{4}$" if ftype == "regexp" else None,
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        if coll == "ticket_fields":
            rec.update(
                {
                    "agent_description": None,
                    "required": rng.random() < 0.2,
                    "collapsed_for_agents": False,
                    "title_in_portal": title,
                    "raw_title_in_portal": title,
                    "visible_in_portal": rng.random() < 0.5,
                    "editable_in_portal": rng.random() < 0.3,
                    "required_in_portal": False,
                    "agent_can_edit": True,
                    "tag": f"tag_{fid}" if ftype == "checkbox" else None,
                    "removable": key is None or not key.startswith("system:"),
                    "sub_type_id": 0,
                }
            )
        else:
            rec.update(
                {
                    "key": key,
                    "system": False,
                    "tag": f"tag_{key}" if ftype == "checkbox" else None,
                }
            )
        if opts is not None:
            rec["custom_field_options"] = opts
        if ftype == "lookup":
            rec["relationship_target_type"] = "zen:user"
            rec["relationship_filter"] = {"all": [], "any": []}
        self._put(coll, rec, updated)
        return rec

    def _build_fields(self) -> None:
        rng = self._rng
        system = [
            ("subject", "Subject"),
            ("description", "Description"),
            ("status", "Status"),
            ("custom_status", "Ticket status"),
            ("tickettype", "Type"),
            ("priority", "Priority"),
            ("group", "Group"),
            ("assignee", "Assignee"),
        ]
        custom = [
            ("text", "Order number", None),
            ("textarea", "Steps to reproduce 🐞", None),
            ("checkbox", "VIP customer", None),
            ("date", "Renewal date", None),
            ("integer", "Seats", None),
            ("decimal", "Contract value (€)", None),
            ("regexp", "Product code", None),
            ("partialcreditcard", "Card", None),
            ("multiselect", "Affected products", ["Web app", "iOS app", "Android app", "API"]),
            ("tagger", "Customer tier", ["Gold", "Silver", "Bronze"]),
            ("lookup", "Account manager", None),
            ("text", "Customer-Tier", None),  # slugs like "Customer tier"
            ("text", "🔥🔥 !!", None),  # slug is empty
            ("text", "Legacy reference", None),  # inactive
        ]
        n_all = len(system) + len(custom)
        positions = list(range(1, n_all + 1))
        rng.shuffle(positions)
        self.ticket_field_types: dict[int, str] = {}
        self.ticket_field_options: dict[int, list[str]] = {}
        fid = 360_000_000_000
        for i, (ftype, title) in enumerate(system):
            fid += rng.randint(1, 900)
            self._field_def("ticket_fields", fid, ftype, title, "system:" + ftype, positions[i])
        for j, (ftype, title, options) in enumerate(custom):
            fid += rng.randint(1, 900)
            rec = self._field_def(
                "ticket_fields",
                fid,
                ftype,
                title,
                None,
                positions[len(system) + j],
                options,
                active=title != "Legacy reference",
            )
            self.ticket_field_types[fid] = ftype
            if options:
                self.ticket_field_options[fid] = [o["value"] for o in rec["custom_field_options"]]
        for coll, prefix, base in (
            ("user_fields", "user", 20_000_000),
            ("organization_fields", "org", 21_000_000),
        ):
            types = [
                ("text", "Nickname"),
                ("textarea", "Bio ✍️"),
                ("checkbox", "Beta tester"),
                ("date", "Contract start"),
                ("integer", "Logins"),
                ("decimal", "Score"),
                ("regexp", "Member code"),
                ("dropdown", "Plan"),
                ("multiselect", "Interests"),
                ("lookup", "Manager"),
            ]
            defs = {}
            for k, (ftype, title) in enumerate(types, 1):
                options = None
                if ftype == "dropdown":
                    options = ["Option 1", "Option 2", "Option 3"]
                elif ftype == "multiselect":
                    options = ["Sports", "Music", "Travel", "Food"]
                key = f"{prefix}_{ftype}"
                rec = self._field_def(coll, base + k * 37, ftype, title, key, k, options)
                defs[key] = rec
            setattr(self, f"_{prefix}_field_defs", defs)

    def _custom_value(self, ftype: str, options: list[str] | None, ticket: bool) -> Any:
        rng = self._rng
        r = rng.random()
        if r < 0.25 and not (ticket and ftype == "checkbox"):
            return None
        if ftype in ("text", "textarea"):
            return rng.choice(["", self._text(rng, 1, 4), "Ünïcode ✓ 👍", "x" * 300])
        if ftype == "checkbox":
            return rng.random() < 0.4
        if ftype == "date":
            d = time.strftime("%Y-%m-%d", time.gmtime(self._time(self._t0, self.now)))
            return rng.choice([d, d, d + "T00:00:00Z", d + "T00:00:00+00:00"])
        if ftype == "integer":
            n = rng.randint(-5, 5000)
            return rng.choice([n, n, str(n), "n/a" if rng.random() < 0.2 else n])
        if ftype == "decimal":
            x = round(rng.uniform(0, 10000), 2)
            return rng.choice([x, x, f"{x:.2f}", "1,5" if rng.random() < 0.2 else x])
        if ftype == "regexp":
            return f"ABC-{rng.randint(1000, 9999)}"
        if ftype == "partialcreditcard":
            return f"XXXXXXXXXXXX{rng.randint(1000, 9999)}"
        if ftype == "multiselect":
            assert options
            return rng.sample(options, rng.randint(0, len(options)))
        if ftype in ("tagger", "dropdown"):
            assert options
            return rng.choice(options)
        if ftype == "lookup":
            return rng.choice(self._user_ids) if getattr(self, "_user_ids", None) else 12345
        return None

    def _user_field_values(self, prefix: str) -> dict[str, Any]:
        defs = getattr(self, f"_{prefix}_field_defs")
        out = {}
        for key, d in defs.items():
            opts = [o["value"] for o in d.get("custom_field_options", [])] or None
            out[key] = self._custom_value(d["type"], opts, ticket=False)
        return out

    def _build_forms(self) -> None:
        rng = self._rng
        custom_ids = list(self.ticket_field_types)
        system_ids = [i for i in self._data["ticket_fields"] if i not in self.ticket_field_types]
        names = ["Default form", "Billing ✉️", "Bug report", "Old form"]
        for i, name in enumerate(names):
            fid = 3_600_000 + i * 101
            created = self._time(self._t0 - 100 * DAY, self._t0)
            updated = self._time(created, self._t1)
            fields = system_ids + rng.sample(custom_ids, rng.randint(2, len(custom_ids)))
            rec = {
                "id": fid,
                "url": f"{API}/ticket_forms/{fid}.json",
                "name": name,
                "raw_name": name,
                "display_name": name if i else None,
                "raw_display_name": name if i else None,
                "position": i + 1,
                "active": i != 3,
                "default": i == 0,
                "end_user_visible": i != 2,
                "in_all_brands": i != 1,
                "restricted_brand_ids": [] if i != 1 else [360000111],
                "ticket_field_ids": fields,
                "agent_conditions": [
                    {
                        "parent_field_id": custom_ids[2],
                        "value": True,
                        "child_fields": [
                            {
                                "id": custom_ids[0],
                                "is_required": False,
                                "required_on_statuses": {
                                    "type": "SOME_STATUSES",
                                    "statuses": ["solved"],
                                },
                            }
                        ],
                    }
                ]
                if i == 2
                else [],
                "end_user_conditions": [],
                "created_at": iso(created),
                "updated_at": iso(updated),
                "deleted_at": None,
            }
            self._put("ticket_forms", rec, updated)
        self._form_ids = list(self._data["ticket_forms"])
