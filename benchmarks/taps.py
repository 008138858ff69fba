"""Which tap code a benchmark run starts: this checkout's, or a git ref's side by side.

`--compare REF` measures the code of REF against this checkout's in one session, on the same
emulator and the same machine load: REF is checked out into a temporary git worktree and its
runs alternate with this checkout's. A tap process imports the package from its code's root
(the first entry of its `sys.path`), never the one the virtualenv installed.
"""

from __future__ import annotations

import compileall
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

ROOT = Path(__file__).resolve().parents[1]
PEAK_RSS = ROOT / "benchmarks" / "peak_rss.py"


@dataclass(frozen=True)
class TapCode:
    """A tree holding a `tap_zendesk_objects` package, and what the figures call it."""

    label: str
    root: Path

    def command(self, *args: str, peak_rss_file: Path | None = None) -> list[str]:
        """The tap's command line; with `peak_rss_file`, it writes its peak RSS there."""
        if peak_rss_file is None:
            return [sys.executable, "-m", "tap_zendesk_objects", *args]
        return [sys.executable, str(PEAK_RSS), str(peak_rss_file), *args]

    def env(self) -> dict[str, str]:
        """The environment a tap process of this code runs in: its root first on sys.path."""
        return {**os.environ, "PYTHONPATH": str(self.root)}

    def discover(self, config: Path) -> dict[str, Any]:
        """The catalog this code discovers with the config file `config`."""
        args = self.command("--config", str(config), "--discover")
        done = subprocess.run(
            args, cwd=self.root, env=self.env(), capture_output=True, check=False, text=True
        )
        if done.returncode != 0:
            sys.exit(f"{self.label}: discovery failed:\n{done.stderr[-1500:]}")
        return json.loads(done.stdout)

    def compile(self) -> None:
        """Byte-compile the package, as a pip install would leave it."""
        compileall.compile_dir(self.root / "tap_zendesk_objects", quiet=1)


THIS = TapCode("this checkout", ROOT)


def credentials(emulator: Emulator, api_token: bool) -> dict[str, Any]:
    """OAuth client credentials, the way the README recommends running the tap; or an API
    token, for refs older than the OAuth grants (before 2026-11-29)."""
    return emulator.config() if api_token else emulator.oauth_config()


@contextlib.contextmanager
def checkout(ref: str) -> Iterator[TapCode]:
    """`ref` checked out in a temporary worktree for as long as the block runs."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", f"{ref}^{{commit}}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="benchmark-ref-") as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", "--quiet", str(tree), commit], check=True)
        try:
            yield TapCode(f"{ref} ({commit})", tree)
        finally:
            subprocess.run([*git, "remove", "--force", str(tree)], check=False)
