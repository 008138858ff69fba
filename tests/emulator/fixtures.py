"""Pytest fixtures: a running emulator on a fresh scale-1 account; a settled account."""

from __future__ import annotations

import pickle
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.emulator.account import Account
from tests.emulator.client import session
from tests.emulator.server import Emulator

_ACCOUNT_KWARGS = ("scale", "seed", "now", "messaging_share", "messaging_channel_ids")


class FakeClock:
    """A monotonic clock that moves only when a test sets `now`."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def settled_account(scale: float = 1, seed: int = 1, **kwargs: Any) -> Account:
    """An account whose newest record is an hour old: its truth cannot move during a test."""
    return Account(scale=scale, seed=seed, now=int(time.time()) - 3600, **kwargs)


@pytest.fixture(scope="session")
def pristine_account() -> bytes:
    """A scale-1, seed-1 account built once a session, pickled (`now`: the session's start)."""
    return pickle.dumps(Account(scale=1, seed=1))


@pytest.fixture
def emulator(pristine_account: bytes) -> Iterator[Emulator]:
    """A started emulator over a fresh scale-1, seed-1 account; stopped afterwards.

    Each test gets its own copy of the session's account (unpickling takes a quarter of a
    build's time): tests change their account at will.
    """
    with Emulator(pickle.loads(pristine_account)) as emu:
        yield emu


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A session authenticated with the emulator's API token."""
    with session() as s:
        yield s


@pytest.fixture
def clock(emulator: Emulator) -> FakeClock:
    """One fake clock for the emulator's token expiries (and the tap's, where a test passes it)."""
    fake = FakeClock()
    emulator.oauth.clock = fake
    return fake


@pytest.fixture
def emulator_factory() -> Iterator[Callable[..., Emulator]]:
    """Build and start emulators: ``emulator_factory(scale=2, rate_limits=True)``.

    Account keywords (scale, seed, now) build the account, unless ``account=`` is given; every
    other keyword goes to `Emulator`. All are stopped at teardown.
    """
    started: list[Emulator] = []

    def make(account: Account | None = None, **kwargs: Any) -> Emulator:
        acc_kwargs = {k: kwargs.pop(k) for k in _ACCOUNT_KWARGS if k in kwargs}
        if account is None:
            account = Account(**acc_kwargs)
        emu = Emulator(account, **kwargs).start()
        started.append(emu)
        return emu

    yield make
    for emu in started:
        emu.stop()
