"""Sending a batch's good rows through the render queue: each row once, however often the batch is run."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from heygen_studio.api import InvalidRequestError
from heygen_studio.batch.results import state_of
from heygen_studio.batch.rows import PlannedRow
from heygen_studio.domain.project import NotReadyToRender, Project, video_spec
from heygen_studio.storage.batch_rows import BatchRow, BatchRows
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import RenderJob, RenderJobs


class EnqueueBatch(Protocol):
    """`RenderQueue.enqueue_batch`: saves a render of each project in `group`, all or none, and returns the jobs."""

    async def __call__(
        self, projects: Sequence[Project], group: str, output_dir: Path | None = None
    ) -> list[RenderJob]: ...


async def jobs_of_rows(db: Database, batch_id: str, rows: Sequence[PlannedRow]) -> dict[int, RenderJob]:
    """The render job of each row (by row number) sent before in this batch with the same content. Rows written
    as being sent but with no job (the run stopped in between) get the jobs saved for them, if any."""

    def find() -> dict[int, RenderJob]:
        links, jobs = BatchRows(db).of_batch(batch_id), RenderJobs(db)
        found = {}
        for row in rows:
            link = links.get(row.key)
            job = jobs.get(link.job_id) if link is not None and link.job_id is not None else None
            if job is not None:
                found[row.number] = job
        unlinked = [(row, links[row.key]) for row in rows if row.key in links and links[row.key].job_id is None]
        if unlinked:
            found.update(_saved_for(db, batch_id, unlinked, {link.job_id for link in links.values()}))
        return found

    return await asyncio.to_thread(find)


def _saved_for(
    db: Database, batch_id: str, unlinked: list[tuple[PlannedRow, BatchRow]], linked: set[int | None]
) -> dict[int, RenderJob]:
    """The jobs queued in the batch for rows written as being sent but never linked, known by their request
    (title token aside), each job for one row; those rows are linked to them now."""
    free = [job for job in RenderJobs(db).in_group(batch_id) if job.id not in linked]
    found = {}
    for row, link in unlinked:
        assert row.project is not None
        match = next(
            (
                job
                for job in free
                if job.created_at >= link.reserved_at
                and replace(job.video_spec(), title="") == replace(video_spec(row.project, job.generation), title="")
            ),
            None,
        )
        if match is not None:
            free.remove(match)
            BatchRows(db).link(batch_id, row.key, match.id)
            found[row.number] = match
    return found


def unsent(rows: Sequence[PlannedRow], jobs: dict[int, RenderJob]) -> list[PlannedRow]:
    """The good rows with no video made or on its way (never sent, or their render failed or was cancelled)."""
    return [row for row in rows if row.ok and not state_of(jobs.get(row.number)).sent]


async def send_rows(
    enqueue_batch: EnqueueBatch,
    db: Database,
    batch_id: str,
    rows: Sequence[PlannedRow],
    output_dir: Path | None = None,
) -> tuple[dict[int, RenderJob], dict[int, str]]:
    """Queue `rows` (good ones) in the group `batch_id`, each with its own file name: the rows are written as
    being sent before their jobs are saved (all in one go), and linked to them after. When HeyGen would refuse
    one of them, each is queued alone so that row fails alone. Returns the jobs by row number, and why a row
    could not be queued."""
    projects = []
    for row in rows:
        assert row.project is not None, "only good rows are sent"
        projects.append(row.project)
    batch_rows = BatchRows(db)
    await asyncio.to_thread(batch_rows.reserve_many, batch_id, [(row.key, row.number) for row in rows])
    try:
        saved = list(zip(rows, await enqueue_batch(projects, batch_id, output_dir), strict=True))
    except (NotReadyToRender, InvalidRequestError):
        saved, refused = await _one_by_one(enqueue_batch, batch_id, rows, output_dir)
    else:
        refused = {}

    def record() -> dict[int, RenderJob]:
        named = {job.id: job for job in RenderJobs(db).name_files([_file_choice(row, job) for row, job in saved])}
        batch_rows.link_many(batch_id, [(row.key, job.id) for row, job in saved])
        return {row.number: named.get(job.id, job) for row, job in saved}

    return await asyncio.to_thread(record), refused


async def _one_by_one(
    enqueue_batch: EnqueueBatch, batch_id: str, rows: Sequence[PlannedRow], output_dir: Path | None
) -> tuple[list[tuple[PlannedRow, RenderJob]], dict[int, str]]:
    saved, refused = [], {}
    for row in rows:
        assert row.project is not None
        try:
            [job] = await enqueue_batch([row.project], batch_id, output_dir)
        except (NotReadyToRender, InvalidRequestError) as error:  # what HeyGen would refuse
            refused[row.number] = str(error)
        else:
            saved.append((row, job))
    return saved, refused


def _file_choice(row: PlannedRow, job: RenderJob) -> tuple[int, Callable[[set[str]], Path]]:
    """The job, and how to choose its file: the row's name in its folder, numbered if a file or another render
    has it."""
    from heygen_studio.services.render_queue import free_video_file  # the queue is running, so Qt is loaded

    return job.id, functools.partial(free_video_file, Path(job.output_dir), row.file_stem, job.video_spec().transparent)
