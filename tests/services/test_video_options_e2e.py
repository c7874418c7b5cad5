"""Each new render choice end to end through the queue against the loopback sandbox: the user's own recording is
the sound track and the price, a photo becomes a video with no avatar, a transparent render is a real WebM, the
engine asked for is the one billed, and what HeyGen refuses never leaves."""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image
from render_support import Rig, counts
from waiting import until

from heygen_studio.api import InvalidRequestError
from heygen_studio.domain.money import BillingType, Money
from heygen_studio.domain.pricing import AvatarType, Engine, video_rate
from heygen_studio.domain.project import LookRef, Project
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.audio_info import audio_facts
from heygen_studio.storage.render_jobs import JobStatus, RenderJob


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = SandboxServer(SandboxConfig(job_seconds=0.05, balance=1000))
    sandbox.start()
    yield sandbox
    sandbox.stop()


def speech_like(path: Path, seconds: float) -> Path:
    """A WAV recording of `seconds`: a tone that rises and falls, as a voice would."""
    rate = 16000
    t = np.arange(int(seconds * rate)) / rate
    samples = (np.sin(2 * np.pi * 220 * t) * np.sin(2 * np.pi * 2 * t) * 9000).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def portrait(path: Path) -> Path:
    with Image.open(sample_photo("astronaut.png")) as image:
        image.convert("RGB").resize((768, 768)).save(path, quality=90)
    return path


def billed(engine: Engine, seconds: float) -> Decimal:
    """What a photo-avatar video of `seconds` costs on `engine` by pricing.py, as HeyGen (and the sandbox) bill it."""
    rate = video_rate("v3", BillingType.WALLET, engine, AvatarType.PHOTO)
    assert rate is not None
    return rate.cost(seconds).amount


async def rendered(rig: Rig, project: Project) -> RenderJob:
    queue = rig.start()
    job = await queue.enqueue(project)
    await until(lambda: (found := queue.jobs.get(job.id)) is not None and found.status.is_final, within=60)
    done = queue.jobs.get(job.id)
    assert done is not None and done.status is JobStatus.DOWNLOADED, done and done.error
    return done


def tracks(data: bytes) -> tuple[str, float | None, tuple[int, int]]:
    """The container, its sound's length and its picture's size."""
    with av.open(io.BytesIO(data)) as container:
        sound = container.streams.audio[0]
        picture = container.streams.video[0]
        length = float(sound.duration * sound.time_base) if sound.duration and sound.time_base else None
        if length is None and container.duration:
            length = container.duration / av.time_base
        return container.format.name, length, (picture.codec_context.width, picture.codec_context.height)


async def test_my_own_recording_is_the_sound_track_and_the_price(rig: Rig, server: SandboxServer, tmp_path: Path):
    audio = speech_like(tmp_path / "me.wav", 6.0)
    project = replace(await rig.project("My voice"), voice=None, own_audio=audio_facts(audio).as_own_audio())
    job = await rendered(rig, project)
    video = await asyncio.to_thread(Path(job.file_path or "").read_bytes)
    _, length, size = tracks(video)
    assert length == pytest.approx(6.0, abs=0.3) and size == (1920, 1080)
    assert job.cost == Money.usd("0.30")  # 6 s at $0.05, as the editor quoted it from the file
    assert Decimal(server.state.videos[job.remote_id or ""].cost) == pytest.approx(Decimal("0.30"), abs=Decimal("0.01"))
    await rig.stop()


async def test_a_photo_becomes_a_video_with_no_avatar_created(rig: Rig, server: SandboxServer, tmp_path: Path):
    photo = portrait(tmp_path / "me.jpg")
    project = replace(await rig.project("From a photo"), look=None, photo_path=str(photo))
    avatars = counts(rig.url).get("avatars_created", 0)
    job = await rendered(rig, project)
    assert job.kind.value == "image" and counts(rig.url).get("avatars_created", 0) == avatars
    video = await asyncio.to_thread(Path(job.file_path or "").read_bytes)
    assert tracks(video)[0].startswith("mov,mp4") and counts(rig.url)["uploads"] == 1
    remote = server.state.videos[job.remote_id or ""]
    assert Decimal(remote.cost) == billed(Engine.AVATAR_IV, remote.duration_s)  # Avatar IV's photo rate
    await rig.stop()


async def test_a_transparent_render_is_a_webm_with_an_alpha_channel(rig: Rig):
    job = await rendered(rig, replace(await rig.project("Cut out"), transparent=True))
    path = Path(job.file_path or "")
    assert path.suffix == ".webm"
    data = await asyncio.to_thread(path.read_bytes)
    assert data[:4] == b"\x1a\x45\xdf\xa3" and tracks(data)[0].startswith("matroska,webm")
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name in ("vp8", "vp9")
        assert stream.metadata.get("alpha_mode") == "1" or stream.metadata.get("ALPHA_MODE") == "1"
    await rig.stop()


async def test_the_engine_asked_for_is_the_one_billed_and_one_the_look_lacks_never_leaves(
    rig: Rig, server: SandboxServer
):
    project = await rig.project("On Avatar III", words=30)
    assert rig.api is not None
    look = await rig.api.get_look(project.look.look_id if project.look else "")
    project = replace(
        project,
        look=LookRef(look.id, look.name, avatar_type=look.avatar_type, supported_engines=look.supported_engines),
        engine=Engine.AVATAR_III,
    )
    job = await rendered(rig, project)
    remote = server.state.videos[job.remote_id or ""]
    assert Decimal(remote.cost) == billed(Engine.AVATAR_III, remote.duration_s)
    assert rig.queue is not None
    with pytest.raises(InvalidRequestError, match="not Avatar V. Choose one of those engines"):
        await rig.queue.enqueue(replace(project, engine=Engine.AVATAR_V))
    assert len(rig.jobs()) == 1
    await rig.stop()
