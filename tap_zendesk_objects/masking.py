"""Secrets never reach stderr: every write is scanned for the credentials known so far.

The CLI wraps stderr first thing, with the configured secrets; the OAuth token provider adds
each access and refresh token it obtains, so a token that ends up in any message (an error
body echoed by a proxy, a debug line) is printed as `********`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, TextIO

# Secrets shorter than this are not masked (masking `a` would garble every line).
MIN_SECRET_LENGTH = 6
MASK = "********"


class MaskingStream:
    """A text stream that writes `********` in place of any known secret."""

    def __init__(self, stream: TextIO, secrets: Iterable[str] = ()) -> None:
        self._stream = stream
        self._secrets: list[str] = []
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Mask these too from now on (longest first, so no secret is half-masked)."""
        found = {s for s in secrets if len(s) >= MIN_SECRET_LENGTH} | set(self._secrets)
        self._secrets = sorted(found, key=len, reverse=True)

    def write(self, text: str) -> int:
        """Write `text` with every secret masked."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def mask_secret(secret: str) -> None:
    """Mask a secret learnt at run time (a token) on stderr, when stderr masks at all."""
    stream = sys.stderr
    if isinstance(stream, MaskingStream):
        stream.add_secrets([secret])
