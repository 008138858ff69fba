"""Which streams a benchmark run selects in the catalog the tap discovered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.emulator.conversation_account import CONVERSATION_STREAMS
from tests.emulator.help_center_account import HELP_CENTER_STREAMS

# Streams added after the throughput figures were first taken: sections 5 and 6 measure them
# on accounts of their own. "Every stream" in sections 1 to 4 means every other one (31).
LATER_STREAMS = frozenset({*CONVERSATION_STREAMS, *HELP_CENTER_STREAMS})


def select(catalog: dict[str, Any], wanted: Callable[[str, bool], bool]) -> dict[str, Any]:
    """Set each stream's `selected` to `wanted(name, selected by default)`; the catalog."""
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                by_default = bool(metadata["metadata"].get("selected"))
                metadata["metadata"]["selected"] = wanted(entry["stream"], by_default)
    return catalog


def every_stream(name: str, _default: bool) -> bool:
    """The 31 streams of sections 1 to 4, opt-in ones too."""
    return name not in LATER_STREAMS


def selected(catalog: dict[str, Any]) -> set[str]:
    """The streams the catalog selects."""
    return {
        entry["stream"]
        for entry in catalog["streams"]
        for metadata in entry["metadata"]
        if metadata["breadcrumb"] == [] and metadata["metadata"].get("selected")
    }
