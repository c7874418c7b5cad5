"""Probes the benchmarks share (not a benchmark): the process's memory, the heavy modules it holds, a painted grid.

Imports only the standard library and QtCore, so a benchmark that measures the app's own memory (app_load.py)
does not carry another benchmark's imports (library_grid.py's sandbox server, PyAV, Pillow) into it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint

if TYPE_CHECKING:
    from heygen_studio.ui.panels.library import LibraryPanel

HEAVY_MODULES = (
    "PySide6.QtMultimedia",
    "cv2",
    "numpy",
    "av",
    "jsonschema",
    "openpyxl",
    "PIL",
    "starlette",
    "uvicorn",
    "heygen_studio.sandbox.server",
)
"""What the app needs only once a feature is used (playing, a photo check, a recording, a sheet, the embedded
sandbox): none of them should be in its process at rest."""


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def rss_bytes() -> int:
    """Resident set size now (VmRSS)."""
    return _status_kib("VmRSS") * 1024


def peak_rss_bytes() -> int:
    """The highest resident set size so far (VmHWM)."""
    return _status_kib("VmHWM") * 1024


def resident_split() -> dict[str, int]:
    """RSS split into anonymous memory (Python's and Qt's heaps, thread stacks) and mapped files (libraries),
    in bytes, from /proc/self/smaps_rollup; empty where the kernel has no such file."""
    rollup = Path("/proc/self/smaps_rollup")
    if not rollup.exists():
        return {}
    fields = dict(line.split(":", 1) for line in rollup.read_text().splitlines()[1:])
    kib = {name: int(value.split()[0]) for name, value in fields.items()}
    return {"anonymous_bytes": kib["Anonymous"] * 1024, "file_backed_bytes": (kib["Rss"] - kib["Anonymous"]) * 1024}


def heavy_modules_loaded() -> list[str]:
    """Which of HEAVY_MODULES this process has imported."""
    return [name for name in HEAVY_MODULES if name in sys.modules]


def visible_loaded(panel: LibraryPanel) -> bool:
    """Whether every look visible in the Library grid has its thumbnail painted."""
    view = panel.looks_view
    rect = view.viewport().rect()
    first = view.indexAt(rect.topLeft())
    rows = [first.row()] if first.isValid() else []
    for y in range(10, rect.height(), 100):
        for x in range(10, rect.width(), 100):
            index = view.indexAt(QPoint(x, y))
            if index.isValid():
                rows.append(index.row())
    dpr = view.devicePixelRatioF()
    urls = {panel.looks_model.item(row).preview_image_url for row in rows}
    return bool(rows) and all(panel.thumbnails.pixmap(url or "", dpr) is not None for url in urls)
