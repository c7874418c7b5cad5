"""The render queue against the loopback sandbox: submit, follow, download, resume, and never pay twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.storage.render_jobs import JobStatus
from render_support import Rig, counts, faults, until


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = SandboxServer(SandboxConfig(job_seconds=0.05, credits=100000))
    sandbox.start()
    yield sandbox
    sandbox.stop()


def rig_for(server: SandboxServer, tmp_path: Path, generation: str = "v3") -> Rig:
    return Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, generation, server.state)


def settled(rig: Rig) -> bool:
    return all(job.status.is_final or job.needs_decision for job in rig.jobs())


@pytest.mark.parametrize("generation", ["v3", "v2"])
async def test_a_render_is_submitted_followed_and_downloaded(server: SandboxServer, tmp_path: Path,
                                                            generation: str) -> None:
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
    assert video.read_bytes()[4:8] == b"ftyp"
    assert video.with_suffix(".jpg").exists() and video.with_suffix(".srt").exists()
    assert not list((tmp_path / "out").glob("*.part"))
    assert counts(rig.url)["videos_created"] == 1
    assert rig.remote_titles() == [f"Hello / world: take 1 [{job.title_token}]"]
    await rig.stop()
