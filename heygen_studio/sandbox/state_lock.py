"""Holding a sandbox state file: one process at a time, an fcntl lock the system lets go of when it ends."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path

from heygen_studio.api.errors import HeyGenError
from heygen_studio.storage.atomic_files import write_text_atomically


def home_state_file(data_dir: Path) -> Path:
    """Where the built-in sandbox of an app's data folder keeps its state (one per home)."""
    return data_dir / "sandbox" / "state.json"


class SandboxInUse(HeyGenError):
    """The state file is held by another process that does not answer (or joining was not wanted)."""


class StateLock:
    """This process's exclusive hold on a state file: an fcntl lock on `<state>.lock`, which the system
    releases when the process ends in any way (kill -9 too), and `<state>.server.json` saying who serves it."""

    def __init__(self, state_file: Path) -> None:
        self.lock_file = state_file.with_name(state_file.name + ".lock")
        self.server_file = state_file.with_name(state_file.name + ".server.json")
        self._fd: int | None = None

    def acquire(self) -> bool:
        """True if this process holds the lock now (at once; never waits)."""
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def publish(self, url: str) -> None:
        """Record where this process serves the state, for the next process to find."""
        write_text_atomically(self.server_file, json.dumps({"url": url, "pid": os.getpid()}) + "\n")

    def holder(self) -> tuple[str, int] | None:
        """The URL and process id the holder recorded, if it did (a dead holder's record may be left)."""
        try:
            record = json.loads(self.server_file.read_text(encoding="utf-8"))
            return str(record["url"]), int(record["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def release(self) -> None:
        if self._fd is None:
            return
        self.server_file.unlink(missing_ok=True)
        os.close(self._fd)  # closing the descriptor releases the lock
        self._fd = None
