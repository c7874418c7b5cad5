"""Rendered videos are what HeyGen would make: the size asked for, the scenes' speech as the sound track (and length),
the background colour asked for, captions burned in only into the copy that asks for them."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import av
import httpx
import numpy as np
import pytest
from PIL import Image
from sandbox_helpers import spoken, wallet_balance
from test_v2_flow import legacy_done, v2
from test_v3_flow import video_done

from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.media import Picture, Shot, Soundtrack, render_video, thumbnail_jpeg
from heygen_studio.sandbox.speech import synthesize

SCRIPT = "Hello there. This is the sandbox speaking for a short test."


async def private_look(client: httpx.AsyncClient) -> str:
    return (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]


async def rendered(client: httpx.AsyncClient, **fields: Any) -> tuple[dict[str, Any], bytes]:
    """A completed video of the demo account's own look (avatar type unless `fields` say otherwise) and its file."""
    body = {"type": "avatar", "avatar_id": await private_look(client), "script": SCRIPT, "voice_id": "demo-en-us-ava"}
    submitted = await client.post("/v3/videos", json={**body, **fields})
    assert submitted.status_code == 200, submitted.text
    done = await video_done(client, submitted.json()["data"]["video_id"])
    return done, (await client.get(done["video_url"])).content


def frames_at(data: bytes, *moments: float) -> list[np.ndarray]:
    """The RGB frames showing at `moments` (seconds)."""
    with av.open(io.BytesIO(data)) as container:
        rate = float(container.streams.video[0].average_rate or 1)
        frames = [frame.to_ndarray(format="rgb24").astype(np.int16) for frame in container.decode(video=0)]
    return [frames[min(int(moment * rate), len(frames) - 1)] for moment in moments]


def sound_of(data: bytes) -> tuple[np.ndarray, int]:
    """The decoded sound track, mono float samples, and its rate."""
    with av.open(io.BytesIO(data)) as container:
        rate = container.streams.audio[0].sample_rate
        samples = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)])
    return samples, rate


async def test_a_1080p_16_9_video_is_1920x1080_and_sounds_the_speech_for_as_long(client: httpx.AsyncClient) -> None:
    done, data = await rendered(client, aspect_ratio="16:9", resolution="1080p")
    speech = synthesize(SCRIPT, "demo-en-us-ava")
    assert done["duration"] == pytest.approx(speech.duration_s, abs=0.001)
    with av.open(io.BytesIO(data)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, audio.codec_context.name) == ("h264", "aac")
        assert (video.codec_context.width, video.codec_context.height) == (1920, 1080)
        assert container.duration is not None
        assert abs(container.duration / av.time_base - speech.duration_s) < 0.5
    samples, rate = sound_of(data)
    assert abs(len(samples) / rate - speech.duration_s) < 0.5
    word = speech.words[1]  # "there": its stretch of the track is loud, the pause after "Hello there." is not
    said = samples[int(word.start_s * rate) : int(word.end_s * rate)]
    assert np.sqrt(np.mean(said**2)) > 0.02
    pause = samples[int((word.end_s + 0.05) * rate) : int((speech.words[2].start_s - 0.05) * rate)]
    assert len(pause) and np.sqrt(np.mean(pause**2)) < 0.01


@pytest.mark.parametrize(
    ("aspect_ratio", "resolution", "size"),
    [("9:16", "1080p", (1080, 1920)), ("16:9", "720p", (1280, 720)), ("1:1", "720p", (720, 720))],
)
async def test_each_aspect_ratio_and_resolution_is_its_own_frame_size(
    client: httpx.AsyncClient, aspect_ratio: str, resolution: str, size: tuple[int, int]
) -> None:
    _, data = await rendered(client, aspect_ratio=aspect_ratio, resolution=resolution)
    with av.open(io.BytesIO(data)) as container:
        context = container.streams.video[0].codec_context
        assert (context.width, context.height) == size


async def test_the_picture_is_on_the_background_colour_asked_for(client: httpx.AsyncClient) -> None:
    _, data = await rendered(client, resolution="720p", background={"type": "color", "value": "#1E90FF"})
    (frame,) = frames_at(data, 0.0)
    # the square photo sits in the middle of the 16:9 frame: the bands beside it are the colour asked for
    for band in (frame[:, :100], frame[:, -100:]):
        assert np.abs(band.reshape(-1, 3) - (0x1E, 0x90, 0xFF)).max(axis=1).mean() < 6
    assert np.abs(frame[300:420, 580:700].reshape(-1, 3) - (0x1E, 0x90, 0xFF)).mean() > 40  # the photo, not blue


async def test_a_studio_video_is_on_the_background_colour_its_scenes_ask_for(client: httpx.AsyncClient) -> None:
    """Studio scenes name their colour `color` (the contract's StudioColorBackgroundInput), not `value`."""
    look = await private_look(client)
    scene = {
        "type": "avatar_video",
        "input": {
            "type": "avatar",
            "avatar_id": look,
            "script": SCRIPT,
            "voice_id": "demo-en-us-ava",
            "background": {"type": "color", "color": "#1E90FF"},
        },
    }
    submitted = await client.post("/v3/videos", json={"type": "studio", "scenes": [scene, scene], "resolution": "720p"})
    assert submitted.status_code == 200, submitted.text
    done = await video_done(client, submitted.json()["data"]["video_id"])
    (frame,) = frames_at((await client.get(done["video_url"])).content, 0.0)
    assert np.abs(frame[:, :100].reshape(-1, 3) - (0x1E, 0x90, 0xFF)).max(axis=1).mean() < 6


async def test_captions_are_burned_only_into_the_copy_that_asks_for_them(client: httpx.AsyncClient) -> None:
    plain, plain_data = await rendered(client, resolution="720p", caption={"file_format": "srt"})
    assert plain["captioned_video_url"] is None and plain["subtitle_url"]
    assert "Hello there." in (await client.get(plain["subtitle_url"])).text
    assert (await client.get(plain["video_url"].replace(".mp4", "/captioned.mp4"))).status_code == 404

    styled, styled_data = await rendered(client, resolution="720p", caption={"style": "default"})
    assert styled["captioned_video_url"] and styled["subtitle_url"]
    captioned = await client.get(styled["captioned_video_url"])
    assert captioned.status_code == 200 and captioned.headers["content-type"] == "video/mp4"
    moment = synthesize(SCRIPT, "demo-en-us-ava").words[0].end_s  # while "Hello" is said
    (burned,) = frames_at(captioned.content, moment)
    for data in (plain_data, styled_data):  # neither plain video has text on it: both are the same picture
        (frame,) = frames_at(data, moment)
        difference = np.abs(frame - burned).mean(axis=(1, 2))
        assert difference[-80:].mean() > 10 * max(difference[:400].mean(), 0.2)  # the caption at the bottom only


async def test_a_studio_video_sounds_each_scene_in_its_own_voice_one_after_another(
    client: httpx.AsyncClient,
) -> None:
    look_id = await private_look(client)
    scenes = [
        {"script": "First the woman speaks.", "voice_id": "demo-en-us-ava"},
        {"script": "Then the man answers, a little faster.", "voice_id": "demo-en-us-noah", "speed": 1.3},
    ]
    body = {
        "type": "studio",
        "resolution": "720p",
        "scenes": [
            {
                "type": "avatar_video",
                "input": {
                    "type": "avatar",
                    "avatar_id": look_id,
                    "script": scene["script"],
                    "voice_id": scene["voice_id"],
                    "voice_settings": {"speed": scene.get("speed", 1.0)},
                },
            }
            for scene in scenes
        ],
    }
    before = await wallet_balance(client)
    submitted = await client.post("/v3/videos", json=body)
    assert submitted.status_code == 200, submitted.text
    done = await video_done(client, submitted.json()["data"]["video_id"])
    first = spoken(scenes[0]["script"])
    second = spoken(scenes[1]["script"], "demo-en-us-noah", 1.3)
    assert done["duration"] == pytest.approx(first + second, abs=0.002)
    assert await wallet_balance(client) == before - Decimal(repr(done["duration"])) * Decimal("0.05")
    srt = (await client.get(done["subtitle_url"])).text
    assert "First the woman speaks." in srt and "Then the man answers" in srt
    samples, rate = sound_of((await client.get(done["video_url"])).content)
    assert abs(len(samples) / rate - (first + second)) < 0.5


async def test_each_studio_scene_shows_its_own_look_on_its_own_colour(client: httpx.AsyncClient) -> None:
    public = (await client.get("/v3/avatars/looks", params={"ownership": "public"})).json()["data"]
    looks = [await private_look(client), next(look["id"] for look in public if look["name"] == "Whiskers 1")]
    colours = ["#C80000", "#0000C8"]
    body = {
        "type": "studio",
        "resolution": "720p",
        "scenes": [
            {
                "type": "avatar_video",
                "input": {
                    "type": "avatar",
                    "avatar_id": look_id,
                    "script": "One scene, then another.",
                    "voice_id": "demo-en-us-ava",
                    "background": {"type": "color", "color": colour},
                },
            }
            for look_id, colour in zip(looks, colours, strict=True)
        ],
    }
    done = await video_done(client, (await client.post("/v3/videos", json=body)).json()["data"]["video_id"])
    first = spoken("One scene, then another.")
    frames = frames_at((await client.get(done["video_url"])).content, 0.2, first + 0.3)
    for frame, colour in zip(frames, ((200, 0, 0), (0, 0, 200)), strict=True):
        assert np.abs(frame[:, :100].reshape(-1, 3) - colour).max(axis=1).mean() < 8
    assert np.abs(frames[0][200:520, 400:880] - frames[1][200:520, 400:880]).mean() > 20  # another look


def test_a_transparent_thumbnail_is_a_jpeg_at_the_videos_size() -> None:
    photo = sample_photo("chelsea.png").read_bytes()
    thumbnail = Image.open(io.BytesIO(thumbnail_jpeg(Picture(photo, 1080, 1920, None))))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (1080, 1920))


@pytest.mark.parametrize("seconds", [0.0, 3601.0])
def test_a_video_lasts_above_nothing_and_at_most_an_hour(seconds: float) -> None:
    silence = Soundtrack(np.zeros(int(seconds * 100), np.int16), 100)
    with pytest.raises(ValueError, match="seconds"):
        render_video([Shot(0.0, Picture(sample_photo("astronaut.png").read_bytes(), 320, 180))], silence)


async def test_a_legacy_video_is_on_its_background_colour_and_captioned_only_when_asked(
    client: httpx.AsyncClient,
) -> None:
    look_id = await private_look(client)

    async def legacy(**fields: Any) -> dict[str, Any]:
        scene = {
            "character": {"type": "talking_photo", "talking_photo_id": look_id},
            "voice": {"type": "text", "input_text": SCRIPT, "voice_id": "demo-en-us-ava"},
            "background": {"type": "color", "value": "#FAFAFA"},
        }
        video = await v2(client, "/v2/video/generate", {"video_inputs": [scene], **fields})
        return await legacy_done(client, video["video_id"])

    plain, captioned = await legacy(), await legacy(caption=True)
    assert plain["video_url_caption"] is None and captioned["video_url_caption"]
    (frame,) = frames_at((await client.get(plain["video_url"])).content, 0.0)
    assert frame.shape[:2] == (720, 1280)  # the legacy default
    assert np.abs(frame[:, :100].reshape(-1, 3) - 0xFA).max(axis=1).mean() < 6
    burned = await client.get(captioned["video_url_caption"])
    assert burned.status_code == 200 and burned.content != (await client.get(captioned["video_url"])).content


async def test_a_background_image_covers_the_frame_behind_the_figure(client: httpx.AsyncClient) -> None:
    out = io.BytesIO()
    Image.new("RGB", (640, 360), (250, 200, 0)).save(out, "PNG")
    response = await client.post("/v3/assets", files={"file": ("yellow.png", out.getvalue(), "image/png")})
    backdrop = response.json()["data"]["asset_id"]
    _, data = await rendered(client, resolution="720p", background={"type": "image", "asset_id": backdrop})
    (frame,) = frames_at(data, 0.0)
    assert np.abs(frame[:, :100].reshape(-1, 3) - (250, 200, 0)).max(axis=1).mean() < 8
    missing = await client.post(
        "/v3/videos",
        json={
            "type": "avatar",
            "avatar_id": await private_look(client),
            "script": SCRIPT,
            "voice_id": "demo-en-us-ava",
            "background": {"type": "image"},
        },
    )
    assert missing.status_code == 400 and missing.json()["error"]["param"] == "background.asset_id"
