"""The v3 API: assets, avatars and looks, voices, videos and the account, validated by the contract."""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import AvatarType, Engine, PaidAction
from heygen_studio.sandbox import audio_files, media, photos, v3_json
from heygen_studio.sandbox.common import media_url, paginate, read_json, require, state_of
from heygen_studio.sandbox.entities import Asset, Group, Look, Scene, Video
from heygen_studio.sandbox.errors import ApiError, invalid, missing, not_found
from heygen_studio.sandbox.state import SandboxState
from heygen_studio.sandbox.validation import check_body, check_query, idempotency_key
from heygen_studio.sandbox.videos import (
    check_script,
    find_video,
    resolve_look,
    resolve_voice,
    scene_seconds,
    size_for,
    submit,
)

SCRIPT_LIMIT = 5000
PROMPT_LIMIT = 1000
MAX_SCENES = 50
SPEED_RANGE = (0.5, 1.5)  # voice_settings.speed of POST /v3/videos (speech takes up to 2.0)
PITCH_RANGE = (-50.0, 50.0)  # semitones
DEFAULT_ENGINE = "avatar_iv"
IMAGE_MAX_BYTES = 50 * 1024 * 1024  # an image given to a type "image" video (the API README's limits)
IMAGE_MAX_SIDE = 2048  # "under 2K"
MEDIA_ASSETS = "/_media/assets/"


def ok(data: Any, status: int = 200, **extra: Any) -> JSONResponse:
    return JSONResponse({"data": data, **extra}, status_code=status)


def page(items: list[Any], query: dict[str, Any], default_limit: int) -> JSONResponse:
    chunk, has_more, next_token = paginate(items, query.get("limit", default_limit), query.get("token"))
    return ok(chunk, has_more=has_more, next_token=next_token)


async def idempotent_post(request: Request, operation: str, create: Callable[[dict[str, Any]], Any]) -> JSONResponse:
    """A v3 POST: body checked against the contract, then `create` once per Idempotency-Key, in a worker thread
    (a video's speech is synthesized to price it)."""

    async def answer() -> tuple[int, dict[str, Any]]:
        body, _ = await read_json(request)
        check_body(operation, body)
        return 200, {"data": await run_in_threadpool(create, body)}

    return await _once_per_key(request, answer)


async def _once_per_key(request: Request, answer: Callable[[], Awaitable[tuple[int, dict[str, Any]]]]) -> JSONResponse:
    """`answer` run once per Idempotency-Key; the key is checked (and claimed) before the body is read."""
    key = idempotency_key(request.headers)
    status, payload = await state_of(request).idempotent(f"{request.method} {request.url.path}", key, answer)
    return JSONResponse(payload, status_code=status)


# --- assets ------------------------------------------------------------------------------------


async def upload_asset(request: Request) -> JSONResponse:
    if int(request.headers.get("content-length") or 0) > photos.ASSET_MAX_BYTES + 64 * 1024:
        raise photos.too_large(photos.ASSET_MAX_BYTES)
    return await _once_per_key(request, lambda: _store_upload(request))


async def _store_upload(request: Request) -> tuple[int, dict[str, Any]]:
    form = await request.form(max_files=1, max_fields=10)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise missing("file")
    data = await upload.read()
    if len(data) > photos.ASSET_MAX_BYTES:
        raise photos.too_large(photos.ASSET_MAX_BYTES)
    mime = (
        audio_files.sniff_audio(data)
        or photos.sniff(data)
        or {"application/x-subrip": "application/x-subrip"}.get(upload.content_type or "")
    )
    if mime is None:
        raise invalid("file", "Unsupported file type: upload png, jpeg, mp4, webm, mp3, wav, m4a, pdf or srt.")
    if mime in audio_files.AUDIO_TYPES:
        try:
            await asyncio.to_thread(audio_files.decode_audio, data)
        except audio_files.AudioFileError as error:
            raise invalid("file", str(error)) from None
    state = state_of(request)
    asset = photos.store(state, data, mime, state.now())
    return 200, {
        "data": {
            "asset_id": asset.id,
            "url": media_url(request, f"assets/{asset.id}"),
            "mime_type": asset.mime_type,
            "size_bytes": asset.size_bytes,
        }
    }


# --- avatars and looks -------------------------------------------------------------------------


def _input_asset(state: SandboxState, spec: dict[str, Any], param: str) -> Asset:
    """The asset a {"type": "asset_id"|"url"|"base64"} input names; the sandbox fetches only its own URLs."""
    kind = spec.get("type")
    if kind == "asset_id":
        asset = state.assets.get(spec["asset_id"])
        if asset is None:
            raise ApiError(
                404, "asset_not_available", f"Asset {spec['asset_id']} not found.", param=f"{param}.asset_id"
            )
        return asset
    if kind == "url":
        return _own_url_asset(state, spec["url"], f"{param}.url")
    if kind == "base64":
        try:
            data = base64.b64decode(spec["data"], validate=True)
        except (binascii.Error, ValueError):
            raise invalid(f"{param}.data", "data is not valid base64.") from None
        return photos.store(state, data, photos.check_photo(data, f"{param}.data"), state.now())
    raise invalid(f"{param}.type", "type must be asset_id, url or base64.")


def _own_url_asset(state: SandboxState, url: str, param: str) -> Asset:
    """The asset one of the sandbox's own asset URLs (`/_media/assets/{id}`) points at; it fetches nothing else."""
    path = urlsplit(url).path
    asset = state.assets.get(path.removeprefix(MEDIA_ASSETS)) if path.startswith(MEDIA_ASSETS) else None
    if asset is None:
        raise invalid(param, "The sandbox cannot fetch outside URLs; upload the file first.")
    return asset


def _photo_asset(asset: Asset, param: str) -> Asset:
    if asset.size_bytes > photos.PHOTO_MAX_BYTES:
        raise photos.too_large(photos.PHOTO_MAX_BYTES)
    require(asset.mime_type in ("image/png", "image/jpeg"), invalid(param, "The photo must be a JPEG or PNG image."))
    return asset


def _private_group(state: SandboxState, group_id: str, param: str) -> Group:
    group = state.groups.get(group_id)
    if group is None:
        raise ApiError(404, "avatar_not_found", f"Avatar group {group_id} not found.", param=param)
    require(group.ownership == "private", ApiError(403, "forbidden", "Public avatars cannot be changed."))
    return group


def _avatar_action(body: dict[str, Any]) -> PaidAction:
    """Which paid call a `POST /v3/avatars` is (each costs the same on v3, but not on a credit account)."""
    if body["type"] == "photo":
        return PaidAction.ADD_PHOTO if body.get("avatar_group_id") else PaidAction.CREATE_AVATAR
    return PaidAction.NEW_LOOK if body.get("avatar_group_id") or body.get("avatar_id") else PaidAction.AI_PHOTOS


def _create_avatar(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """A photo or prompt avatar, paid for per call: 402 before anything is made when the account cannot pay."""
    state = state_of(request)
    now = state.now()
    with state.lock:
        price = state.afford(state.account.action_price(_avatar_action(body)), False, now)
        if body["type"] == "photo":
            group, look = _create_photo_avatar(request, state, body, now)
        elif body["type"] == "prompt":
            group, look = _create_prompt_avatar(request, state, body, now)
        else:
            raise invalid("type", "The sandbox makes photo and prompt avatars, not digital twins.")
        state.spend(price, False, now)
        return {
            "avatar_group": v3_json.group_json(request, state, group, now),
            "avatar_item": v3_json.look_json(request, state, look, now),
        }


def _create_photo_avatar(request: Request, state: SandboxState, body: dict[str, Any], now: float) -> tuple[Group, Look]:
    asset = _photo_asset(_input_asset(state, body["file"], "file"), "file")
    group_id = body.get("avatar_group_id")
    group = (
        _private_group(state, group_id, "avatar_group_id")
        if group_id
        else state.add_group(body["name"], "private", now)
    )
    if not group_id and state.config.consent_required:
        group.consent_status = "pending"
    look = state.add_look(group, body["name"], asset, now, failure=photos.photo_problem(asset))
    return group, look


def _create_prompt_avatar(
    request: Request, state: SandboxState, body: dict[str, Any], now: float
) -> tuple[Group, Look]:
    require(len(body["prompt"]) <= PROMPT_LIMIT, invalid("prompt", f"prompt is limited to {PROMPT_LIMIT} characters."))
    references = body.get("reference_images") or []
    require(len(references) <= 3, invalid("reference_images", "At most 3 reference images."))
    sources = [_input_asset(state, spec, f"reference_images[{index}]") for index, spec in enumerate(references)]
    group_id = body.get("avatar_group_id")
    group = _private_group(state, group_id, "avatar_group_id") if group_id else None
    if body.get("avatar_id"):
        reference = state.looks.get(body["avatar_id"])
        if reference is None:
            raise ApiError(404, "avatar_not_found", f"Avatar {body['avatar_id']} not found.", param="avatar_id")
        require(
            group is None or reference.group_id == group.id,
            invalid("avatar_id", "avatar_id must belong to avatar_group_id."),
        )
        sources.insert(0, state.assets[reference.asset_id])
        group = group or _private_group(state, reference.group_id, "avatar_id")
    group = group or state.add_group(body["name"], "private", now)
    image = state.derive(sources[0] if sources else None, body["prompt"], 1, now)[0]
    return group, state.add_look(group, body["name"], image, now, source="generated")


async def create_avatar(request: Request) -> JSONResponse:
    return await idempotent_post(request, "AvatarCreate", lambda body: _create_avatar(request, body))


async def list_avatars(request: Request) -> JSONResponse:
    query = check_query("AvatarList", request.query_params)
    state = state_of(request)
    now = state.now()
    with state.lock:
        groups = sorted(state.groups.values(), key=lambda group: -group.created_at)
        wanted = [group for group in groups if query.get("ownership") in (None, group.ownership)]
        return page([v3_json.group_json(request, state, group, now) for group in wanted], query, 50)


def _group(state: SandboxState, group_id: str) -> Group:
    group = state.groups.get(group_id)
    if group is None:
        raise not_found("avatar_not_found", f"Avatar group {group_id}")
    return group


async def get_avatar(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        return ok(v3_json.group_json(request, state, _group(state, request.path_params["group_id"]), state.now()))


async def delete_avatar(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        group = _private_group(state, request.path_params["group_id"], "group_id")
        state.delete_group(group)
        return ok({"id": group.id})


async def consent(request: Request) -> JSONResponse:
    def record(body: dict[str, Any]) -> dict[str, Any]:
        state = state_of(request)
        with state.lock:
            group = _private_group(state, request.path_params["group_id"], "group_id")
            group.consent_status = group.consent_status or "pending"
            url = f"{str(request.base_url).rstrip('/')}/_sandbox/consent/{group.id}"
            return {"avatar_group": v3_json.group_json(request, state, group, state.now()), "url": url}

    return await idempotent_post(request, "AvatarConsentCreate", record)


async def list_looks(request: Request) -> JSONResponse:
    query = check_query("AvatarLooksList", request.query_params)
    state = state_of(request)
    now = state.now()
    with state.lock:
        looks = sorted(state.looks.values(), key=lambda look: -look.created_at)
        if "group_id" in query:
            _group(state, query["group_id"])
            looks = [look for look in looks if look.group_id == query["group_id"]]
        if "avatar_type" in query:
            looks = [look for look in looks if look.avatar_type == query["avatar_type"]]
        looks = [look for look in looks if query.get("ownership") in (None, look.ownership)]
        return page([v3_json.look_json(request, state, look, now) for look in looks], query, 50)


def _look(state: SandboxState, look_id: str) -> Look:
    look = state.looks.get(look_id)
    if look is None:
        raise not_found("avatar_not_found", f"Look {look_id}")
    return look


async def get_look(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        return ok(v3_json.look_json(request, state, _look(state, request.path_params["look_id"]), state.now()))


async def update_look(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    check_body("AvatarLooksUpdate", body)
    state = state_of(request)
    with state.lock:
        look = _look(state, request.path_params["look_id"])
        require(look.ownership == "private", ApiError(403, "forbidden", "Public looks cannot be changed."))
        if body.get("name"):
            look.name = body["name"]
        return ok(v3_json.look_json(request, state, look, state.now()))


async def delete_look(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        look = _look(state, request.path_params["look_id"])
        require(look.ownership == "private", ApiError(403, "forbidden", "Public looks cannot be deleted."))
        state.delete_look(look)
        return ok({"id": look.id})


# --- voices and account ------------------------------------------------------------------------


async def list_voices(request: Request) -> JSONResponse:
    query = check_query("VoiceList", request.query_params)
    state = state_of(request)
    voices = [] if query.get("type") == "private" else list(state.voices.values())
    if "engine" in query:  # the sandbox's voices have one engine each: starfish, or one the speech endpoint lacks
        voices = [voice for voice in voices if voice.starfish and query["engine"].lower() == "starfish"]
    for field in ("language", "gender"):
        if field in query:
            voices = [voice for voice in voices if getattr(voice, field).lower() == query[field].lower()]
    return page([v3_json.voice_json(request, voice) for voice in voices], query, 100)


async def me(request: Request) -> JSONResponse:
    state = state_of(request)
    state.settle(state.now())
    with state.lock:
        return ok(
            {
                "username": "sandbox",
                "email": "sandbox@example.invalid",
                "first_name": "Sandbox",
                "last_name": "User",
                **state.account.me_json(),
            }
        )


# --- videos ------------------------------------------------------------------------------------


@dataclass
class _Order:
    """A checked `POST /v3/videos`: its scenes, each one's field prefix, and the video's size and options (Video's
    optional fields by name)."""

    scenes: list[Scene]
    prefixes: list[str]
    size: tuple[int, int]
    options: dict[str, Any]


def _inputs(body: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The avatar or image inputs a body renders, and each one's field prefix."""
    if body["type"] in ("avatar", "image"):
        return [body], [""]
    if body["type"] != "studio":
        raise invalid("type", "The sandbox renders avatar, image and studio videos.")
    scenes = body["scenes"]
    require(1 <= len(scenes) <= MAX_SCENES, invalid("scenes", f"A video has 1 to {MAX_SCENES} scenes."))
    for index, scene in enumerate(scenes):
        require(
            scene["type"] == "avatar_video",
            invalid(f"scenes[{index}].type", "The sandbox renders avatar_video scenes (an avatar or an image)."),
        )
    return [scene["input"] for scene in scenes], [f"scenes[{index}].input." for index in range(len(scenes))]


def _order(state: SandboxState, body: dict[str, Any], now: float) -> _Order:
    inputs, prefixes = _inputs(body)
    uhd = body.get("resolution") == "4k"
    webm, field = body.get("output_format") == "webm", "color" if body["type"] == "studio" else "value"
    scenes = [
        replace(_input(state, spec, prefix, now, uhd), **_background(state, spec, prefix, webm, field))
        for spec, prefix in zip(inputs, prefixes, strict=True)
    ]
    source = state.assets[scenes[0].image_asset_id or state.looks[scenes[0].look_id].asset_id]
    size = size_for(body.get("aspect_ratio"), body.get("resolution"), source)
    return _Order(scenes, prefixes, size, _picture_options(body))


def _input(state: SandboxState, spec: dict[str, Any], prefix: str, now: float, uhd: bool) -> Scene:
    """One avatar or image input as a scene."""
    if spec["type"] == "image":
        _check_image_engine(spec, prefix)
        image: Asset | None = _image_asset(state, spec["image"], f"{prefix}image")
        look_id, voice_id = "", None
    else:
        look = resolve_look(state, spec["avatar_id"], f"{prefix}avatar_id", now)
        engine = _check_motion_fields(look, spec, prefix)
        image, look_id, voice_id = None, look.id, state.groups[look.group_id].default_voice_id
        require(
            not (uhd and engine is Engine.AVATAR_III and look.avatar_type == "photo_avatar"),
            invalid("resolution", "Avatar III renders photo avatars at up to 1080p, not 4k."),
        )
    audio = _own_audio(state, spec, prefix)
    image_id = image.id if image else None
    if audio is not None:
        require(not spec.get("script"), invalid(f"{prefix}script", "Give a script or your own audio, not both."))
        return Scene(look_id, "", "", image_asset_id=image_id, audio_asset_id=audio.id)
    script = check_script(spec.get("script"), SCRIPT_LIMIT, f"{prefix}script")
    voice = resolve_voice(state, spec.get("voice_id") or voice_id, f"{prefix}voice_id")
    settings = spec.get("voice_settings") or {}
    speed = _number_within(settings, "speed", 1.0, SPEED_RANGE, f"{prefix}voice_settings.")
    _number_within(settings, "pitch", 0.0, PITCH_RANGE, f"{prefix}voice_settings.")
    locale = settings.get("locale") or None
    return Scene(look_id, script, voice.id, speed, locale, image_asset_id=image_id)


def _number_within(
    settings: dict[str, Any], name: str, default: float, bounds: tuple[float, float], prefix: str
) -> float:
    """`settings[name]` (or `default` when absent), 400 naming the field when it is outside `bounds`."""
    value = settings.get(name)
    value = default if value is None else float(value)
    low, high = bounds
    require(low <= value <= high, invalid(f"{prefix}{name}", f"{name} must be between {low:g} and {high:g}."))
    return value


def _engine(spec: dict[str, Any]) -> Engine:
    """The input's `engine.type` (Avatar IV when omitted, as HeyGen defaults)."""
    return Engine((spec.get("engine") or {}).get("type") or DEFAULT_ENGINE)


def _check_motion_fields(look: Look, spec: dict[str, Any], param: str) -> Engine:
    """HeyGen's rules for one avatar input: the engine must be one the look supports; `motion_prompt` is for photo
    avatars (video avatars only on Avatar V); `expressiveness` is for photo avatars and only on Avatar IV; neither
    on Avatar III. The engine it renders on."""
    engine = _engine(spec)
    supported = v3_json.supported_engines(look)
    require(
        engine in supported,
        invalid(f"{param}engine.type", f"This avatar renders on {', '.join(supported)}, not {engine}."),
    )
    photo = look.avatar_type == "photo_avatar"
    for field in ("motion_prompt", "expressiveness"):
        require(
            not (spec.get(field) and engine is Engine.AVATAR_III),
            invalid(f"{param}{field}", f"{field} is not available on avatar_iii."),
        )
    if spec.get("motion_prompt") and not photo and engine is not Engine.AVATAR_V:
        raise invalid(
            f"{param}motion_prompt",
            f"motion_prompt is for photo avatars; this {look.avatar_type} takes it only on avatar_v.",
        )
    if spec.get("expressiveness") and (not photo or engine is Engine.AVATAR_V):
        raise invalid(
            f"{param}expressiveness",
            "expressiveness is for photo avatars on avatar_iv."
            if not photo
            else "expressiveness is not available on avatar_v.",
        )
    return engine


def _check_image_engine(spec: dict[str, Any], prefix: str) -> None:
    """An image input animates on Avatar IV: Avatar III takes no raw images, Avatar V needs a look to refer to."""
    engine = _engine(spec)
    require(
        engine is Engine.AVATAR_IV,
        invalid(f"{prefix}engine.type", f"An image input renders on avatar_iv; {engine} needs an avatar look."),
    )


def _image_asset(state: SandboxState, spec: dict[str, Any], param: str) -> Asset:
    """The image an image input animates: a JPEG or PNG of at most 50 MB, under 2K on its longer side."""
    asset = _input_asset(state, spec, param)
    require(asset.mime_type in ("image/png", "image/jpeg"), invalid(param, "The image must be a JPEG or PNG."))
    if asset.size_bytes > IMAGE_MAX_BYTES:
        raise photos.too_large(IMAGE_MAX_BYTES)
    side = max(asset.width or 0, asset.height or 0)
    require(
        side <= IMAGE_MAX_SIDE,
        invalid(param, f"The image is {asset.width}x{asset.height}; make it at most {IMAGE_MAX_SIDE} pixels a side."),
    )
    return asset


def _own_audio(state: SandboxState, spec: dict[str, Any], prefix: str) -> Asset | None:
    """The uploaded recording an input lip-syncs to (`audio_asset_id` or the sandbox's own `audio_url`), if any;
    400 when the asset is not audio (uploads of audio that cannot be played are refused when they are made)."""
    asset_id, url = spec.get("audio_asset_id") or "", spec.get("audio_url") or ""
    if not asset_id and not url:
        return None
    require(not (asset_id and url), invalid(f"{prefix}audio_url", "Give audio_asset_id or audio_url, not both."))
    if url:
        param, asset = f"{prefix}audio_url", _own_url_asset(state, url, f"{prefix}audio_url")
    else:
        param, found = f"{prefix}audio_asset_id", state.assets.get(asset_id)
        if found is None:
            raise ApiError(404, "asset_not_available", f"Asset {asset_id} not found.", param=param)
        asset = found
    require(
        asset.mime_type.startswith("audio/"),
        invalid(param, f"This asset is {asset.mime_type}, not audio: upload an mp3, wav or m4a recording."),
    )
    return asset


def _picture_options(body: dict[str, Any]) -> dict[str, Any]:
    """How the video looks: output format, fit, cut-out, captions burned in."""
    output_format = body.get("output_format") or "mp4"
    return {
        "fit": body.get("fit"),
        "cut_out": bool(body.get("remove_background")) or output_format == "webm",
        "output_format": output_format,
        "burn_captions": (body.get("caption") or {}).get("style") == "default",
    }


def _background(state: SandboxState, spec: dict[str, Any], prefix: str, webm: bool, field: str) -> dict[str, Any]:
    """An input's background as Scene fields: a colour as "#rrggbb" (`value` on a video, `color` on a studio scene)
    or an uploaded image (`asset_id` or the sandbox's own `url`) to cover the frame; a webm video takes none, being
    transparent."""
    background = spec.get("background")
    if not background:
        return {}
    param = f"{prefix}background"
    require(not webm, invalid(param, "A webm video has a transparent background: leave background out."))
    if background["type"] == "image":
        require(
            bool(background.get("asset_id") or background.get("url")),
            invalid(f"{param}.asset_id", "Give the background image's asset_id (or url)."),
        )
        image = _input_asset(state, {**background, "type": "url" if background.get("url") else "asset_id"}, param)
        require(image.mime_type in ("image/png", "image/jpeg"), invalid(param, "The background must be a JPEG or PNG."))
        return {"backdrop_asset_id": image.id}
    try:
        return {"background": media.colour_code(str(background.get(field) or ""))}
    except ValueError:
        raise invalid(f"{param}.{field}", f"{field} must be a colour like #1A2B3C.") from None


def _video_price(
    state: SandboxState, body: dict[str, Any], scenes: list[Scene]
) -> Callable[[list[Scene], list[float]], Money]:
    """How a render of `body` is priced: each scene's rendered seconds at the rate of its engine, its look's avatar
    type (an image is billed as a photo avatar) and the video's resolution."""
    uhd = body.get("resolution") == "4k"
    rates = [
        state.account.video_rate(_engine(spec), _avatar_type(state, scene), uhd)
        for spec, scene in zip(_inputs(body)[0], scenes, strict=True)
    ]
    return lambda _scenes, seconds: state.account.video_cost(zip(rates, seconds, strict=True))


def _avatar_type(state: SandboxState, scene: Scene) -> AvatarType:
    look = state.looks.get(scene.look_id)
    return AvatarType(look.avatar_type) if look else AvatarType.PHOTO


def check_video(state: SandboxState, body: dict[str, Any], now: float) -> tuple[list[Scene], tuple[int, int]]:
    """What `POST /v3/videos` checks in a body its schema accepted (looks, images, voices, scripts, own audio,
    engines, settings): the video's scenes and frame size, or the ApiError naming the field."""
    order = _order(state, body, now)
    return order.scenes, order.size


def video_price(state: SandboxState, body: dict[str, Any], scenes: list[Scene]) -> Money:
    """What a render of `body` is billed, from the scenes `check_video` gave for it: as long as their speech (or
    own audio) lasts, synthesized now."""
    return _video_price(state, body, scenes)(scenes, scene_seconds(state, scenes, _inputs(body)[1]))


def start_video(state: SandboxState, body: dict[str, Any], now: float) -> Video:
    """A new render of a body its schema accepted, checked and billed as `POST /v3/videos` does (400, 402, 429)."""
    order = _order(state, body, now)
    return _submit(state, body, order, scene_seconds(state, order.scenes, order.prefixes), now)


def _submit(state: SandboxState, body: dict[str, Any], order: _Order, seconds: list[float], now: float) -> Video:
    return submit(
        state,
        order.scenes,
        seconds,
        order.size,
        now,
        queue=False,
        price=_video_price(state, body, order.scenes),
        title=body.get("title"),
        caption=bool(body.get("caption")),
        callback_id=body.get("callback_id"),
        **order.options,
    )


def _create_video(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """A video from a checked body. Its speech is synthesized (or its own audio read) to know what it lasts and
    costs outside the lock, so other requests go on meanwhile: run it off the event loop."""
    state = state_of(request)
    with state.lock:
        order = _order(state, body, state.now())
    seconds = scene_seconds(state, order.scenes, order.prefixes)
    now = state.now()  # the render starts once its length is known
    with state.lock:
        try:
            video = _submit(state, body, order, seconds, now)
        except ApiError as error:
            if error.status == 429:
                ends = [state.video_done_at(video) for video in state.in_flight(now)]
                error.retry_after_s = math.ceil(max(0.1, min(ends) - now) * 10) / 10
            raise
        return {"video_id": video.id, "status": "waiting", "output_format": video.output_format}


async def create_video(request: Request) -> JSONResponse:
    return await idempotent_post(request, "VideoCreate", lambda body: _create_video(request, body))


async def get_video(request: Request) -> JSONResponse:
    state = state_of(request)
    now = state.now()
    state.settle(now)
    with state.lock:
        return ok(v3_json.video_json(request, state, find_video(state, request.path_params["video_id"]), now))


async def list_videos(request: Request) -> JSONResponse:
    query = check_query("VideoList", request.query_params)
    state = state_of(request)
    now = state.now()
    state.settle(now)
    with state.lock:
        videos = sorted(state.videos.values(), key=lambda video: -video.created_at)
        if query.get("title"):
            videos = [video for video in videos if query["title"].lower() in (video.title or "").lower()]
        return page([v3_json.video_json(request, state, video, now) for video in videos], query, 50)


async def video_statuses(request: Request) -> JSONResponse:
    query = check_query("VideoStatusesList", request.query_params)
    ids = [video_id for video_id in (query.get("video_ids") or "").split(",") if video_id]
    require(len(ids) <= 100, invalid("video_ids", "At most 100 video ids."))
    state = state_of(request)
    now = state.now()
    state.settle(now)
    entries = []
    with state.lock:
        for video_id in ids:
            video = state.videos.get(video_id)
            status = v3_json.video_status_v3(state, video, now) if video else "not_found"
            entries.append({"video_id": video_id, "status": status, "error": None})
        for batch_id in [batch_id for batch_id in (query.get("batch_ids") or "").split(",") if batch_id]:
            batch = state.batches.get(batch_id)
            if batch is None:
                entries.append({"video_id": None, "batch_id": batch_id, "status": "not_found", "error": None})
                continue
            entries += [
                {
                    "video_id": item.video_id,
                    "batch_id": batch_id,
                    "item_index": index,
                    "status": v3_json.batch_item_status(state, item, now),
                    "error": item.error,
                }
                for index, item in enumerate(batch.items)
            ]
    return ok(entries, has_more=False, next_token=None)


async def delete_video(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        video = find_video(state, request.path_params["video_id"])
        del state.videos[video.id]
        return ok({"id": video.id, "deleted": True})


ROUTES = [
    Route("/v3/assets", upload_asset, methods=["POST"]),
    Route("/v3/avatars", list_avatars, methods=["GET"]),
    Route("/v3/avatars", create_avatar, methods=["POST"]),
    Route("/v3/avatars/looks", list_looks, methods=["GET"]),
    Route("/v3/avatars/looks/{look_id}", get_look, methods=["GET"]),
    Route("/v3/avatars/looks/{look_id}", update_look, methods=["PATCH"]),
    Route("/v3/avatars/looks/{look_id}", delete_look, methods=["DELETE"]),
    Route("/v3/avatars/{group_id}", get_avatar, methods=["GET"]),
    Route("/v3/avatars/{group_id}", delete_avatar, methods=["DELETE"]),
    Route("/v3/avatars/{group_id}/consent", consent, methods=["POST"]),
    Route("/v3/voices", list_voices, methods=["GET"]),
    Route("/v3/users/me", me, methods=["GET"]),
    Route("/v3/videos", create_video, methods=["POST"]),
    Route("/v3/videos", list_videos, methods=["GET"]),
    Route("/v3/videos/statuses", video_statuses, methods=["GET"]),
    Route("/v3/videos/{video_id}", get_video, methods=["GET"]),
    Route("/v3/videos/{video_id}", delete_video, methods=["DELETE"]),
]
