"""UI stalls while 100 renders are polled and downloaded against the sandbox (a separate process).

Prints JSON: the longest and p99 lateness of a 10 ms UI heartbeat (benchmarks/_stall.py) on the
qasync loop while the queue submits 100 renders, polls them with the batch status endpoint and
downloads the results. The whole app under this load and more: benchmarks/app_load.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
sys.path.insert(0, str(Path(__file__).resolve().parent))
import qasync  # noqa: E402
from _stall import Heartbeat  # noqa: E402  (benchmarks/_stall.py)
from PySide6.QtWidgets import QApplication  # noqa: E402

from heygen_studio.api import open_client  # noqa: E402
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef  # noqa: E402
from heygen_studio.services.render_queue import QueueTiming, RenderQueue  # noqa: E402
from heygen_studio.storage.database import Database  # noqa: E402
from heygen_studio.storage.render_jobs import JobStatus  # noqa: E402
from heygen_studio.tasks import TaskRegistry  # noqa: E402

RENDERS = 100
SERVER = """
import sys, time
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
server = SandboxServer(SandboxConfig(job_seconds=1.0, balance=1e9, credits=1e9, v3_concurrency=1000))
print(server.start(), flush=True)
time.sleep(3600)
"""


async def scenario(url: str, folder: Path) -> dict[str, object]:
    tasks = TaskRegistry()
    api = open_client("v3", "sandbox", base_url=url, upload_url=url)
    db = Database(folder / "studio.sqlite3")
    queue = RenderQueue(
        db,
        tasks.spawn,
        output_dir=folder / "out",
        concurrency=RENDERS,
        timing=QueueTiming(poll_first_s=0.5, poll_max_s=2.0, idle_s=1.0),
    )
    look = (await api.list_looks()).items[0]
    project = Project(
        look=LookRef(look.id),
        voice=VoiceRef("demo-en-us-ava"),
        scenes=(Scene(script="A short line for the benchmark."),),
    )
    queue.attach(api, "sandbox")
    started = time.perf_counter()
    heartbeat = Heartbeat()
    heartbeat.start()
    for number in range(RENDERS):
        await queue.enqueue(Project(**{**project.__dict__, "title": f"Benchmark {number}"}))
    while True:
        jobs = await queue.all_jobs()
        if all(job.status.is_final for job in jobs):
            break
        await asyncio.sleep(0.2)
    stalls = heartbeat.stop()
    elapsed = time.perf_counter() - started
    await queue.aclose()
    await tasks.aclose()
    await api.aclose()
    db.close()
    return {
        "renders": RENDERS,
        "downloaded": sum(job.status == JobStatus.DOWNLOADED for job in jobs),
        "seconds": round(elapsed, 1),
        "stalls": stalls.as_dict(),
    }


def main() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        url = (server.stdout.readline() if server.stdout else "").strip()
        app = QApplication.instance() or QApplication(sys.argv[:1])
        with tempfile.TemporaryDirectory() as folder:
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            with loop:  # closing the loop stops its worker threads before the process exits
                result = loop.run_until_complete(scenario(url, Path(folder)))
        print(json.dumps(result, indent=2))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
