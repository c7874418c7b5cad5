"""Legacy renders and uploads: v2 video generation (Avatar IV and classic), v1 status/list/delete, v1 asset."""

from __future__ import annotations

import math
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from heygen_studio.sandbox import photos
from heygen_studio.sandbox.billing import V2_AV4_RATE, V2_CLASSIC_RATE, legacy_video_price
from heygen_studio.sandbox.common import media_url, paginate, read_json, require, state_of
from heygen_studio.sandbox.entities import Look, Scene
from heygen_studio.sandbox.errors import ApiError, invalid, missing
from heygen_studio.sandbox.legacy import LEGACY_SCRIPT_LIMIT, one_of, required, v1_ok, v2_ok
from heygen_studio.sandbox.media import colour_code
from heygen_studio.sandbox.state import SandboxState
from heygen_studio.sandbox.v3_json import captioned_url
from heygen_studio.sandbox.videos import check_script, find_video, resolve_look, resolve_voice, scene_seconds, submit

EMOTIONS = ("Excited", "Friendly", "Serious", "Soothing", "Broadcaster")
TALKING_STYLES = ("expressive", "stable")
ORIENTATION_SIZES = {"landscape": (1280, 720), "portrait": (720, 1280), "square": (720, 720)}
MAX_SCENES = 50


def _number(value: object, param: str, default: float) -> float:
    """A legacy number: v2 bodies are lenient, so "1" and "1920" count like 1 and 1920; None is `default`."""
    if value is None:
        return default
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise invalid(param, f"{param} must be a number.") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise invalid(param, f"{param} must be a number.")
    return float(value)


def _dimension(body: dict[str, Any], default: tuple[int, int]) -> tuple[int, int]:
    dimension = body.get("dimension")
    if dimension is None:
        return default
    sides = dimension if isinstance(dimension, dict) else {}
    width, height = (_number(sides.get(side), f"dimension.{side}", 0) for side in ("width", "height"))
    require(
        width.is_integer() and height.is_integer() and 64 <= width <= 4096 and 64 <= height <= 4096,
        invalid("dimension", "dimension needs width and height between 64 and 4096."),
    )
    return int(width), int(height)


def _av4_look(state: SandboxState, image_key: str, now: float) -> Look:
    """Avatar IV's `image_key`: a talking photo (look or group id) or the image_key of a look's photo."""
    if image_key not in state.looks and image_key not in state.groups:
        asset = state.asset_by_key(image_key)
        look = next((look for look in state.looks.values() if asset and look.asset_id == asset.id), None)
        if look is not None:
            return resolve_look(state, look.id, "image_key", now)
    return resolve_look(state, image_key, "image_key", now)


async def generate_av4(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("image_key", "voice_id"))
    if not body.get("scenes"):
        required(body, ("script",))
    one_of(body, "video_orientation", ORIENTATION_SIZES)
    one_of(body, "fit", ("cover", "contain"))
    specs = body.get("scenes") or [{"script": body["script"]}]
    require(isinstance(specs, list) and len(specs) <= MAX_SCENES, invalid("scenes", "A video has 1 to 50 scenes."))
    state = state_of(request)
    now = state.now()
    with state.lock:
        look = _av4_look(state, body["image_key"], now)
        voice = resolve_voice(state, body["voice_id"], "voice_id")
        scenes = []
        for index, spec in enumerate(specs):
            prefix = f"scenes[{index}]."
            one_of(spec, "emotion", EMOTIONS, prefix)
            one_of(spec, "talking_style", TALKING_STYLES, prefix)
            script = check_script(spec.get("script"), LEGACY_SCRIPT_LIMIT, f"{prefix}script")
            scenes.append(Scene(look.id, script, voice.id))
        size = _dimension(body, ORIENTATION_SIZES[body.get("video_orientation") or "landscape"])
    seconds = await run_in_threadpool(scene_seconds, state, scenes, [""] * len(scenes))  # synthesizes the speech
    with state.lock:
        video = submit(
            state,
            scenes,
            seconds,
            size,
            state.now(),
            queue=True,
            price=legacy_video_price(V2_AV4_RATE),
            title=body.get("video_title"),
            caption=bool(body.get("caption")),
            callback_id=body.get("callback_id"),
            burn_captions=bool(body.get("caption")),
            fit=body.get("fit"),
        )
        return v2_ok({"video_id": video.id})


def _classic_scene(state: SandboxState, spec: dict[str, Any], index: int, now: float) -> Scene:
    prefix = f"video_inputs[{index}]."
    required(spec, ("character", "voice"), prefix)
    character, voice_spec = spec["character"], spec["voice"]
    one_of(character, "type", ("talking_photo", "avatar"), f"{prefix}character.")
    one_of(character, "talking_style", TALKING_STYLES, f"{prefix}character.")
    id_field = "avatar_id" if character.get("type") == "avatar" else "talking_photo_id"
    required(character, ("type", id_field), f"{prefix}character.")
    look = resolve_look(state, character[id_field], f"{prefix}character.{id_field}", now)
    require(voice_spec.get("type") == "text", invalid(f"{prefix}voice.type", "The sandbox speaks text voices."))
    required(voice_spec, ("input_text", "voice_id"), f"{prefix}voice.")
    script = check_script(voice_spec["input_text"], LEGACY_SCRIPT_LIMIT, f"{prefix}voice.input_text")
    voice = resolve_voice(state, voice_spec["voice_id"], f"{prefix}voice.voice_id")
    speed = _number(voice_spec.get("speed"), f"{prefix}voice.speed", 1.0)
    require(0.5 <= speed <= 1.5, invalid(f"{prefix}voice.speed", "speed must be between 0.5 and 1.5."))
    pitch = _number(voice_spec.get("pitch"), f"{prefix}voice.pitch", 0.0)
    require(-50 <= pitch <= 50, invalid(f"{prefix}voice.pitch", "pitch must be between -50 and 50."))
    _number(character.get("scale"), f"{prefix}character.scale", 1.0)
    return Scene(look.id, script, voice.id, speed, background=_background(spec, prefix))


def _background(spec: dict[str, Any], prefix: str) -> str | None:
    """A scene's `background` colour as "#rrggbb"; None for none (or an image or video background, which the
    sandbox does not draw)."""
    background = spec.get("background")
    if not isinstance(background, dict) or background.get("type") != "color":
        return None
    try:
        return colour_code(str(background.get("value") or ""))
    except ValueError:
        raise invalid(f"{prefix}background.value", "value must be a colour like #1A2B3C.") from None


async def generate_classic(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("video_inputs",))
    inputs = body["video_inputs"]
    require(
        isinstance(inputs, list) and 1 <= len(inputs) <= MAX_SCENES,
        invalid("video_inputs", "video_inputs takes 1 to 50 scenes."),
    )
    state = state_of(request)
    now = state.now()
    with state.lock:
        scenes = [_classic_scene(state, spec, index, now) for index, spec in enumerate(inputs)]
    prefixes = [f"video_inputs[{index}].voice." for index in range(len(scenes))]
    seconds = await run_in_threadpool(scene_seconds, state, scenes, prefixes)  # synthesizes the speech
    with state.lock:
        video = submit(
            state,
            scenes,
            seconds,
            _dimension(body, (1280, 720)),
            state.now(),
            queue=True,
            price=legacy_video_price(V2_CLASSIC_RATE),
            title=body.get("title"),
            caption=bool(body.get("caption")),
            callback_id=body.get("callback_id"),
            burn_captions=bool(body.get("caption")),
        )
        return v2_ok({"video_id": video.id})


async def video_status(request: Request) -> JSONResponse:
    video_id = request.query_params.get("video_id")
    if not video_id:
        raise missing("video_id")
    state = state_of(request)
    now = state.now()
    state.settle(now)
    with state.lock:
        video = find_video(state, video_id)
        status = state.video_status(video, now)
        done = status == "completed"
        return v1_ok(
            {
                "id": video.id,
                "status": status,
                "created_at": int(video.created_at),
                "callback_id": video.callback_id,
                "duration": round(video.duration_s, 3) if done else None,
                "video_url": media_url(request, f"videos/{video.id}.mp4") if done else None,
                "thumbnail_url": media_url(request, f"videos/{video.id}.jpg") if done else None,
                "caption_url": media_url(request, f"videos/{video.id}.ass") if done else None,
                "gif_url": None,
                "video_url_caption": captioned_url(request, video) if done else None,
                "error": None,
            }
        )


async def video_list(request: Request) -> JSONResponse:
    state = state_of(request)
    now = state.now()
    state.settle(now)
    limit = request.query_params.get("limit", "100")
    require(limit.isdigit() and 1 <= int(limit) <= 100, invalid("limit", "limit must be between 1 and 100."))
    with state.lock:
        videos = sorted(state.videos.values(), key=lambda video: -video.created_at)
        chunk, _, token = paginate(videos, int(limit), request.query_params.get("token"))
        return v1_ok(
            {
                "videos": [
                    {
                        "video_id": video.id,
                        "status": state.video_status(video, now),
                        "created_at": int(video.created_at),
                        "video_title": video.title,
                        "type": "GENERATED",
                    }
                    for video in chunk
                ],
                "token": token,
            }
        )


async def video_delete(request: Request) -> JSONResponse:
    video_id = request.query_params.get("video_id")
    if not video_id:
        raise missing("video_id")
    state = state_of(request)
    with state.lock:
        del state.videos[find_video(state, video_id).id]
    return v1_ok(None)


async def upload_asset(request: Request) -> JSONResponse:
    """upload.heygen.com/v1/asset: the raw image bytes as the body, typed by Content-Type."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("image/jpeg", "image/png"):
        raise ApiError(
            400,
            "invalid_parameter",
            "Content-Type must be image/jpeg or image/png.",
            legacy_code=400175,
            param="Content-Type",
        )
    if int(request.headers.get("content-length") or 0) > photos.PHOTO_MAX_BYTES:
        raise photos.too_large(photos.PHOTO_MAX_BYTES)
    data = await request.body()
    if not data:
        raise missing("body")
    mime = photos.check_photo(data, "body")
    require(mime == content_type, invalid("Content-Type", f"The body is {mime}, not {content_type}."))
    state = state_of(request)
    asset = photos.store(state, data, mime, state.now())
    return v1_ok(
        {
            "id": asset.id,
            "name": asset.id,
            "file_type": "image",
            "url": media_url(request, f"assets/{asset.id}"),
            "image_key": asset.image_key,
            "created_ts": int(asset.created_at),
        }
    )


ROUTES = [
    Route("/v1/asset", upload_asset, methods=["POST"]),
    Route("/v2/video/av4/generate", generate_av4, methods=["POST"]),
    Route("/v2/video/generate", generate_classic, methods=["POST"]),
    Route("/v1/video_status.get", video_status, methods=["GET"]),
    Route("/v1/video.list", video_list, methods=["GET"]),
    Route("/v1/video.delete", video_delete, methods=["DELETE"]),
]
