"""Where a rotated refresh token outlives the run that received it.

Zendesk rotates the refresh token on every refresh and kills the old one at once, so the
config's `refresh_token` is dead after the first run's first refresh. Singer has no message
to hand a credential back, and Meltano writes the config file anew for every run, so the
newest token goes to a file of its own, like a state file: mode 0600, written atomically as
soon as Zendesk answers, and read (under a lock) before every refresh, by this run and the
next. The file remembers a digest of the config's `refresh_token` it descends from: when the
user puts a new token in the config (after authorizing again), the file's chain is dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, one run at a time
    fcntl = None  # type: ignore[assignment]  # the module, or None where there is none

from tap_zendesk_objects.config.checks import normalize_subdomain
from tap_zendesk_objects.errors import ConfigError

APP_FOLDER = "tap-zendesk-objects"


def default_token_file(subdomain: str, client_id: str) -> Path:
    """`$XDG_STATE_HOME/tap-zendesk-objects/refresh-token-<subdomain>-<client digest>.json`.

    Outside the project and the config's folder (Meltano's config file is temporary), one
    file per account and client, so two accounts never share a chain. The subdomain is named
    as `acme` however the config spells it (`Acme.zendesk.com`, `https://acme.zendesk.com/`),
    so every spelling finds the same chain and none makes folders of a URL's slashes.
    """
    state_home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    account = normalize_subdomain(subdomain)
    return Path(state_home) / APP_FOLDER / f"refresh-token-{account}-{_digest(client_id)}.json"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class RefreshTokenFile:
    """The newest refresh token of one chain, kept between runs."""

    def __init__(self, path: str | Path, configured_token: str) -> None:
        self.path = Path(path).expanduser()
        self._configured = configured_token
        self._origin = _digest(configured_token)

    @contextlib.contextmanager
    def locked(self) -> Iterator[RefreshTokenFile]:
        """Hold the chain alone while a token is read, spent and replaced."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock = os.open(
                self.path.with_name(self.path.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o600
            )
        except OSError as exc:
            raise ConfigError(self._unusable(exc)) from None
        try:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield self
        finally:
            os.close(lock)  # closing releases the lock

    def newest(self) -> str:
        """The token to spend: the file's, when it descends from the config's, else the config's."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return self._configured
        except (OSError, ValueError) as exc:
            raise ConfigError(self._unusable(exc)) from None
        token = kept.get("refresh_token") if isinstance(kept, dict) else None
        if isinstance(token, str) and token and kept.get("origin") == self._origin:
            return token
        return self._configured

    def save(self, token: str) -> None:
        """Keep `token` as the chain's newest, atomically, readable by its owner only."""
        record = {
            "refresh_token": token,
            "origin": self._origin,
            "saved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        partial = self.path.with_name(self.path.name + ".tmp")
        try:
            fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle)
                handle.flush()
                os.fsync(handle.fileno())
            partial.chmod(0o600)
            partial.replace(self.path)
        except OSError as exc:
            raise ConfigError(self._unusable(exc)) from None

    def _unusable(self, exc: OSError | ValueError) -> str:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not valid JSON"
        return (
            f"the OAuth token file {self.path} cannot be used ({reason}): set "
            "`oauth_token_file` to a writable path (it keeps the rotated refresh token)"
        )
