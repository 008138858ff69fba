"""Run the emulator: ``python -m tests.emulator --port 8765 --scale 1 --seed 1``."""

from __future__ import annotations

import argparse
import gc
import signal
import threading
import time

from tests.emulator.account import Account
from tests.emulator.oauth import CLIENT_ID, CLIENT_SECRET, TOKEN_PATH
from tests.emulator.server import Emulator
from tests.emulator.server_auth import ACCESS_TOKEN, API_TOKEN, EMAIL


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate-limits", action="store_true")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--no-enterprise", action="store_true")
    parser.add_argument(
        "--token-lifetime",
        type=float,
        default=None,
        metavar="SECONDS",
        help="lifetime of every OAuth access token issued (default: expires_in, else 1800)",
    )
    args = parser.parse_args(argv)
    started = time.time()
    account = Account(scale=args.scale, seed=args.seed)
    account.warm()
    gc.freeze()  # the account's millions of objects never need scanning again
    emulator = Emulator(
        account,
        port=args.port,
        enterprise=not args.no_enterprise,
        rate_limits=args.rate_limits,
        fault_rate=args.fault_rate,
        token_lifetime=args.token_lifetime,
    ).start()
    print(f"Zendesk emulator at {emulator.base_url} (built in {time.time() - started:.1f}s)")
    print(f"  API token auth: email={EMAIL} api_token={API_TOKEN}")
    print(f"  OAuth auth:     access_token={ACCESS_TOKEN}")
    print(f"  OAuth client:   client_id={CLIENT_ID} client_secret={CLIENT_SECRET}")
    print(f"  OAuth tokens:   POST {emulator.base_url}{TOKEN_PATH}")
    refresh = emulator.oauth.issue_refresh_token("read")
    print(f"  OAuth refresh:  refresh_token={refresh} (scope read, single use)")
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())  # before the line that invites it
    print("  Ctrl-C or SIGTERM to stop.", flush=True)
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
