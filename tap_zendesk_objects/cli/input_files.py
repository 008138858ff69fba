"""The state and catalog files a run is given: shapes this tap (or the SDK) could have written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tap_zendesk_objects.errors import InputFileError
from tap_zendesk_objects.timeutil import bookmark_epoch


def _is_time(value: Any) -> bool:
    """True for epoch seconds or an ISO 8601 date-time: the shapes of this tap's bookmarks."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if not isinstance(value, str):
        return False
    try:
        return bookmark_epoch(value) is not None
    except ValueError:
        return False


def check_state(state: Mapping[str, Any], where: str = "state") -> None:
    """Raise InputFileError when a state cannot be a state this tap (or the SDK) wrote."""
    if state.get("type") == "STATE" and "value" in state:
        msg = f"the state file {where} holds a whole STATE message: give its `value` only"
        raise InputFileError(msg)
    bookmarks = state.get("bookmarks", {})
    if not isinstance(bookmarks, dict):
        msg = f"the state file {where}: `bookmarks` must be an object keyed by stream name"
        raise InputFileError(msg)
    for stream, bookmark in bookmarks.items():
        if not isinstance(bookmark, dict):
            msg = f"the state file {where}: the bookmark of stream '{stream}' is not an object"
            raise InputFileError(msg)
        value = bookmark.get("replication_key_value")
        if value is not None and not _is_time(value):
            msg = (
                f"the state file {where}: the bookmark of stream '{stream}' is {value!r}, "
                "not a time (epoch seconds or ISO 8601)"
            )
            raise InputFileError(msg)
        partitions = bookmark.get("partitions", [])
        if not isinstance(partitions, list) or not all(isinstance(p, dict) for p in partitions):
            msg = f"the state file {where}: `partitions` of stream '{stream}' is malformed"
            raise InputFileError(msg)


def check_catalog_shape(catalog: Mapping[str, Any], where: str = "catalog") -> None:
    """Raise InputFileError when a catalog lacks the `streams` list of stream entries."""
    streams = catalog.get("streams")
    if not isinstance(streams, list):
        msg = f"the catalog file {where} has no `streams` list (run --discover to make one)"
        raise InputFileError(msg)
    for index, entry in enumerate(streams):
        name = (
            entry.get("tap_stream_id") or entry.get("stream") if isinstance(entry, dict) else None
        )
        if not isinstance(name, str) or not name:
            msg = f"the catalog file {where}: entry {index} of `streams` names no stream"
            raise InputFileError(msg)
        if not isinstance(entry.get("schema", {}), dict) or not isinstance(
            entry.get("metadata", []), list
        ):
            msg = f"the catalog file {where}: stream '{name}' has a malformed schema or metadata"
            raise InputFileError(msg)
