"""Secrets never reach stderr: every write is scanned for the credentials known so far.

The CLI wraps stderr first thing, with the configured secrets; the OAuth token provider adds
each access and refresh token it obtains, so a token that ends up in any message (an error
body echoed by a proxy, a debug line) is printed as `********`.

Every secret is masked, whatever its length. One of 6 characters or more is masked wherever
it appears, inside longer text too. A shorter one (a placeholder, a typo) is masked where it
stands as a token of its own, between characters that are not letters, digits or `_`:
`abc` is masked in `token abc.`, `/abc/` or `"abc"`, not in `abcde` or `tabc`. Masking a
1-character secret inside every word would garble every line, and text that merely contains
a few of its characters does not show it. Such a secret is still masked as a word: a
one-letter secret `a` turns `a date` into `******** date`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

# Secrets shorter than this are masked as whole tokens only (see above).
SUBSTRING_MIN_LENGTH = 6
MASK = "********"


def secret_pattern(secret: str) -> str:
    """The regular expression of where `secret` shows: anywhere, or as a token when short."""
    escaped = re.escape(secret)
    if len(secret) >= SUBSTRING_MIN_LENGTH:
        return escaped
    return rf"(?<!\w){escaped}(?!\w)"


def shows_secret(text: str, secret: str) -> bool:
    """True when `text` shows `secret` where MaskingStream would mask it."""
    return re.search(secret_pattern(secret), text) is not None


class MaskingStream:
    """A text stream that writes `********` in place of any known secret."""

    def __init__(self, stream: TextIO, secrets: Iterable[str] = ()) -> None:
        self._stream = stream
        self._secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Mask these too from now on (longest first, so no secret is half-masked)."""
        found = {s for s in secrets if s} | set(self._secrets)
        self._secrets = sorted(found, key=len, reverse=True)
        if self._secrets:
            self._pattern = re.compile("|".join(map(secret_pattern, self._secrets)))

    def write(self, text: str) -> int:
        """Write `text` with every secret masked."""
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def mask_secret(secret: str) -> None:
    """Mask a secret learnt at run time (a token) on stderr, when stderr masks at all."""
    stream = sys.stderr
    if isinstance(stream, MaskingStream):
        stream.add_secrets([secret])
