"""The program's entry point: the process's garbage-collector policy, then the CLI.

Start-up imports the SDK and builds the catalog, about a million objects that all live until
exit, so hunting cycles among them (Python's default) costs some 0.07 s and frees nothing;
at exit, the interpreter's final sweep of the same objects costs another 0.1 s. Collection is
off until a sync starts (`tap.sync_gc` turns it on for the sync, with larger generations),
and everything still alive is frozen out of the final sweep.
"""

from __future__ import annotations

import gc


def main() -> None:
    """Run `tap-zendesk-objects` with the collector off outside the sync."""
    gc.disable()
    try:
        from tap_zendesk_objects.cli.main import main as run_cli

        run_cli()
    finally:
        gc.freeze()
