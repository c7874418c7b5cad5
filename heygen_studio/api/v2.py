"""HeyGen's legacy API (v1/v2): photo avatar groups, training, AI photos and looks, Avatar IV videos."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from heygen_studio.api.base import HeyGenApi, OwnershipName
from heygen_studio.api.errors import HeyGenError, NotFoundError
from heygen_studio.api.limits import V2_LIMITS
from heygen_studio.api.mapping import v2_dimension, v2_flat_form, v2_orientation, v2_talking_style
from heygen_studio.api.models import (
    Account,
    Asset,
    AvatarGroup,
    CreatedAvatar,
    Generation,
    Look,
    Orientation,
    Page,
    PhotoPrompt,
    Pose,
    SceneSpec,
    Status,
    Style,
    SubmittedVideo,
    TrainingStatus,
    VideoKind,
    VideoSpec,
    VideoStatus,
    VideoSummary,
    Voice,
)
from heygen_studio.api.upload_progress import ProgressBody, UploadProgress
from heygen_studio.domain.money import Balance, BillingType, Currency, Money, to_decimal

_UPLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_LOOKS_PER_ADD = 4
_SECONDS_PER_CREDIT = 60
_UNTITLED = "Untitled video"


def build_video_request(spec: VideoSpec) -> dict[str, Any]:
    """The POST /v2/video/av4/generate body for `spec`: HeyGen's documented flat form for one scene
    (script, video_orientation, fit), the `scenes` form (one voice, per-scene emotion and motion) for several."""
    if v2_flat_form(spec):
        return _flat_request(spec)
    size = v2_dimension(spec)
    scenes = []
    for scene in spec.scenes:
        style = v2_talking_style(scene)
        entry: dict[str, Any] = {"script": scene.script}
        if scene.emotion is not None:
            entry["emotion"] = scene.emotion.value
        if style is not None:
            entry["talking_style"] = style.value
        entry.update(_motion(scene))
        scenes.append(entry)
    body: dict[str, Any] = {
        "image_key": spec.look_id,
        "voice_id": spec.scenes[0].voice_id if spec.scenes else "",
        "dimension": {"width": size.width, "height": size.height},
        "caption": spec.caption,
        "scenes": scenes,
    }
    if spec.title:
        body["video_title"] = spec.title
    return body


def _flat_request(spec: VideoSpec) -> dict[str, Any]:
    """docs.heygen.com/docs/create-avatar-iv-videos: image_key, video_title, script and voice_id are required
    (`caption` is not in that form; it is sent only when asked for, so the choice is not lost)."""
    scene = spec.scenes[0]
    body = {
        "image_key": spec.look_id,
        "video_title": spec.title or _UNTITLED,
        "script": scene.script,
        "voice_id": scene.voice_id,
        "video_orientation": v2_orientation(spec),
        "fit": "cover",
        **_motion(scene),
    }
    if spec.caption:
        body["caption"] = True
    return body


def _motion(scene: SceneSpec) -> dict[str, Any]:
    if not scene.motion_prompt:
        return {}
    return {"custom_motion_prompt": scene.motion_prompt, "enhance_custom_motion_prompt": scene.enhance_motion_prompt}


class V2Api(HeyGenApi):
    """HeyGen's legacy API, retired 2026-11-01. Its creates have no idempotency: a lost answer is never re-sent."""

    generation = "v2"
    limits = V2_LIMITS

    async def account(self) -> Account:
        data = await self._get("/v2/user/remaining_quota")
        quota = data.get("remaining_quota")
        return Account(
            name="",
            email=None,
            balance=Balance(
                BillingType.LEGACY_QUOTA,
                Currency.CREDITS,
                None if quota is None else Money.credits(to_decimal(quota) / _SECONDS_PER_CREDIT),
            ),
        )

    async def upload_photo(
        self, data: bytes, mime_type: str, filename: str = "photo", progress: UploadProgress | None = None
    ) -> Asset:
        self.check_upload(data, mime_type)
        content = data if progress is None else ProgressBody(data, progress)
        # Re-sending an upload at worst stores the same photo twice, at no cost: safe to retry.
        body = await self._transport.request(
            "POST",
            "/v1/asset",
            content=content,
            headers={"Content-Type": mime_type, "Content-Length": str(len(data))},
            upload=True,
            http_timeout=_UPLOAD_TIMEOUT,
            retry_safe=True,
        )
        asset = body.get("data") or {}
        return Asset(
            ref=asset["image_key"],
            url=asset.get("url"),
            mime_type=mime_type,
            size_bytes=len(data),
            asset_id=asset.get("id"),
        )

    async def create_photo_avatar(self, name: str, asset_ref: str, group_id: str | None = None) -> CreatedAvatar:
        if group_id:
            looks = await self.add_looks(group_id, [asset_ref], name)
            return CreatedAvatar(group=AvatarGroup(id=group_id, name=name), look=looks[0] if looks else None)
        data = await self._post("/v2/photo_avatar/avatar_group/create", {"name": name, "image_key": asset_ref})
        group_id = data.get("group_id") or data["id"]
        group = AvatarGroup(
            id=group_id,
            name=data.get("name") or name,
            status=Status.parse(data.get("status")),
            looks_count=1,
            preview_image_url=data.get("image_url"),
        )
        return CreatedAvatar(group=group, look=await self._first_look(group_id, _look({**data, "group_id": group_id})))

    async def add_looks(self, group_id: str, asset_refs: list[str], name: str) -> list[Look] | None:
        looks: list[Look] = []
        listed = True
        for start in range(0, len(asset_refs), _LOOKS_PER_ADD):
            batch = asset_refs[start : start + _LOOKS_PER_ADD]
            data = await self._post(
                "/v2/photo_avatar/avatar_group/add", {"group_id": group_id, "image_keys": batch, "name": name}
            )
            items = _first_list(data, "photo_avatar_list", "avatar_list", "looks")
            listed = listed and items is not None
            looks.extend(_look({"group_id": group_id, **item}) for item in items or [])
        return looks if listed else None

    async def train(self, group_id: str) -> None:
        await self._post("/v2/photo_avatar/train", {"group_id": group_id})

    async def training_status(self, group_id: str) -> TrainingStatus:
        data = await self._get(f"/v2/photo_avatar/train/status/{_id(group_id)}")
        return TrainingStatus(
            group_id=group_id,
            status=Status.parse(data.get("status"), Status.PENDING),
            error=data.get("error_msg") or None,
        )

    async def generate_photos(self, prompt: PhotoPrompt) -> str:
        self.check_prompt(prompt.appearance, prompt.appearance, "appearance")
        data = await self._post(
            "/v2/photo_avatar/photo/generate",
            {
                "name": prompt.name,
                "age": prompt.age.value,
                "gender": prompt.gender.value,
                "ethnicity": prompt.ethnicity.value,
                "orientation": prompt.orientation.value,
                "pose": prompt.pose.value,
                "style": prompt.style.value,
                "appearance": prompt.appearance,
            },
        )
        return str(data["generation_id"])

    async def generate_looks(
        self, group_id: str, prompt: str, orientation: Orientation, pose: Pose, style: Style
    ) -> str:
        self.check_prompt(prompt, prompt, "prompt")
        data = await self._post(
            "/v2/photo_avatar/look/generate",
            {
                "group_id": group_id,
                "prompt": prompt,
                "orientation": orientation.value,
                "pose": pose.value,
                "style": style.value,
            },
        )
        return str(data["generation_id"])

    async def generation_status(self, generation_id: str) -> Generation:
        data = await self._get(f"/v2/photo_avatar/generation/{_id(generation_id)}")
        return Generation(
            id=data.get("id") or generation_id,
            status=Status.parse(data.get("status"), Status.PENDING),
            image_urls=tuple(data.get("image_url_list") or ()),
            image_keys=tuple(data.get("image_key_list") or ()),
            message=data.get("msg") or None,
        )

    async def add_motion(self, look_id: str) -> str:
        data = await self._post("/v2/photo_avatar/add_motion", {"id": look_id})
        return str(data["id"])

    async def add_sound_effect(self, look_id: str) -> None:
        await self._post("/v2/photo_avatar/add_sound_effect", {"id": look_id})

    async def list_groups(
        self, ownership: OwnershipName = "private", token: str | None = None, limit: int = 50
    ) -> Page[AvatarGroup]:
        groups = await self._groups(include_public=ownership == "public")
        return Page(items=tuple(group for group in groups if group.is_public == (ownership == "public")))

    async def list_looks(
        self,
        group_id: str | None = None,
        ownership: OwnershipName = "private",
        token: str | None = None,
        limit: int = 50,
    ) -> Page[Look]:
        if group_id:
            data = await self._get(f"/v2/avatar_group/{_id(group_id)}/avatars")
            return Page(items=tuple(_look({"group_id": group_id, **item}) for item in data.get("avatar_list") or []))
        data = await self._get("/v2/avatars")
        key = "avatars" if ownership == "public" else "talking_photos"
        return Page(items=tuple(_look(item) for item in data.get(key) or []))

    async def get_look(self, look_id: str) -> Look:
        return _look(await self._get(f"/v2/photo_avatar/{_id(look_id)}"))

    async def rename_look(self, look_id: str, name: str) -> Look:
        raise self.unsupported("Renaming a look", "switch to the current API in Settings to rename looks.")

    async def delete_look(self, look_id: str) -> None:
        await self._transport.request("DELETE", f"/v2/photo_avatar/{_id(look_id)}")

    async def get_group(self, group_id: str) -> AvatarGroup:
        for group in await self._groups(include_public=True):
            if group.id == group_id:
                return group
        raise NotFoundError(status=404, code="not_found")

    async def delete_group(self, group_id: str) -> None:
        await self._transport.request("DELETE", f"/v2/photo_avatar_group/{_id(group_id)}")

    async def consent_url(self, group_id: str) -> str:
        raise self.unsupported("Avatar consent", "the legacy API does not ask for consent through the app.")

    async def list_voices(
        self, language: str | None = None, gender: str | None = None, token: str | None = None
    ) -> Page[Voice]:
        data = await self._get("/v2/voices")
        voices = (_voice(item) for item in data.get("voices") or [])
        return Page(
            items=tuple(
                voice for voice in voices if _matches(voice.language, language) and _matches(voice.gender, gender)
            )
        )

    def build_video_request(self, spec: VideoSpec) -> dict[str, Any]:
        return build_video_request(spec)

    def check_video_spec(self, spec: VideoSpec) -> None:
        """Also the render choices only the current API has: they are refused, never silently dropped."""
        for wanted, what in (
            (spec.kind is VideoKind.IMAGE, "A video made straight from a photo"),
            (spec.audio_asset_id is not None, "Lip-syncing your own recording"),
            (spec.burn_captions, "Burning captions into the video"),
            (spec.transparent, "A transparent background"),
        ):
            if wanted:
                raise self.unsupported(what, "switch to the current API (v3) in Settings, or turn it off.")
        super().check_video_spec(spec)

    async def submit_video(self, spec: VideoSpec, idempotency_key: str) -> SubmittedVideo:
        """Start an Avatar IV render. The legacy API has no idempotency, so the key is not sent."""
        self.check_video_spec(spec)
        data = await self._post("/v2/video/av4/generate", build_video_request(spec))
        return SubmittedVideo(video_id=str(data["video_id"]), status=Status.WAITING)

    async def video_status(self, video_id: str) -> VideoStatus:
        data = await self._get("/v1/video_status.get", {"video_id": video_id})
        error = data.get("error") or {}
        return VideoStatus(
            video_id=data.get("id") or video_id,
            status=Status.parse(data.get("status"), Status.PROCESSING),
            video_url=data.get("video_url"),
            thumbnail_url=data.get("thumbnail_url"),
            caption_url=data.get("caption_url"),
            duration_s=data.get("duration"),
            error_code=_text(error.get("code")),
            error_message=error.get("detail") or error.get("message"),
        )

    async def video_statuses(self, video_ids: list[str]) -> dict[str, VideoStatus]:
        statuses: dict[str, VideoStatus] = {}
        for video_id in video_ids:
            try:
                statuses[video_id] = await self.video_status(video_id)
            except NotFoundError:
                statuses[video_id] = VideoStatus(video_id=video_id, status=Status.NOT_FOUND)
        return statuses

    async def list_videos(self, title: str | None = None, token: str | None = None) -> Page[VideoSummary]:
        data = await self._get("/v1/video.list", {"token": token})
        videos = (_summary(item) for item in data.get("videos") or [])
        wanted = title.lower() if title else None
        items = tuple(video for video in videos if wanted is None or wanted in (video.title or "").lower())
        return Page(items=items, next_token=data.get("token") or None)

    async def delete_video(self, video_id: str) -> None:
        await self._transport.request("DELETE", "/v1/video.delete", params={"video_id": video_id})

    # --- plumbing --------------------------------------------------------------------------------

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return (await self._transport.request("GET", path, params=params)).get("data") or {}

    async def _post(self, path: str, json: dict[str, Any]) -> dict[str, Any]:
        return (await self._transport.request("POST", path, json=json)).get("data") or {}

    async def _first_look(self, group_id: str, fallback: Look) -> Look:
        """The new group's own look: its id works with every photo_avatar endpoint, unlike the group id.

        The create already happened, so a failure to list is no failure of the create: fall back.
        """
        try:
            looks = await self.list_looks(group_id)
        except HeyGenError:
            return fallback
        return looks.items[0] if looks.items else fallback

    async def _groups(self, include_public: bool) -> list[AvatarGroup]:
        data = await self._get("/v2/avatar_group.list", {"include_public": str(include_public).lower()})
        return [_group(item) for item in data.get("avatar_group_list") or []]


def _group(data: dict[str, Any]) -> AvatarGroup:
    group_type = str(data.get("group_type") or "")
    return AvatarGroup(
        id=data["id"],
        name=data.get("name") or "",
        status=Status.parse(_trained(data.get("train_status"))),
        looks_count=data.get("num_looks"),
        preview_image_url=data.get("preview_image"),
        created_at=_int(data.get("created_at")),
        default_voice_id=data.get("default_voice_id"),
        is_public="public" in group_type.lower(),
    )


def _trained(train_status: str | None) -> str | None:
    """A group's train status; "empty" (never trained) is no status at all."""
    return None if train_status == "empty" else train_status


def _look(data: dict[str, Any]) -> Look:
    return Look(
        id=str(data.get("id") or data.get("talking_photo_id") or data.get("avatar_id")),
        name=data.get("name") or data.get("talking_photo_name") or data.get("avatar_name") or "",
        group_id=data.get("group_id"),
        status=Status.parse(data.get("status")),
        avatar_type="photo_avatar" if "avatar_id" not in data else "studio_avatar",
        preview_image_url=data.get("image_url") or data.get("preview_image_url"),
        preview_video_url=data.get("preview_video_url") or data.get("motion_preview_url"),
        is_motion=data.get("is_motion"),
    )


def _voice(data: dict[str, Any]) -> Voice:
    return Voice(
        id=data["voice_id"],
        name=data.get("name") or data.get("display_name") or "",
        language=data.get("language"),
        gender=data.get("gender"),
        preview_audio_url=data.get("preview_audio"),
        supports_emotion=data.get("emotion_support"),
    )


def _summary(data: dict[str, Any]) -> VideoSummary:
    return VideoSummary(
        video_id=str(data.get("video_id") or data.get("id")),
        title=data.get("video_title") or data.get("title"),
        status=Status.parse(data.get("status"), Status.PROCESSING),
        created_at=_int(data.get("created_at")),
        thumbnail_url=data.get("thumbnail_url"),
    )


def _first_list(data: dict[str, Any], *keys: str) -> list[dict[str, Any]] | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, list):
            return value
    return None


def _matches(value: str | None, wanted: str | None) -> bool:
    return wanted is None or (value or "").lower() == wanted.lower()


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _id(value: str) -> str:
    return quote(value, safe="")
