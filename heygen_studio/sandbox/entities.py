"""What a sandbox account holds: assets, avatar groups, looks, photo generations, videos, voices, batches."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any


class Lazy:
    """Bytes that may still be being made in a worker thread (one item of a list a job returns)."""

    def __init__(self, value: bytes | Future[list[bytes]], index: int = 0) -> None:
        self._value = value
        self._index = index

    def get(self) -> bytes:
        """The bytes, waiting for the job that makes them if it has not finished."""
        if isinstance(self._value, bytes):
            return self._value
        return self._value.result()[self._index]

    def pending(self) -> Future[list[bytes]] | None:
        """The job still making the bytes, or None once they are here."""
        if isinstance(self._value, bytes) or self._value.done():
            return None
        return self._value


@dataclass
class Asset:
    """An uploaded or generated file: v3 knows it by `id`, legacy by `image_key`."""

    id: str
    image_key: str
    mime_type: str
    size_bytes: int
    created_at: float
    data: Lazy
    width: int | None = None
    height: int | None = None


@dataclass
class Group:
    """An avatar group (v3: the identity; v2: the photo avatar group / talking photo)."""

    id: str
    name: str
    ownership: str  # "private" | "public"
    created_at: float
    look_ids: list[str] = field(default_factory=list)
    gender: str | None = None
    default_voice_id: str | None = None
    trained_at: float | None = None  # when v2 training was asked for
    consent_status: str | None = None


@dataclass
class Look:
    """One look (v3 avatar item, v2 photo avatar): an image of the group's person."""

    id: str
    group_id: str
    name: str
    asset_id: str
    created_at: float
    ready_at: float  # processing until then, completed after
    ownership: str
    gender: str | None = None
    failure: str | None = None  # why processing failed, if it did
    is_motion: bool = False
    sound_effect: bool = False
    source: str = "user_upload"  # "user_upload" | "generated"
    avatar_type: str = "photo_avatar"  # "photo_avatar" | "studio_avatar" | "digital_twin"
    engines: list[str] | None = None  # the engines it renders on (`supported_api_engines`); None: its type's


@dataclass
class Generation:
    """A v2 AI photo or look generation: four images once it succeeds."""

    id: str
    kind: str  # "photo" | "look"
    created_at: float
    asset_ids: list[str]
    group_id: str | None = None


@dataclass
class Scene:
    """One scene of a video: who speaks (a look, or an image with none), what, with which voice and how fast,
    or the user's own recording instead of the script and voice."""

    look_id: str  # "" for an image input
    script: str
    voice_id: str
    speed: float = 1.0
    locale: str | None = None  # the accent or language the voice speaks it in (v3 voice_settings.locale)
    image_asset_id: str | None = None  # an image input (v3 type "image"): the photo animated, with no look
    audio_asset_id: str | None = None  # the user's own recording, lip-synced instead of the script
    background: str | None = None  # "#rrggbb" behind the figure; None is the sandbox's default
    backdrop_asset_id: str | None = None  # an image behind the figure instead (v3 background type image)


@dataclass
class Video:
    """A render job and, once completed, its MP4, thumbnail and captions."""

    id: str
    title: str | None
    created_at: float
    start_at: float  # when a render slot took it (later than created_at when queued)
    scenes: list[Scene]
    width: int
    height: int
    duration_s: float
    cost: str  # the exact amount, in the unit of the pool it is billed to (text keeps it exact in the state file)
    caption: bool = False
    callback_id: str | None = None
    charged: bool = False
    legacy: bool = False  # billed to the v2 credit pool, not the v3 account
    fit: str | None = None  # "cover" | "contain"; None picks by orientation
    cut_out: bool = False  # remove_background
    output_format: str = "mp4"  # "mp4" | "webm" (transparent)
    burn_captions: bool = False  # a second file with the captions burned in (v3 caption.style, v2 caption)


@dataclass(frozen=True)
class Voice:
    """A public voice of HeyGen's library."""

    id: str
    name: str
    language: str
    gender: str  # "male" | "female"
    pitch_hz: float
    starfish: bool = True  # speaks through POST /v3/voices/speech (GET /v3/voices?engine=starfish lists it)


@dataclass
class BatchItem:
    """One video of a batch: its request until a render slot takes it, then its video (or why it failed)."""

    body: dict[str, Any]
    video_id: str | None = None
    error: dict[str, Any] | None = None

    @property
    def queued(self) -> bool:
        return self.video_id is None and self.error is None


@dataclass
class Batch:
    """A `POST /v3/videos/batches` call: its videos in the order sent."""

    id: str
    title: str | None
    created_at: float
    items: list[BatchItem] = field(default_factory=list)
