"""Running the sandbox: SandboxServer (uvicorn in a thread) and the `heygen-studio sandbox` command."""

from __future__ import annotations

import argparse
import ipaddress
import math
import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn

from heygen_studio.sandbox.app import create_app
from heygen_studio.sandbox.billing import Billing
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.state import SandboxState

START_TIMEOUT_S = 10.0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SandboxServer:
    """The sandbox on a real loopback port, served by uvicorn in a daemon thread."""

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        if not is_loopback(host):
            raise ValueError(f"the sandbox binds loopback addresses only, not {host!r}")
        self.app = create_app(config)
        self.state: SandboxState = self.app.state.sandbox
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    def start(self) -> str:
        """Start serving; returns the base URL once the port is listening."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.host, self.port))
        self.port = self._socket.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="sandbox-server", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self.url

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self.state.close()


def _amount(text: str) -> float:
    """A --balance or --credits value: a number, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount: give a number, 0 or more (like 25 or 12.50)")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="heygen-studio sandbox", description="Run the sandbox HeyGen API locally.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--key", action="append", help="an API key the sandbox accepts (repeatable)")
    parser.add_argument("--job-seconds", type=float, default=SandboxConfig.job_seconds)
    parser.add_argument(
        "--billing",
        choices=[billing.value for billing in Billing],
        default=SandboxConfig.billing,
        help="how the account is billed: a USD wallet (default, as for an API key), an Enterprise "
        "wallet of credits, a subscription's premium credits, or usage-based against a cap",
    )
    parser.add_argument(
        "--balance",
        type=_amount,
        metavar="N",
        help="what the account has to spend: dollars for wallet and usage-based (its spending cap), "
        "credits otherwise (default $25.00 or 600 credits)",
    )
    parser.add_argument(
        "--credits",
        type=_amount,
        default=SandboxConfig.credits,
        help="the legacy v2 endpoints' own credit quota (default 600)",
    )
    parser.add_argument("--no-demo", action="store_true", help="start with an empty account")
    parser.add_argument(
        "--consent-required",
        action="store_true",
        help="new v3 photo avatars wait for the consent of the person in the photo "
        "(pending_consent) until their consent page is opened",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        metavar="PATH",
        help="keep the account in this JSON file (and blobs/ beside it) across restarts",
    )
    return parser


def main(argv: list[str]) -> int:
    """`heygen-studio sandbox ...`: serve until Ctrl+C. Refuses non-loopback hosts (exit 2)."""
    args = _parser().parse_args(argv)
    if not is_loopback(args.host):
        print(
            f"heygen-studio sandbox: refusing to bind {args.host}: the sandbox serves loopback only "
            "(use 127.0.0.1 or ::1)",
            file=sys.stderr,
        )
        return 2
    config = SandboxConfig(
        keys=frozenset(args.key or ["sandbox"]),
        job_seconds=args.job_seconds,
        billing=Billing(args.billing),
        balance=args.balance,
        credits=args.credits,
        demo_content=not args.no_demo,
        state_file=args.state_file,
        consent_required=args.consent_required,
    )
    from heygen_studio.sandbox.shared import start_shared  # it builds on this module
    from heygen_studio.sandbox.state_lock import SandboxInUse

    try:
        sandbox = start_shared(config, args.host, args.port, join=False)
    except OSError as error:
        print(f"heygen-studio sandbox: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    except SandboxInUse as error:
        print(f"heygen-studio sandbox: {error}; stop it first, or use another --state-file.", file=sys.stderr)
        return 1
    print(f"Sandbox HeyGen listening on {sandbox.url} (API and upload base URL). Press Ctrl+C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("Stopping the sandbox.")
    finally:
        sandbox.stop()
    return 0
