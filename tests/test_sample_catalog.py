"""catalog.sample.json stays what discovery produces, with the default selection."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tap_zendesk_objects.streams import STREAM_TYPES

SAMPLE = Path(__file__).parent.parent / "catalog.sample.json"


def test_sample_catalog_matches_discovery_without_credentials():
    proc = subprocess.run(
        [sys.executable, "-m", "tap_zendesk_objects", "--discover"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert json.loads(SAMPLE.read_text()) == json.loads(proc.stdout), (
        "regenerate with: tap-zendesk-objects --discover > catalog.sample.json"
    )


def test_sample_catalog_selects_segments_streams_but_the_opt_in_ones():
    catalog = json.loads(SAMPLE.read_text())
    selected = {
        entry["tap_stream_id"]
        for entry in catalog["streams"]
        for metadata in entry["metadata"]
        if metadata["breadcrumb"] == [] and metadata["metadata"].get("selected-by-default")
    }
    assert sorted(entry["tap_stream_id"] for entry in catalog["streams"]) == sorted(
        stream.name for stream in STREAM_TYPES
    )
    # The registry's default selection; tests/test_discovery.py checks it is Segment's less
    # the opt-in ones.
    assert selected == {stream.name for stream in STREAM_TYPES if stream.selected_by_default}
