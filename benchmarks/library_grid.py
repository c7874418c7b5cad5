"""Library grid at scale: 2,000 looks served by the loopback sandbox; paint time, thumbnail memory, UI stalls (JSON)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # waiting.py, the polling helper of the tests

import qasync  # noqa: E402
from _probes import rss_bytes, visible_loaded  # noqa: E402  (benchmarks/_probes.py)
from _stall import Heartbeat  # noqa: E402  (benchmarks/_stall.py)
from PIL import Image  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from waiting import until  # noqa: E402  (tests/waiting.py)

from heygen_studio.config import Settings, app_paths  # noqa: E402
from heygen_studio.sandbox.config import SandboxConfig  # noqa: E402
from heygen_studio.sandbox.entities import Lazy  # noqa: E402
from heygen_studio.sandbox.server import SandboxServer  # noqa: E402
from heygen_studio.session import Connection, Session  # noqa: E402
from heygen_studio.storage.keyring_backends import MemoryKeyring  # noqa: E402
from heygen_studio.storage.secrets import SecretStore  # noqa: E402
from heygen_studio.tasks import TaskRegistry  # noqa: E402
from heygen_studio.ui.panels.library import LibraryPanel  # noqa: E402

LOOKS = int(os.environ.get("LOOKS", "2000"))


def seed(server: SandboxServer, count: int) -> None:
    """A private group with `count` ready looks, each a distinct 384×384 PNG."""
    state = server.state
    now = time.time() - count - 60
    with state.lock:
        group = state.add_group("Benchmark person", "private", now)
        for index in range(count):
            out = io.BytesIO()
            Image.new("RGB", (384, 384), ((index * 37) % 256, (index * 91) % 256, (index * 13) % 256)).save(out, "PNG")
            data = out.getvalue()
            asset = state.add_asset(Lazy(data), "image/png", len(data), now + index, 384, 384)
            look = state.add_look(group, f"Look {index:04d}", asset, now + index)
            look.ready_at = look.created_at


async def measure(home: Path) -> dict[str, object]:
    server = SandboxServer(SandboxConfig(demo_content=False))
    url = server.start()
    seed(server, LOOKS)
    os.environ["HEYGEN_STUDIO_HOME"] = str(home)
    tasks = TaskRegistry()
    session = Session(app_paths().ensure(), Settings(), tasks, secrets=SecretStore(MemoryKeyring()))
    panel = LibraryPanel(session)
    panel.resize(1400, 900)
    panel.show()
    started = time.perf_counter()
    await session._switch(Connection("v3", url, url, "sandbox"))
    await until(lambda: panel.looks_model.rowCount() >= LOOKS, within=120, every=0.005)
    listed = time.perf_counter()
    # From data in the model to a painted grid with every visible thumbnail in it.
    panel.looks_model.set_items(panel.looks_model.all_items())
    data_at = time.perf_counter()
    await until(lambda: visible_loaded(panel), within=120, every=0.005)
    panel.looks_view.viewport().repaint()
    painted = time.perf_counter()

    heartbeat = Heartbeat()
    heartbeat.start()
    bar = panel.looks_view.verticalScrollBar()
    scroll_started = time.perf_counter()
    step = max(1, panel.looks_view.viewport().height() // 2)
    position = 0
    while position < bar.maximum():
        position = min(bar.maximum(), position + step)
        bar.setValue(position)
        await asyncio.sleep(0.03)
    await until(lambda: visible_loaded(panel) and panel.thumbnails.pending == 0, within=120, every=0.005)
    scrolled = time.perf_counter()
    stalls = heartbeat.stop()
    result = {
        "looks": LOOKS,
        "list_all_pages_s": round(listed - started, 3),
        "data_to_painted_grid_s": round(painted - data_at, 3),
        "scroll_through_all_s": round(scrolled - scroll_started, 3),
        "stalls_while_scrolling": stalls.as_dict(),
        "thumbnail_lru_bytes": panel.thumbnails.held_bytes,
        "thumbnail_disk_bytes": panel.cache.total_bytes(),
        "process_rss_bytes": rss_bytes(),
    }
    await tasks.aclose()
    await panel.aclose()
    await session.aclose()
    server.stop()
    return result


def main() -> int:
    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as home, loop:  # closing the loop stops its worker threads
        print(json.dumps(loop.run_until_complete(measure(Path(home))), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
