"""Time the Batch step with a sheet of 1,000 rows on a loopback sandbox; prints JSON.

From "Make one for each row…" to the rows in the table (read, filled, checked and priced off the UI thread),
for a CSV and an .xlsx, with the UI thread's longest stall meanwhile; then scrolling the table from top to
bottom, and every row's status changing at once (as when 1,000 renders move), each with its stalls."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
os.environ["HEYGEN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="batch-window-bench-")
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # waiting.py, the polling helper of the tests

import openpyxl  # noqa: E402
import qasync  # noqa: E402
from _stall import Heartbeat  # noqa: E402  (benchmarks/_stall.py)
from PySide6.QtWidgets import QApplication  # noqa: E402
from waiting import until  # noqa: E402  (tests/waiting.py)

from heygen_studio.batch.results import RowState  # noqa: E402
from heygen_studio.config import Profile, Settings, app_paths  # noqa: E402
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef  # noqa: E402
from heygen_studio.sandbox.config import SandboxConfig  # noqa: E402
from heygen_studio.sandbox.server import SandboxServer  # noqa: E402
from heygen_studio.services.accounts import Endpoint  # noqa: E402
from heygen_studio.session import SANDBOX_KEY, Session  # noqa: E402
from heygen_studio.storage.keyring_backends import MemoryKeyring  # noqa: E402
from heygen_studio.storage.secrets import SecretStore  # noqa: E402
from heygen_studio.tasks import TaskRegistry  # noqa: E402
from heygen_studio.ui.dialogs.batch_window import BatchWindow  # noqa: E402
from heygen_studio.ui.panels.scenes import ScenesPanel  # noqa: E402

ROWS = 1000
NAMES = ("Zoë", "美咲", "Łukasz", "Ана", "José", "Chloé", "Søren", "İlkay")


def sheets(folder: Path) -> dict[str, Path]:
    """The same 1,000 rows (accented and non-Latin names, every seventh row missing its team) as CSV and .xlsx."""
    rows = [(f"{NAMES[i % len(NAMES)]} {i}", "" if i % 7 == 0 else f"Team {i % 40}") for i in range(ROWS)]
    csv_path = folder / "people.csv"
    csv_path.write_text("first_name,team\n" + "".join(f"{name},{team}\n" for name, team in rows), encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["first_name", "team"])
    for row in rows:
        sheet.append(list(row))
    xlsx_path = folder / "people.xlsx"
    book.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


async def measure(url: str, folder: Path) -> dict[str, object]:
    secrets = SecretStore(MemoryKeyring())
    secrets.set("Work", SANDBOX_KEY)
    settings = Settings(profiles=[Profile("Work", "v3")], active_profile="Work")
    tasks = TaskRegistry()
    session = Session(app_paths().ensure(), settings, tasks, secrets=secrets, endpoint=Endpoint(url, url))
    figures: dict[str, object] = {"rows": ROWS}
    try:
        assert await session.use_profile("Work")
        await until(lambda: session.balance is not None, within=30)
        look = (await session.require_api().list_looks(ownership="private")).items[0]
        project = folder / "welcome.hgproj"
        project.write_text(
            Project(
                title="Welcome {first_name}",
                look=LookRef(look.id, look.name),
                voice=VoiceRef("demo-en-us-ava"),
                scenes=(Scene(script="Hi {first_name}, welcome to {team}!"), Scene(script="See you soon.")),
            ).dumps(),
            encoding="utf-8",
        )
        scenes = ScenesPanel(session)
        scenes.resize(1280, 800)
        scenes.show()
        scenes.open_file(project)
        await until(lambda: scenes.project is not None, within=30)
        scenes.batch_button.click()
        window = scenes.batch_window
        assert window is not None
        for kind, path in sheets(folder).items():
            figures[kind] = await _open(window, path)
        figures["scroll"] = await _scroll(window)
        figures["all_rows_change"] = await _all_change(window)
        window.close()
    finally:
        await tasks.aclose()
        await session.aclose()
    return figures


async def _open(window: BatchWindow, path: Path) -> dict[str, object]:
    beat = Heartbeat(sample_over_ms=50)
    window.plan = None
    beat.start()
    start = time.perf_counter()
    window.open_sheet(path)
    await until(lambda: window.plan is not None and not window._busy, within=60, every=0.002)
    shown = time.perf_counter() - start
    stalls = beat.stop()
    assert window.model.rowCount() == ROWS
    return {"to_table_s": round(shown, 3), "ui_stalls": stalls.as_dict()}


async def _scroll(window: BatchWindow) -> dict[str, object]:
    beat = Heartbeat(sample_over_ms=50)
    beat.start()
    bar = window.table.verticalScrollBar()
    start = time.perf_counter()
    for value in range(bar.minimum(), bar.maximum() + 1, max(1, bar.pageStep() // 2)):
        bar.setValue(value)
        await asyncio.sleep(0)
    took = time.perf_counter() - start
    return {"top_to_bottom_s": round(took, 3), "ui_stalls": beat.stop().as_dict()}


async def _all_change(window: BatchWindow) -> dict[str, object]:
    plan = window.plan
    assert plan is not None
    beat = Heartbeat(sample_over_ms=50)
    beat.start()
    start = time.perf_counter()
    window.model.set_states({row.number: (RowState.RENDERING, "") for row in plan.good})
    took = time.perf_counter() - start
    await asyncio.sleep(0.1)  # the visible rows repaint
    return {"set_states_s": round(took, 4), "ui_stalls": beat.stop().as_dict()}


def main() -> int:
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    server = SandboxServer(SandboxConfig(job_seconds=0.05))
    url = server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            figures = loop.run_until_complete(measure(url, Path(folder)))
    finally:
        server.stop()
    result = {"goal": "1,000 rows in the table within 1 s, no UI stall over 50 ms", **figures}
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
