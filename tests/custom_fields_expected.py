"""What the custom-field tests expect of the emulator's fields: the streams that have them,
the columns the design names, and each raw value converted to its column's type.
"""

from __future__ import annotations

import re
from typing import Any

from tap_zendesk_objects.schemas.people import ORGANIZATIONS, USERS
from tap_zendesk_objects.schemas.tickets import TICKETS
from tests.emulator.account import Account
from tests.singer import FAST_RATES

START_DATE = "2000-01-01T00:00:00Z"
STREAMS = ("tickets", "users", "organizations")
DEFINITIONS = {
    "tickets": "ticket_fields",
    "users": "user_fields",
    "organizations": "organization_fields",
}
FIELD_LISTS = {f"/api/v2/{name}" for name in DEFINITIONS.values()}
STANDARD = {"tickets": TICKETS, "users": USERS, "organizations": ORGANIZATIONS}
# The emulator's ticket fields, by title, and the columns the design gives them.
TICKET_COLUMNS = {
    "Order number": "custom_order_number",
    "Steps to reproduce 🐞": "custom_steps_to_reproduce",
    "VIP customer": "custom_vip_customer",
    "Renewal date": "custom_renewal_date",
    "Seats": "custom_seats",
    "Contract value (€)": "custom_contract_value",
    "Product code": "custom_product_code",
    "Card": "custom_card",
    "Affected products": "custom_affected_products",
    "Customer tier": "custom_customer_tier",
    "Account manager": "custom_account_manager",
    "Customer-Tier": None,  # slugs like "Customer tier", which has the lower id: custom_<id>
    "🔥🔥 !!": None,  # empty slug: custom_<id>
}
BAD = object()  # an unconvertible value


# Against the emulator -----------------------------------------------------------------------


def tap_config(base_url_config: dict) -> dict:
    return {**base_url_config, **FAST_RATES, "start_date": START_DATE}


def definitions(account: Account, stream: str) -> list[dict]:
    rows = account.records(DEFINITIONS[stream])
    if stream == "tickets":
        rows = [row for row in rows if row.get("removable")]
    return rows


def expected_columns(account: Account, stream: str) -> dict[int, str]:
    """Field id -> column, per the design, for the emulator's fields (active ones)."""
    out = {}
    for row in definitions(account, stream):
        if not row["active"]:
            continue
        if stream == "tickets":
            name = TICKET_COLUMNS[row["title"]] or f"custom_{row['id']}"
        else:
            name = "custom_" + row["key"]
        out[row["id"]] = name
    return out


def custom_columns(schema: dict, stream: str) -> dict[str, dict]:
    standard = STANDARD[stream]["properties"]
    return {k: v for k, v in schema["properties"].items() if k not in standard}


def expected_value(ftype: str, raw: Any) -> Any:
    """The emulator's raw value converted to its column's type (BAD when it cannot be)."""
    if raw is None:
        return None
    if ftype in ("integer", "lookup"):
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        return int(raw) if isinstance(raw, str) and re.fullmatch(r"-?\d+", raw) else BAD
    if ftype == "decimal":
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return raw
        return float(raw) if re.fullmatch(r"-?\d+(\.\d+)?", raw) else BAD
    if ftype == "date":
        return raw[:10]
    return raw
