"""Sending a batch's good rows through the render queue: each row once, however often the batch is run."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from heygen_studio.api import InvalidRequestError
from heygen_studio.batch.results import VIDEO_SUFFIX, state_of
from heygen_studio.batch.rows import PlannedRow
from heygen_studio.domain.project import NotReadyToRender, Project, video_spec
from heygen_studio.services.downloads import free_stem
from heygen_studio.storage.batch_rows import BatchRow, BatchRows
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import RenderJob, RenderJobs


class Enqueue(Protocol):
    """`RenderQueue.enqueue`: saves a render of `project` to the queue and returns its job."""

    async def __call__(self, project: Project, output_dir: Path | None = None) -> RenderJob: ...


async def jobs_of_rows(db: Database, batch_id: str, rows: Sequence[PlannedRow], account: str) -> dict[int, RenderJob]:
    """The render job of each row (by row number) sent before in this batch with the same content. A row
    written as being sent but with no job (the run stopped in between) gets the job saved for it, if any."""

    def find() -> dict[int, RenderJob]:
        links, jobs = BatchRows(db).of_batch(batch_id), RenderJobs(db)
        found = {}
        for row in rows:
            link = links.get(row.key)
            if link is None:
                continue
            job = jobs.get(link.job_id) if link.job_id is not None else _saved_for(db, row, link, account)
            if job is not None:
                found[row.number] = job
        return found

    return await asyncio.to_thread(find)


def _saved_for(db: Database, row: PlannedRow, link: BatchRow, account: str) -> RenderJob | None:
    """The job queued for `row` since it was written as being sent, known by its request (title token aside)."""
    assert row.project is not None
    for job in RenderJobs(db).all(account):  # newest first
        if job.created_at < link.reserved_at:
            break
        if replace(job.video_spec(), title="") == replace(video_spec(row.project, job.generation), title=""):
            BatchRows(db).link(link.batch_id, link.row_key, job.id)
            return job
    return None


def unsent(rows: Sequence[PlannedRow], jobs: dict[int, RenderJob]) -> list[PlannedRow]:
    """The good rows with no video made or on its way (never sent, or their render failed or was cancelled)."""
    return [row for row in rows if row.ok and not state_of(jobs.get(row.number)).sent]


async def send_rows(
    enqueue: Enqueue, db: Database, batch_id: str, rows: Sequence[PlannedRow], output_dir: Path | None = None
) -> tuple[dict[int, RenderJob], dict[int, str]]:
    """Queue each of `rows` (good ones) with its own file name; each row is written as being sent before its job
    is saved, and linked to it after. Returns the jobs by row number, and why a row could not be queued (a
    failing row fails alone)."""
    batch_rows = BatchRows(db)
    jobs: dict[int, RenderJob] = {}
    refused: dict[int, str] = {}
    for row in rows:
        assert row.project is not None, "only good rows are sent"
        await asyncio.to_thread(batch_rows.reserve, batch_id, row.key, row.number)
        try:
            job = await enqueue(row.project, output_dir)
        except (NotReadyToRender, InvalidRequestError) as error:  # what HeyGen would refuse
            refused[row.number] = str(error)
            continue
        job = await asyncio.to_thread(_name_file, db, job, row.file_stem)
        await asyncio.to_thread(batch_rows.link, batch_id, row.key, job.id)
        jobs[row.number] = job
    return jobs, refused


def _name_file(db: Database, job: RenderJob, stem: str) -> RenderJob:
    """Give a queued job the row's file name in its folder (numbered if a file or another render has it)."""
    from heygen_studio.services.render_queue import FILE_SUFFIXES  # the queue is running, so Qt is loaded

    folder = Path(job.output_dir)

    def free(taken: set[str]) -> Path:
        return folder / f"{free_stem(folder, stem, FILE_SUFFIXES, taken)}{VIDEO_SUFFIX}"

    return RenderJobs(db).name_file(job.id, free) or job
