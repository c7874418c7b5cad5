"""The render queue against the loopback sandbox: submit, follow, download, resume, and never pay twice."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path

import pytest
from render_support import FAST, Rig, counts, faults, rig_for
from waiting import until

from heygen_studio.sandbox.media_faults import MediaRequest
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.downloads import part_path
from heygen_studio.storage.render_jobs import JobStatus


def settled(rig: Rig) -> bool:
    return all(job.status.is_final or job.needs_decision for job in rig.jobs())


@pytest.mark.parametrize("generation", ["v3", "v2"])
async def test_a_render_is_submitted_followed_and_downloaded(
    server: SandboxServer, tmp_path: Path, generation: str
) -> None:
    rig = rig_for(server, tmp_path, generation)
    queue = rig.start()
    finished: list[int] = []
    queue.finished.connect(finished.append)
    job = await queue.enqueue(await rig.project("Hello / world: take 1"))
    assert job.status == JobStatus.QUEUED
    await until(lambda: finished == [job.id])
    done = queue.jobs.get(job.id)
    assert done is not None and done.status == JobStatus.DOWNLOADED, done
    video = Path(done.file_path or "")
    assert video.parent == tmp_path / "out" and video.name == "Hello world take 1.mp4"
    assert (await asyncio.to_thread(video.read_bytes))[4:8] == b"ftyp"
    captions = ".ass" if generation == "v2" else ".srt"  # v2's caption_url is an .ass subtitle file
    assert video.with_suffix(".jpg").exists() and video.with_suffix(captions).exists()
    assert not video.with_suffix(".srt" if generation == "v2" else ".ass").exists()
    assert video.with_suffix(captions).read_text().startswith("[Script Info]" if generation == "v2" else "1\n")
    assert not list((tmp_path / "out").glob("*.part"))
    assert counts(rig.url)["videos_created"] == 1
    assert rig.remote_titles() == [f"Hello / world: take 1 [{job.title_token}]"]
    await rig.stop()


def mp4_requests(rig: Rig) -> list[MediaRequest]:
    return [entry for entry in rig.state.media_requests if entry.path.endswith(".mp4")]


def sandbox_mp4(rig: Rig) -> bytes:
    [video] = rig.state.videos.values()
    return rig.state.render(video).result()


async def test_a_download_cut_twice_resumes_where_it_stopped(server: SandboxServer, tmp_path: Path) -> None:
    rig = rig_for(server, tmp_path)
    queue = rig.start()
    faults(rig.url, media_cut_next=2, media_fault_at_bytes=4096)
    job = await queue.enqueue(await rig.project("Cut twice"))
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED)

    assert [(entry.range_start, entry.status, entry.ended) for entry in mp4_requests(rig)] == [
        (None, 200, "cut"),
        (4096, 206, "cut"),
        (8192, 206, "complete"),
    ]
    assert await asyncio.to_thread(Path(rig.jobs()[0].file_path or "").read_bytes) == sandbox_mp4(rig)
    assert not list((tmp_path / "out").glob("*.part"))
    assert counts(rig.url)["videos_created"] == 1 and job.id == rig.jobs()[0].id
    await rig.stop()


async def test_a_link_that_expires_mid_download_is_renewed_and_the_download_resumes(
    server: SandboxServer, tmp_path: Path
) -> None:
    """The first connection hangs past the link's lifetime, then drops: the old link is refused (403),
    the queue asks HeyGen for the status again and goes on from where it stopped with the fresh link."""
    rig = rig_for(server, tmp_path)
    queue = rig.start()
    faults(
        rig.url,
        media_link_ttl_s=1.0,
        media_stall_next=1,
        media_cut_next=1,
        media_stall_s=1.5,
        media_fault_at_bytes=4096,
    )
    await queue.enqueue(await rig.project("Expiring link"))
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED)

    assert [(entry.range_start, entry.status, entry.stalled, entry.ended) for entry in mp4_requests(rig)] == [
        (None, 200, True, "cut"),
        (4096, 403, False, "complete"),
        (4096, 206, False, "complete"),
    ]
    assert await asyncio.to_thread(Path(rig.jobs()[0].file_path or "").read_bytes) == sandbox_mp4(rig)
    assert counts(rig.url)["videos_created"] == 1
    await rig.stop()


def dead_owner() -> str:
    """A lease owner naming a process of this host that has exited, as after a crash."""
    import socket
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}:dead"


KILL_POINTS = [
    JobStatus.QUEUED,
    JobStatus.SUBMITTING,
    JobStatus.WAITING,
    JobStatus.PENDING,
    JobStatus.PROCESSING,
    JobStatus.COMPLETED,
]


@pytest.mark.parametrize("generation", ["v3", "v2"])
@pytest.mark.parametrize("kill_at", KILL_POINTS, ids=[s.value for s in KILL_POINTS])
async def test_a_kill_at_any_step_resumes_and_never_makes_a_second_video(
    server: SandboxServer, tmp_path: Path, generation: str, kill_at: JobStatus
) -> None:
    rig = rig_for(server, tmp_path, generation)
    queue = rig.start(owner=dead_owner())
    killed: list[int] = []

    def kill_when_reached(job_id: int) -> None:
        job = queue.jobs.get(job_id)
        reached = job is not None and job.status in KILL_POINTS[KILL_POINTS.index(kill_at) :]
        if reached and not killed:  # a fast render may skip a status between two polls
            killed.append(job_id)
            for task in list(rig.tasks._tasks):  # type: ignore[union-attr]  # cancelled at their next await
                task.cancel()

    queue.changed.connect(kill_when_reached)
    await queue.enqueue(await rig.project(f"Killed at {kill_at}"))
    await until(lambda: bool(killed))
    await rig.kill()
    remote_before = counts(rig.url).get("videos_created", 0)
    assert remote_before <= 1

    queue = rig.start()
    await until(lambda: settled(rig))
    [job] = rig.jobs()
    assert job.status == JobStatus.DOWNLOADED, job
    # A stat in the loop's thread: the killed queue's threads may still hold every worker of the default executor.
    assert Path(job.file_path or "").exists()  # noqa: ASYNC240 - one stat of a local file, no thread to wait for
    assert counts(rig.url)["videos_created"] == 1
    await rig.stop()


@pytest.mark.parametrize("generation", ["v3", "v2"])
@pytest.mark.parametrize(
    "plan",
    [
        {"rate_limit_next": 25, "retry_after_s": 0.05},
        {"error_rate": 0.3},
        {"drop_next": 4, "path_prefix": "/v"},
        {"drop_next": 3, "methods": ["POST"]},
    ],
    ids=["429-storm", "500s", "dropped", "dropped-creates"],
)
async def test_under_faults_every_job_ends_with_exactly_one_video(
    server: SandboxServer, tmp_path: Path, generation: str, plan: dict[str, object]
) -> None:
    rig = rig_for(server, tmp_path, generation)
    queue = rig.start()
    project = await rig.project()
    faults(rig.url, **plan)
    for number in range(4):
        await queue.enqueue(project.__class__(**{**project.__dict__, "title": f"Faulty {number}"}))
    await until(lambda: settled(rig), within=60)
    faults(rig.url)
    jobs = rig.jobs()
    decided = [job for job in jobs if job.needs_decision]
    for job in decided:  # an unreadable list after a lost answer asks the user; here: submit again
        assert generation == "v2" and job.remote_id is None
        await queue.decide(job.id, submit_again=True)
    await until(lambda: all(job.status.is_final for job in rig.jobs()), within=60)
    assert [job.status for job in rig.jobs()] == [JobStatus.DOWNLOADED] * 4
    titles = rig.remote_titles()
    for job in rig.jobs():
        assert sum(job.title_token in title for title in titles) == 1, job
    await rig.stop()


LEASE = replace(FAST, lease_s=0.6)


async def test_a_second_queue_never_works_a_job_the_first_holds_through_long_steps(
    server: SandboxServer, tmp_path: Path
) -> None:
    """The app and `heygen-studio render` on one database: a download and a submission that each take
    longer than the lease (the loop stuck in the submission) still keep both jobs with the first queue."""
    first = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state, timing=LEASE)
    queue = first.start()
    # each MP4 takes long (not the thumbnails and subtitles downloaded after the first, which would use the stall up)
    big_file = {"media_stall_next": 1, "media_stall_s": 2.5, "media_fault_at_bytes": 0, "media_suffix": ".mp4"}
    faults(first.url, **big_file)
    project = await first.project()
    downloading = await queue.enqueue(replace(project, title="Big file"))
    await until(lambda: [entry.stalled for entry in mp4_requests(first)] == [True])
    faults(first.url, stall_next=1, stall_s=1.5, path_prefix="/v3/videos", methods=["POST"], **big_file)
    submitting = await queue.enqueue(replace(project, title="Slow answer"))
    await until(lambda: first.jobs()[0].status == JobStatus.SUBMITTING)

    second = Rig(first.db_path, first.out, server.url, "v3", server.state, timing=LEASE)
    other = second.start()
    touched: list[int] = []
    other.changed.connect(touched.append)
    await until(lambda: all(job.status == JobStatus.DOWNLOADED for job in first.jobs()), within=30)

    assert touched == []
    fetched = [entry.path for entry in mp4_requests(first)]
    assert len(fetched) == len(set(fetched)) == 2  # each video downloaded once
    assert all(entry.stalled for entry in mp4_requests(first))
    assert {job.id: job.lease_owner for job in first.jobs()} == {
        downloading.id: queue.owner,
        submitting.id: queue.owner,
    }
    assert counts(first.url)["videos_created"] == 2
    await second.stop()
    await first.stop()


async def test_a_frozen_queue_never_writes_into_the_part_file_of_the_process_that_took_over(
    server: SandboxServer, tmp_path: Path
) -> None:
    """Our process froze mid-download past its lease and another took the job over: the bytes that arrive
    when we wake are not appended to the shared .part, even before our heartbeat notices."""
    rig = Rig(
        tmp_path / "studio.sqlite3",
        tmp_path / "out",
        server.url,
        "v3",
        server.state,
        timing=replace(FAST, lease_s=60.0),
    )  # no heartbeat during the test
    queue = rig.start()
    faults(rig.url, media_stall_next=1, media_stall_s=1.0, media_fault_at_bytes=4096)
    job = await queue.enqueue(await rig.project("Frozen"))
    await until(lambda: any(entry.stalled for entry in mp4_requests(rig)))
    part = part_path(Path(rig.jobs()[0].file_path or ""))
    await until(lambda: part.exists() and part.stat().st_size == 4096)
    queue.jobs.update(job.id, lease_owner="elsewhere:1:other", lease_until=time.time() + 60)

    await until(lambda: mp4_requests(rig)[0].ended == "complete")  # the rest of the MP4 reached us
    await asyncio.sleep(0.3)
    assert part.stat().st_size == 4096
    assert not list((tmp_path / "out").glob("*.mp4"))
    assert rig.jobs()[0].status == JobStatus.COMPLETED
    await rig.stop()


async def test_a_queue_whose_job_was_taken_over_stops_touching_it(server: SandboxServer, tmp_path: Path) -> None:
    """Our lease ran out (a frozen process) and another process took the job: we drop our download."""
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state, timing=LEASE)
    queue = rig.start()
    faults(rig.url, media_stall_next=1, media_stall_s=30.0, media_fault_at_bytes=0)
    job = await queue.enqueue(await rig.project("Taken over"))
    await until(lambda: [entry.stalled for entry in mp4_requests(rig)] == [True])
    touched: list[int] = []
    queue.changed.connect(touched.append)
    queue.finished.connect(touched.append)
    taken = queue.jobs.update(job.id, lease_owner="elsewhere:1:other", lease_until=time.time() + 60)

    await until(lambda: [entry.ended for entry in mp4_requests(rig)] == ["abandoned"])  # we hung up
    assert touched == []
    assert queue.jobs.get(job.id) == taken
    assert not list((tmp_path / "out").glob("*.mp4"))
    await rig.stop()
