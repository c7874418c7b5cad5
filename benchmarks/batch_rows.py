"""Time reading, filling, checking and pricing a sheet of 1,000 rows (CSV and .xlsx, goal under 1 s), and queuing
its good rows (saved, named and noted, nothing sent); prints JSON."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import openpyxl

from heygen_studio.batch.plan import BatchPlan, plan_batch
from heygen_studio.batch.rows import Catalog
from heygen_studio.batch.sheets import read_sheet
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef

ROWS = 1000
RUNS = 5
GOAL_S = 1.0
NAMES = ["Zoë", "美咲", "Łukasz", "José", "Ана", "Øyvind", "Anna", "محمد"]
PROJECT = Project(
    title="Welcome {first_name}",
    look=LookRef("look-1", "Eileen", avatar_type="photo_avatar"),
    voice=VoiceRef("demo-en-us-ava"),
    scenes=(
        Scene(script="Hi {first_name}, welcome to {team}! " + "We are glad you are here. " * 20),
        Scene(script="Your manager is {manager}. {note}"),
        Scene(script="See you soon, {first_name}."),
    ),
)
CATALOG = Catalog.of(
    [LookRef(f"look-{n}", f"Look {n}", avatar_type="photo_avatar") for n in range(200)],
    [VoiceRef(f"voice-{n}", f"Voice {n}") for n in range(500)],
)
WALLET = Balance(BillingType.WALLET, Currency.USD, remaining=Money.usd("25.00"))


def rows() -> list[list[str]]:
    """1,000 people: accented and non-Latin names (many the same: numbered files), every 50th with an empty team."""
    return [
        [
            f"{NAMES[n % len(NAMES)]} {n // len(NAMES)}",
            "" if n % 50 == 0 else f"Team {n % 7}",
            f"Manager {n % 13}",
            "A short note. " * (n % 5),
            f"Look {n % 200}",
            f"voice-{n % 500}",
        ]
        for n in range(ROWS)
    ]


HEADER = ["first_name", "team", "manager", "note", "look", "voice"]


def write_csv(folder: Path) -> Path:
    path = folder / "people.csv"
    lines = [";".join(HEADER), *(";".join(row) for row in rows())]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    return path


def write_xlsx(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    path = folder / "people.xlsx"
    book.save(path)
    return path


def timings(path: Path) -> dict[str, object]:
    seconds, cpu, read_s = [], [], []
    for _ in range(RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        sheet = read_sheet(path)
        read = time.perf_counter()
        plan = plan_batch(PROJECT, sheet, generation="v3", catalog=CATALOG, balance=WALLET, file_name="{first_name}")
        _ = (plan.total, plan.fits())
        seconds.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        read_s.append(read - start)
    median = statistics.median(seconds)
    return {
        "file": path.suffix,
        "rows": len(plan.rows),
        "good": len(plan.good),
        "total": str(plan.total),
        "median_s": round(median, 4),
        "max_s": round(max(seconds), 4),
        "cpu_median_s": round(statistics.median(cpu), 4),  # this process's own time, steadier on a shared machine
        "reading_median_s": round(statistics.median(read_s), 4),
        "goal_s": GOAL_S,
        "within_goal": median < GOAL_S,
    }


def never_run(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Future[Any]:
    """A spawn for a queue that only saves jobs: nothing is sent."""
    coro.close()
    return asyncio.get_running_loop().create_future()


async def queuing(plan: BatchPlan, folder: Path) -> dict[str, object]:
    """The good rows queued through the render queue (its database on disk, HeyGen's checks in the client)."""
    import httpx

    from heygen_studio.api import open_client
    from heygen_studio.batch.sending import send_rows
    from heygen_studio.sandbox.app import create_app
    from heygen_studio.services.render_queue import RenderQueue
    from heygen_studio.storage.database import Database

    db = Database(folder / "studio.sqlite3")
    api = open_client("v3", "sandbox", base_url="http://sandbox.test", transport=httpx.ASGITransport(create_app()))
    queue = RenderQueue(db, never_run, output_dir=folder / "videos")
    queue.attach(api, "sandbox")
    start, start_cpu = time.perf_counter(), time.process_time()
    jobs, refused = await send_rows(queue.enqueue_batch, db, "benchmark", plan.good)
    took, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    queue.attach(None, None)
    await api.aclose()
    db.close()
    return {"rows": len(jobs), "refused": len(refused), "queued_s": round(took, 3), "cpu_s": round(cpu, 3)}


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        csv_path = write_csv(Path(folder))
        results = [timings(csv_path), timings(write_xlsx(Path(folder)))]
        plan = plan_batch(PROJECT, read_sheet(csv_path), generation="v3", catalog=CATALOG, file_name="{first_name}")
        queued = asyncio.run(queuing(plan, Path(folder)))
    json.dump({"runs": RUNS, "results": results, "queuing": queued}, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
