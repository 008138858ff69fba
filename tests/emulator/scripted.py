"""Scripted misbehaviour: answers a test chooses for one endpoint, and odd values in the account.

`emulator.scripts.add(path, ...)` makes the next requests of one endpoint (all of them, the next
`times`, or those whose query matches `when`) answer with a chosen status and body, or with
the endpoint's own body rewritten or with extra headers: what other connectors met on real
accounts (a 200 without its collection, a 422 on one stream, a 503 with Retry-After, an
export page that times out above some size, deprecation headers...).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.emulator.account import Account

Query = dict[str, list[str]]


@dataclass
class Script:
    """One scripted answer. `body=None` serves the endpoint's own body (maybe rewritten)."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # None: every matching request
    when: Callable[[Query], bool] | None = None
    rewrite: Callable[[bytes], bytes] | None = None
    served: int = 0

    def matches(self, query: Query) -> bool:
        """True while this script has answers left for a request with this query."""
        if self.times is not None and self.served >= self.times:
            return False
        return self.when is None or self.when(query)


class Scripts:
    """The scripts of one emulator, per endpoint path, first match wins."""

    def __init__(self) -> None:
        self._by_path: dict[str, list[Script]] = {}
        self._lock = threading.Lock()

    def add(self, path: str, **kwargs: Any) -> Script:
        """Script the next answers of `path` (see `Script`)."""
        script = Script(**kwargs)
        with self._lock:
            self._by_path.setdefault(path, []).append(script)
        return script

    def take(self, path: str, query: Query) -> Script | None:
        """The script that answers this request, counted as served; None when none does."""
        with self._lock:
            for script in self._by_path.get(path, ()):
                if script.matches(query):
                    script.served += 1
                    return script
        return None

    def answer(
        self, path: str, query: Query, serve: Callable[[], Any]
    ) -> tuple[int, Any, dict[str, str]]:
        """(status, body, extra headers) for a request: scripted, or the endpoint's own."""
        script = self.take(path, query) if self._by_path else None
        if script is None:
            return 200, serve(), {}
        if script.body is not None:
            return script.status, script.body, script.headers
        body = serve()
        if script.rewrite is not None:
            body = script.rewrite(body)
        return script.status, body, script.headers


def per_page_above(limit: int) -> Callable[[Query], bool]:
    """A `when` matching export requests asking for more than `limit` records a page."""

    def when(query: Query) -> bool:
        return int((query.get("per_page") or ["1000"])[-1]) > limit

    return when


def set_value(account: Account, collection: str, rid: int, key: str, value: Any) -> None:
    """Give one record's key a raw value (of any JSON type) without touching its timestamps."""
    with account.lock:
        account.get(collection, rid)[key] = value
        account._touch(collection, rid)


def set_child_value(account: Account, update_id: int, child_id: int, key: str, value: Any) -> None:
    """Give one child event of a ticket update a raw value."""
    with account.lock:
        update = account.get("ticket_events", update_id)
        child = next(c for c in update["child_events"] if c["id"] == child_id)
        child[key] = value
        account._touch("ticket_events", update_id)


def delete_group(account: Account) -> int:
    """Mark one group deleted (`deleted: true`, updated now), as Zendesk does; returns its id."""
    with account.lock:
        gid = account._pick(list(account._data["groups"]), 1)[0]

        def change(group: dict, _stamp: int) -> None:
            group["deleted"] = True

        account._touch_records("groups", [gid], change)
        return gid
