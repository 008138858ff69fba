"""Console entry point: the SDK's CLI, with every failure reduced to one clear line.

Before the SDK sees them, the `--config`, `--state` and `--catalog` files are read and checked,
so a missing, unreadable or malformed file is named in one line. Every failure then ends as
`tap-zendesk-objects: error: <one line>` with exit code 1, never a traceback, and the
credentials of the config are masked in everything written to stderr.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from tap_zendesk_objects.auth.masking import MaskingStream
from tap_zendesk_objects.cli.input_files import check_catalog_shape, check_state
from tap_zendesk_objects.config.checks import check_config
from tap_zendesk_objects.config.schema import SECRET_SETTINGS
from tap_zendesk_objects.errors import InputFileError, TapError

PROGRAM = "tap-zendesk-objects"
ENV_PREFIX = "TAP_ZENDESK_OBJECTS_"
_FILE_OPTIONS = {"--config": "config", "--state": "state", "--catalog": "catalog"}


def main() -> None:
    """Run the tap; on failure print `tap-zendesk-objects: error: ...` and exit non-zero."""
    masked = MaskingStream(sys.stderr, _secrets_from_env())
    sys.stderr = masked
    try:
        inputs = dict(_input_files(sys.argv[1:]))
        masked.add_secrets(_secrets(inputs.get("config", [])))
        _check_inputs(inputs, env_config=_uses_env_config(sys.argv[1:]))
        _quiet_sdk_config_warning()
        code = _run_sdk_cli()
    except SystemExit:
        raise
    except TapError as exc:
        _fail(*getattr(exc, "lines", [str(exc)]))
    except BrokenPipeError:
        _fail("the output pipe closed early (did the target stop?)")
    except BaseException as exc:  # the last line of defence
        if isinstance(exc, KeyboardInterrupt):
            sys.exit(130)
        _fail(_describe(exc))
    sys.exit(code if isinstance(code, int) else 0)


def _run_sdk_cli() -> Any:
    # Imported here so that a broken install still fails through `_fail`.
    from tap_zendesk_objects.tap import TapZendeskObjects

    try:
        return TapZendeskObjects.cli.main(standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        sys.exit(130)
    finally:
        # The SDK installs a hook that logs uncaught errors with their traceback.
        sys.excepthook = sys.__excepthook__


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _fail(*messages: str) -> None:
    for message in messages:
        sys.stderr.write(f"{PROGRAM}: error: {' '.join(message.split())}\n")
    sys.stderr.flush()
    sys.exit(1)


# Input files ------------------------------------------------------------------------


def _input_files(args: list[str]) -> Iterator[tuple[str, list[Path]]]:
    """The files named by --config (repeatable, `ENV` excepted), --state and --catalog."""
    found: dict[str, list[Path]] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        name, _, value = arg.partition("=")
        if name in _FILE_OPTIONS:
            if not _:
                index += 1
                value = args[index] if index < len(args) else ""
            if value and not (name == "--config" and value == "ENV"):
                found.setdefault(_FILE_OPTIONS[name], []).append(Path(value))
        elif arg == "--":
            break
        index += 1
    yield from found.items()


def _uses_env_config(args: list[str]) -> bool:
    return "--config=ENV" in args or any(
        a == "--config" and b == "ENV" for a, b in itertools.pairwise(args)
    )


def _read_json_object(kind: str, path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"the {kind} file {path} does not exist"
        raise InputFileError(msg) from None
    except IsADirectoryError:
        msg = f"the {kind} file {path} is a directory"
        raise InputFileError(msg) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        msg = f"cannot read the {kind} file {path}: {reason}"
        raise InputFileError(msg) from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = (
            f"the {kind} file {path} is not valid JSON "
            f"(line {exc.lineno} column {exc.colno}: {exc.msg})"
        )
        raise InputFileError(msg) from None
    if not isinstance(value, dict):
        msg = f"the {kind} file {path} must hold a JSON object, not {_json_type(value)}"
        raise InputFileError(msg)
    return value


def _json_type(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _check_inputs(inputs: dict[str, list[Path]], *, env_config: bool) -> None:
    merged: dict[str, Any] = {}
    for path in inputs.get("config", []):
        merged.update(_read_json_object("config", path))
    if inputs.get("config") and not env_config:
        # The SDK merges config files the same way; settings from the environment
        # (`--config ENV`) are checked by the tap itself once merged.
        check_config(merged)
    for path in inputs.get("state", []):
        check_state(_read_json_object("state", path), str(path))
    for path in inputs.get("catalog", []):
        check_catalog_shape(_read_json_object("catalog", path), str(path))


# Secrets ----------------------------------------------------------------------------


def _secrets(config_paths: Iterable[Path]) -> set[str]:
    secrets: set[str] = set()
    for path in config_paths:
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # reported by _check_inputs
        if isinstance(config, dict):
            secrets |= {str(config[key]) for key in SECRET_SETTINGS if config.get(key)}
    return secrets


def _secrets_from_env() -> set[str]:
    return {
        value
        for key in SECRET_SETTINGS
        if (value := os.environ.get(f"{ENV_PREFIX}{key.upper()}", ""))
    }


# SDK output -------------------------------------------------------------------------


class _DropMessages(logging.Filter):
    def __init__(self, *messages: str) -> None:
        super().__init__()
        self._messages = frozenset(messages)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in self._messages


def _quiet_sdk_config_warning() -> None:
    """The SDK warns "Config validation failed" before the tap's own one-line error."""
    logging.getLogger(PROGRAM).addFilter(_DropMessages("Config validation failed"))
