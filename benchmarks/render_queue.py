"""UI stalls while 100 renders are polled and downloaded against the sandbox (a separate process).

Prints JSON: the longest and p99 lateness of a 10 ms UI timer on the qasync loop while the queue
submits 100 renders, polls them with the batch status endpoint and downloads the results.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
import qasync  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from heygen_studio.api import open_client  # noqa: E402
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef  # noqa: E402
from heygen_studio.services.render_queue import QueueTiming, RenderQueue  # noqa: E402
from heygen_studio.storage.database import Database  # noqa: E402
from heygen_studio.storage.render_jobs import JobStatus  # noqa: E402
from heygen_studio.tasks import TaskRegistry  # noqa: E402

RENDERS = 100
TICK_MS = 10
SERVER = """
import sys, time
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
server = SandboxServer(SandboxConfig(job_seconds=1.0, credits=1e9, v3_concurrency=1000))
print(server.start(), flush=True)
time.sleep(3600)
"""


async def scenario(url: str, folder: Path) -> dict[str, float]:
    lateness: list[float] = []
    last = time.perf_counter()

    def beat() -> None:
        nonlocal last
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last) * 1000 - TICK_MS))
        last = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(beat)
    tasks = TaskRegistry()
    api = open_client("v3", "sandbox", base_url=url, upload_url=url)
    db = Database(folder / "studio.sqlite3")
    queue = RenderQueue(db, tasks.spawn, output_dir=folder / "out", concurrency=RENDERS,
                        timing=QueueTiming(poll_first_s=0.5, poll_max_s=2.0, idle_s=1.0))
    look = (await api.list_looks()).items[0]
    project = Project(look=LookRef(look.id), voice=VoiceRef("demo-en-us-ava"),
                      scenes=(Scene(script="A short line for the benchmark."),))
    queue.attach(api, "sandbox")
    started = time.perf_counter()
    timer.start()
    for number in range(RENDERS):
        await queue.enqueue(Project(**{**project.__dict__, "title": f"Benchmark {number}"}))
    while True:
        jobs = await queue.list()
        if all(job.status.is_final for job in jobs):
            break
        await asyncio.sleep(0.2)
    timer.stop()
    elapsed = time.perf_counter() - started
    await queue.aclose()
    await tasks.aclose()
    await api.aclose()
    db.close()
    ordered = sorted(lateness)
    return {
        "renders": RENDERS,
        "downloaded": sum(job.status == JobStatus.DOWNLOADED for job in jobs),
        "seconds": round(elapsed, 1),
        "ui_ticks": len(lateness),
        "longest_stall_ms": round(ordered[-1], 1),
        "p99_stall_ms": round(ordered[int(len(ordered) * 0.99) - 1], 1),
        "median_stall_ms": round(statistics.median(ordered), 2),
    }


def main() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        url = (server.stdout.readline() if server.stdout else "").strip()
        app = QApplication.instance() or QApplication(sys.argv[:1])
        with tempfile.TemporaryDirectory() as folder:
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            result = loop.run_until_complete(scenario(url, Path(folder)))
        print(json.dumps(result, indent=2))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
