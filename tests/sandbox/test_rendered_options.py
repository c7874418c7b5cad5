"""POST /v3/videos options as HeyGen takes them: image videos with no avatar, engines per look, transparent WebM,
a cut-out figure, and the user's own audio as the sound track (audio that cannot be played is refused when it is
uploaded: tests/sandbox/test_speech.py)."""

from __future__ import annotations

import io
import math
import struct
import wave
from decimal import Decimal
from typing import Any

import av
import httpx
import numpy as np
from PIL import Image
from sandbox_helpers import photo_bytes, wallet_balance
from test_rendered_media import SCRIPT, frames_at, private_look, sound_of
from test_v3_flow import upload, video_done

from heygen_studio.sandbox.speech import synthesize

TONE_HZ = 440.0


def tone_wav(seconds: float, rate: int = 16_000) -> bytes:
    """A real WAV file: a steady 440 Hz tone."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        count = round(seconds * rate)
        writer.writeframes(
            b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * TONE_HZ * n / rate))) for n in range(count))
        )
    return out.getvalue()


async def upload_file(client: httpx.AsyncClient, data: bytes, name: str, mime: str) -> str:
    response = await client.post("/v3/assets", files={"file": (name, data, mime)})
    assert response.status_code == 200, response.text
    return response.json()["data"]["asset_id"]


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(photo_bytes())).convert("RGB").resize((width, height)).save(out, "PNG")
    return out.getvalue()


async def public_look(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    looks = (await client.get("/v3/avatars/looks", params={"ownership": "public"})).json()["data"]
    return next(look for look in looks if look["name"] == name)


def refused(response: httpx.Response, param: str, status: int = 400) -> str:
    """The message of a refusal naming `param`, in HeyGen's envelope."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["param"] == param, error
    return str(error["message"])


async def completed(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    submitted = await client.post("/v3/videos", json=body)
    assert submitted.status_code == 200, submitted.text
    return await video_done(client, submitted.json()["data"]["video_id"])


# --- type "image" ----------------------------------------------------------------------------------


async def test_an_image_video_animates_the_photo_with_no_avatar_at_the_photo_rate(client: httpx.AsyncClient) -> None:
    groups = (await client.get("/v3/avatars", params={"ownership": "private"})).json()["data"]
    asset_id = await upload(client)
    before = await wallet_balance(client)
    body = {
        "type": "image",
        "image": {"type": "asset_id", "asset_id": asset_id},
        "script": SCRIPT,
        "voice_id": "demo-en-gb-olivia",
        "resolution": "720p",
        "aspect_ratio": "9:16",
    }
    done = await completed(client, body)
    assert done["duration"] == round(synthesize(SCRIPT, "demo-en-gb-olivia").duration_s, 3)
    data = (await client.get(done["video_url"])).content
    with av.open(io.BytesIO(data)) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (720, 1280)
    assert (await client.get("/v3/avatars", params={"ownership": "private"})).json()["data"] == groups
    assert await wallet_balance(client) == before - Decimal(repr(done["duration"])) * Decimal("0.05")
    by_url = {**body, "image": {"type": "url", "url": f"http://sandbox.test/_media/assets/{asset_id}"}}
    assert (await client.post("/v3/videos", json=by_url)).status_code == 200


async def test_image_videos_refuse_what_heygen_refuses(client: httpx.AsyncClient) -> None:
    body = {"type": "image", "image": {"type": "asset_id", "asset_id": await upload(client)}, "script": SCRIPT}
    assert "voice_id" in refused(await client.post("/v3/videos", json=body), "voice_id")  # no avatar: no default voice
    body["voice_id"] = "demo-en-us-ava"
    for engine in ("avatar_iii", "avatar_v"):
        response = await client.post("/v3/videos", json={**body, "engine": {"type": engine}})
        assert "avatar_iv" in refused(response, "engine.type")
    wide = await upload_file(client, png(2100, 1000), "wide.png", "image/png")
    message = refused(
        await client.post("/v3/videos", json={**body, "image": {"type": "asset_id", "asset_id": wide}}), "image"
    )
    assert "2100x1000" in message and "2048" in message
    sound = await upload_file(client, tone_wav(1.0), "tone.wav", "audio/wav")
    response = await client.post("/v3/videos", json={**body, "image": {"type": "asset_id", "asset_id": sound}})
    assert "JPEG or PNG" in refused(response, "image")
    assert (await client.get("/v3/videos")).json()["data"] == []


# --- engines -----------------------------------------------------------------------------------------


async def test_each_look_renders_on_its_own_engines_and_the_charge_follows_the_engine(
    client: httpx.AsyncClient,
) -> None:
    aria, marcus, theo = [await public_look(client, name) for name in ("Aria 1", "Marcus 1", "Theo 1")]
    assert aria["supported_api_engines"] == ["avatar_iv", "avatar_iii"]
    assert marcus["supported_api_engines"] == ["avatar_iv"]
    assert "avatar_v" in theo["supported_api_engines"]
    body = {"type": "avatar", "script": SCRIPT, "voice_id": "demo-en-us-ava", "resolution": "720p"}
    response = await client.post(
        "/v3/videos", json={**body, "avatar_id": marcus["id"], "engine": {"type": "avatar_iii"}}
    )
    assert "avatar_iv" in refused(response, "engine.type")
    response = await client.post(
        "/v3/videos",
        json={**body, "avatar_id": aria["id"], "engine": {"type": "avatar_iii"}, "resolution": "4k"},
    )
    assert "1080p" in refused(response, "resolution")  # Avatar III makes no 4K photo avatars
    before = await wallet_balance(client)
    done = await completed(client, {**body, "avatar_id": aria["id"], "engine": {"type": "avatar_iii"}})
    assert await wallet_balance(client) == before - Decimal(repr(done["duration"])) * Decimal("0.0167")
    before = await wallet_balance(client)
    await completed(client, {**body, "avatar_id": theo["id"], "engine": {"type": "avatar_v"}})
    assert await wallet_balance(client) == before  # HeyGen publishes no Avatar V price: the sandbox charges nothing


# --- transparent and cut out -----------------------------------------------------------------------


async def test_webm_is_a_transparent_vp9_with_the_figure_cut_out(client: httpx.AsyncClient) -> None:
    body = {
        "type": "avatar",
        "avatar_id": await private_look(client),
        "script": SCRIPT,
        "voice_id": "demo-en-us-ava",
        "resolution": "720p",
        "output_format": "webm",
    }
    submitted = await client.post("/v3/videos", json=body)
    assert submitted.status_code == 200 and submitted.json()["data"]["output_format"] == "webm"
    done = await video_done(client, submitted.json()["data"]["video_id"])
    assert done["video_url"].split("?")[0].endswith(".webm")
    response = await client.get(done["video_url"])
    assert response.headers["content-type"] == "video/webm"
    with av.open(io.BytesIO(response.content)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "vp9" and stream.metadata.get("alpha_mode") == "1"
        assert container.streams.audio[0].codec_context.name == "opus"
        assert abs(container.duration / av.time_base - done["duration"]) < 0.5
        decoder = av.CodecContext.create("libvpx-vp9", "r")  # FFmpeg's own VP9 decoder drops the alpha channel
        frame = next(frame for packet in container.demux(stream) for frame in decoder.decode(packet))
    assert frame.format.name == "yuva420p" and (frame.width, frame.height) == (1280, 720)
    alpha = frame.to_ndarray(format="rgba")[:, :, 3]
    assert alpha[:, :200].max() < 10 and alpha[:60, 280:400].max() < 10  # beside and above the figure: nothing
    assert alpha[300:500, 560:720].min() > 245  # the face: opaque
    with_colour = {**body, "background": {"type": "color", "value": "#00FF00"}}
    assert "transparent" in refused(await client.post("/v3/videos", json=with_colour), "background")


async def test_remove_background_on_mp4_puts_the_cut_out_figure_on_the_colour(client: httpx.AsyncClient) -> None:
    body = {
        "type": "avatar",
        "avatar_id": await private_look(client),
        "script": SCRIPT,
        "voice_id": "demo-en-us-ava",
        "resolution": "720p",
        "background": {"type": "color", "value": "#00C800"},
    }
    cut = await completed(client, {**body, "remove_background": True})
    whole = await completed(client, body)
    (cut_frame,) = frames_at((await client.get(cut["video_url"])).content, 0.0)
    (whole_frame,) = frames_at((await client.get(whole["video_url"])).content, 0.0)
    corner = (slice(0, 60), slice(290, 380))  # inside the photo's square, outside the figure
    assert np.abs(cut_frame[corner].reshape(-1, 3) - (0, 200, 0)).max(axis=1).mean() < 8
    assert np.abs(whole_frame[corner].reshape(-1, 3) - (0, 200, 0)).mean() > 40
    face = (slice(300, 420), slice(580, 700))
    assert np.abs(cut_frame[face] - whole_frame[face]).mean() < 3


# --- the user's own audio ------------------------------------------------------------------------------


async def test_own_audio_is_the_sound_track_and_sets_the_length_and_the_charge(client: httpx.AsyncClient) -> None:
    audio_id = await upload_file(client, tone_wav(2.5), "me.wav", "audio/wav")
    before = await wallet_balance(client)
    body = {"type": "avatar", "avatar_id": await private_look(client), "audio_asset_id": audio_id, "resolution": "720p"}
    done = await completed(client, body)
    assert done["duration"] == 2.5
    assert await wallet_balance(client) == before - Decimal("2.5") * Decimal("0.05")
    samples, rate = sound_of((await client.get(done["video_url"])).content)
    assert abs(len(samples) / rate - 2.5) < 0.1
    middle = samples[rate // 2 : 2 * rate]
    spectrum = np.abs(np.fft.rfft(middle))
    assert abs(np.fft.rfftfreq(len(middle), 1 / rate)[spectrum.argmax()] - TONE_HZ) < 5
    assert (await client.get(done["subtitle_url"])).text == ""  # nothing was typed, so nothing is captioned


async def test_own_audio_is_refused_when_it_is_not_audio_or_comes_with_a_script(client: httpx.AsyncClient) -> None:
    audio_id = await upload_file(client, tone_wav(1.0), "me.wav", "audio/wav")
    body = {"type": "avatar", "avatar_id": await private_look(client)}
    response = await client.post("/v3/videos", json={**body, "audio_asset_id": audio_id, "script": SCRIPT})
    assert "not both" in refused(response, "script")
    photo_id = await upload(client)
    assert "not audio" in refused(
        await client.post("/v3/videos", json={**body, "audio_asset_id": photo_id}), "audio_asset_id"
    )
    response = await client.post("/v3/videos", json={**body, "audio_asset_id": "missing"})
    assert refused(response, "audio_asset_id", 404) and response.json()["error"]["code"] == "asset_not_available"
    response = await client.post("/v3/videos", json={**body, "audio_url": "https://example.com/me.mp3"})
    assert "upload" in refused(response, "audio_url")


async def test_a_video_of_more_than_an_hour_of_speech_is_refused_before_it_is_billed(
    client: httpx.AsyncClient,
) -> None:
    script = " ".join(["1234567"] * 600)[:5000]  # each number said in words: about 8 minutes a scene
    scene = {"type": "avatar", "avatar_id": await private_look(client), "script": script, "voice_id": "demo-en-us-ava"}
    body = {"type": "studio", "scenes": [{"type": "avatar_video", "input": scene}] * 8}
    before = await wallet_balance(client)
    message = refused(await client.post("/v3/videos", json=body), "scenes")
    assert "at most 60" in message and await wallet_balance(client) == before


async def test_auto_keeps_the_images_shape_short_side_at_the_resolution(client: httpx.AsyncClient) -> None:
    for (width, height), size in (((500, 800), (720, 1152)), ((1000, 400), (1280, 720))):  # long side capped at 1280
        asset_id = await upload_file(client, png(width, height), "shape.png", "image/png")
        body = {
            "type": "image",
            "image": {"type": "asset_id", "asset_id": asset_id},
            "script": "Hi.",
            "voice_id": "demo-en-us-ava",
            "aspect_ratio": "auto",
            "resolution": "720p",
        }
        done = await completed(client, body)
        with av.open(io.BytesIO((await client.get(done["video_url"])).content)) as container:
            assert (container.streams.video[0].width, container.streams.video[0].height) == size
