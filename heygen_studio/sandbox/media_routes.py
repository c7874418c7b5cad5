"""/_media: the files the sandbox's URLs point at (photos, MP4s, thumbnails, captions, voice previews)."""

from __future__ import annotations

import asyncio
import functools
import io
import math
import struct
import wave

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from heygen_studio.sandbox import media
from heygen_studio.sandbox.common import state_of
from heygen_studio.sandbox.entities import Video

PREVIEW_SECONDS = 1.5
PREVIEW_RATE = 16_000


@functools.lru_cache(maxsize=64)
def preview_wav(pitch_hz: float) -> bytes:
    """A short, real 16-bit mono WAV: a fading two-note hum at `pitch_hz` (a voice's preview)."""
    frames = bytearray()
    count = int(PREVIEW_SECONDS * PREVIEW_RATE)
    for index in range(count):
        moment = index / PREVIEW_RATE
        pitch = pitch_hz if moment < PREVIEW_SECONDS / 2 else pitch_hz * 1.25
        fade = math.sin(math.pi * index / count)
        frames += struct.pack("<h", int(9000 * fade * math.sin(2 * math.pi * pitch * moment)))
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(PREVIEW_RATE)
        writer.writeframes(bytes(frames))
    return out.getvalue()


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404)


async def asset(request: Request) -> Response:
    state = state_of(request)
    found = state.assets.get(request.path_params["asset_id"])
    if found is None:
        return _not_found()
    return Response(await run_in_threadpool(found.data.get), media_type=found.mime_type)


def _completed_video(request: Request) -> Video | None:
    state = state_of(request)
    now = state.now()
    state.settle(now)
    with state.lock:
        video = state.videos.get(request.path_params["video_id"])
        return video if video and state.video_status(video, now) == "completed" else None


async def video_file(request: Request) -> Response:
    video = _completed_video(request)
    if video is None:
        return _not_found()
    state = state_of(request)
    kind = request.path_params["kind"]
    if kind == "mp4":
        return Response(await asyncio.wrap_future(state.render(video)), media_type="video/mp4")
    if kind == "jpg":
        return Response(await run_in_threadpool(state.thumbnail, video), media_type="image/jpeg")
    if kind == "srt":
        return Response(media.to_srt(state.captions(video)), media_type="application/x-subrip")
    return _not_found()


async def voice_preview(request: Request) -> Response:
    voice = state_of(request).voices.get(request.path_params["voice_id"])
    if voice is None:
        return _not_found()
    return Response(preview_wav(voice.pitch_hz), media_type="audio/wav")


ROUTES = [
    Route("/_media/assets/{asset_id}", asset, methods=["GET"]),
    Route("/_media/videos/{video_id}.{kind}", video_file, methods=["GET"]),
    Route("/_media/voices/{voice_id}.wav", voice_preview, methods=["GET"]),
]
