"""Run the tap in this process and, at exit, write its peak RSS (VmHWM) to a file.

The high-water mark is read from /proc/self/status after the interpreter has started, so it
belongs to the tap's own address space, not to the benchmark process it was started from.
Usage: python -m benchmarks.peak_rss RSS_FILE TAP_ARGS...
"""

from __future__ import annotations

import atexit
import runpy
import sys
from pathlib import Path


def write_peak_rss(path: Path) -> None:
    """Write VmHWM in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            path.write_text(line.split()[1])


if __name__ == "__main__":
    rss_file = Path(sys.argv[1])
    atexit.register(write_peak_rss, rss_file)
    sys.argv = ["tap-zendesk-objects", *sys.argv[2:]]
    runpy.run_module("tap_zendesk_objects", run_name="__main__")
