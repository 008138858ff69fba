"""The tap run in the test's own process, on a fake clock: for tests of timing and pacing.

The throttles and per-ticket reads of such a run wait on a clock that moves only when they
sleep, so a run that would take Zendesk's budgets many minutes takes seconds, and nothing
depends on the machine's speed.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from tap_zendesk_objects.http import retries
from tap_zendesk_objects.http.throttle import Throttle
from tap_zendesk_objects.tap import TapZendeskObjects


class FakeClock:
    """A monotonic clock that moves only when something sleeps on it."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> bool:
        """Move on by `seconds`; never a stop (False)."""
        self.now += max(seconds, 0.0)
        return False


@pytest.fixture
def own_signals() -> Iterator[None]:
    """The tap takes SIGTERM and SIGINT in process: give them back to pytest after."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


@pytest.fixture
def no_retry_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """No wait between the tries of a request: a run that fails after every try would
    otherwise spend the real backoff, minutes in all."""
    monkeypatch.setattr(retries, "retry_backoff", lambda _failures: 0.0)


@pytest.fixture
def waits(monkeypatch) -> list[tuple[str | None, float]]:
    """(endpoint, seconds waited) of every request the tap's throttles let through.

    Every throttle runs on one fake clock and sleeps on it (no per-ticket reads in waits).
    """
    clock = FakeClock()
    recorded: list[tuple[str | None, float]] = []
    init, wait = Throttle.__init__, Throttle.wait

    def fake_time_init(self: Throttle, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **{**kwargs, "clock": clock, "sleep": clock.sleep})

    def recorded_wait(self: Throttle, *args: Any) -> float:
        waited = wait(self, *args)
        recorded.append((args[0] if args else None, waited))
        return waited

    monkeypatch.setattr(Throttle, "__init__", fake_time_init)
    monkeypatch.setattr(Throttle, "wait", recorded_wait)
    return recorded


def sync_in_process(
    config: dict[str, Any], catalog: dict[str, Any], capsys: Any, **tap_options: Any
) -> list[dict[str, Any]]:
    """One in-process run (`tap_options`: clock, sleep); the Singer messages it wrote."""
    capsys.readouterr()
    TapZendeskObjects(
        config=config, catalog=catalog, parse_env_config=False, **tap_options
    ).sync_all()
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
