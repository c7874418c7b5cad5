"""The photos the user added to the Photos page and their reports, kept in a small JSON file across restarts."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heygen_studio.domain.photo_rules import Box, Issue, PhotoReport

log = logging.getLogger(__name__)
VERSION = 1

Stamp = tuple[int, int]
"""A file's size and modification time (ns): the report is reused only while both are unchanged."""


def stamp_of(path: Path) -> Stamp | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


@dataclass(frozen=True)
class KeptPhoto:
    """One photo of the list: its path, and its report when the file has not changed since it was checked."""

    path: Path
    report: PhotoReport | None = None
    stamp: Stamp | None = None


@dataclass(frozen=True)
class Restored:
    """What was kept: the photos still there, the ones that are gone, and a note when the list was damaged."""

    photos: list[KeptPhoto]
    missing: list[Path]
    note: str = ""


def _box(data: list[int]) -> Box:
    return Box(*(int(value) for value in data))


def _issue(data: dict[str, Any]) -> Issue:
    return Issue(str(data["code"]), str(data["message"]), tuple(_box(box) for box in data.get("boxes", ())))


def report_to_json(report: PhotoReport) -> dict[str, Any]:
    def issues(items: list[Issue]) -> list[dict[str, Any]]:
        return [
            {
                "code": issue.code,
                "message": issue.message,
                "boxes": [[box.x, box.y, box.width, box.height] for box in issue.boxes],
            }
            for issue in items
        ]

    return {
        "format": report.format,
        "width": report.width,
        "height": report.height,
        "bytes": report.bytes,
        "errors": issues(report.errors),
        "warnings": issues(report.warnings),
        "analysed": report.analysed,
        "faces": [[box.x, box.y, box.width, box.height] for box in report.faces],
    }


def report_from_json(path: Path, data: dict[str, Any]) -> PhotoReport:
    return PhotoReport(
        path=path,
        format=data.get("format"),
        width=data.get("width"),
        height=data.get("height"),
        bytes=data.get("bytes"),
        errors=[_issue(item) for item in data.get("errors", [])],
        warnings=[_issue(item) for item in data.get("warnings", [])],
        faces=[_box(box) for box in data.get("faces", [])],
        analysed=bool(data.get("analysed")),
    )


class PhotoList:
    """Reads and writes the list (`photos.json` in the data folder). Blocking: call it with asyncio.to_thread."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def load(self) -> Restored:
        """The kept photos; a file that is gone is left out (and named), a changed one is to be checked again.
        A damaged list is moved aside (never deleted) and the page starts empty."""
        try:
            text = self.file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Restored([], [])
        except (OSError, UnicodeDecodeError) as error:
            return Restored([], [], self._move_aside(error))
        try:
            entries = json.loads(text)["photos"]
            kept = [(Path(entry["path"]), entry.get("report"), entry.get("stamp")) for entry in entries]
        except (ValueError, KeyError, TypeError) as error:
            return Restored([], [], self._move_aside(error))
        photos: list[KeptPhoto] = []
        missing: list[Path] = []
        for path, report, stamp in kept:
            now = stamp_of(path)
            if now is None:
                missing.append(path)
                continue
            try:
                same = report is not None and stamp is not None and tuple(stamp) == now
                photos.append(KeptPhoto(path, report_from_json(path, report) if same else None, now if same else None))
            except (KeyError, TypeError, ValueError):  # one odd entry is checked again, not fatal
                photos.append(KeptPhoto(path))
        return Restored(photos, missing)

    def save(self, photos: list[KeptPhoto]) -> None:
        """Replace the list atomically (a crash mid-write leaves the previous one). Raises OSError."""
        data = {
            "version": VERSION,
            "photos": [
                {
                    "path": str(photo.path),
                    "stamp": list(photo.stamp) if photo.stamp else None,
                    "report": report_to_json(photo.report) if photo.report is not None and photo.stamp else None,
                }
                for photo in photos
            ],
        }
        self.file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".photos-", suffix=".json", dir=self.file.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1)
            os.replace(temporary, self.file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def _move_aside(self, error: Exception) -> str:
        aside = self.file.with_name(f"{self.file.stem}.damaged-{time.strftime('%Y%m%d-%H%M%S')}{self.file.suffix}")
        log.warning("The photo list %s could not be read (%r); moving it to %s", self.file, error, aside)
        try:
            self.file.rename(aside)
        except OSError:
            return f"The list of your photos ({self.file}) could not be read; add your photos again."
        return f"The list of your photos could not be read, so it was moved to {aside}; add your photos again."
