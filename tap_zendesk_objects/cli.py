"""Console entry point: the SDK's CLI, with every failure reduced to one clear line."""

from __future__ import annotations

import json
import sys

import click

from tap_zendesk_objects.errors import TapError
from tap_zendesk_objects.tap import TapZendeskObjects


def main() -> None:
    """Run the tap; on failure print `tap-zendesk-objects: error: ...` and exit non-zero."""
    try:
        code = TapZendeskObjects.cli.main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except TapError as exc:
        _fail(str(exc))
    except json.JSONDecodeError as exc:
        _fail(f"a JSON input (config, catalog or state file) is malformed: {exc}")
    except OSError as exc:
        _fail(f"cannot read {exc.filename or 'an input file'}: {exc.strerror or exc}")
    except Exception as exc:
        _fail(f"{type(exc).__name__}: {exc}")
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> None:
    sys.stderr.write(f"tap-zendesk-objects: error: {message}\n")
    sys.exit(1)
