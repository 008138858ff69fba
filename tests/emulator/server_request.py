"""What the server core and every route group share: a request's query, and the error a
route raises to answer with another status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs


class HTTPError(Exception):
    """An answer other than the route's own: status, JSON body and extra headers."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def bad_request(detail: str, code: str = "InvalidPaginationParameter") -> HTTPError:
    """400 for page parameters or cursors the endpoint refuses."""
    return HTTPError(
        400, {"errors": [{"code": code, "title": "Invalid pagination parameter", "detail": detail}]}
    )


def invalid_value(detail: str) -> HTTPError:
    """400 for any other parameter the endpoint refuses."""
    return HTTPError(400, {"error": "InvalidValue", "description": detail})


class Query:
    """A request's query string, parsed once (blank values kept)."""

    def __init__(self, query: str) -> None:
        self.multi = parse_qs(query, keep_blank_values=True)

    def __contains__(self, key: str) -> bool:
        return key in self.multi

    def get(self, key: str, default: str | None = None) -> str | None:
        """The key's last value, or `default` when absent."""
        values = self.multi.get(key)
        return values[-1] if values else default

    def all(self, key: str) -> list[str]:
        """Every value of the key, in order."""
        return self.multi.get(key, [])

    def int(self, key: str, default: int | None = None) -> int | None:
        """The key's last value as an integer (400 when it is not one), or `default`."""
        value = self.get(key)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError as exc:
            raise invalid_value(f"{key} must be an integer") from exc


# An endpoint: its answer (a body to serialise, or JSON bytes) to a GET with this query.
Route = Callable[[Query], Any]
