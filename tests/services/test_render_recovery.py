"""Unknown fates (v2 title-token lookup, the user's decision) and the account's concurrency limit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from render_support import Rig, counts, faults, never_run
from waiting import until

from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.render_queue import RenderQueue
from heygen_studio.storage.render_jobs import JobStatus, RenderJob


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = SandboxServer(SandboxConfig(job_seconds=0.1, balance=100000, credits=100000))
    sandbox.start()
    yield sandbox
    sandbox.stop()


async def unknown_fate_job(rig: Rig, remote_copies: int) -> RenderJob:
    """A v2 job left `submitting` with no remote id, as after a crash; `remote_copies` videos carry its token."""
    rig.open()
    assert rig.db is not None and rig.api is not None
    idle = RenderQueue(rig.db, never_run, output_dir=rig.out)  # saves jobs, works on none
    idle.attach(rig.api, "sandbox")
    job = await idle.enqueue(await rig.project("Lost answer"))
    for _ in range(remote_copies):
        await rig.api.submit_video(job.video_spec(), job.idempotency_key)
    job = idle.jobs.update(job.id, status=JobStatus.SUBMITTING)
    rig.start()
    return job


async def test_v2_adopts_the_video_found_by_its_title_token(server: SandboxServer, tmp_path: Path) -> None:
    rig = Rig(tmp_path / "db.sqlite3", tmp_path / "out", server.url, "v2", server.state)
    job = await unknown_fate_job(rig, remote_copies=1)
    [remote_id] = server.state.videos
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED)
    assert rig.jobs()[0].remote_id == remote_id and rig.jobs()[0].id == job.id
    assert counts(rig.url)["videos_created"] == 1
    await rig.stop()


async def test_v2_asks_the_user_when_the_list_is_ambiguous_then_marks_failed(
    server: SandboxServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path / "db.sqlite3", tmp_path / "out", server.url, "v2", server.state)
    job = await unknown_fate_job(rig, remote_copies=2)
    await until(lambda: rig.jobs()[0].needs_decision)
    asked = rig.jobs()[0]
    assert asked.status == JobStatus.SUBMITTING and asked.remote_id is None
    assert "2 videos" in (asked.error or "")
    await rig.queue.decide(job.id, submit_again=False)  # type: ignore[union-attr]
    assert rig.jobs()[0].status == JobStatus.FAILED
    assert counts(rig.url)["videos_created"] == 2  # nothing more was sent
    await rig.stop()


async def test_v2_asks_the_user_when_the_list_cannot_be_read_then_submits_again(
    server: SandboxServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path / "db.sqlite3", tmp_path / "out", server.url, "v2", server.state)
    faults(rig.url, error_rate=1.0, path_prefix="/v1/video.list")
    job = await unknown_fate_job(rig, remote_copies=0)
    await until(lambda: rig.jobs()[0].needs_decision, within=30)
    assert counts(rig.url).get("videos_created", 0) == 0
    faults(rig.url)
    await rig.queue.decide(job.id, submit_again=True)  # type: ignore[union-attr]
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED)
    assert counts(rig.url)["videos_created"] == 1
    await rig.stop()


@pytest.mark.parametrize(("generation", "limit", "jobs"), [("v3", 10, 13), ("v2", 3, 6)])
async def test_no_more_renders_in_flight_than_the_account_allows(
    server: SandboxServer, tmp_path: Path, generation: str, limit: int, jobs: int
) -> None:
    rig = Rig(tmp_path / "db.sqlite3", tmp_path / "out", server.url, generation, server.state)
    queue = rig.start()
    project = await rig.project()
    peak: list[int] = [0]
    order: list[int] = []

    def watch(job_id: int) -> None:
        rows = queue.jobs.all()
        peak[0] = max(peak[0], sum(1 for job in rows if job.status.rendering))
        job = queue.jobs.get(job_id)
        if job and job.status == JobStatus.SUBMITTING and job_id not in order:
            order.append(job_id)

    queue.changed.connect(watch)
    made = [await queue.enqueue(replace(project, title=f"Job {n}")) for n in range(jobs)]
    await until(lambda: all(job.status == JobStatus.DOWNLOADED for job in rig.jobs()), within=60)
    assert peak[0] == limit
    assert order == [job.id for job in made]  # the rest waited locally, in order
    assert counts(rig.url)["videos_created"] == jobs
    await rig.stop()
