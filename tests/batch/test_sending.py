"""Sending a batch's rows: each row its own file, a row whose run stopped between saving its job and noting it is
not sent twice, a failed row is sent again; the results sheet opens as text in a spreadsheet."""

from __future__ import annotations

import asyncio
import csv
import time
from collections.abc import AsyncIterator, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from heygen_studio.api import open_client
from heygen_studio.batch.plan import BatchPlan, plan_batch
from heygen_studio.batch.results import ResultRow, RowState, planned_file, write_results
from heygen_studio.batch.sending import jobs_of_rows, send_rows, unsent
from heygen_studio.batch.sheets import read_sheet
from heygen_studio.domain.money import Money
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.app import create_app
from heygen_studio.services.render_queue import RenderQueue
from heygen_studio.storage.batch_rows import BatchRows
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import JobStatus

BATCH = "batch-1"


def never_run(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Future[Any]:
    """A spawn for a queue that only saves jobs: nothing is sent."""
    coro.close()
    return asyncio.get_running_loop().create_future()


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(tmp_path / "studio.sqlite3")


@pytest.fixture
async def queue(db: Database, tmp_path: Path) -> AsyncIterator[RenderQueue]:
    api = open_client("v3", "sandbox", base_url="http://sandbox.test", transport=httpx.ASGITransport(create_app()))
    queue = RenderQueue(db, never_run, output_dir=tmp_path / "videos")
    queue.attach(api, "sandbox")
    yield queue
    queue.attach(None, None)
    await api.aclose()


def planned(tmp_path: Path, text: str = "first_name\nZoë\n美咲\n") -> BatchPlan:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    project = Project(
        title="Welcome {first_name}",
        look=LookRef("look-1", "Eileen"),
        voice=VoiceRef("demo-en-us-ava"),
        scenes=(Scene(script="Hi {first_name}!"),),
    )
    return plan_batch(project, read_sheet(path), generation="v3", file_name="{first_name} – welcome")


async def test_each_row_is_queued_with_its_own_file_name_never_over_a_file_there(
    queue: RenderQueue, db: Database, tmp_path: Path
) -> None:
    plan = planned(tmp_path)
    (tmp_path / "videos").mkdir()
    (tmp_path / "videos" / "Zoë – welcome.mp4").write_bytes(b"the user's own video")
    jobs, refused = await send_rows(queue.enqueue_batch, db, BATCH, plan.good)
    assert refused == {}
    assert [(job.title, Path(job.file_path or "").name) for job in jobs.values()] == [
        ("Welcome Zoë", "Zoë – welcome (2).mp4"),
        ("Welcome 美咲", "美咲 – welcome.mp4"),
    ]
    assert await jobs_of_rows(db, BATCH, plan.rows) == jobs
    assert unsent(plan.rows, jobs) == []


async def test_a_row_whose_job_was_saved_but_not_noted_is_not_sent_again(
    queue: RenderQueue, db: Database, tmp_path: Path
) -> None:
    zoe, misaki, zoe_again = planned(tmp_path, "first_name\nZoë\n美咲\nZoë\n").good
    assert zoe.project is not None and zoe_again.project is not None
    BatchRows(db).reserve_many(BATCH, [(row.key, row.number) for row in (zoe, zoe_again)], now=time.time() - 1)
    # the run stops here, after the jobs are saved and before the rows are linked to them
    job, again = await queue.enqueue_batch([zoe.project, zoe_again.project], BATCH)
    BatchRows(db).reserve_many(BATCH, [(misaki.key, misaki.number)])  # stopped before its job was saved
    found = await jobs_of_rows(db, BATCH, [zoe, misaki, zoe_again])
    assert {number: found_job.id for number, found_job in found.items()} == {zoe.number: job.id, 4: again.id}
    assert unsent([zoe, misaki, zoe_again], found) == [misaki]
    assert BatchRows(db).of_batch(BATCH)[zoe.key].job_id == job.id  # linked now


async def test_a_failed_row_is_sent_again_as_a_new_job(queue: RenderQueue, db: Database, tmp_path: Path) -> None:
    plan = planned(tmp_path)
    jobs, _ = await send_rows(queue.enqueue_batch, db, BATCH, plan.good)
    queue.jobs.update(jobs[2].id, status=JobStatus.FAILED, error="HeyGen could not render it.")
    found = await jobs_of_rows(db, BATCH, plan.rows)
    assert [row.number for row in unsent(plan.rows, found)] == [2]
    again, _ = await send_rows(queue.enqueue_batch, db, BATCH, unsent(plan.rows, found))
    assert again[2].id not in {job.id for job in jobs.values()}
    assert (await jobs_of_rows(db, BATCH, plan.rows))[2].id == again[2].id


def test_the_results_sheet_keeps_formula_like_names_as_text(tmp_path: Path) -> None:
    rows = [
        ResultRow(2, '=HYPERLINK("http://x")', "a.mp4", "v1", RowState.DOWNLOADED, Money.usd("0.15"), ""),
        ResultRow(3, "Zoë", "", "", RowState.REFUSED, None, "{team} is empty in this row"),
    ]
    write_results(tmp_path / "r.csv", rows)
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["row", "name", "file", "HeyGen video id", "status", "cost", "error"],
            ["2", '\'=HYPERLINK("http://x")', "a.mp4", "v1", "downloaded", "$0.15", ""],
            ["3", "Zoë", "", "", "refused", "", "{team} is empty in this row"],
        ]
    write_results(tmp_path / "r.xlsx", rows)
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    sheet = book.worksheets[0]
    assert sheet["B2"].value == '=HYPERLINK("http://x")' and sheet["B2"].data_type == "s"
    assert [cell.value for cell in sheet[3]] == [3, "Zoë", None, None, "refused", None, "{team} is empty in this row"]


async def test_a_row_heygen_would_refuse_fails_alone_and_the_others_are_queued(
    queue: RenderQueue, db: Database, tmp_path: Path
) -> None:
    zoe, misaki = planned(tmp_path).good
    assert misaki.project is not None and misaki.project.look is not None
    old_look = replace(misaki.project.look, supported_engines=("avatar_iii",))  # the look changed since the check
    misaki = replace(misaki, project=replace(misaki.project, look=old_look))
    jobs, refused = await send_rows(queue.enqueue_batch, db, BATCH, [zoe, misaki])
    assert list(jobs) == [zoe.number] and jobs[zoe.number].batch_group == BATCH
    assert refused == {misaki.number: "This look renders on Avatar III, not Avatar IV. Choose one of those engines."}
    assert unsent([zoe, misaki], await jobs_of_rows(db, BATCH, [zoe, misaki])) == [misaki]


async def test_a_transparent_videos_rows_are_named_as_webm_files(
    queue: RenderQueue, db: Database, tmp_path: Path
) -> None:
    plan = planned(tmp_path)
    rows = [replace(row, project=replace(row.project, transparent=True)) for row in plan.good if row.project]
    assert [planned_file(row) for row in rows] == ["Zoë – welcome.webm", "美咲 – welcome.webm"]
    jobs, _ = await send_rows(queue.enqueue_batch, db, BATCH, rows)
    assert [Path(job.file_path or "").name for job in jobs.values()] == ["Zoë – welcome.webm", "美咲 – welcome.webm"]
