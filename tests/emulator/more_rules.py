"""The emulator's business rules: macros, triggers, automations and views.

Conditions and actions carry values of every JSON type Zendesk uses (strings, numbers, lists);
restrictions name the account's real groups and users.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from tests.emulator.zendesk import API, DAY, iso

if TYPE_CHECKING:
    from tests.emulator.account import Account

CONDITION_FIELDS = ("status", "priority", "group_id", "update_type", "current_tags", "via_id")
TITLE_WORDS = ("réfund", "VIP", "escalate", "東京", "close", "tag")


class Rules:
    """Builds the four rule collections of one account from a random stream of their own."""

    def __init__(self, account: Account, rng: random.Random) -> None:
        self.acc, self.rng = account, rng

    def _conditions(self) -> dict[str, list[dict]]:
        def one() -> dict:
            field = self.rng.choice(CONDITION_FIELDS)
            value: Any = self.rng.choice(["open", "urgent", 4, ["vip", "beta"], None])
            return {
                "field": field,
                "operator": self.rng.choice(["is", "less_than"]),
                "value": value,
            }

        return {
            "all": [one() for _ in range(self.rng.randint(1, 3))],
            "any": [one() for _ in range(self.rng.randint(0, 2))],
        }

    def _actions(self) -> list[dict]:
        group = self.rng.choice(self.acc._group_ids)
        choices = [
            {"field": "status", "value": "solved"},
            {"field": "group_id", "value": group},
            {"field": "set_tags", "value": "vip ünïcode"},
            {
                "field": "notification_user",
                "value": ["requester_id", "Re: {{ticket.title}}", "Hello 👋"],
            },
        ]
        return self.rng.sample(choices, self.rng.randint(1, 3))

    def _restriction(self) -> dict | None:
        if self.rng.random() < 0.6:
            return None
        groups = self.rng.sample(self.acc._group_ids, 2)
        return {"type": "Group", "id": groups[0], "ids": groups}

    def _rule(self, coll: str, rid: int, position: int, title: str) -> dict:
        return {
            "id": rid,
            "url": f"{API}/{coll}/{rid}.json",
            "title": title,
            "raw_title": title if self.rng.random() < 0.9 else f"{{{{dc.{coll}}}}}",
            "description": self.rng.choice([None, "", title.lower()]),
            "active": self.rng.random() < 0.85,
            "default": position == 1,
            "position": position,
        }

    def build(self) -> None:
        """Macros, triggers, automations and views."""
        n = self.acc._n
        for coll, count, big in (
            ("macros", 130, 9_500_000_000),
            ("triggers", 40, 9_510_000_000),
            ("automations", 12, 9_520_000_000),
            ("views", 28, 9_530_000_000),
        ):
            for k in range(1, n(count) + 1):
                rid = self.acc._next_id(coll, 360_400_000 + len(coll) * 10_000, 29, big)
                title = f"{coll[:-1].title()} {k}: {' '.join(self.rng.sample(TITLE_WORDS, 2))}"
                rec = self._rule(coll, rid, k, title)
                if coll == "macros":
                    rec |= {"actions": self._actions(), "restriction": self._restriction()}
                elif coll == "triggers":
                    rec |= {
                        "conditions": self._conditions(),
                        "actions": self._actions(),
                        "category_id": str(360_900 + k % 3),
                    }
                elif coll == "automations":
                    rec |= {"conditions": self._conditions(), "actions": self._actions()}
                else:
                    rec |= self._view(k)
                created = self.rng.randint(self.acc._t0 - 300 * DAY, self.acc._t0)
                updated = self.rng.randint(created, self.acc._t1)
                rec |= {"created_at": iso(created), "updated_at": iso(updated)}
                self.acc._put(coll, rec, updated)

    def _view(self, k: int) -> dict:
        columns = [
            {"id": "subject", "title": "Subject", "filterable": False, "sortable": True},
            {"id": 360_005_001, "title": "Plan", "filterable": True, "sortable": False},
        ]
        restriction = self._restriction()
        if k % 7 == 0:  # another agent's personal view: not listed for the admin
            restriction = {"type": "User", "id": self.rng.choice(self.acc._agent_ids[1:])}
        elif k % 5 == 0:  # the admin's own personal view
            restriction = {"type": "User", "id": self.acc.admin_id}
        return {
            "conditions": self._conditions(),
            "restriction": restriction,
            "execution": {
                "group_by": None,
                "group_order": "desc",
                "sort_by": "updated",
                "sort_order": "desc",
                "group": None,
                "sort": {"id": "updated", "title": "Updated", "order": "desc"},
                "columns": columns,
                "fields": columns,
                "custom_fields": [],
            },
        }


def listed_views(account: Account) -> list[dict]:
    """The views the admin sees: shared ones and the admin's own personal views."""
    return [
        v
        for v in account._data["views"].values()
        if (v["restriction"] or {}).get("type") != "User"
        or v["restriction"]["id"] == account.admin_id
    ]
