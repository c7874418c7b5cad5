"""Photos panel timings: the full check (report + thumbnails) at 1/12/24 MP, and the longest UI stall
while 20 photos are checked at once (benchmarks/_stall.py's 10 ms heartbeat). Prints JSON."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # waiting.py, the polling helper of the tests

import qasync  # noqa: E402
from _stall import Heartbeat  # noqa: E402  (benchmarks/_stall.py)
from photo_checks import SIZES, make_jpeg  # noqa: E402  (benchmarks/photo_checks.py)
from PySide6.QtWidgets import QApplication  # noqa: E402
from waiting import until  # noqa: E402  (tests/waiting.py)

from heygen_studio.config import HOME_ENV, Settings, app_paths  # noqa: E402
from heygen_studio.services import photo_checks  # noqa: E402
from heygen_studio.ui.widgets.photo_shelf import PHOTO_ROLE  # noqa: E402

RUNS = 3
PHOTOS_AT_ONCE = 20
HEARTBEAT_MS = 10


def full_check_timings(path: Path) -> dict[str, object]:
    photo_checks.check(path)  # warm up
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        photo = photo_checks.check(path)
        seconds.append(time.perf_counter() - start)
    return {
        "megapixels": round((photo.report.width or 0) * (photo.report.height or 0) / 1e6, 1),
        "verdict": photo.verdict,
        "median_s": round(statistics.median(seconds), 3),
        "max_s": round(max(seconds), 3),
    }


async def longest_stall(folder: Path, source: Path) -> dict[str, object]:
    from heygen_studio.session import Session
    from heygen_studio.storage.keyring_backends import MemoryKeyring
    from heygen_studio.storage.secrets import SecretStore
    from heygen_studio.tasks import TaskRegistry
    from heygen_studio.ui.panels.photos import PhotosPanel

    paths = [Path(shutil.copy(source, folder / f"copy-{index:02}.jpg")) for index in range(PHOTOS_AT_ONCE)]
    tasks = TaskRegistry()
    session = Session(app_paths(), Settings(), tasks, secrets=SecretStore(MemoryKeyring()))
    panel = PhotosPanel(session)
    panel.resize(1200, 800)
    panel.show()
    await asyncio.sleep(0.2)
    heartbeat = Heartbeat(HEARTBEAT_MS)
    heartbeat.start()
    start = time.perf_counter()
    panel.add_paths(paths)
    model = panel.model
    await until(
        lambda: all(model.item(row).data(PHOTO_ROLE) is not None for row in range(model.rowCount())),
        "every photo is checked",
        within=300,
        every=0.01,
    )
    total = time.perf_counter() - start
    stalls = heartbeat.stop()
    await tasks.aclose()
    await session.aclose()
    return {
        "photos": PHOTOS_AT_ONCE,
        "megapixels_each": 12,
        "all_checked_s": round(total, 2),
        "heartbeat_ms": HEARTBEAT_MS,
        "stalls": stalls.as_dict(),
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ[HOME_ENV] = str(folder / "home")
        photos = {megapixels: make_jpeg(folder, megapixels) for megapixels in SIZES}
        checks = [full_check_timings(path) for path in photos.values()]
        app = QApplication.instance() or QApplication(sys.argv)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            stall = loop.run_until_complete(longest_stall(folder, photos[12]))
    json.dump({"cpus": os.cpu_count(), "full_check": checks, "ui_while_checking": stall}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
