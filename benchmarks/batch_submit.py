"""Sending a 1,000-row batch run: saving the rows, the ten batch calls, and the UI stalls meanwhile.

Prints JSON: how long `RenderQueue.enqueue_batch` takes to save 1,000 renders, how long until every row has
HeyGen's batch id (ten `POST /v3/videos/batches` calls of 100 against the sandbox, a separate process), and
the longest and p99 lateness of a 10 ms UI heartbeat (benchmarks/_stall.py) on the qasync loop over both.
Rendering and downloading are benchmarks/render_queue.py's part.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
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
from heygen_studio.tasks import TaskRegistry  # noqa: E402

ROWS = 1000
SERVER = """
import time
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
server = SandboxServer(SandboxConfig(job_seconds=600.0, balance=1e9, credits=1e9))
print(server.start(), flush=True)
time.sleep(3600)
"""


async def scenario(url: str, folder: Path) -> dict[str, object]:
    tasks = TaskRegistry()
    api = open_client("v3", "sandbox", base_url=url, upload_url=url)
    db = Database(folder / "studio.sqlite3")
    queue = RenderQueue(db, tasks.spawn, output_dir=folder / "out", timing=QueueTiming(poll_first_s=30.0))
    look = (await api.list_looks()).items[0]
    project = Project(
        look=LookRef(look.id), voice=VoiceRef("demo-en-us-ava"), scenes=(Scene(script="Hi Ana, welcome to the team."),)
    )
    rows = [replace(project, title=f"Welcome {number}") for number in range(ROWS)]
    heartbeat = Heartbeat(sample_over_ms=50)
    heartbeat.start()
    queue.attach(api, "sandbox")
    started = time.perf_counter()
    await queue.enqueue_batch(rows, "benchmark")
    saved = time.perf_counter() - started
    while True:
        if all(job.batch_id for job in await queue.batch_jobs("benchmark")):
            break
        await asyncio.sleep(0.05)
    sent = time.perf_counter() - started - saved
    stalls = heartbeat.stop()
    await queue.aclose()
    await tasks.aclose()
    await api.aclose()
    db.close()
    return {"rows": ROWS, "save_ms": round(saved * 1000), "send_s": round(sent, 2), "stalls": stalls.as_dict()}


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
