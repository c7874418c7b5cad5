"""One sandbox per state file: the process holding its lock serves it; another one talks to that server."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.sandbox.state_lock import SandboxInUse, StateLock

JOIN_WAIT_S = 15.0  # how long to wait for the holder to start serving (it loads the state, then listens)


@dataclass
class SharedSandbox:
    """A sandbox this process serves (`server` set) or the one another process serves at `url`."""

    url: str
    server: SandboxServer | None = None
    lock: StateLock | None = None

    @property
    def own(self) -> bool:
        return self.server is not None

    def stop(self) -> None:
        """Stop serving and let go of the state (nothing to do for another process's sandbox)."""
        if self.server is not None:
            self.server.stop()
        if self.lock is not None:
            self.lock.release()


def start_shared(
    config: SandboxConfig, host: str = "127.0.0.1", port: int = 0, *, join: bool = True, wait_s: float | None = None
) -> SharedSandbox:
    """Serve `config`'s state file, or (with `join`) use the server of the process already holding it.

    Raises SandboxInUse when the holder does not answer within `wait_s` (JOIN_WAIT_S) or `join` is False."""
    if config.state_file is None:
        server = SandboxServer(config, host, port)
        return SharedSandbox(server.start(), server)
    lock = StateLock(config.state_file)
    deadline = time.monotonic() + (JOIN_WAIT_S if wait_s is None else wait_s)
    while True:
        if lock.acquire():
            try:
                server = SandboxServer(config, host, port)
                url = server.start()
                lock.publish(url)
            except BaseException:
                lock.release()
                raise
            return SharedSandbox(url, server, lock)
        holder = lock.holder()
        if not join:
            raise SandboxInUse(_in_use(config.state_file, holder))
        if holder is not None and _alive(holder[1]) and _answers(holder[0]):
            return SharedSandbox(holder[0])
        if time.monotonic() > deadline:
            raise SandboxInUse(
                _in_use(config.state_file, holder) + " and it does not answer; close the other "
                "HeyGen Studio (or wait for it to finish starting) and try again."
            )
        time.sleep(0.1)


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs (a record left by a killed holder names a dead one)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it runs, as another user
    return True


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_sandbox/counts", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _in_use(state_file: Path, holder: tuple[str, int] | None) -> str:
    who = f"process {holder[1]}, serving {holder[0]}" if holder else "another process"
    return f"The sandbox state {state_file} is in use by {who}"
