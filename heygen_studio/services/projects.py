"""Project files: atomic saves, a debounced recovery copy after every edit, and the recent-projects list."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heygen_studio.domain.project import FILE_SUFFIX, Project, ProjectFileError
from heygen_studio.storage.atomic_files import write_text_atomically

log = logging.getLogger(__name__)

MAX_RECENT = 10
AUTOSAVE_DELAY_S = 2.0


@dataclass(frozen=True)
class RecentProject:
    path: Path
    title: str


@dataclass(frozen=True)
class Recovery:
    """An autosaved copy newer than what was saved (or never saved): offered back after a crash."""

    project: Project
    saved_path: Path | None
    autosaved_at: float


def with_suffix(path: Path) -> Path:
    """`path` ending in .hgproj (a name typed without it gets it)."""
    return path if path.suffix == FILE_SUFFIX else path.with_name(path.name + FILE_SUFFIX)


def read_project(path: Path) -> Project:
    """The project in `path`; ProjectFileError with a plain reason. The file is only read, never changed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ProjectFileError(f"“{path.name}” is no longer there; it may have been moved or deleted.") from error
    except UnicodeDecodeError as error:
        raise ProjectFileError(f"“{path.name}” is not a HeyGen Studio project (it is not text).") from error
    except OSError as error:
        raise ProjectFileError(f"“{path.name}” could not be read ({error.strerror or error}).") from error
    try:
        return Project.loads(text)
    except ProjectFileError as error:
        raise ProjectFileError(f"“{path.name}”: {error}") from error


class ProjectStore:
    """Saving and opening .hgproj files, the recovery copy and the recent list, all under `data_dir`."""

    def __init__(self, data_dir: Path) -> None:
        self.recovery_file = data_dir / "recovery" / "autosave.json"
        self.recent_file = data_dir / "recent_projects.json"

    async def open(self, path: Path) -> Project:
        project = await asyncio.to_thread(read_project, path)
        await self.remember(path, project.title)
        return project

    async def save(self, project: Project, path: Path) -> Path:
        """Save atomically; the recovery copy is no longer needed and the file goes to the top of recent."""
        path = with_suffix(path)
        await asyncio.to_thread(write_text_atomically, path, project.dumps())
        await self.discard_recovery()
        await self.remember(path, project.title)
        return path

    # --- recovery ---------------------------------------------------------------------------------

    async def write_recovery(self, project: Project, saved_path: Path | None) -> None:
        document = {
            "saved_path": str(saved_path) if saved_path else None,
            "autosaved_at": time.time(),
            "project": project.to_json(),
        }
        await asyncio.to_thread(write_text_atomically, self.recovery_file, json.dumps(document, ensure_ascii=False))

    async def discard_recovery(self) -> None:
        await asyncio.to_thread(self.recovery_file.unlink, missing_ok=True)

    async def find_recovery(self) -> Recovery | None:
        """The autosaved copy if it holds edits the saved file lacks; a stale or damaged one is None."""
        return await asyncio.to_thread(self._find_recovery)

    def _find_recovery(self) -> Recovery | None:
        try:
            document = json.loads(self.recovery_file.read_text(encoding="utf-8"))
            project = Project.from_json(document["project"])
            saved = Path(document["saved_path"]) if document.get("saved_path") else None
            autosaved_at = float(document.get("autosaved_at") or self.recovery_file.stat().st_mtime)
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, OSError) as error:
            log.warning("Ignoring an unreadable recovery copy: %s", error)
            return None
        if saved is not None:
            try:
                if saved.stat().st_mtime >= autosaved_at or read_project(saved) == project:
                    return None
            except (OSError, ProjectFileError):
                pass  # the saved file is gone or damaged: the copy is all there is
        return Recovery(project, saved, autosaved_at)

    # --- recent list ------------------------------------------------------------------------------

    async def recent(self) -> list[RecentProject]:
        """Recently opened or saved projects that still exist, newest first."""
        return await asyncio.to_thread(self._recent)

    def _recent(self) -> list[RecentProject]:
        try:
            items = json.loads(self.recent_file.read_text(encoding="utf-8"))
            entries = [RecentProject(Path(i["path"]), str(i.get("title") or "")) for i in items]
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError) as error:
            log.warning("Ignoring an unreadable recent-projects list: %s", error)
            return []
        return [entry for entry in entries if entry.path.exists()]

    async def remember(self, path: Path, title: str) -> None:
        def update() -> None:
            entries = [e for e in self._recent() if e.path.resolve() != path.resolve()]
            entries.insert(0, RecentProject(path.resolve(), title))
            data = [{"path": str(e.path), "title": e.title} for e in entries[:MAX_RECENT]]
            write_text_atomically(self.recent_file, json.dumps(data, ensure_ascii=False, indent=2))

        await asyncio.to_thread(update)


class Autosaver:
    """Writes the recovery copy `delay_s` after the last change (each change restarts the wait)."""

    def __init__(
        self,
        store: ProjectStore,
        spawn: Callable[[Coroutine[Any, Any, None], str], Any],
        delay_s: float = AUTOSAVE_DELAY_S,
    ) -> None:
        self.store = store
        self.delay_s = delay_s
        self._spawn = spawn
        self._timer: asyncio.TimerHandle | None = None

    def changed(self, project: Project, saved_path: Path | None) -> None:
        self.cancel()
        self._timer = asyncio.get_running_loop().call_later(
            self.delay_s, lambda: self._spawn(self.store.write_recovery(project, saved_path), "autosave project")
        )

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
