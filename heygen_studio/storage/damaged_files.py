"""Setting a damaged file aside under a dated name (never deleting or overwriting anything), and saying where."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MovedAside:
    """A damaged file the app moved out of its way, and why."""

    original: Path
    aside: Path
    reason: str

    @property
    def message(self) -> str:
        """One line for the user: what was wrong, where the file is now, and that a fresh one was started."""
        return (
            f"{self.original.name} could not be used ({self.reason}), so it was moved, untouched, to {self.aside} "
            "and a fresh one was started."
        )


def move_aside(path: Path, reason: str, companions: tuple[str, ...] = ()) -> MovedAside:
    """Rename `path` to `<name>.damaged-YYYYMMDD-HHMM` (then `-2`, `-3`… if taken) beside it; files named
    `<name><suffix>` for each of `companions` (SQLite's -wal and -shm) move with it to `<aside><suffix>`."""
    stamp = time.strftime("%Y%m%d-%H%M")
    for attempt in range(1, 1000):
        aside = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{attempt}" if attempt > 1 else ""))
        if any(Path(f"{aside}{suffix}").exists() for suffix in companions):
            continue
        try:
            os.link(path, aside)  # fails if `aside` exists, so nothing is ever overwritten
        except FileExistsError:
            continue
        except OSError:  # no hard links here (FAT, some network shares): a checked rename instead
            if aside.exists():
                continue
            os.rename(path, aside)
        else:
            os.unlink(path)
        break
    else:
        raise FileExistsError(f"no free name to move {path} aside")
    for suffix in companions:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, f"{aside}{suffix}")  # checked free above
    moved = MovedAside(path, aside, reason)
    log.warning("%s", moved.message)
    return moved
