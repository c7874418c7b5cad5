"""The files a render uploads before it is sent, against the loopback sandbox: uploaded once (a retry, a second
render of the same recording or a crash after the upload never uploads again), their asset ids saved with the
job, and a file that is gone or unusable fails that render alone with what to do."""

from __future__ import annotations

import json
import wave
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from render_support import Rig, counts, never_run
from waiting import until

from heygen_studio.api.models import PENDING_UPLOAD
from heygen_studio.domain.project import OwnAudio, Project
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.audio_info import audio_facts
from heygen_studio.services.render_inputs import fill_uploads
from heygen_studio.services.render_queue import RenderQueue
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.storage.uploaded_assets import UploadedAssets


def recording(path: Path, seconds: float = 2.0) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10\x00\xf0" * int(seconds * 4000))
    return path


def photo(path: Path, width: int = 640, height: int = 640) -> Path:
    """A portrait HeyGen animates (the sample astronaut, with her face) at `width`×`height`."""
    with Image.open(sample_photo("astronaut.png")) as image:
        image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS).save(path)
    return path


async def spoken(rig: Rig, audio: Path, title: str = "My voice") -> Project:
    project = await rig.project(title)
    return replace(project, voice=None, own_audio=audio_facts(audio).as_own_audio())


async def saved(rig: Rig, *projects: Project) -> list[RenderJob]:
    """Jobs saved by a queue that sends nothing, so the real queue later starts with all of them."""
    assert rig.db is not None and rig.api is not None
    idle = RenderQueue(rig.db, never_run, output_dir=rig.out)
    idle.attach(rig.api, "sandbox")
    return [await idle.enqueue(project) for project in projects]


def saved_spec(rig: Rig, job_id: int) -> dict:
    assert rig.queue is not None
    found = rig.queue.jobs.get(job_id)
    assert found is not None
    return json.loads(found.spec)


async def test_the_recording_is_uploaded_once_and_its_asset_id_kept_with_the_render(
    rig: Rig, server: SandboxServer, tmp_path: Path
) -> None:
    audio = recording(tmp_path / "me.wav")
    first, second = await saved(rig, await spoken(rig, audio), await spoken(rig, audio, "Again"))
    assert (first.audio_path, first.photo_path) == (str(audio), None) and first.upload_key
    assert json.loads(first.spec)["audio_asset_id"] == PENDING_UPLOAD
    assert first.estimated_seconds == 2.0  # the recording's length, not a guess from a script
    rig.start()
    await until(lambda: all(saved_spec(rig, job.id)["audio_asset_id"] != PENDING_UPLOAD for job in rig.jobs()))
    asset_id = saved_spec(rig, first.id)["audio_asset_id"]
    assert asset_id != PENDING_UPLOAD and saved_spec(rig, second.id)["audio_asset_id"] == asset_id
    assert server.state.assets[asset_id].data.get() == audio.read_bytes()  # the recording itself went up
    assert counts(rig.url).get("uploads", 0) == 1  # the second render of the same bytes reused it
    await rig.stop()


async def test_a_photo_put_back_is_uploaded_when_the_render_is_tried_again(
    rig: Rig, server: SandboxServer, tmp_path: Path
) -> None:
    picture = photo(tmp_path / "me.png")
    kept = picture.read_bytes()
    picture.unlink()
    (job,) = await saved(rig, replace(await rig.project("Photo"), look=None, photo_path=str(picture)))
    queue = rig.start()
    await until(lambda: rig.jobs()[0].status.is_final)
    assert rig.jobs()[0].status is JobStatus.FAILED and counts(rig.url).get("uploads", 0) == 0
    picture.write_bytes(kept)
    again = await queue.retry(job.id)
    assert (again.photo_path, json.loads(again.spec)["image_asset_id"]) == (str(picture), PENDING_UPLOAD)
    assert again.upload_key and again.upload_key != job.upload_key
    await until(lambda: saved_spec(rig, again.id)["image_asset_id"] != PENDING_UPLOAD)
    assert server.state.assets[saved_spec(rig, again.id)["image_asset_id"]].data.get() == kept
    assert counts(rig.url)["uploads"] == 1
    await rig.stop()


async def test_a_crash_after_the_upload_replays_it_under_the_same_key(rig: Rig, tmp_path: Path) -> None:
    (job,) = await saved(rig, await spoken(rig, recording(tmp_path / "me.wav")))
    assert rig.api is not None
    first = await fill_uploads(rig.api, job, UploadedAssets(Database(tmp_path / "one.sqlite3")))
    forgot = await fill_uploads(rig.api, job, UploadedAssets(Database(tmp_path / "two.sqlite3")))  # nothing saved
    assert first.audio_asset_id == forgot.audio_asset_id != PENDING_UPLOAD
    assert counts(rig.url).get("uploads", 0) == 1 and counts(rig.url)["idempotent_replays"] >= 1
    await rig.kill()


async def test_the_photo_of_an_image_video_is_uploaded_and_named_in_the_request(
    rig: Rig, server: SandboxServer, tmp_path: Path
) -> None:
    picture = photo(tmp_path / "me.png")
    project = replace(await rig.project("Photo"), look=None, photo_path=str(picture))
    (job,) = await saved(rig, project)
    assert job.photo_path == str(picture) and job.kind.value == "image"
    assert rig.api is not None and rig.db is not None
    spec = await fill_uploads(rig.api, job, UploadedAssets(rig.db))
    assert server.state.assets[spec.image_asset_id or ""].data.get() == picture.read_bytes()
    body = rig.api.build_video_request(spec)
    assert body["image"] == {"type": "asset_id", "asset_id": spec.image_asset_id}
    await rig.kill()


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (lambda path: path.unlink(), "is no longer in"),
        (lambda path: photo(path, 2400, 1200), "is 2400×1200 pixels; a quick video needs one of at most 2048"),
        (lambda path: Image.new("RGB", (640, 640), "grey").save(path, "PNG"), "couldn't find a front-facing face"),
        (lambda path: path.write_text("not a picture"), "“me.png” is not an image we can read"),
    ],
)
async def test_a_photo_gone_or_unusable_fails_that_render_alone(
    rig: Rig, server: SandboxServer, tmp_path: Path, spoil, says: str
) -> None:
    picture = photo(tmp_path / "me.png")
    image_video = replace(await rig.project("Photo"), look=None, photo_path=str(picture))
    broken, fine = await saved(rig, image_video, await rig.project("Fine"))
    spoil(picture)
    rig.start()
    await until(lambda: all(job.status.is_final for job in rig.jobs()), within=30)
    failed, done = (rig.queue.jobs.get(job.id) for job in (broken, fine))  # type: ignore[union-attr]
    assert failed is not None and failed.status is JobStatus.FAILED and says in (failed.error or "")
    assert "“me.png”" in (failed.error or "") and failed.remote_id is None
    assert done is not None and done.status is JobStatus.DOWNLOADED
    assert counts(rig.url).get("uploads", 0) == 0 and counts(rig.url)["videos_created"] == 1
    await rig.stop()


@pytest.mark.parametrize(
    ("spoil", "says"),
    [
        (lambda path: path.write_text("these are my notes"), "is not a recording this app can read"),
        (lambda path: path.write_bytes(b""), "is empty (0 bytes)"),
        (lambda path: path.unlink(), "is no longer there"),
        (lambda path: recording(path, 5.0), "changed since you chose it: it is now 5.0 s long, and the render was"),
        (lambda path: recording(path, 601.0), "is 10 min 1 s long; a video's own recording can be at most 10 min"),
    ],
)
async def test_a_recording_changed_after_it_was_chosen_fails_that_render_alone(
    rig: Rig, tmp_path: Path, spoil, says: str
) -> None:
    audio = recording(tmp_path / "me.wav")
    broken, fine = await saved(rig, await spoken(rig, audio), await rig.project("Fine"))
    spoil(audio)
    rig.start()
    await until(lambda: all(job.status.is_final for job in rig.jobs()), within=30)
    failed, done = (rig.queue.jobs.get(job.id) for job in (broken, fine))  # type: ignore[union-attr]
    assert failed is not None and failed.status is JobStatus.FAILED
    assert (failed.error or "").startswith("Your recording") and "“me.wav”" in (failed.error or "")
    assert says in (failed.error or "")
    assert done is not None and done.status is JobStatus.DOWNLOADED
    assert counts(rig.url).get("uploads", 0) == 0
    await rig.stop()


async def test_a_restart_keeps_what_the_render_uploads(rig: Rig, tmp_path: Path) -> None:
    """The paths and upload key are columns of the job, so a fresh process finds them."""
    audio = recording(tmp_path / "me.wav")
    (job,) = await saved(rig, replace(await spoken(rig, audio), own_audio=OwnAudio(str(audio), 2.0, "me.wav")))
    await rig.kill()
    rig.open()
    assert rig.db is not None
    from heygen_studio.storage.database import MIGRATIONS
    from heygen_studio.storage.render_jobs import RenderJobs

    again = RenderJobs(rig.db).get(job.id)
    assert again is not None and (again.audio_path, again.upload_key) == (str(audio), job.upload_key)
    assert rig.db.schema_version() == len(MIGRATIONS)
    await rig.kill()
