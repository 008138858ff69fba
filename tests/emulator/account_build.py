"""What every generator of the account builds with.

A cheaper deterministic random stream (`FastRandom`), and the helpers the generators in
account_*.py share: counts scaled to the account, ids from per-kind counters (now and then
above 2^32), random text and times, and the shared seconds of bulk updates.
"""

from __future__ import annotations

import random
from typing import Any

_WORDS = [
    "printer",
    "broken",
    "refund",
    "invoice",
    "login",
    "password",
    "shipping",
    "delayed",
    "order",
    "crash",
    "app",
    "billing",
    "upgrade",
    "café",
    "naïve",
    "über",
    "straße",
    "résumé",
    "東京",
    "данные",
    "ümlaut",
    "señor",
    "🎉",
    "🚀",
    "👍",
    "✅",
    "please",
    "help",
    "urgent",
    "thanks",
    "again",
    "issue",
    "account",
    "email",
    "phone",
]


class FastRandom(random.Random):
    """random.Random with cheaper (still deterministic) randint and choice."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]


class Generator:
    """Helpers of the generators; a mixin of `Account` (account.py), which owns the state."""

    def _n(self, base: int) -> int:
        return max(1, round(base * self.scale))

    def _next_id(self, kind: str, base: int, big_every: int = 0, big_base: int = 0) -> int:
        k = self._counters.get(kind, 0) + 1
        self._counters[kind] = k
        if big_every and k % big_every == 3:
            return big_base + k
        return base + k

    def _text(self, rng: random.Random, lo: int = 3, hi: int = 12) -> str:
        return " ".join(rng.choices(_WORDS, k=rng.randint(lo, hi)))

    def _time(self, lo: int, hi: int) -> int:
        return self._rng.randint(lo, max(lo, hi))

    def _bulk_or(self, ts: int, after: int, prob: float) -> int:
        """Sometimes move a timestamp onto a shared 'bulk update' second after `after`."""
        if self._rng.random() < prob:
            later = [m for m in self._bulk_moments if m > after]
            if later:
                return self._rng.choice(later[:6])
        return ts
