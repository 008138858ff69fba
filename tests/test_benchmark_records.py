"""The benchmark counts the records the tap wrote, and stops when they differ from the truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.written import check_written, records_written


def messages_file(tmp_path: Path, records: dict[str, int]) -> Path:
    """A Singer output with SCHEMA and STATE lines around `records` RECORD lines per stream."""
    lines = []
    for stream, n in records.items():
        lines.append({"type": "SCHEMA", "stream": stream, "schema": {}, "key_properties": []})
        lines += [{"type": "RECORD", "stream": stream, "record": {"id": i}} for i in range(n)]
        lines.append({"type": "STATE", "value": {"bookmarks": {stream: {}}}})
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_records_are_counted_per_stream_from_record_lines_only(tmp_path):
    path = messages_file(tmp_path, {"tickets": 3, "users": 2, "groups": 0})
    assert records_written(path) == {"tickets": 3, "users": 2}
    assert check_written(path, {"tickets": 3, "users": 2, "groups": 0}, "run") == 5


@pytest.mark.parametrize(
    ("truth", "wrong"),
    [
        ({"tickets": 4, "users": 2}, "tickets: wrote 3, truth 4"),  # a record dropped
        ({"tickets": 2, "users": 2}, "tickets: wrote 3, truth 2"),  # one written twice
        ({"tickets": 3}, "users: wrote 2, truth 0"),  # a stream the truth does not know
        ({"tickets": 3, "users": 2, "groups": 1}, "groups: wrote 0, truth 1"),  # none written
    ],
)
def test_a_count_other_than_the_truth_stops_the_benchmark(tmp_path, truth, wrong):
    path = messages_file(tmp_path, {"tickets": 3, "users": 2})
    with pytest.raises(SystemExit) as stopped:
        check_written(path, truth, "this checkout")
    assert str(stopped.value).startswith("this checkout: the tap's records differ")
    assert wrong in str(stopped.value)
