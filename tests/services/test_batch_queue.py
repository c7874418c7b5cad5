"""Batch runs in the render queue: a group's rows go to HeyGen in calls of up to 100 (singly on v2), each becomes
one video in its own file, and a crash, a kill or a lost answer never makes a second video of a row."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from render_support import Rig, counts, faults, never_run, rig_for
from waiting import until

from heygen_studio.api import AspectRatio, Resolution
from heygen_studio.domain.money import Money
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.render_queue import RenderQueue
from heygen_studio.storage.render_jobs import JobStatus, RenderJob


async def enqueue_rows(rig: Rig, rows: int, group: str = "welcome run", alike: bool = True) -> list[RenderJob]:
    """`rows` small renders of one project in `group`, all titled "Welcome" when `alike` (so each must find its
    own file), else "Welcome 1", "Welcome 2"..."""
    assert rig.queue is not None
    project = await rig.project("Welcome", words=3)
    small = replace(project, aspect_ratio=AspectRatio.SQUARE, resolution=Resolution.HD_720P)
    titles = ["Welcome" if alike else f"Welcome {n}" for n in range(1, rows + 1)]
    return await rig.queue.enqueue_batch([replace(small, title=title) for title in titles], group)


def all_downloaded(rig: Rig) -> bool:
    return all(job.status == JobStatus.DOWNLOADED for job in rig.jobs())


def assert_each_row_made_once(rig: Rig, rows: int) -> None:
    jobs = rig.jobs()
    assert len(jobs) == rows and {job.status for job in jobs} == {JobStatus.DOWNLOADED}
    titles = rig.remote_titles()
    assert len(titles) == rows
    assert sorted(titles) == sorted(f"{job.title} [{job.title_token}]" for job in jobs)  # each row's video, once
    assert len({job.remote_id for job in jobs}) == rows
    files = {job.file_path for job in jobs}
    assert len(files) == rows and all(Path(path or "").stat().st_size > 0 for path in files)


@pytest.mark.timeout(300)  # 250 real MP4s rendered by the sandbox and downloaded
async def test_250_rows_go_out_in_3_batch_calls_and_become_250_videos_each_in_its_own_file(
    server: SandboxServer, tmp_path: Path
) -> None:
    rig = rig_for(server, tmp_path)
    queue = rig.start()
    jobs = await enqueue_rows(rig, 250, alike=False)
    assert {job.batch_group for job in jobs} == {"welcome run"} and len({job.idempotency_key for job in jobs}) == 250
    assert [job.id for job in await queue.batch_jobs("welcome run")] == [job.id for job in jobs]
    await until(lambda: all_downloaded(rig), "every row downloaded", within=270)
    assert counts(rig.url)["video_batches_created"] == 3
    assert counts(rig.url)["videos_created"] == 250
    sizes = Counter(job.batch_id for job in rig.jobs())
    assert sorted(sizes.values()) == [50, 100, 100] and None not in sizes
    assert sorted(job.batch_index or 0 for job in rig.jobs()) == sorted([*range(100), *range(100), *range(50)])
    assert_each_row_made_once(rig, 250)
    progress = await queue.batch_progress("welcome run")
    assert (progress.done, progress.failed, progress.left) == (250, 0, 0)
    assert progress.spent == sum((job.cost for job in rig.jobs() if job.cost), Money.usd(0))
    await rig.stop()


async def test_a_lost_answer_then_a_kill_sends_no_row_twice(server: SandboxServer, tmp_path: Path) -> None:
    """HeyGen made the batch but its answer never came (and keys mean nothing to batches); the process is killed
    before it learns more. After the restart each row's video is found by its title token, including the rows
    HeyGen only makes later, as its concurrency frees up."""
    rig = rig_for(server, tmp_path)
    faults(rig.url, drop_next=1, path_prefix="/v3/videos/batches", methods=["POST"])
    rig.start()
    await enqueue_rows(rig, 30)
    await until(lambda: counts(rig.url).get("video_batches_created") == 1, "the batch made at HeyGen")
    await until(lambda: all(job.status == JobStatus.SUBMITTING and job.batch_call for job in rig.jobs()))
    assert all(job.batch_id is None for job in rig.jobs())
    await rig.kill()
    rig.start()
    await until(lambda: all_downloaded(rig), "every row downloaded", within=60)
    assert counts(rig.url)["video_batches_created"] == 1
    assert_each_row_made_once(rig, 30)
    await rig.stop()


async def test_a_call_that_never_arrived_is_sent_again_once(server: SandboxServer, tmp_path: Path) -> None:
    """A 500 before HeyGen made anything: the rows are looked up (twice, as HeyGen makes videos asynchronously),
    none is found, and they go out again in one call."""
    rig = rig_for(server, tmp_path)
    faults(rig.url, error_rate=1.0, path_prefix="/v3/videos/batches", methods=["POST"])
    rig.start()
    await enqueue_rows(rig, 12)
    await until(lambda: all(job.status == JobStatus.SUBMITTING and job.batch_call for job in rig.jobs()))
    faults(rig.url)
    await until(lambda: all_downloaded(rig), "every row downloaded", within=60)
    assert counts(rig.url)["video_batches_created"] == 1
    assert_each_row_made_once(rig, 12)
    await rig.stop()


async def test_killed_while_following_the_batch_it_carries_on_without_sending_again(
    server: SandboxServer, tmp_path: Path
) -> None:
    rig = rig_for(server, tmp_path)
    rig.start()
    await enqueue_rows(rig, 40)
    await until(lambda: sum(job.status == JobStatus.DOWNLOADED for job in rig.jobs()) >= 5, "some rows downloaded")
    await rig.kill()
    rig.start()
    await until(lambda: all_downloaded(rig), "every row downloaded", within=60)
    assert counts(rig.url)["video_batches_created"] == 1
    assert_each_row_made_once(rig, 40)
    await rig.stop()


async def test_one_row_heygen_refuses_fails_alone_and_the_rest_are_sent(server: SandboxServer, tmp_path: Path) -> None:
    rig = rig_for(server, tmp_path)
    rig.open()
    assert rig.db is not None
    jobs = await enqueue_rows_saved_only(rig, 6)
    bad = jobs[3]
    spec = json.loads(bad.spec)
    spec["engine"] = "avatar_v"  # a photo avatar does not render on Avatar V: HeyGen refuses the whole call
    rig.queue.jobs.update(bad.id, spec=json.dumps(spec))  # type: ignore[union-attr]
    rig.start()
    await until(lambda: all(job.status.is_final for job in rig.jobs()), "every row finished", within=60)
    by_id = {job.id: job for job in rig.jobs()}
    assert by_id[bad.id].status == JobStatus.FAILED and "videos[3].engine.type" in (by_id[bad.id].error or "")
    assert {by_id[job.id].status for job in jobs if job.id != bad.id} == {JobStatus.DOWNLOADED}
    assert counts(rig.url)["video_batches_created"] == 1 and counts(rig.url)["videos_created"] == 5
    progress = await rig.queue.batch_progress("welcome run")  # type: ignore[union-attr]
    assert (progress.done, progress.failed, progress.left) == (5, 1, 0)
    await rig.stop()


async def enqueue_rows_saved_only(rig: Rig, rows: int) -> list[RenderJob]:
    """Rows saved by a queue that sends nothing, so a test can change them before the real queue starts."""
    assert rig.db is not None and rig.api is not None
    rig.queue = RenderQueue(rig.db, never_run, output_dir=rig.out)
    rig.queue.attach(rig.api, "sandbox")
    return await enqueue_rows(rig, rows)


async def test_v2_sends_a_groups_rows_one_by_one(server: SandboxServer, tmp_path: Path) -> None:
    rig = rig_for(server, tmp_path, "v2")
    rig.start()
    await enqueue_rows(rig, 5)
    await until(lambda: all_downloaded(rig), "every row downloaded", within=60)
    assert counts(rig.url).get("video_batches_created", 0) == 0
    assert all(job.batch_call is None and job.batch_id is None for job in rig.jobs())
    assert_each_row_made_once(rig, 5)
    await rig.stop()


async def test_a_batch_heygen_forgot_is_looked_up_by_title_and_nothing_is_sent_twice(
    server: SandboxServer, tmp_path: Path
) -> None:
    """The rows HeyGen made videos for are found by their title tokens; the rest (queued at HeyGen when it lost the
    batch) never show up, so after the look-up patience the user is asked about each of them."""
    rig = rig_for(server, tmp_path)
    rig.start()
    await enqueue_rows(rig, 30)
    await until(lambda: all(job.batch_id for job in rig.jobs()), "the batch id recorded")
    with server.state.lock:
        server.state.batches.clear()
    await until(lambda: all(job.status == JobStatus.DOWNLOADED or job.needs_decision for job in rig.jobs()), within=60)
    made = counts(rig.url)["videos_created"]
    downloaded = [job for job in rig.jobs() if job.status == JobStatus.DOWNLOADED]
    assert made == len(downloaded) and 10 <= made < 30
    assert len({job.remote_id for job in downloaded}) == made
    assert counts(rig.url)["video_batches_created"] == 1
    await rig.stop()
