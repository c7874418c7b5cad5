"""How v3 shows groups, looks, voices and videos (field for field as its response schemas)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from heygen_studio.sandbox.common import media_url
from heygen_studio.sandbox.entities import BatchItem, Group, Look, Video, Voice
from heygen_studio.sandbox.state import SandboxState

ENGINES = {  # the engines a look of each avatar type renders on (`supported_api_engines`), unless it says otherwise
    "photo_avatar": ["avatar_iv", "avatar_iii"],
    "studio_avatar": ["avatar_iv", "avatar_iii"],
    "digital_twin": ["avatar_iv", "avatar_iii", "avatar_v"],
}


def supported_engines(look: Look) -> list[str]:
    return look.engines if look.engines is not None else ENGINES[look.avatar_type]


def orientation(width: int | None, height: int | None) -> str | None:
    if not width or not height:
        return None
    return "square" if width == height else ("landscape" if width > height else "portrait")


def group_status(state: SandboxState, group: Group, now: float) -> str | None:
    """A private group's status from its looks: completed once any look is (pending_consent while its consent
    is pending); None for public groups."""
    if group.ownership != "private":
        return None
    statuses = {state.look_status(state.looks[look_id], now) for look_id in group.look_ids}
    status = next((word for word in ("completed", "processing", "failed") if word in statuses), "completed")
    return "pending_consent" if status == "completed" and group.consent_status == "pending" else status


def group_json(request: Request, state: SandboxState, group: Group, now: float) -> dict[str, Any]:
    status = group_status(state, group, now)
    cover = state.looks[group.look_ids[0]] if group.look_ids else None
    failure = None
    if status == "failed" and cover is not None:
        failure = {"code": "avatar_processing_failed", "message": cover.failure or "Processing failed."}
    return {
        "id": group.id,
        "name": group.name,
        "created_at": int(group.created_at),
        "looks_count": len(group.look_ids),
        "preview_image_url": media_url(request, f"assets/{cover.asset_id}") if cover else None,
        "preview_video_url": None,
        "status": status,
        "consent_status": group.consent_status,
        "default_voice_id": group.default_voice_id,
        "gender": group.gender,
        "error": failure,
    }


def look_json(request: Request, state: SandboxState, look: Look, now: float) -> dict[str, Any]:
    asset = state.assets[look.asset_id]
    status = state.look_status(look, now) if look.ownership == "private" else None
    group = state.groups.get(look.group_id)
    return {
        "id": look.id,
        "name": look.name,
        "avatar_type": look.avatar_type,
        "group_id": look.group_id,
        "preview_image_url": media_url(request, f"assets/{asset.id}"),
        "preview_video_url": None,
        "image_width": asset.width,
        "image_height": asset.height,
        "preferred_orientation": orientation(asset.width, asset.height),
        "supported_api_engines": supported_engines(look),
        "status": status,
        "default_voice_id": group.default_voice_id if group else None,
        "gender": look.gender,
        "tags": ["motion"] if look.is_motion else [],
        "error": {"code": "avatar_processing_failed", "message": look.failure} if status == "failed" else None,
    }


def voice_json(request: Request, voice: Voice) -> dict[str, Any]:
    return {
        "voice_id": voice.id,
        "name": voice.name,
        "language": voice.language,
        "gender": voice.gender,
        "preview_audio_url": media_url(request, f"voices/{voice.id}.wav"),
        "support_pause": True,
        "support_locale": voice.starfish,  # the speech endpoint speaks it in another locale's language
        "type": "public",
    }


def video_status_v3(state: SandboxState, video: Video, now: float) -> str:
    """v3 has no `waiting`: a queued render reads `pending`."""
    status = state.video_status(video, now)
    return "pending" if status == "waiting" else status


def video_json(request: Request, state: SandboxState, video: Video, now: float) -> dict[str, Any]:
    done = state.video_status(video, now) == "completed"
    file = f"videos/{video.id}.{video.output_format}"
    return {
        "id": video.id,
        "title": video.title,
        "status": video_status_v3(state, video, now),
        "created_at": int(video.created_at),
        "completed_at": int(state.video_done_at(video)) if done else None,
        "duration": round(video.duration_s, 3) if done else None,
        "video_url": media_url(request, file) if done else None,
        "thumbnail_url": media_url(request, f"videos/{video.id}.jpg") if done else None,
        "subtitle_url": media_url(request, f"videos/{video.id}.srt") if done else None,
        "captioned_video_url": captioned_url(request, video) if done else None,
        "gif_url": None,
        "video_page_url": None,
        "folder_id": None,
        "failure_code": None,
        "failure_message": None,
    }


def captioned_url(request: Request, video: Video) -> str | None:
    """Where the copy with captions burned in is, for a video that asked for one."""
    return media_url(request, f"videos/{video.id}/captioned.{video.output_format}") if video.burn_captions else None


def batch_item_status(state: SandboxState, item: BatchItem, now: float) -> str:
    """A batch item's status word: queued until a render slot takes it, then its video's."""
    if item.error is not None:
        return "failed"
    video = state.videos.get(item.video_id or "")
    if item.video_id is None:
        return "queued"
    if video is None:  # deleted by its owner after it was made
        return "completed"
    status = video_status_v3(state, video, now)
    return status if status in ("completed", "failed") else "processing"
