"""Seeded fault injection: server errors, 409s, 429s, resets, cut answers and slow answers.

With `Emulator.fault_rate` above 0, each request meets a fault with that probability, of a
kind drawn from `Emulator.fault_kinds`, from a random stream seeded by `fault_seed`: a run
of requests meets the same faults every time.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

from tests.emulator.server_rates import limit_body
from tests.emulator.server_request import HTTPError

if TYPE_CHECKING:
    from tests.emulator.server import Emulator

FAULT_KINDS = ("500", "502", "503", "504", "409", "429", "reset", "truncated", "slow")

_STATUS_TEXT = {
    # Zendesk answers 409 when concurrent work collides (the reference names no body; this
    # one has its usual error shape); clients retry it like a 5xx.
    409: {"error": "Conflict", "description": "The request conflicts with another one"},
    500: {"error": "InternalServerError", "description": "Something went wrong"},
    502: {"error": "BadGateway", "description": "Bad gateway"},
    503: {"error": "ServiceUnavailable", "description": "Service temporarily unavailable"},
    504: {"error": "GatewayTimeout", "description": "Gateway timeout"},
}


class Faults:
    """The faults of one emulator; rate, kinds and timings are read from it at every request."""

    def __init__(self, emulator: Emulator, seed: int) -> None:
        self.emu = emulator
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """The fault kind this request meets, or None."""
        with self._lock:
            if self.emu.fault_rate > 0 and self._rng.random() < self.emu.fault_rate:
                return self._rng.choice(self.emu.fault_kinds)
        return None

    def inject(self, fault: str | None, path: str) -> bool:
        """Meet a fault other than "reset": wait out "slow", or raise an error's answer.

        True for "truncated": the answer is to be cut in half and the connection closed.
        """
        if fault == "slow":
            time.sleep(self.emu.slow_seconds)
        elif fault == "truncated":
            return True
        elif fault == "429":
            retry_after = {"Retry-After": str(self.emu.fault_retry_after)}
            raise HTTPError(429, limit_body(path), retry_after)
        elif fault is not None:
            raise HTTPError(int(fault), _STATUS_TEXT[int(fault)])
        return False


def reset_connection(h: BaseHTTPRequestHandler) -> None:
    """Close the request's connection with a RST instead of an answer."""
    h.close_connection = True
    with contextlib.suppress(OSError):  # RST instead of a polite FIN
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
