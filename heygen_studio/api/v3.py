"""HeyGen's current API (v3): assets, photo and prompt avatars, looks, consent, voices, videos."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import httpx

from heygen_studio.api.base import HeyGenApi, OwnershipName
from heygen_studio.api.errors import HeyGenError, InvalidRequestError
from heygen_studio.api.limits import SPEECH_SPEED_RANGE, V3_LIMITS
from heygen_studio.api.mapping import (
    ENGINE_NAMES,
    v3_expressiveness,
    v3_shape,
    v3_takes_expressiveness,
    v3_takes_motion_prompt,
)
from heygen_studio.api.models import (
    MAX_BATCH_VIDEOS,
    PENDING_UPLOAD,
    Account,
    Age,
    Asset,
    AvatarGroup,
    BatchItem,
    CreatedAvatar,
    Generation,
    Look,
    Orientation,
    Page,
    PhotoPrompt,
    Pose,
    Resolution,
    SceneSpec,
    SpeechClip,
    Status,
    Style,
    SubmittedVideo,
    TrainingStatus,
    VideoBatch,
    VideoKind,
    VideoSpec,
    VideoStatus,
    VideoSummary,
    Voice,
    WordTiming,
)
from heygen_studio.api.transport import IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY, Transport
from heygen_studio.api.upload_progress import ProgressFile, UploadProgress
from heygen_studio.domain.money import Balance, BillingType, Currency, Money, to_decimal
from heygen_studio.domain.pricing import Engine

_UPLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_STATUS_BATCH = 50
SPEECH_TEXT_CHARS = 5000
_STARFISH_PAGES = 100  # at most this many pages of starfish voices are read to learn which voices can speak
_AGE_WORDS = {
    Age.YOUNG_ADULT: "young adult",
    Age.EARLY_MIDDLE_AGE: "early middle-aged",
    Age.LATE_MIDDLE_AGE: "late middle-aged",
    Age.SENIOR: "senior",
}


def build_video_request(spec: VideoSpec) -> dict[str, Any]:
    """The POST /v3/videos body for `spec`: type avatar (or image, animating a photo) for one scene, type
    studio for several; burned-in captions, a transparent webm and the user's own recording where asked."""
    aspect_ratio, resolution = v3_shape(spec)
    caption = {"file_format": "srt", "style": "default" if spec.burn_captions else None}
    common = _drop_none(
        {
            "aspect_ratio": aspect_ratio.value,
            "resolution": resolution.value,
            "caption": _drop_none(caption) if spec.caption or spec.burn_captions else None,
            "title": spec.title,
            "callback_id": spec.callback_id,
        }
    )
    if len(spec.scenes) == 1:
        body = _scene_input(spec, spec.scenes[0])
        if spec.transparent:  # HeyGen refuses a background with webm, and removes it by itself
            body.update(remove_background=True, output_format="webm")
        elif spec.background_color:
            body["background"] = {"type": "color", "value": spec.background_color}
        return {**body, **common}
    scenes = []
    for scene in spec.scenes:
        scene_input = _scene_input(spec, scene)
        if spec.background_color and spec.kind is VideoKind.AVATAR:  # image inputs take no background
            scene_input["background"] = {"type": "color", "color": spec.background_color}
        scenes.append({"type": "avatar_video", "input": scene_input})
    return {"type": "studio", "scenes": scenes, **common}


def check_speech(text: str, speed: float) -> None:
    """InvalidRequestError, before anything is sent (or paid), for a script or speed the speech endpoint refuses."""
    if not text.strip():
        raise InvalidRequestError("There is nothing to say: write the scene's script first.", field="text")
    if len(text) > SPEECH_TEXT_CHARS:
        raise InvalidRequestError(
            f"The script is {len(text)} characters; HeyGen speaks at most {SPEECH_TEXT_CHARS} at once. "
            "Shorten it or split it into scenes.",
            field="text",
        )
    low, high = SPEECH_SPEED_RANGE
    if not (math.isfinite(speed) and low <= speed <= high):
        raise InvalidRequestError(
            f"The voice speed is {speed:g}×; HeyGen speaks at {low:g}× to {high:g}×. Set it within that range.",
            field="speed",
        )


def render_choice_problem(spec: VideoSpec) -> tuple[str, str] | None:
    """(field, what to change) for the first choice of `spec` HeyGen refuses in POST /v3/videos; None if none."""
    engine, scenes = ENGINE_NAMES[spec.engine], len(spec.scenes)
    if spec.kind is VideoKind.IMAGE:
        if not spec.image_asset_id:
            return "image", "Choose the photo to animate, then render again."
        if spec.engine is not Engine.AVATAR_IV:
            return "engine", (
                f"A video made straight from a photo renders on Avatar IV; HeyGen takes no {engine} for it. "
                f"Choose Avatar IV, or create an avatar from the photo to render on {engine}."
            )
    elif spec.supported_engines and spec.engine not in spec.supported_engines:
        offered = " and ".join(ENGINE_NAMES[each] for each in spec.supported_engines)
        return "engine", f"This look renders on {offered}, not {engine}. Choose one of those engines."
    if spec.engine is Engine.AVATAR_III:
        prompted = [number for number, scene in enumerate(spec.scenes, start=1) if scene.motion_prompt]
        if prompted:
            which = ", ".join(map(str, prompted))
            return "motion_prompt", (
                f"The Avatar III engine takes no motion prompt, and scene {which} has one. Clear it, or choose "
                "Avatar IV to keep the movement."
            )
        if spec.is_photo_avatar and spec.resolution is Resolution.UHD_4K:
            return "resolution", "Avatar III renders photo avatars at up to 1080p. Choose 1080p, or Avatar IV for 4K."
    if spec.audio_asset_id and scenes > 1:
        return "audio_asset_id", (
            f"Your own recording is the sound of a one-scene video, and this video has {scenes} scenes. "
            "Remove the other scenes, or remove the recording to speak the scripts."
        )
    if spec.transparent and scenes > 1:
        return "output_format", (
            f"A transparent background is made for one-scene videos only, and this video has {scenes} scenes. "
            "Remove the other scenes, or turn the transparent background off."
        )
    return None


def photo_prompt_text(prompt: PhotoPrompt) -> str:
    """The eight legacy photo fields written as one v3 prompt (Unspecified ones left out)."""
    described = [
        _AGE_WORDS.get(prompt.age, ""),
        _text_or_empty(prompt.ethnicity.value),
        _text_or_empty(prompt.gender.value).lower() or "person",
    ]
    person = " ".join(word for word in described if word)
    return look_prompt_text(
        f"{prompt.appearance.strip().rstrip('.')}. A {person}", prompt.orientation, prompt.pose, prompt.style
    )


def look_prompt_text(prompt: str, orientation: Orientation, pose: Pose, style: Style) -> str:
    """A look prompt with the legacy framing choices written into it (v3 has no separate fields)."""
    parts = [prompt.strip().rstrip(".") + "."]
    parts.append(f"{pose.value.replace('_', ' ').capitalize()} shot, {orientation.value} framing.")
    if style is not Style.UNSPECIFIED:
        parts.append(f"{style.value} style.")
    return " ".join(parts)


class V3Api(HeyGenApi):
    """HeyGen's current API. Every POST carries an Idempotency-Key, so retries never duplicate."""

    generation = "v3"
    limits = V3_LIMITS

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self._starfish: frozenset[str] | None = None
        self._starfish_listed = False
        self._starfish_lock = asyncio.Lock()

    async def account(self) -> Account:
        data = await self._get("/v3/users/me")
        names = " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part)
        return Account(
            name=names or data.get("username") or "",
            email=data.get("email"),
            balance=account_balance(data),
        )

    async def upload_photo(
        self, data: bytes, mime_type: str, filename: str = "photo", progress: UploadProgress | None = None
    ) -> Asset:
        self.check_upload(data, mime_type)
        file = data if progress is None else ProgressFile(data, progress)
        body = await self._post("/v3/assets", files={"file": (filename, file, mime_type)}, http_timeout=_UPLOAD_TIMEOUT)
        return _asset(body["data"])

    async def upload_asset(self, data: bytes, mime_type: str, filename: str, idempotency_key: str) -> Asset:
        body = await self._post(
            "/v3/assets",
            key=idempotency_key,
            files={"file": (filename, data, mime_type)},
            http_timeout=_UPLOAD_TIMEOUT,
        )
        return _asset(body["data"])

    async def create_photo_avatar(self, name: str, asset_ref: str, group_id: str | None = None) -> CreatedAvatar:
        request: dict[str, Any] = {"type": "photo", "name": name, "file": {"type": "asset_id", "asset_id": asset_ref}}
        if group_id:
            request["avatar_group_id"] = group_id
        return _created(await self._create_avatar(request), name, group_id)

    async def add_looks(self, group_id: str, asset_refs: list[str], name: str) -> list[Look] | None:
        looks = []
        for ref in asset_refs:
            created = await self.create_photo_avatar(name, ref, group_id)
            if created.look is not None:
                looks.append(created.look)
        return looks

    async def train(self, group_id: str) -> None:
        raise self.unsupported(
            "Training", "HeyGen prepares photo avatars by itself; there is no separate training step."
        )

    async def training_status(self, group_id: str) -> TrainingStatus:
        group = await self.get_group(group_id)
        return TrainingStatus(group_id=group.id, status=group.status or Status.COMPLETED, error=group.error)

    async def generate_photos(self, prompt: PhotoPrompt) -> str:
        text = photo_prompt_text(prompt)
        self.check_prompt(text, prompt.appearance, "appearance")
        data = await self._create_avatar({"type": "prompt", "name": prompt.name, "prompt": text})
        return _poll_id(_created(data, prompt.name, None))

    async def generate_looks(
        self, group_id: str, prompt: str, orientation: Orientation, pose: Pose, style: Style
    ) -> str:
        """New looks of the group's person: HeyGen keeps the person only when `avatar_id` names one of their
        looks (a group id alone makes a new random person), so a finished look of the group is the reference."""
        text = look_prompt_text(prompt, orientation, pose, style)
        self.check_prompt(text, prompt, "prompt")
        request = {
            "type": "prompt",
            "name": prompt.strip()[:60] or "New look",
            "prompt": text,
            "avatar_id": await self._reference_look(group_id),
            "avatar_group_id": group_id,
        }
        return _poll_id(_created(await self._create_avatar(request), request["name"], group_id))

    async def _reference_look(self, group_id: str) -> str:
        """A completed look of the group, to keep the person in new looks."""
        token: str | None = None
        while True:
            page = await self.list_looks(group_id, token=token)
            ready = next((look for look in page.items if look.status is Status.COMPLETED), None)
            if ready is not None:
                return ready.id
            if not page.has_more:
                raise InvalidRequestError(
                    "This avatar has no finished look yet, so HeyGen has no picture of the person to keep. "
                    "Wait until its photo is processed, then make new looks.",
                    field="group_id",
                )
            token = page.next_token

    async def generation_status(self, generation_id: str) -> Generation:
        look = await self.get_look(generation_id)
        return Generation(
            id=look.id,
            status=look.status or Status.COMPLETED,
            image_urls=(look.preview_image_url,) if look.preview_image_url else (),
            message=look.error,
        )

    async def add_motion(self, look_id: str) -> str:
        raise self.unsupported("Adding motion", "describe the movement in each scene's motion prompt instead.")

    async def add_sound_effect(self, look_id: str) -> None:
        raise self.unsupported("Adding a sound effect", "the legacy API is the only one that offers it.")

    async def list_groups(
        self, ownership: OwnershipName = "private", token: str | None = None, limit: int = 50
    ) -> Page[AvatarGroup]:
        body = await self._get_body("/v3/avatars", {"ownership": ownership, "token": token, "limit": _cap(limit, 50)})
        return _page(body, lambda item: _group(item, is_public=ownership == "public"))

    async def list_looks(
        self,
        group_id: str | None = None,
        ownership: OwnershipName = "private",
        token: str | None = None,
        limit: int = 50,
    ) -> Page[Look]:
        params = {"group_id": group_id, "ownership": ownership, "token": token, "limit": _cap(limit, 50)}
        return _page(await self._get_body("/v3/avatars/looks", params), _look)

    async def get_look(self, look_id: str) -> Look:
        return _look(await self._get(f"/v3/avatars/looks/{_id(look_id)}"))

    async def rename_look(self, look_id: str, name: str) -> Look:
        body = await self._transport.request("PATCH", f"/v3/avatars/looks/{_id(look_id)}", json={"name": name})
        return _look(body["data"])

    async def delete_look(self, look_id: str) -> None:
        await self._transport.request("DELETE", f"/v3/avatars/looks/{_id(look_id)}")

    async def get_group(self, group_id: str) -> AvatarGroup:
        return _group(await self._get(f"/v3/avatars/{_id(group_id)}"))

    async def delete_group(self, group_id: str) -> None:
        await self._transport.request("DELETE", f"/v3/avatars/{_id(group_id)}")

    async def consent_url(self, group_id: str) -> str:
        body = await self._post(f"/v3/avatars/{_id(group_id)}/consent", json={})
        url = (body.get("data") or {}).get("url")
        if not url:
            raise HeyGenError(
                "HeyGen did not send a consent page for this avatar; it may not need one. Refresh and check its status."
            )
        return str(url)

    async def list_voices(
        self, language: str | None = None, gender: str | None = None, token: str | None = None
    ) -> Page[Voice]:
        """Also whether each voice can speak a script on its own (`can_speak`: listed with `engine=starfish`)."""
        params = {"language": language, "gender": gender, "token": token, "limit": 100}
        page = _page(await self._get_body("/v3/voices", params), _voice)
        speaking = await self._starfish_voices()
        if speaking is None:
            return page
        return Page(
            items=tuple(replace(voice, can_speak=voice.id in speaking) for voice in page.items),
            next_token=page.next_token,
        )

    async def _starfish_voices(self) -> frozenset[str] | None:
        """The ids of the voices `POST /v3/voices/speech` speaks with, listed once per client; None when HeyGen
        does not take the engine filter."""
        async with self._starfish_lock:
            if not self._starfish_listed:
                ids: set[str] = set()
                token: str | None = None
                try:
                    for _ in range(_STARFISH_PAGES):
                        params = {"engine": "starfish", "token": token, "limit": 100}
                        page = _page(await self._get_body("/v3/voices", params), _voice)
                        ids.update(voice.id for voice in page.items)
                        token = page.next_token
                        if token is None:
                            break
                    self._starfish = frozenset(ids)
                except InvalidRequestError:
                    self._starfish = None
                self._starfish_listed = True
            return self._starfish

    async def generate_speech(
        self, voice_id: str, text: str, speed: float = 1.0, locale: str | None = None
    ) -> SpeechClip:
        check_speech(text, speed)
        body = _drop_none({"text": text, "voice_id": voice_id, "speed": speed, "locale": locale})
        # No Idempotency-Key (HeyGen does not honour one here), so a failed attempt is not retried and billed twice.
        data = (await self._transport.request("POST", "/v3/voices/speech", json=body)).get("data") or {}
        return SpeechClip(
            audio_url=data["audio_url"],
            duration_s=float(data["duration"]),
            words=tuple(
                WordTiming(str(word["word"]), float(word["start"]), float(word["end"]))
                for word in data.get("word_timestamps") or ()
            ),
            request_id=data.get("request_id"),
        )

    def build_video_request(self, spec: VideoSpec) -> dict[str, Any]:
        return build_video_request(spec)

    def check_video_spec(self, spec: VideoSpec) -> None:
        """Also what HeyGen refuses of the new render choices (engine, image videos, own recording, transparent
        background) and each scene's voice speed and pitch, which v3 sends and HeyGen bounds."""
        super().check_video_spec(spec)
        problem = render_choice_problem(spec)
        if problem:
            raise InvalidRequestError(problem[1], field=problem[0])
        if spec.audio_asset_id:  # no voice settings are sent with the user's own recording
            return
        for number, scene in enumerate(spec.scenes, start=1):
            for what, value, (low, high), unit in (
                ("voice speed", scene.speed, self.limits.speed_range, "×"),
                ("voice pitch", scene.pitch, self.limits.pitch_range, " semitones"),
            ):
                if not (math.isfinite(value) and low <= value <= high):
                    raise InvalidRequestError(
                        f"Scene {number}'s {what} is {value:g}{unit}; in videos HeyGen takes {low:g} to {high:g}"
                        f"{unit}. Set it within that range and render again.",
                        field="speed" if what == "voice speed" else "pitch",
                    )

    def check_uploaded(self, spec: VideoSpec) -> None:
        """InvalidRequestError while a file the video needs is still to be uploaded (the queue uploads it)."""
        if PENDING_UPLOAD in (spec.audio_asset_id, spec.image_asset_id):
            what = "recording" if spec.audio_asset_id == PENDING_UPLOAD else "photo"
            raise InvalidRequestError(
                f"The {what} this video needs is not uploaded yet, so it was not sent. Render it through the "
                "queue (the Render button or heygen-studio render), which uploads it first.",
                field="audio_asset_id" if what == "recording" else "image",
            )

    async def submit_video(self, spec: VideoSpec, idempotency_key: str) -> SubmittedVideo:
        self.check_video_spec(spec)
        self.check_uploaded(spec)
        body = await self._post("/v3/videos", json=build_video_request(spec), key=idempotency_key)
        data = body["data"]
        return SubmittedVideo(video_id=data["video_id"], status=Status.parse(data.get("status"), Status.WAITING))

    def build_video_batch_request(self, specs: Sequence[VideoSpec], title: str | None = None) -> dict[str, Any]:
        return _drop_none({"title": title, "videos": [build_video_request(spec) for spec in specs]})

    async def submit_video_batch(self, specs: Sequence[VideoSpec], title: str | None = None) -> str:
        if not 1 <= len(specs) <= MAX_BATCH_VIDEOS:
            raise InvalidRequestError(
                f"A batch takes 1 to {MAX_BATCH_VIDEOS} videos; this one has {len(specs)}.", field="videos"
            )
        for index, spec in enumerate(specs):
            try:
                self.check_video_spec(spec)
                self.check_uploaded(spec)
            except InvalidRequestError as error:
                raise InvalidRequestError(
                    f"Video {index + 1} of the batch: {error}", field=f"videos[{index}].{error.field or 'body'}"
                ) from None
        # No Idempotency-Key: HeyGen ignores it here, and without one the transport never re-sends the call
        # after a lost answer or a 5xx (which could make every video twice).
        body = await self._transport.request(
            "POST", "/v3/videos/batches", json=self.build_video_batch_request(specs, title)
        )
        return str(body["data"]["batch_id"])

    async def video_batch(self, batch_id: str, token: str | None = None) -> VideoBatch:
        data = await self._get(f"/v3/videos/batches/{_id(batch_id)}", {"limit": MAX_BATCH_VIDEOS, "token": token})
        return VideoBatch(
            batch_id=data.get("batch_id") or batch_id,
            status=Status.parse(data.get("status"), Status.PROCESSING),
            total_items=int(data.get("total_items") or 0),
            counts={str(key): int(value) for key, value in (data.get("counts_by_status") or {}).items()},
            items=tuple(_batch_item(item) for item in data.get("items") or []),
            next_token=(data.get("next_token") or None) if data.get("has_more") else None,
            title=data.get("title"),
        )

    async def video_status(self, video_id: str) -> VideoStatus:
        data = await self._get(f"/v3/videos/{_id(video_id)}")
        return VideoStatus(
            video_id=data.get("id") or video_id,
            status=Status.parse(data.get("status"), Status.PROCESSING),
            video_url=data.get("video_url"),
            thumbnail_url=data.get("thumbnail_url"),
            caption_url=data.get("subtitle_url"),
            captioned_video_url=data.get("captioned_video_url"),
            duration_s=data.get("duration"),
            error_code=data.get("failure_code"),
            error_message=data.get("failure_message"),
        )

    async def video_statuses(self, video_ids: list[str]) -> dict[str, VideoStatus]:
        found: dict[str, VideoStatus] = {}
        for start in range(0, len(video_ids), _STATUS_BATCH):
            chunk = video_ids[start : start + _STATUS_BATCH]
            body = await self._get_body("/v3/videos/statuses", {"video_ids": ",".join(chunk)})
            for item in body.get("data") or []:
                if item.get("video_id"):
                    error = item.get("error") or {}
                    found[item["video_id"]] = VideoStatus(
                        video_id=item["video_id"],
                        status=Status.parse(item.get("status"), Status.PROCESSING),
                        error_code=error.get("code"),
                        error_message=error.get("message"),
                    )
        return {vid: found.get(vid, VideoStatus(video_id=vid, status=Status.NOT_FOUND)) for vid in video_ids}

    async def list_videos(self, title: str | None = None, token: str | None = None) -> Page[VideoSummary]:
        body = await self._get_body("/v3/videos", {"title": title, "token": token, "limit": 50})
        return _page(body, _summary)

    async def delete_video(self, video_id: str) -> None:
        await self._transport.request("DELETE", f"/v3/videos/{_id(video_id)}")

    # --- plumbing --------------------------------------------------------------------------------

    async def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return (await self._get_body(path, params)).get("data") or {}

    async def _get_body(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self._transport.request("GET", path, params=params)

    async def _post(self, path: str, *, key: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """POST with an Idempotency-Key: the caller's, or one made per logical call and reused on retries."""
        key = key or uuid.uuid4().hex
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise InvalidRequestError(
                "This request's key has characters HeyGen does not take (it allows 1 to 255 letters, digits, "
                "'_', ':', '.' and '-'), so it was not sent. Render the project again to get a new key.",
                field=IDEMPOTENCY_HEADER,
            )
        return await self._transport.request("POST", path, headers={IDEMPOTENCY_HEADER: key}, **kwargs)

    async def _create_avatar(self, request: dict[str, Any]) -> dict[str, Any]:
        return (await self._post("/v3/avatars", json=request)).get("data") or {}


def _scene_input(spec: VideoSpec, scene: SceneSpec) -> dict[str, Any]:
    """One avatar (or image) input: what is said, or the user's own recording instead; motion_prompt and
    expressiveness only where HeyGen takes them for the look and engine."""
    expressiveness = v3_expressiveness(scene) if v3_takes_expressiveness(spec) else None
    if spec.kind is VideoKind.IMAGE:
        source: dict[str, Any] = {"type": "image", "image": {"type": "asset_id", "asset_id": spec.image_asset_id}}
    else:
        engine = None if spec.engine is Engine.AVATAR_IV else {"type": spec.engine.value}
        source = {"type": "avatar", "avatar_id": spec.look_id, "engine": engine}
    if spec.audio_asset_id:
        speech: dict[str, Any] = {"audio_asset_id": spec.audio_asset_id}
    else:
        speech = {
            "script": scene.script,
            "voice_id": scene.voice_id,
            "voice_settings": {"speed": scene.speed, "pitch": scene.pitch},
        }
    return _drop_none(
        {
            **source,
            **speech,
            "motion_prompt": (scene.motion_prompt or None) if v3_takes_motion_prompt(spec) else None,
            "expressiveness": expressiveness.value if expressiveness else None,
        }
    )


def _asset(data: dict[str, Any]) -> Asset:
    return Asset(
        ref=data["asset_id"],
        url=data.get("url"),
        mime_type=data.get("mime_type"),
        size_bytes=data.get("size_bytes"),
        asset_id=data["asset_id"],
    )


def _created(data: dict[str, Any], name: str, group_id: str | None) -> CreatedAvatar:
    item = data.get("avatar_item")
    look = _look(item) if item else None
    group_data = data.get("avatar_group")
    if group_data:
        group = _group(group_data)
    else:
        group = AvatarGroup(id=(look.group_id if look else None) or group_id or "", name=name)
    return CreatedAvatar(group=group, look=look)


def _poll_id(created: CreatedAvatar) -> str:
    """The id generation_status polls for a prompt avatar: its look, else its group."""
    return created.look.id if created.look is not None else created.group.id


def _group(data: dict[str, Any], is_public: bool = False) -> AvatarGroup:
    return AvatarGroup(
        id=data["id"],
        name=data.get("name") or "",
        status=Status.parse(data.get("status")),
        looks_count=data.get("looks_count"),
        preview_image_url=data.get("preview_image_url"),
        created_at=data.get("created_at"),
        consent_status=data.get("consent_status"),
        default_voice_id=data.get("default_voice_id"),
        error=_error_text(data.get("error")),
        is_public=is_public,
    )


def _look(data: dict[str, Any]) -> Look:
    return Look(
        id=data["id"],
        name=data.get("name") or "",
        group_id=data.get("group_id"),
        status=Status.parse(data.get("status")),
        avatar_type=data.get("avatar_type"),
        preview_image_url=data.get("preview_image_url"),
        preview_video_url=data.get("preview_video_url"),
        image_width=data.get("image_width"),
        image_height=data.get("image_height"),
        preferred_orientation=data.get("preferred_orientation"),
        supported_engines=tuple(data.get("supported_api_engines") or ()),
        default_voice_id=data.get("default_voice_id"),
        error=_error_text(data.get("error")),
    )


def _voice(data: dict[str, Any]) -> Voice:
    return Voice(
        id=data["voice_id"],
        name=data.get("name") or "",
        language=data.get("language"),
        gender=data.get("gender"),
        preview_audio_url=data.get("preview_audio_url"),
    )


def _batch_item(data: dict[str, Any]) -> BatchItem:
    error = data.get("error") or {}
    return BatchItem(
        index=int(data["item_index"]),
        status=Status.parse(data.get("status"), Status.PROCESSING),
        video_id=data.get("video_id"),
        error_code=error.get("code"),
        error_message=error.get("message"),
    )


def _summary(data: dict[str, Any]) -> VideoSummary:
    return VideoSummary(
        video_id=data["id"],
        title=data.get("title"),
        status=Status.parse(data.get("status"), Status.PROCESSING),
        created_at=data.get("created_at"),
        thumbnail_url=data.get("thumbnail_url"),
    )


def _page(body: dict[str, Any], parse: Any) -> Page[Any]:
    items = tuple(parse(item) for item in body.get("data") or [])
    token = body.get("next_token") if body.get("has_more", True) else None
    return Page(items=items, next_token=token or None)


def account_balance(data: dict[str, Any]) -> Balance | None:
    """What `GET /v3/users/me` says is left to spend, in the account's unit (None for an unknown billing type)."""
    billing = data.get("billing_type")
    if billing == "wallet":
        wallet = data.get("wallet") or {}
        currency = Currency.CREDITS if wallet.get("currency") == "credits" else Currency.USD
        remaining = wallet.get("remaining_balance")
        return Balance(
            BillingType.WALLET, currency, None if remaining is None else Money(to_decimal(remaining), currency)
        )
    if billing == "subscription":
        pools = ((data.get("subscription") or {}).get("credits")) or {}
        known = [
            pool["remaining"] for pool in pools.values() if isinstance(pool, dict) and pool.get("remaining") is not None
        ]
        return Balance(BillingType.SUBSCRIPTION, Currency.CREDITS, Money.credits(sum(known)) if known else None)
    if billing == "usage_based":
        usage = data.get("usage_based") or {}
        cap, spent = usage.get("spending_cap_usd"), usage.get("spending_current_usd")
        return Balance(
            BillingType.USAGE_BASED,
            Currency.USD,
            spending_cap=None if cap is None else Money.usd(cap),
            spent=Money.usd(spent or 0),
        )
    return None


def _error_text(error: Any) -> str | None:
    if isinstance(error, dict):
        return error.get("message") or error.get("code")
    return str(error) if error else None


def _text_or_empty(value: str) -> str:
    return "" if value == "Unspecified" else value


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _cap(limit: int, most: int) -> int:
    return max(1, min(limit, most))


def _id(value: str) -> str:
    return quote(value, safe="")
