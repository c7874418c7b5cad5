"""Renders list at batch scale: 1,000 renders in the real database shown by the Renders panel (JSON).

Data to painted list (the panel loads the account's renders from SQLite and the view paints the first screen),
then UI stalls while the list is scrolled from top to bottom, and while every one of the 1,000 rows changes
status (as a batch's renders do while they poll). `--why` samples the UI thread's stack during stalls over 50 ms.
No network: the renders are queued for an account with no connection open, so nothing is sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from heygen_studio.config import Settings, app_paths  # noqa: E402
from heygen_studio.session import Connection, Session  # noqa: E402
from heygen_studio.storage.keyring_backends import MemoryKeyring  # noqa: E402
from heygen_studio.storage.render_jobs import JobStatus, NewJob  # noqa: E402
from heygen_studio.storage.secrets import SecretStore  # noqa: E402
from heygen_studio.tasks import TaskRegistry  # noqa: E402
from heygen_studio.ui.panels.renders import RendersPanel  # noqa: E402

RENDERS = int(os.environ.get("RENDERS", "1000"))
ACCOUNT = "sandbox"


class PaintWatch(QObject):
    """Counts the paints of the list's viewport."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def queue_renders(session: Session, count: int) -> None:
    """`count` queued renders of one batch-like project, straight into the render_jobs table."""
    jobs = session.renders.queue.jobs
    for index in range(count):
        jobs.add(
            NewJob(
                account=ACCOUNT,
                generation="v3",
                title=f"Welcome, person {index:04d}",
                title_token=f"hs-{index:08x}",
                idempotency_key=f"key-{index}",
                spec='{"draft": false}',
                look_thumbnail_url=None,
                estimated_seconds=12.0,
                estimated_credits=0.0,
                output_dir=str(session.paths.data_dir),
            )
        )


async def until(check: object, within: float = 60.0) -> float:
    started = time.perf_counter()
    while not check():  # type: ignore[operator]
        if time.perf_counter() - started > within:
            raise TimeoutError("gave up waiting")
        await asyncio.sleep(0.002)
    return time.perf_counter() - started


async def measure(why: bool) -> dict[str, object]:
    home = Path(tempfile.mkdtemp(prefix="renders-bench-"))
    os.environ["HEYGEN_STUDIO_HOME"] = str(home)
    tasks = TaskRegistry()
    session = Session(app_paths(), Settings(), tasks, secrets=SecretStore(MemoryKeyring()))
    await asyncio.to_thread(queue_renders, session, RENDERS)
    session.connection = Connection("v3", "http://127.0.0.1:9", "http://127.0.0.1:9", "bench")  # no client: no sends
    panel = RendersPanel(session)
    panel.resize(1100, 760)
    watch = PaintWatch()
    panel.view.viewport().installEventFilter(watch)
    panel.show()
    await until(panel.isVisible)

    started = time.perf_counter()
    panel.reload()
    await until(lambda: panel.model.rowCount() == RENDERS)
    loaded_ms = (time.perf_counter() - started) * 1000
    await until(lambda: watch.paints > 0)  # the list is hidden until it has renders: its first paint
    painted_ms = (time.perf_counter() - started) * 1000

    bar = panel.view.verticalScrollBar()
    beat = Heartbeat(sample_over_ms=50 if why else None)
    beat.start()
    scroll_started = time.perf_counter()
    for value in range(0, bar.maximum() + 1, max(1, panel.view.viewport().height() // 3)):
        bar.setValue(value)
        await asyncio.sleep(0.004)
    scroll_ms = (time.perf_counter() - scroll_started) * 1000
    scrolling = beat.stop()

    jobs = [item.job for item in panel.model.items()]
    beat = Heartbeat(sample_over_ms=50 if why else None)
    beat.start()
    update_started = time.perf_counter()
    for done, job in enumerate(jobs):  # every row changes, in bursts, as polled statuses arrive
        panel.model.upsert(
            replace(job, status=JobStatus.WAITING, remote_id=f"video-{job.id}", submitted_at=time.time())
        )
        if done % 50 == 49:
            await asyncio.sleep(0.005)
    for _ in range(3):  # and the clock ticks over all of them
        panel.model.tick()
        await asyncio.sleep(0.02)
    update_ms = (time.perf_counter() - update_started) * 1000
    updating = beat.stop()

    await panel.aclose()
    await tasks.aclose()
    await session.aclose()
    return {
        "renders": RENDERS,
        "data_to_painted_ms": round(painted_ms, 1),
        "loaded_from_database_ms": round(loaded_ms, 1),
        "scroll_through": {"ms": round(scroll_ms), **scrolling.as_dict()},
        "every_row_updated": {"ms": round(update_ms), **updating.as_dict()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--why", action="store_true", help="sample the UI thread's stack during stalls over 50 ms")
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    result = qasync.run(measure(args.why))
    print(json.dumps(result, indent=2))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
