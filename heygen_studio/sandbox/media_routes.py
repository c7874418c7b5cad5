"""/_media: the files the sandbox's URLs point at (photos, MP4s, thumbnails, captions, spoken voice previews).

Like S3/CloudFront behind HeyGen's links, every file answers a single `Range: bytes=...` request
with 206 and Content-Range, and an unsatisfiable range with 416 (so downloads can resume).
media_faults can cut or stall these answers part-way and make their links expire.
"""

from __future__ import annotations

import asyncio
import functools
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from heygen_studio.sandbox import media, speech
from heygen_studio.sandbox.common import state_of
from heygen_studio.sandbox.entities import Video, Voice

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
MAX_OFFSET_DIGITS = 20  # 10**20 bytes is more than any file


PREVIEW_LINES = {  # what a voice says in its preview, by its language ({name} is the voice's)
    "English": "Hi, I'm {name}. This is how I sound when I read your script.",
    "Spanish": "Hola, soy {name}. Así sueno cuando leo tu guion.",
    "French": "Bonjour, je suis {name}. Voici ma voix quand je lis votre texte.",
    "German": "Hallo, ich bin {name}. So klinge ich, wenn ich Ihren Text lese.",
    "Japanese": "こんにちは、{name}です。よろしくお願いします。",
    "Portuguese": "Olá, eu sou {name}. Esta é a minha voz quando leio o seu roteiro.",
}


@functools.lru_cache(maxsize=64)
def preview_wav(voice: Voice) -> bytes:
    """A voice's preview: a WAV of it saying a short sentence in its language. Kept, so that a download resumed
    with Range gets the same bytes (espeak-ng's output varies slightly from call to call)."""
    line = PREVIEW_LINES.get(voice.language, PREVIEW_LINES["English"]).format(name=voice.name.partition(" (")[0])
    return speech.wav_bytes(speech.synthesize(line, voice.id))


def _not_found() -> Response:
    return PlainTextResponse("Not found", status_code=404)


class RangeNotSatisfiable(Exception):
    """The Range header starts past the end of the file (HTTP 416)."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte a Range header asks of `size` bytes, or None for the whole file
    (no header, or one a server ignores: another unit, several ranges, bad syntax).
    Raises RangeNotSatisfiable when the range starts past the end (however many digits it has)."""
    match = _RANGE.fullmatch((header or "").replace(" ", ""))
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first_text, last_text = match.groups()
    if first_text == "":  # bytes=-N: the last N bytes
        suffix = _offset(last_text)
        if not suffix or not size:
            raise RangeNotSatisfiable
        return max(0, size - suffix), size - 1
    first = _offset(first_text)
    if last_text and _offset(last_text) < first:
        return None  # invalid, so ignored (RFC 9110)
    if first >= size:
        raise RangeNotSatisfiable
    return first, min(_offset(last_text), size - 1) if last_text else size - 1


def _offset(digits: str) -> int:
    """A byte offset; one of more digits than any file has bytes is clamped (int() refuses 4300+ digits)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= MAX_OFFSET_DIGITS else 10**MAX_OFFSET_DIGITS


def media_response(request: Request, data: bytes, media_type: str) -> Response:
    """`data` whole (200), or the part a Range header asks for (206), or 416 for a range past the end."""
    headers = {"Accept-Ranges": "bytes"}
    try:
        wanted = byte_range(request.headers.get("range"), len(data))
    except RangeNotSatisfiable:
        return Response(b"", status_code=416, headers={**headers, "Content-Range": f"bytes */{len(data)}"})
    if wanted is None:
        return Response(data, media_type=media_type, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    return Response(data[first : last + 1], status_code=206, media_type=media_type, headers=headers)


async def asset(request: Request) -> Response:
    state = state_of(request)
    found = state.assets.get(request.path_params["asset_id"])
    if found is None:
        return _not_found()
    return media_response(request, await run_in_threadpool(found.data.get), found.mime_type)


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
    if kind == video.output_format:
        return media_response(request, await asyncio.wrap_future(state.render(video)), f"video/{kind}")
    if kind == "jpg":
        return media_response(request, await run_in_threadpool(state.thumbnail, video), "image/jpeg")
    if kind not in ("srt", "ass"):
        return _not_found()
    captions = await run_in_threadpool(state.captions, video)  # timed by the speech, which may need synthesizing
    if kind == "srt":
        return media_response(request, media.to_srt(captions).encode(), "application/x-subrip")
    ass = media.to_ass(captions, video.width, video.height)
    return media_response(request, ass.encode(), "text/x-ssa; charset=utf-8")


async def captioned_video_file(request: Request) -> Response:
    """The copy with captions burned in, for a video that asked for it."""
    video = _completed_video(request)
    if video is None or not video.burn_captions or request.path_params["kind"] != video.output_format:
        return _not_found()
    job = state_of(request).render(video, burned=True)
    return media_response(request, await asyncio.wrap_future(job), f"video/{video.output_format}")


async def voice_preview(request: Request) -> Response:
    voice = state_of(request).voices.get(request.path_params["voice_id"])
    if voice is None:
        return _not_found()
    try:
        return media_response(request, await asyncio.to_thread(preview_wav, voice), "audio/wav")
    except speech.SpeechError as error:
        return PlainTextResponse(f"The sandbox cannot speak: {error}", status_code=503)


ROUTES = [
    Route("/_media/assets/{asset_id}", asset, methods=["GET"]),
    Route("/_media/videos/{video_id}.{kind}", video_file, methods=["GET"]),
    Route("/_media/videos/{video_id}/captioned.{kind}", captioned_video_file, methods=["GET"]),
    Route("/_media/voices/{voice_id}.wav", voice_preview, methods=["GET"]),
]
