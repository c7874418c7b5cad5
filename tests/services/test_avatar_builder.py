"""Uploads and Create avatar against the real sandbox over loopback: dedup, cancel, v3/v2 end to end, resume."""

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
from heygen_studio.services.uploads import Uploader
from heygen_studio.storage.avatar_jobs import AvatarJob, JobState
from heygen_studio.storage.database import Database

ACCOUNT = "sandbox"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(SandboxConfig(job_seconds=0.1, demo_content=False))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["v3", "v2"])
async def api(request: pytest.FixtureRequest, sandbox: SandboxServer) -> AsyncIterator[HeyGenApi]:
    client = open_client(request.param, "sandbox", base_url=sandbox.url, upload_url=sandbox.url)
    yield client
    await client.aclose()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "studio.sqlite3")
    yield database
    database.close()


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    """Four distinct front-facing photos (the astronaut flipped and shifted) and the camera photo."""
    from PIL import Image, ImageOps

    folder = tmp_path / "photos"
    folder.mkdir()
    with Image.open(sample_photo("astronaut.png")) as astronaut:
        variants = [astronaut.copy(), ImageOps.mirror(astronaut), astronaut.rotate(3), astronaut.rotate(-3)]
    paths = []
    for index, image in enumerate(variants):
        path = folder / f"astronaut-{index}.png"
        image.save(path)
        paths.append(path)
    paths.append(Path(shutil.copy(sample_photo("camera.png"), folder / "camera.png")))
    return paths


async def test_same_photo_is_uploaded_once_per_account_even_under_another_name(
    api: HeyGenApi, sandbox: SandboxServer, db: Database, tmp_path: Path
) -> None:
    copy = Path(shutil.copy(sample_photo("astronaut.png"), tmp_path / "renamed.png"))
    before = sandbox.state.counts["uploads"]
    uploader = Uploader(db)
    seen: list[tuple[int, int]] = []
    first = await uploader.upload_file(api, ACCOUNT, sample_photo("astronaut.png"), lambda s, t: seen.append((s, t)))
    again = await Uploader(db).upload_file(api, ACCOUNT, copy)
    other_account = await uploader.upload_file(api, "profile:Work", copy)
    assert (first.reused, again.reused, again.ref) == (False, True, first.ref)
    assert not other_account.reused
    assert sandbox.state.counts["uploads"] - before == 2
    assert seen[-1][0] == seen[-1][1] == (await asyncio.to_thread(copy.stat)).st_size


async def test_the_same_photo_twice_at_once_is_uploaded_once(
    api: HeyGenApi, sandbox: SandboxServer, db: Database
) -> None:
    before = sandbox.state.counts["uploads"]
    uploader = Uploader(db)
    first, second = await asyncio.gather(
        *(uploader.upload_file(api, ACCOUNT, sample_photo("camera.png")) for _ in range(2))
    )
    assert first.ref == second.ref
    assert sandbox.state.counts["uploads"] - before == 1


async def test_a_cancelled_upload_is_not_remembered(api: HeyGenApi, sandbox: SandboxServer, db: Database) -> None:
    prefix = "/v3/assets" if api.generation == "v3" else "/v1/asset"
    sandbox.state.faults = FaultPlan(stall_next=1, stall_s=5.0, path_prefix=prefix)
    uploader = Uploader(db)
    task = asyncio.ensure_future(uploader.upload_file(api, ACCOUNT, sample_photo("astronaut.png")))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sandbox.state.faults = FaultPlan()
    redo = await uploader.upload_file(api, ACCOUNT, sample_photo("astronaut.png"))
    assert not redo.reused


async def test_create_avatar_end_to_end(
    api: HeyGenApi, sandbox: SandboxServer, db: Database, photos: list[Path]
) -> None:
    counts = sandbox.state.counts
    groups, trainings = counts["groups_created"], counts["trainings"]
    steps: list[str] = []
    builder = AvatarBuilder(db, poll_s=0.05)
    job = await builder.start(api, ACCOUNT, "Anna", photos, lambda job, text, fraction: steps.append(text))
    assert job.state is JobState.DONE and job.group_id
    assert counts["groups_created"] - groups == 1
    assert counts["trainings"] - trainings == (1 if api.generation == "v2" else 0)
    looks = await api.list_looks(job.group_id)
    assert len(looks.items) == len(photos)
    added = sorted(look.name for look in looks.items if look.name != "Anna")  # each look has a name of its own
    assert added == [f"Anna — look {number}" for number in range(2, len(photos) + 1)]
    assert steps[0] == "Uploading photo 1 of 5…" and steps[-1] == "Your avatar is ready."
    assert (await asyncio.to_thread(builder.jobs.get, job.id)).state is JobState.DONE  # type: ignore[union-attr]


class Crash(Exception):
    """Stands for the app being closed in the middle of a step."""


async def test_a_job_stopped_midway_is_finished_after_a_restart_without_a_second_group(
    api: HeyGenApi, sandbox: SandboxServer, tmp_path: Path, photos: list[Path]
) -> None:
    counts = sandbox.state.counts
    groups = counts["groups_created"]

    def crash_once_the_group_exists(job: AvatarJob, text: str, fraction: float | None) -> None:
        if job.state is JobState.ADDING:
            raise Crash()

    first_run = Database(tmp_path / "studio.sqlite3")
    with pytest.raises(Crash):
        await AvatarBuilder(first_run, poll_s=0.05).start(api, ACCOUNT, "Resumed", photos, crash_once_the_group_exists)
    first_run.close()

    after_restart = AvatarBuilder(Database(tmp_path / "studio.sqlite3"), poll_s=0.05)
    [job] = await after_restart.unfinished(ACCOUNT, api.generation)
    assert job.state is JobState.ADDING and job.group_id
    finished = await after_restart.run(api, job)
    assert finished.state is JobState.DONE
    assert counts["groups_created"] - groups == 1
    assert len((await api.list_looks(job.group_id)).items) == len(photos)
    assert await after_restart.unfinished(ACCOUNT, api.generation) == []


async def test_a_create_whose_answer_was_lost_adopts_its_group_instead_of_making_another(
    api: HeyGenApi, sandbox: SandboxServer, db: Database, photos: list[Path]
) -> None:
    builder = AvatarBuilder(db, poll_s=0.05)
    uploads = [await builder.uploader.upload_file(api, ACCOUNT, path) for path in photos[:2]]
    job = builder.jobs.create(
        ACCOUNT, api.generation, "Lost answer", [u.content_hash for u in uploads], [str(path) for path in photos[:2]]
    )
    job.refs = {u.content_hash: u.ref for u in uploads}
    job.state, job.create_sent = JobState.CREATING, True
    builder.jobs.save(job)
    made = await api.create_photo_avatar("Lost answer", uploads[0].ref)  # the request that went out before the crash
    groups = sandbox.state.counts["groups_created"]

    finished = await AvatarBuilder(db, poll_s=0.05).run(api, builder.jobs.get(job.id))  # type: ignore[arg-type]
    assert finished.group_id == made.group.id
    assert sandbox.state.counts["groups_created"] == groups


async def test_a_photo_gone_before_resuming_fails_the_job_with_a_plain_reason(
    api: HeyGenApi, db: Database, photos: list[Path]
) -> None:
    builder = AvatarBuilder(db, poll_s=0.05)
    job = builder.jobs.create(ACCOUNT, api.generation, "Gone", ["0" * 64], [str(photos[0].with_name("nope.png"))])
    with pytest.raises(Exception, match="no longer there"):
        await builder.run(api, job)
    assert builder.jobs.get(job.id).state is JobState.FAILED  # type: ignore[union-attr]
