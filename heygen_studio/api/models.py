"""Typed values that cross the client boundary: frozen dataclasses and StrEnums, the same for v3 and v2."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar, overload

from heygen_studio.domain.money import Balance
from heygen_studio.domain.pricing import AvatarType, Engine

T = TypeVar("T")

log = logging.getLogger("heygen_studio.api")


class Status(StrEnum):
    """One status vocabulary for videos, avatars, looks, training and photo generations."""

    WAITING = "waiting"
    PENDING = "pending"
    PROCESSING = "processing"
    PENDING_CONSENT = "pending_consent"
    COMPLETED = "completed"
    FAILED = "failed"
    NOT_FOUND = "not_found"

    @property
    def is_final(self) -> bool:
        """True when polling can stop (completed, failed or gone)."""
        return self in (Status.COMPLETED, Status.FAILED, Status.NOT_FOUND)

    @overload
    @classmethod
    def parse(cls, raw: str | None, default: Status) -> Status: ...

    @overload
    @classmethod
    def parse(cls, raw: str | None, default: None = None) -> Status | None: ...

    @classmethod
    def parse(cls, raw: str | None, default: Status | None = None) -> Status | None:
        """Normalise any generation's status word ("ready", "success", "queued"...) to this vocabulary."""
        if raw is None or raw == "":
            return default
        word = str(raw).strip().lower()
        word = _STATUS_ALIASES.get(word, word)
        try:
            return cls(word)
        except ValueError:
            log.debug("Unknown HeyGen status %r treated as processing", raw)
            return cls.PROCESSING


_STATUS_ALIASES = {
    "ready": "completed",
    "success": "completed",
    "succeeded": "completed",
    "done": "completed",
    "queued": "waiting",
    "in_progress": "processing",
    "error": "failed",
    "notfound": "not_found",
}


class Age(StrEnum):
    YOUNG_ADULT = "Young Adult"
    EARLY_MIDDLE_AGE = "Early Middle Age"
    LATE_MIDDLE_AGE = "Late Middle Age"
    SENIOR = "Senior"
    UNSPECIFIED = "Unspecified"


class Gender(StrEnum):
    WOMAN = "Woman"
    MAN = "Man"
    UNSPECIFIED = "Unspecified"


class Ethnicity(StrEnum):
    WHITE = "White"
    BLACK = "Black"
    ASIAN_AMERICAN = "Asian American"
    EAST_ASIAN = "East Asian"
    SOUTH_EAST_ASIAN = "South East Asian"
    SOUTH_ASIAN = "South Asian"
    MIDDLE_EASTERN = "Middle Eastern"
    PACIFIC = "Pacific"
    HISPANIC = "Hispanic"
    UNSPECIFIED = "Unspecified"


class Orientation(StrEnum):
    SQUARE = "square"
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"


class Pose(StrEnum):
    HALF_BODY = "half_body"
    CLOSE_UP = "close_up"
    FULL_BODY = "full_body"


class Style(StrEnum):
    REALISTIC = "Realistic"
    PIXAR = "Pixar"
    CINEMATIC = "Cinematic"
    VINTAGE = "Vintage"
    NOIR = "Noir"
    CYBERPUNK = "Cyberpunk"
    UNSPECIFIED = "Unspecified"


class Emotion(StrEnum):
    """Avatar IV voice emotion (v2)."""

    EXCITED = "Excited"
    FRIENDLY = "Friendly"
    SERIOUS = "Serious"
    SOOTHING = "Soothing"
    BROADCASTER = "Broadcaster"


class TalkingStyle(StrEnum):
    """Avatar IV talking style (v2)."""

    EXPRESSIVE = "expressive"
    STABLE = "stable"


class Expressiveness(StrEnum):
    """How much the avatar moves (v3)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class AspectRatio(StrEnum):
    LANDSCAPE = "16:9"
    PORTRAIT = "9:16"
    PORTRAIT_4_5 = "4:5"
    LANDSCAPE_5_4 = "5:4"
    SQUARE = "1:1"
    AUTO = "auto"


class Resolution(StrEnum):
    UHD_4K = "4k"
    FHD_1080P = "1080p"
    HD_720P = "720p"


class Ownership(StrEnum):
    PRIVATE = "private"
    PUBLIC = "public"


@dataclass(frozen=True)
class Account:
    """Who the key belongs to and what is left to spend, in the account's own unit (None when HeyGen does not say)."""

    name: str
    email: str | None
    balance: Balance | None


@dataclass(frozen=True)
class Asset:
    """An uploaded file; `ref` is what later requests name it by (v3 asset_id, v2 image_key)."""

    ref: str
    url: str | None = None
    mime_type: str | None = None
    size_bytes: int | None = None
    asset_id: str | None = None


@dataclass(frozen=True)
class AvatarGroup:
    """An identity (photo avatar group) holding looks."""

    id: str
    name: str
    status: Status | None = None
    looks_count: int | None = None
    preview_image_url: str | None = None
    created_at: int | None = None
    consent_status: str | None = None
    default_voice_id: str | None = None
    error: str | None = None
    is_public: bool = False


@dataclass(frozen=True)
class Look:
    """One look of an avatar; `id` is the avatar id a video is rendered with."""

    id: str
    name: str
    group_id: str | None = None
    status: Status | None = None
    avatar_type: str | None = None
    preview_image_url: str | None = None
    preview_video_url: str | None = None
    image_width: int | None = None
    image_height: int | None = None
    preferred_orientation: str | None = None
    supported_engines: tuple[str, ...] = ()
    default_voice_id: str | None = None
    error: str | None = None
    is_motion: bool | None = None


@dataclass(frozen=True)
class CreatedAvatar:
    """The result of creating a photo avatar: its group and, when known, its first look."""

    group: AvatarGroup
    look: Look | None


@dataclass(frozen=True)
class TrainingStatus:
    """Where an avatar group's training stands (status completed once ready)."""

    group_id: str
    status: Status
    error: str | None = None


@dataclass(frozen=True)
class Generation:
    """An AI photo or look generation; `image_keys` (v2) can seed a new avatar group."""

    id: str
    status: Status
    image_urls: tuple[str, ...] = ()
    image_keys: tuple[str, ...] = ()
    message: str | None = None


@dataclass(frozen=True)
class PhotoPrompt:
    """The eight fields HeyGen needs to generate AI photos of a person."""

    name: str
    age: Age
    gender: Gender
    ethnicity: Ethnicity
    orientation: Orientation
    pose: Pose
    style: Style
    appearance: str


@dataclass(frozen=True)
class Voice:
    """A voice to speak scripts with."""

    id: str
    name: str
    language: str | None = None
    gender: str | None = None
    preview_audio_url: str | None = None
    supports_emotion: bool | None = None
    can_speak: bool | None = None
    """Whether `POST /v3/voices/speech` speaks with it (v3 `engine=starfish`); None when not known."""


@dataclass(frozen=True)
class WordTiming:
    """When one word is spoken in a speech clip, in seconds from its start."""

    word: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SpeechClip:
    """A script spoken by a voice (`POST /v3/voices/speech`): the audio's URL, its length and its word timings."""

    audio_url: str
    duration_s: float
    words: tuple[WordTiming, ...] = ()
    request_id: str | None = None


PENDING_UPLOAD = "pending-upload"
"""The asset id of a file the render queue uploads just before sending (services.render_inputs); never sent."""


class VideoKind(StrEnum):
    """What a video animates: an avatar look, or a photo directly (`type: "image"`, no avatar created)."""

    AVATAR = "avatar"
    IMAGE = "image"


@dataclass(frozen=True)
class SceneSpec:
    """One scene: what is said, in which voice, and how the avatar moves."""

    script: str
    voice_id: str
    emotion: Emotion | None = None
    talking_style: TalkingStyle | None = None
    expressiveness: Expressiveness | None = None
    motion_prompt: str | None = None
    enhance_motion_prompt: bool = False
    speed: float = 1.0
    pitch: float = 0.0


@dataclass(frozen=True)
class Dimension:
    """A custom output size in pixels (v2)."""

    width: int
    height: int


@dataclass(frozen=True)
class VideoSpec:
    """Everything the app asks for in one render, independent of the API generation."""

    look_id: str
    scenes: tuple[SceneSpec, ...]
    title: str | None = None
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE
    resolution: Resolution = Resolution.HD_720P
    dimension: Dimension | None = None
    caption: bool = False
    background_color: str | None = None
    callback_id: str | None = None
    engine: Engine = Engine.AVATAR_IV
    """The v3 rendering engine (v2 renders on Avatar IV's legacy endpoint)."""
    avatar_type: AvatarType | None = None
    """The look's kind (v3 `avatar_type`); None when not known, treated as a photo avatar."""
    kind: VideoKind = VideoKind.AVATAR
    """IMAGE animates `image_asset_id` directly (v3 `type: "image"`); `look_id` is then empty."""
    image_asset_id: str | None = None
    audio_asset_id: str | None = None
    """The user's own recording, lip-synced instead of the scenes' scripts and voice (v3 only)."""
    burn_captions: bool = False
    """Captions burned into a second copy of the video (v3 `caption.style: "default"`)."""
    transparent: bool = False
    """A transparent background: v3 `remove_background` with `output_format: "webm"`."""
    draft: bool = False
    """Marks the cheapest render (Avatar III, 720p), chosen by the editor; shown as Draft in Renders."""
    supported_engines: tuple[Engine, ...] = ()
    """The engines the look renders on (its `supported_api_engines`); empty when not known. Not sent."""
    audio_duration_s: float | None = None
    """The own recording's length, read from the file: what the render is priced on. Not sent."""

    @property
    def is_photo_avatar(self) -> bool:
        """True unless the look is known to be a video avatar (studio avatar or digital twin)."""
        return self.avatar_type in (None, AvatarType.PHOTO)


@dataclass(frozen=True)
class SubmittedVideo:
    """A render HeyGen accepted."""

    video_id: str
    status: Status


@dataclass(frozen=True)
class VideoStatus:
    """Where a render stands; URLs are fresh on every ask and expire after 7 days."""

    video_id: str
    status: Status
    video_url: str | None = None
    thumbnail_url: str | None = None
    caption_url: str | None = None
    captioned_video_url: str | None = None
    """The copy with captions burned in, when they were asked for."""
    duration_s: float | None = None
    error_code: str | None = None
    error_message: str | None = None


MAX_BATCH_VIDEOS = 100
"""Videos one `POST /v3/videos/batches` call takes."""


@dataclass(frozen=True)
class BatchItem:
    """One video of a batch: its place in the list sent, its status, and its video id once HeyGen made it."""

    index: int
    status: Status
    """WAITING while queued at HeyGen (no video yet), then PROCESSING, COMPLETED or FAILED."""
    video_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclass(frozen=True)
class VideoBatch:
    """One page of a video batch: how it stands overall, its counts by item status, and some of its items."""

    batch_id: str
    status: Status
    total_items: int
    counts: dict[str, int] = field(default_factory=dict)
    """Items by HeyGen's item status word (queued, processing, completed, failed)."""
    items: tuple[BatchItem, ...] = ()
    next_token: str | None = None
    title: str | None = None

    @property
    def has_more(self) -> bool:
        return self.next_token is not None


@dataclass(frozen=True)
class VideoSummary:
    """A video in the account's list."""

    video_id: str
    title: str | None
    status: Status
    created_at: int | None = None
    thumbnail_url: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; pass `next_token` back to get the next."""

    items: tuple[T, ...]
    next_token: str | None = None

    @property
    def has_more(self) -> bool:
        return self.next_token is not None


@dataclass(frozen=True)
class ApiLimits:
    """Limits worth checking before a request is sent."""

    max_script_chars: int
    max_scenes: int
    max_prompt_chars: int = 1000
    max_reference_images: int = 0
    max_upload_bytes: int = 10 * 1024 * 1024
    page_size: int = 50
    speed_range: tuple[float, float] = (0.5, 1.5)
    """Voice speed a video accepts (the speech endpoint allows more)."""
    pitch_range: tuple[float, float] = (-50.0, 50.0)
    """Voice pitch in semitones."""
    upload_mime_types: tuple[str, ...] = field(default=("image/png", "image/jpeg"))
