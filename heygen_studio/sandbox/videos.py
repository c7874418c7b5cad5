"""Submitting a render, shared by both generations: avatars, voices, price, concurrency, duration."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from heygen_studio.domain.money import Money
from heygen_studio.sandbox import renders
from heygen_studio.sandbox.entities import Asset, Look, Scene, Video, Voice
from heygen_studio.sandbox.errors import ApiError, invalid, not_found
from heygen_studio.sandbox.media import MAX_VIDEO_SECONDS
from heygen_studio.sandbox.state import SandboxState, new_id

V3_SIZES = {  # (aspect ratio, resolution) -> width, height
    "16:9": {"720p": (1280, 720), "1080p": (1920, 1080), "4k": (3840, 2160)},
    "9:16": {"720p": (720, 1280), "1080p": (1080, 1920), "4k": (2160, 3840)},
    "1:1": {"720p": (720, 720), "1080p": (1080, 1080), "4k": (2160, 2160)},
    "4:5": {"720p": (720, 900), "1080p": (1080, 1350), "4k": (2160, 2700)},
    "5:4": {"720p": (900, 720), "1080p": (1350, 1080), "4k": (2700, 2160)},
}


def resolve_look(state: SandboxState, avatar_id: str, param: str, now: float) -> Look:
    """The completed look a video uses: a look id, or a group id standing for its first look."""
    look = state.looks.get(avatar_id)
    if look is None and avatar_id in state.groups and state.groups[avatar_id].look_ids:
        look = state.looks[state.groups[avatar_id].look_ids[0]]
    if look is None:
        raise ApiError(404, "avatar_not_found", f"Avatar {avatar_id} not found.", legacy_code=400175, param=param)
    if state.look_status(look, now) != "completed":
        raise invalid(param, f"Avatar {avatar_id} is not ready (status {state.look_status(look, now)}).")
    return look


def resolve_voice(state: SandboxState, voice_id: str | None, param: str) -> Voice:
    if not voice_id:
        raise invalid(param, "voice_id is required with a script.")
    voice = state.voices.get(voice_id)
    if voice is None:
        raise ApiError(404, "voice_not_found", f"Voice {voice_id} not found.", legacy_code=400175, param=param)
    return voice


def check_script(script: object, limit: int, param: str) -> str:
    if not isinstance(script, str) or not script.strip():
        raise invalid(param, "A script is required (the sandbox speaks text, not audio).", legacy_code=40039)
    if len(script) > limit:
        raise invalid(param, f"The script is {len(script)} characters; at most {limit} are allowed.", legacy_code=40119)
    return script


def size_for(aspect_ratio: str | None, resolution: str | None, source: Asset) -> tuple[int, int]:
    """Frame size for v3's aspect_ratio/resolution. "auto" keeps the source image's shape: its shorter side at the
    resolution's, its longer side at most the resolution's long side (16:9 when the source's size is unknown)."""
    aspect, tier = aspect_ratio or "16:9", resolution or "1080p"
    if aspect != "auto":
        return V3_SIZES[aspect][tier]
    long_side, short_side = V3_SIZES["16:9"][tier]
    if not source.width or not source.height:
        return long_side, short_side
    ratio = max(source.width, source.height) / min(source.width, source.height)
    longer = min(long_side, round(short_side * ratio / 2) * 2)
    return (longer, short_side) if source.width >= source.height else (short_side, longer)


def scene_seconds(state: SandboxState, scenes: Sequence[Scene], prefixes: Sequence[str]) -> list[float]:
    """How long each scene lasts: its own audio's length, or its speech's (synthesized now, and kept for the
    render): what the video lasts and is billed for. 400 naming the scene's field, after its prefix, when the
    sandbox cannot speak it (its locale or voice) or read its audio. Blocking: call it off the event loop."""
    seconds = []
    for scene, prefix in zip(scenes, prefixes, strict=True):
        try:
            if scene.audio_asset_id:
                seconds.append(renders.own_audio(state.assets[scene.audio_asset_id].data.get()).duration_s)
            else:
                seconds.append(renders.scene_speech(scene).duration_s)
        except ValueError as error:  # SpeechError or AudioFileError: both say what to do
            field = (
                "audio_asset_id" if scene.audio_asset_id else "voice_settings.locale" if scene.locale else "voice_id"
            )
            raise invalid(f"{prefix}{field}", str(error)) from None
    return seconds


def submit(
    state: SandboxState,
    scenes: list[Scene],
    seconds: list[float],
    size: tuple[int, int],
    now: float,
    *,
    queue: bool,
    price: Callable[[list[Scene], list[float]], Money],
    title: str | None = None,
    caption: bool = False,
    callback_id: str | None = None,
    **options: Any,
) -> Video:
    """A new render of `scenes` lasting `seconds` each, priced by `price` from them and billed to the v2 pool
    when `queue` (legacy): refused with 402 when the account cannot pay it, and with 429 on v3 when it
    already has `v3_concurrency` renders in flight; legacy waits for a free slot. `options` are Video's
    optional fields by name. 400 (legacy 40119) for a video longer than the renderer makes."""
    duration = sum(seconds)
    if duration > MAX_VIDEO_SECONDS:
        raise invalid(
            "script" if len(scenes) == 1 else "scenes",
            f"This video would last {duration / 60:.0f} minutes; at most {MAX_VIDEO_SECONDS / 60:.0f} are allowed. "
            "Shorten the script or split it into several videos.",
            legacy_code=40119,
        )
    with state.lock:
        cost = state.afford(price(scenes, seconds), queue, now)
        if not queue and len(state.in_flight(now)) >= state.config.v3_concurrency:
            raise ApiError(
                429,
                "rate_limit_exceeded",
                "Too many videos rendering at once.",
                retry_after_s=state.config.job_seconds * 3,
            )
        start_at = state.queue_start(now) if queue else now
        video = Video(
            new_id(),
            title,
            now,
            start_at,
            scenes,
            size[0],
            size[1],
            duration,
            str(cost.amount),
            caption,
            callback_id,
            legacy=queue,
            **options,
        )
        state.videos[video.id] = video
        state.counts["videos_created"] += 1
        return video


def find_video(state: SandboxState, video_id: str | None) -> Video:
    video = state.videos.get(video_id or "")
    if video is None:
        raise not_found("video_not_found", f"Video {video_id}", legacy_code=40104)
    return video
