"""The legacy v2 photo-avatar workflow and lists: groups, looks, training, AI photos, voices, quota."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from heygen_studio.domain.pricing import PaidAction
from heygen_studio.sandbox import photos
from heygen_studio.sandbox.billing import legacy_price
from heygen_studio.sandbox.common import media_url, read_json, require, state_of
from heygen_studio.sandbox.entities import Asset, Generation, Group, Look
from heygen_studio.sandbox.errors import ApiError, invalid, not_found
from heygen_studio.sandbox.legacy import APPEARANCE_LIMIT, at_most, one_of, required, v2_ok
from heygen_studio.sandbox.state import SandboxState, new_id

AGES = ("Young Adult", "Early Middle Age", "Late Middle Age", "Senior", "Unspecified")
GENDERS = ("Woman", "Man", "Unspecified")
ETHNICITIES = (
    "White",
    "Black",
    "Asian American",
    "East Asian",
    "South East Asian",
    "South Asian",
    "Middle Eastern",
    "Pacific",
    "Hispanic",
    "Unspecified",
)
ORIENTATIONS = ("square", "horizontal", "vertical")
POSES = ("half_body", "close_up", "full_body")
STYLES = ("Realistic", "Pixar", "Cinematic", "Vintage", "Noir", "Cyberpunk", "Unspecified")
ACTIONS = {"photo": PaidAction.AI_PHOTOS, "look": PaidAction.NEW_LOOK}
MAX_LOOKS_PER_ADD = 4


def look_json(request: Request, state: SandboxState, look: Look, now: float) -> dict[str, Any]:
    """A look as v2 shows a photo avatar."""
    status = state.look_status(look, now)
    return {
        "id": look.id,
        "group_id": look.group_id,
        "name": look.name,
        "image_url": media_url(request, f"assets/{look.asset_id}"),
        "created_at": int(look.created_at),
        "status": {"processing": "pending"}.get(status, status),
        "is_motion": look.is_motion,
        "motion_preview_url": None,
        "business_type": look.source,
        "upscaled": False,
        "background_sound_effect": {"status": "completed"} if look.sound_effect else None,
    }


def group_json(request: Request, state: SandboxState, group: Group) -> dict[str, Any]:
    cover = state.looks[group.look_ids[0]] if group.look_ids else None
    return {
        "id": group.id,
        "name": group.name,
        "created_at": int(group.created_at),
        "num_looks": len(group.look_ids),
        "preview_image": media_url(request, f"assets/{cover.asset_id}") if cover else None,
        "group_type": "PHOTO" if group.ownership == "private" else "PUBLIC_PHOTO",
        "train_status": state.train_status(group, state.now()) or "empty",
        "default_voice_id": group.default_voice_id,
    }


def _group(state: SandboxState, group_id: str) -> Group:
    group = state.groups.get(group_id)
    if group is None or group.ownership != "private":
        raise not_found("avatar_not_found", f"Avatar group {group_id}")
    return group


def _look(state: SandboxState, look_id: str) -> Look:
    """A photo avatar by its own id, or by its group's id, which (as HeyGen's create answers) names the
    group's first look: the talking_photo_id of a group made by avatar_group/create."""
    look = state.looks.get(look_id)
    group = state.groups.get(look_id)
    if look is None and group is not None and group.look_ids:
        look = state.looks[group.look_ids[0]]
    if look is None:
        raise not_found("avatar_not_found", f"Photo avatar {look_id}")
    return look


def _photo(state: SandboxState, image_key: str, param: str, generation_id: str | None) -> Asset:
    """The asset an image_key names: uploaded (PNG/JPEG under 10 MB) or from `generation_id`."""
    asset = state.asset_by_key(image_key)
    if asset is None:
        raise ApiError(404, "asset_not_found", f"Image {image_key} not found.", param=param)
    if generation_id is not None:
        generation = state.generations.get(generation_id)
        require(
            generation is not None and asset.id in generation.asset_ids,
            invalid("generation_id", "image_key is not one of this generation's images."),
        )
    if asset.size_bytes > photos.PHOTO_MAX_BYTES:
        raise photos.too_large(photos.PHOTO_MAX_BYTES)
    require(asset.mime_type in ("image/png", "image/jpeg"), invalid(param, "The photo must be a JPEG or PNG image."))
    return asset


async def create_group(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("name", "image_key"))
    state = state_of(request)
    now = state.now()
    with state.lock:
        asset = _photo(state, body["image_key"], "image_key", body.get("generation_id"))
        group = state.add_group(body["name"], "private", now)
        state.add_look(
            group,
            body["name"],
            asset,
            now,
            failure=photos.photo_problem(asset),
            source="generated" if body.get("generation_id") else "user_upload",
        )
        return v2_ok(
            {
                "id": group.id,
                "group_id": group.id,
                "name": group.name,
                "status": "pending",
                "image_url": media_url(request, f"assets/{asset.id}"),
                "is_motion": False,
                "created_at": int(now),
            }
        )


async def add_looks(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("group_id", "image_keys", "name"))
    keys = body["image_keys"]
    require(
        isinstance(keys, list) and len(keys) <= MAX_LOOKS_PER_ADD,
        invalid("image_keys", f"image_keys takes 1 to {MAX_LOOKS_PER_ADD} image keys."),
    )
    state = state_of(request)
    now = state.now()
    with state.lock:
        group = _group(state, body["group_id"])
        assets = [
            _photo(state, key, f"image_keys[{index}]", body.get("generation_id")) for index, key in enumerate(keys)
        ]
        looks = [
            state.add_look(group, body["name"], asset, now, failure=photos.photo_problem(asset)) for asset in assets
        ]
        return v2_ok({"photo_avatar_list": [look_json(request, state, look, now) for look in looks]})


async def train(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("group_id",))
    state = state_of(request)
    now = state.now()
    with state.lock:
        group = _group(state, body["group_id"])
        if state.train_status(group, now) in (None, "failed"):
            state.spend(legacy_price(PaidAction.TRAINING), True, now)
            group.trained_at = now
            state.counts["trainings"] += 1
        return v2_ok({"flow_id": group.id})


async def train_status(request: Request) -> JSONResponse:
    state = state_of(request)
    now = state.now()
    with state.lock:
        group = _group(state, request.path_params["group_id"])
        status = state.train_status(group, now)
        started = int(group.trained_at or group.created_at)
        return v2_ok(
            {
                "status": status or "pending",
                "error_msg": None,
                "created_at": started,
                "updated_at": int(now) if status else None,
            }
        )


async def _generate(request: Request, kind: str, seed: str, source: Asset | None, group: Group | None) -> JSONResponse:
    state = state_of(request)
    now = state.now()
    with state.lock:
        state.spend(legacy_price(ACTIONS[kind]), True, now)
        assets = state.derive(source, seed, 4, now)
        generation = Generation(new_id(), kind, now, [asset.id for asset in assets], group.id if group else None)
        state.generations[generation.id] = generation
        state.counts["generations_created"] += 1
        return v2_ok({"generation_id": generation.id})


async def generate_photos(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("name", "age", "gender", "ethnicity", "orientation", "pose", "style", "appearance"))
    for name, allowed in (
        ("age", AGES),
        ("gender", GENDERS),
        ("ethnicity", ETHNICITIES),
        ("orientation", ORIENTATIONS),
        ("pose", POSES),
        ("style", STYLES),
    ):
        one_of(body, name, allowed)
    at_most(body, "appearance", APPEARANCE_LIMIT)
    return await _generate(request, "photo", f"{body['name']}: {body['appearance']}", None, None)


async def generate_looks(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("group_id", "prompt", "orientation", "pose", "style"))
    for name, allowed in (("orientation", ORIENTATIONS), ("pose", POSES), ("style", STYLES)):
        one_of(body, name, allowed)
    at_most(body, "prompt", APPEARANCE_LIMIT)
    state = state_of(request)
    with state.lock:
        group = _group(state, body["group_id"])
        require(
            state.train_status(group, state.now()) == "ready",
            invalid("group_id", "The avatar group must be trained before generating looks."),
        )
        source = state.assets[state.looks[group.look_ids[0]].asset_id] if group.look_ids else None
    return await _generate(request, "look", body["prompt"], source, group)


async def generation(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        job = state.generations.get(request.path_params["generation_id"])
        if job is None:
            raise not_found("not_found", f"Generation {request.path_params['generation_id']}")
        status = state.generation_status(job, state.now())
        done = status == "success"
        assets = [state.assets[asset_id] for asset_id in job.asset_ids]
        return v2_ok(
            {
                "id": job.id,
                "status": status,
                "msg": None,
                "image_url_list": [media_url(request, f"assets/{asset.id}") for asset in assets] if done else None,
                "image_key_list": [asset.image_key for asset in assets] if done else None,
            }
        )


async def add_motion(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("id",))
    state = state_of(request)
    now = state.now()
    with state.lock:
        look = _look(state, body["id"])
        group = _group(state, look.group_id)
        state.spend(legacy_price(PaidAction.MOTION), True, now)
        moving = state.add_look(group, look.name, state.assets[look.asset_id], now, is_motion=True)
        return v2_ok({"id": moving.id})


async def add_sound_effect(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    required(body, ("id",))
    state = state_of(request)
    with state.lock:
        look = _look(state, body["id"])
        look.sound_effect = True
        return v2_ok({"id": look.id})


async def get_look(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        return v2_ok(look_json(request, state, _look(state, request.path_params["look_id"]), state.now()))


async def delete_look(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        look = _look(state, request.path_params["look_id"])
        require(look.ownership == "private", ApiError(403, "forbidden", "Public avatars cannot be deleted."))
        state.delete_look(look)
        return v2_ok({"id": look.id})


async def delete_group(request: Request) -> JSONResponse:
    state = state_of(request)
    with state.lock:
        group = _group(state, request.path_params["group_id"])
        state.delete_group(group)
        return v2_ok({"id": group.id})


async def list_groups(request: Request) -> JSONResponse:
    include_public = request.query_params.get("include_public", "false").lower() == "true"
    state = state_of(request)
    with state.lock:
        groups = sorted(state.groups.values(), key=lambda group: -group.created_at)
        shown = [
            group_json(request, state, group) for group in groups if include_public or group.ownership == "private"
        ]
        return v2_ok({"total_count": len(shown), "avatar_group_list": shown})


async def group_looks(request: Request) -> JSONResponse:
    state = state_of(request)
    now = state.now()
    with state.lock:
        group = state.groups.get(request.path_params["group_id"])
        if group is None:
            raise not_found("avatar_not_found", f"Avatar group {request.path_params['group_id']}")
        return v2_ok(
            {"avatar_list": [look_json(request, state, state.looks[look_id], now) for look_id in group.look_ids]}
        )


async def avatars(request: Request) -> JSONResponse:
    state = state_of(request)
    now = state.now()
    with state.lock:
        looks = sorted(state.looks.values(), key=lambda look: -look.created_at)
        public = [
            {
                "avatar_id": look.id,
                "avatar_name": look.name,
                "gender": look.gender or "unknown",
                "preview_image_url": media_url(request, f"assets/{look.asset_id}"),
                "preview_video_url": None,
                "premium": False,
            }
            for look in looks
            if look.ownership == "public"
        ]
        photos_ = [
            {
                "talking_photo_id": look.id,
                "talking_photo_name": look.name,
                "preview_image_url": media_url(request, f"assets/{look.asset_id}"),
            }
            for look in looks
            if look.ownership == "private" and state.look_status(look, now) == "completed"
        ]
        return v2_ok({"avatars": public, "talking_photos": photos_})


async def voices(request: Request) -> JSONResponse:
    state = state_of(request)
    return v2_ok(
        {
            "voices": [
                {
                    "voice_id": voice.id,
                    "language": voice.language,
                    "gender": voice.gender,
                    "name": voice.name,
                    "preview_audio": media_url(request, f"voices/{voice.id}.wav"),
                    "support_pause": True,
                    "emotion_support": True,
                    "support_interactive_avatar": False,
                }
                for voice in state.voices.values()
            ]
        }
    )


async def remaining_quota(request: Request) -> JSONResponse:
    state = state_of(request)
    state.settle(state.now())
    quota = round(state.account.legacy.amount.amount * 60)
    return v2_ok({"remaining_quota": quota, "details": {"api": quota}})


ROUTES = [
    Route("/v2/photo_avatar/avatar_group/create", create_group, methods=["POST"]),
    Route("/v2/photo_avatar/avatar_group/add", add_looks, methods=["POST"]),
    Route("/v2/photo_avatar/train", train, methods=["POST"]),
    Route("/v2/photo_avatar/train/status/{group_id}", train_status, methods=["GET"]),
    Route("/v2/photo_avatar/photo/generate", generate_photos, methods=["POST"]),
    Route("/v2/photo_avatar/look/generate", generate_looks, methods=["POST"]),
    Route("/v2/photo_avatar/generation/{generation_id}", generation, methods=["GET"]),
    Route("/v2/photo_avatar/add_motion", add_motion, methods=["POST"]),
    Route("/v2/photo_avatar/add_sound_effect", add_sound_effect, methods=["POST"]),
    Route("/v2/photo_avatar/{look_id}", get_look, methods=["GET"]),
    Route("/v2/photo_avatar/{look_id}", delete_look, methods=["DELETE"]),
    Route("/v2/photo_avatar_group/{group_id}", delete_group, methods=["DELETE"]),
    Route("/v2/avatar_group.list", list_groups, methods=["GET"]),
    Route("/v2/avatar_group/{group_id}/avatars", group_looks, methods=["GET"]),
    Route("/v2/avatars", avatars, methods=["GET"]),
    Route("/v2/voices", voices, methods=["GET"]),
    Route("/v2/user/remaining_quota", remaining_quota, methods=["GET"]),
]
