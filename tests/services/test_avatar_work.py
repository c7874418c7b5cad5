"""AvatarWork, the Photos step's HeyGen work without widgets: upload, create, stop (abandoned) or pause (resumed)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from heygen_studio.api import HeyGenApi, open_client
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.avatar_builder import AvatarBuilder
from heygen_studio.services.avatar_work import AvatarWork
from heygen_studio.storage.avatar_jobs import AvatarJob
from heygen_studio.storage.database import Database

ACCOUNT = "sandbox"


class Seen:
    """What the work told the Photos panel."""

    def __init__(self) -> None:
        self.progress: list[tuple[str, float | None]] = []
        self.finished: list[AvatarJob] = []
        self.failed: list[str] = []
        self.started = asyncio.Event()

    def work(self, db: Database) -> AvatarWork:
        return AvatarWork(AvatarBuilder(db, poll_s=0.05), self._progress, self.finished.append, self.failed.append)

    def _progress(self, text: str, fraction: float | None) -> None:
        self.progress.append((text, fraction))
        self.started.set()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(SandboxConfig(job_seconds=0.1, demo_content=False))
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def api(sandbox: SandboxServer) -> AsyncIterator[HeyGenApi]:
    sandbox.state.faults = FaultPlan()
    client = open_client("v3", "sandbox", base_url=sandbox.url, upload_url=sandbox.url)
    yield client
    await client.aclose()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "studio.sqlite3")
    yield database
    database.close()


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    return [Path(shutil.copy(sample_photo(name), tmp_path / name)) for name in ("astronaut.png", "camera.png")]


async def test_an_upload_says_how_many_photos_were_already_on_heygen(
    api: HeyGenApi, db: Database, photos: list[Path]
) -> None:
    seen = Seen()
    work = seen.work(db)
    assert await work.upload(api, ACCOUNT, photos[:1]) == "Uploaded 1 photo."
    assert await work.upload(api, ACCOUNT, photos) == "Uploaded 2 photos (1 was already on HeyGen and not sent again)."
    assert seen.progress[0] == ("Uploading astronaut.png (1 of 1)…", 0.0)
    assert seen.progress[-1][1] == 1.0


async def test_create_reports_each_step_and_the_finished_job(api: HeyGenApi, db: Database, photos: list[Path]) -> None:
    seen = Seen()
    work = seen.work(db)
    await work.create(api, ACCOUNT, "Anna", photos)
    assert [job.name for job in seen.finished] == ["Anna"] and seen.failed == []
    assert seen.progress[0][0] == "Anna: Uploading photo 1 of 2…" and seen.progress[-1] == (
        "Anna: Your avatar is ready.",
        1.0,
    )
    assert not work.resumable


async def stalled_create(
    seen: Seen, work: AvatarWork, api: HeyGenApi, sandbox: SandboxServer, photos: list[Path], *, stop: bool = False
) -> None:
    """Start making an avatar whose first upload hangs, and cancel its task there, after `work.stop()` if `stop`."""
    sandbox.state.faults = FaultPlan(stall_next=1, stall_s=5.0, path_prefix="/v3/assets")
    task = asyncio.ensure_future(work.create(api, ACCOUNT, "Ben", photos))
    await seen.started.wait()
    await asyncio.sleep(0.2)
    if stop:
        work.stop()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sandbox.state.faults = FaultPlan()


async def test_a_job_paused_by_cancelling_its_task_is_resumed_later(
    api: HeyGenApi, sandbox: SandboxServer, db: Database, photos: list[Path]
) -> None:
    seen = Seen()
    work = seen.work(db)
    await stalled_create(seen, work, api, sandbox, photos)
    assert work.resumable
    jobs = await work.unfinished(api, ACCOUNT)
    assert [job.name for job in jobs] == ["Ben"]
    await work.resume(api, jobs)
    assert [job.name for job in seen.finished] == ["Ben"] and await work.unfinished(api, ACCOUNT) == []


async def test_a_job_stopped_by_the_user_is_abandoned(
    api: HeyGenApi, sandbox: SandboxServer, db: Database, photos: list[Path]
) -> None:
    seen = Seen()
    work = seen.work(db)
    await stalled_create(seen, work, api, sandbox, photos, stop=True)
    assert work.job is None and not work.resumable
    assert await work.unfinished(api, ACCOUNT) == []


async def test_a_job_heygen_cannot_finish_is_reported_as_failed(
    api: HeyGenApi, sandbox: SandboxServer, db: Database, photos: list[Path]
) -> None:
    seen = Seen()
    work = seen.work(db)
    await stalled_create(seen, work, api, sandbox, photos)
    photos[1].write_bytes(b"changed")  # the second photo is no longer the one the job was made of
    await work.carry_on(api)
    assert seen.finished == [] and "was changed since you clicked Create avatar" in seen.failed[0]
    assert not work.resumable
