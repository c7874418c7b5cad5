"""HeyGen Studio under load: UI stalls and memory while 100 renders poll and 1,000 Library thumbnails
load from a sandbox in another process; memory at rest first. Prints JSON. `--heap` adds tracemalloc (and the
source files holding the most Python memory at rest); `--why` adds the main thread's stacks sampled during stalls
over 50 ms; `--at-rest` stops after the memory at rest."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRACE_HEAP = "--heap" in sys.argv
SAMPLE_STALLS_OVER_MS = 50.0 if "--why" in sys.argv else None
AT_REST_ONLY = "--at-rest" in sys.argv
if TRACE_HEAP:
    tracemalloc.start()  # before the app's imports, so the heap figure covers them
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # waiting.py, the polling helper of the tests

import qasync  # noqa: E402
from _probes import heavy_modules_loaded, peak_rss_bytes, resident_split, rss_bytes, visible_loaded  # noqa: E402
from _stall import Heartbeat  # noqa: E402  (benchmarks/_stall.py)
from PySide6.QtWidgets import QApplication  # noqa: E402
from waiting import until  # noqa: E402  (tests/waiting.py)

from heygen_studio.app import StudioApp  # noqa: E402
from heygen_studio.config import HOME_ENV, Settings, app_paths  # noqa: E402
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef  # noqa: E402
from heygen_studio.services.render_queue import QueueTiming  # noqa: E402
from heygen_studio.session import SANDBOX_KEY, Connection  # noqa: E402
from heygen_studio.storage.keyring_backends import MemoryKeyring  # noqa: E402
from heygen_studio.storage.secrets import SecretStore  # noqa: E402
from heygen_studio.ui.panels.library import LibraryPanel  # noqa: E402

RENDERS = 100
LOOKS = 1000
IDLE_S = 3.0
LOAD_TIMEOUT_S = 180.0
GROUP = "Benchmark person"  # library_grid.seed names its group so
# The sandbox in its own process, as HeyGen would be: short jobs, no concurrency limit, 1,000 looks. It runs at the
# lowest CPU priority: HeyGen renders on its own machines, while here the sandbox synthesizes and encodes 100 real
# 1080p videos on the same 2 cores as the app it serves, and the stalls would measure that.
SERVER = f"""
import os, sys, time
os.nice(19)
sys.path.insert(0, {str(HERE)!r})
from library_grid import seed
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
server = SandboxServer(SandboxConfig(job_seconds=1.0, balance=1e9, credits=1e9, v3_concurrency=1000))
url = server.start()
seed(server, {LOOKS})
print(url, flush=True)
time.sleep({LOAD_TIMEOUT_S * 2})
"""


def memory() -> dict[str, int]:
    figures = {"rss_bytes": rss_bytes()}
    if TRACE_HEAP:
        current, peak = tracemalloc.get_traced_memory()
        figures |= {"python_heap_bytes": current, "python_heap_peak_bytes": peak}
    return figures


def heap_by_file(top: int = 15) -> list[dict[str, object]]:
    """The source files whose allocations hold the most Python memory now (tracemalloc, by file)."""
    stats = tracemalloc.take_snapshot().statistics("filename")[:top]
    return [{"file": str(stat.traceback[0].filename), "bytes": stat.size} for stat in stats]


async def scroll_through(panel: LibraryPanel) -> None:
    """Page down the looks grid, waiting at each page until its thumbnails are painted, as a user would.
    Looked at every 50 ms: probing the grid costs the UI thread time the stall meter would count."""
    bar = panel.looks_view.verticalScrollBar()
    step = max(1, panel.looks_view.viewport().height())
    while True:
        await until(lambda: visible_loaded(panel), within=30.0, every=0.05)
        if bar.value() >= bar.maximum():
            return
        bar.setValue(min(bar.maximum(), bar.value() + step))
        await asyncio.sleep(0.01)


async def scenario(url: str, folder: Path) -> dict[str, object]:
    studio = StudioApp(app_paths().ensure(), Settings(), secrets=SecretStore(MemoryKeyring()))
    window = await studio.start()
    session = studio.session
    try:
        await session._switch(Connection("v3", url, url, SANDBOX_KEY))  # noqa: SLF001  (as "Try the sandbox")
        await asyncio.sleep(IDLE_S)
        idle = Heartbeat()
        idle.start()
        await asyncio.sleep(1.0)
        at_rest = memory() | resident_split() | {"heavy_modules": heavy_modules_loaded()}
        at_rest |= {"idle_stalls": idle.stop().as_dict()} | (
            {"python_heap_by_file": heap_by_file()} if TRACE_HEAP else {}
        )
        if AT_REST_ONLY:
            return {"memory_at_rest": at_rest}

        if TRACE_HEAP:
            tracemalloc.reset_peak()
        queue = session.renders.queue
        queue.concurrency = RENDERS
        queue.timing = QueueTiming(poll_first_s=0.5, poll_max_s=2.0, idle_s=1.0)
        await session.renders.set_output_dir(folder / "videos")
        voice = (await session.require_api().list_voices()).items[0]
        window.show_panel("Library")
        library = window.current_panel()
        assert isinstance(library, LibraryPanel)
        await until(
            lambda: library.groups_model.row_of(lambda group: group.name == GROUP) >= 0, within=120, every=0.005
        )
        library.groups_view.setCurrentIndex(
            library.groups_model.index(library.groups_model.row_of(lambda group: group.name == GROUP))
        )
        await until(lambda: library.looks_model.rowCount() >= LOOKS, within=120, every=0.005)
        look = library.looks_model.item(0)

        beat = Heartbeat(sample_over_ms=SAMPLE_STALLS_OVER_MS)
        beat.start()
        started = time.perf_counter()
        for number in range(RENDERS):
            session.render_requested.emit(
                Project(
                    title=f"Benchmark {number}",
                    look=LookRef(look.id),
                    voice=VoiceRef(voice.id),
                    scenes=(Scene(script="A short line for the benchmark."),),
                )
            )
        await scroll_through(library)
        thumbnails_s = time.perf_counter() - started
        await until(lambda: library.thumbnails.pending == 0, within=120, every=0.005)
        jobs = await queue.all_jobs()
        while len(jobs) < RENDERS or not all(job.status.is_final for job in jobs):
            await asyncio.sleep(0.2)
            if time.perf_counter() - started > LOAD_TIMEOUT_S:
                break
            jobs = await queue.all_jobs()
        elapsed = time.perf_counter() - started
        stalls = beat.stop()
        under_load = memory() | {"peak_rss_bytes": peak_rss_bytes()}
        return {
            "renders": RENDERS,
            "renders_final": sum(job.status.is_final for job in jobs),
            "looks": library.looks_model.rowCount(),
            "thumbnails_scrolled_through_s": round(thumbnails_s, 1),
            "load_s": round(elapsed, 1),
            "stalls": stalls.as_dict(),
            "memory_at_rest": at_rest,
            "memory_under_load": under_load,
        }
    finally:
        await studio.aclose()


def main() -> int:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        url = (server.stdout.readline() if server.stdout else "").strip()
        with tempfile.TemporaryDirectory() as folder:
            os.environ[HOME_ENV] = str(Path(folder) / "home")
            app = QApplication(sys.argv[:1])
            app.setQuitOnLastWindowClosed(False)
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:  # closing the loop stops its worker threads
                result = loop.run_until_complete(scenario(url, Path(folder)))
        print(json.dumps(result | {"heap_traced": TRACE_HEAP}, indent=2))
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
