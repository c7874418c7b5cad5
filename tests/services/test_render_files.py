"""Where finished renders are saved: one file per render, never over a file that is there, and a full
disk or an unwritable folder pauses that download with a message until it can be written."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from render_support import FAST, Rig, faults, never_run
from waiting import until

from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.downloads import part_path
from heygen_studio.services.render_queue import NotSaved, RenderQueue
from heygen_studio.storage.render_jobs import JobStatus, RenderJob


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = SandboxServer(SandboxConfig(job_seconds=0.05, credits=100000))
    sandbox.start()
    yield sandbox
    sandbox.stop()


async def saved_jobs(rig: Rig, titles: list[str], out: Path) -> list[RenderJob]:
    """Jobs saved by a queue that works on none, so the real queue starts with all of them at once."""
    rig.open()
    assert rig.db is not None and rig.api is not None
    idle = RenderQueue(rig.db, never_run, output_dir=out)
    idle.attach(rig.api, "sandbox")
    project = await rig.project()
    return [await idle.enqueue(replace(project, title=title)) for title in titles]


def sandbox_mp4(server: SandboxServer, job: RenderJob) -> bytes:
    video = server.state.videos[job.remote_id or ""]
    return server.state.render(video).result()


async def test_renders_of_one_title_finishing_together_get_their_own_files_and_keep_the_users(
    server: SandboxServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "Same.jpg").write_bytes(b"the user's own picture")
    rig = Rig(tmp_path / "studio.sqlite3", out, server.url, "v3", server.state)
    await saved_jobs(rig, ["Same"] * 3, out)
    rig.start()
    await until(lambda: all(job.status == JobStatus.DOWNLOADED for job in rig.jobs()), within=40)

    files = sorted(Path(job.file_path or "").name for job in rig.jobs())
    assert files == ["Same (2).mp4", "Same (3).mp4", "Same (4).mp4"]
    for job in rig.jobs():
        video = Path(job.file_path or "")
        assert await asyncio.to_thread(video.read_bytes) == sandbox_mp4(server, job)
        assert video.with_suffix(".jpg").read_bytes()[:2] == b"\xff\xd8"  # each render's own thumbnail
    assert (out / "Same.jpg").read_bytes() == b"the user's own picture"
    assert not (out / "Same.mp4").exists() and not list(out.glob("*.part"))
    await rig.stop()


async def test_two_queues_on_one_database_never_choose_one_name(server: SandboxServer, tmp_path: Path) -> None:
    """The app and `heygen-studio render` each holding one render of the same title."""
    out = tmp_path / "out"
    first = Rig(tmp_path / "studio.sqlite3", out, server.url, "v3", server.state)
    one, two = await saved_jobs(first, ["Twin", "Twin"], out)
    assert first.db is not None
    first.db.close()
    second = Rig(first.db_path, out, server.url, "v3", server.state)
    queue = first.start(owner="elsewhere:1:first")  # another host's names: neither takes the other's job
    queue.jobs.update(one.id, lease_owner=queue.owner, lease_until=10**10)  # before either queue's first round
    queue.jobs.update(two.id, lease_owner="elsewhere:2:second", lease_until=10**10)
    other = second.start(owner="elsewhere:2:second")
    await until(lambda: all(job.status == JobStatus.DOWNLOADED for job in first.jobs()), within=40)

    jobs = {job.id: job for job in first.jobs()}
    assert jobs[one.id].lease_owner == queue.owner and jobs[two.id].lease_owner == other.owner
    assert sorted(Path(job.file_path or "").name for job in jobs.values()) == ["Twin (2).mp4", "Twin.mp4"]
    for job in jobs.values():
        assert await asyncio.to_thread(Path(job.file_path or "").read_bytes) == sandbox_mp4(server, job)
    await second.stop()
    await first.stop()


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB file system of its own (tmpfs), smaller than a sandbox MP4."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if (
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def remount(mount: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount)], check=True)


def fill(filler: Path) -> None:
    """Write `filler` until the disk it is on has no byte left."""
    with open(filler, "wb", buffering=0) as handle, pytest.raises(OSError):
        while True:
            handle.write(b"\0" * 4096)


async def test_a_full_disk_pauses_the_download_with_a_message_and_it_resumes_when_there_is_room(
    server: SandboxServer, tmp_path: Path, tiny_disk: Path
) -> None:
    rig = Rig(
        tmp_path / "studio.sqlite3", tiny_disk, server.url, "v3", server.state, timing=replace(FAST, disk_retry_s=0.3)
    )
    queue = rig.start()
    problems: list[str] = []
    queue.problem_changed.connect(problems.append)
    job = await queue.enqueue(await rig.project("Big video", words=60))
    await until(lambda: "disk holding" in (rig.jobs()[0].error or ""))

    paused = rig.jobs()[0]
    assert paused.status == JobStatus.COMPLETED and "is full. Free some space" in (paused.error or "")
    assert problems and "is full" in problems[0]
    part = part_path(Path(paused.file_path or ""))
    kept = part.stat().st_size
    assert kept > 0  # what fitted stays, to go on from there
    remount(tiny_disk, "size=8m")
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED, within=30)

    done = rig.jobs()[0]
    assert done.error is None and queue.problem == ""
    assert await asyncio.to_thread(Path(done.file_path or "").read_bytes) == sandbox_mp4(server, done)
    assert any(entry.range_start == kept for entry in server.state.media_requests if entry.path.endswith(".mp4"))
    assert done.id == job.id
    await rig.stop()


async def test_a_read_only_folder_pauses_its_download_alone_and_it_resumes_once_writable(
    server: SandboxServer, tmp_path: Path, tiny_disk: Path
) -> None:
    remount(tiny_disk, "ro")
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    queue = rig.start()
    stuck = await queue.enqueue(await rig.project("Read-only"), tiny_disk / "videos")
    fine = await queue.enqueue(await rig.project("Elsewhere"))
    await until(lambda: "cannot be written" in (queue.jobs.get(stuck.id).error or ""))  # type: ignore[union-attr]
    await until(lambda: queue.jobs.get(fine.id).status == JobStatus.DOWNLOADED)  # type: ignore[union-attr]

    assert queue.jobs.get(stuck.id).status == JobStatus.COMPLETED  # type: ignore[union-attr]
    remount(tiny_disk, "rw,size=8m")
    await until(lambda: queue.jobs.get(stuck.id).status == JobStatus.DOWNLOADED)  # type: ignore[union-attr]
    assert Path(queue.jobs.get(stuck.id).file_path or "").parent == tiny_disk / "videos"  # type: ignore[union-attr]
    await rig.stop()


async def test_an_output_folder_that_is_a_file_pauses_that_download_with_a_message(
    server: SandboxServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "Videos"
    blocker.write_text("a file where the folder should be")
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    queue = rig.start()
    stuck = await queue.enqueue(await rig.project("Blocked"), blocker / "HeyGen Studio")
    fine = await queue.enqueue(await rig.project("Fine"))
    await until(lambda: "is a file, not a folder" in (queue.jobs.get(stuck.id).error or ""))  # type: ignore[union-attr]
    await until(lambda: queue.jobs.get(fine.id).status == JobStatus.DOWNLOADED)  # type: ignore[union-attr]

    assert blocker.read_text() == "a file where the folder should be"
    blocker.unlink()
    await until(lambda: queue.jobs.get(stuck.id).status == JobStatus.DOWNLOADED)  # type: ignore[union-attr]
    await rig.stop()


async def test_a_full_disk_under_the_database_pauses_the_queue_with_a_message_and_loses_nothing(
    server: SandboxServer, tmp_path: Path, tiny_disk: Path
) -> None:
    remount(tiny_disk, "size=1m")
    rig = Rig(tiny_disk / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    queue = rig.start()
    problems: list[str] = []
    queue.problem_changed.connect(problems.append)
    project = await rig.project("Full database")
    faults(rig.url, stall_next=1, stall_s=1.0, path_prefix="/v3/videos", methods=["POST"])
    job = await queue.enqueue(project)
    await until(lambda: queue.jobs.get(job.id).status == JobStatus.SUBMITTING)  # type: ignore[union-attr]
    filler = tiny_disk / "filler"
    await asyncio.to_thread(fill, filler)
    await until(lambda: any("database is full" in problem for problem in problems), within=20)

    with pytest.raises(NotSaved) as refused:
        await queue.enqueue(project)
    assert "was not queued" in str(refused.value) and "Free some disk space" in str(refused.value)
    await asyncio.to_thread(filler.unlink)
    await until(lambda: queue.jobs.get(job.id).status == JobStatus.DOWNLOADED, within=30)  # type: ignore[union-attr]
    assert queue.problem == "" and len(rig.jobs()) == 1
    assert server.state.counts["videos_created"] == 1
    await rig.stop()
