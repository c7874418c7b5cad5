"""A project is one video: look, voice, format and 1-50 scenes; saved as a versioned JSON file."""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from heygen_studio.api.models import (
    PENDING_UPLOAD,
    ApiLimits,
    AspectRatio,
    Dimension,
    Emotion,
    Expressiveness,
    Resolution,
    SceneSpec,
    TalkingStyle,
    VideoKind,
    VideoSpec,
)
from heygen_studio.domain.estimates import count_words, spoken_seconds
from heygen_studio.domain.pricing import V3_VIDEO_USD_PER_SECOND, AvatarType, Engine

SCHEMA_VERSION = 1
FILE_SUFFIX = ".hgproj"
MAX_SCENES = 50
MAX_TITLE = 200

DRAFT_RESOLUTION = Resolution.HD_720P

_Choice = TypeVar("_Choice", bound=StrEnum)
_ENGINE_NAMES = frozenset(engine.value for engine in Engine)


class ProjectFileError(ValueError):
    """A project file that can't be opened as it is; the message says why and what to do."""


@dataclass(frozen=True)
class LookRef:
    """The avatar look a project uses, with what the editor shows of it."""

    look_id: str
    name: str = ""
    group_id: str | None = None
    preview_image_url: str | None = None
    avatar_type: str | None = None  # HeyGen's avatar_type of the look: what the render may ask of it
    supported_engines: tuple[str, ...] = ()
    """The look's `supported_api_engines` as HeyGen listed them; empty when not known."""

    @property
    def engines(self) -> tuple[Engine, ...]:
        """The engines the look renders on that this app knows (empty when not known)."""
        return tuple(Engine(name) for name in self.supported_engines if name in _ENGINE_NAMES)


@dataclass(frozen=True)
class VoiceRef:
    voice_id: str
    name: str = ""
    language: str | None = None


@dataclass(frozen=True)
class OwnAudio:
    """The user's own recording, lip-synced instead of the scripts (v3 `audio_asset_id`)."""

    path: str
    duration_s: float
    """Read from the file when it was chosen; the price follows it."""
    name: str = ""


@dataclass(frozen=True)
class Scene:
    """One scene: what is said, and how the avatar says it and moves."""

    script: str = ""
    emotion: Emotion = Emotion.FRIENDLY
    talking_style: TalkingStyle = TalkingStyle.EXPRESSIVE
    expressiveness: Expressiveness = Expressiveness.MEDIUM
    motion_prompt: str = ""
    enhance_motion_prompt: bool = True
    voice_speed: float = 1.0
    voice_pitch: float = 0.0
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def duplicate(self) -> Scene:
        return replace(self, id=uuid.uuid4().hex)


@dataclass(frozen=True)
class Project:
    """Everything one render needs; immutable, so every edit makes a new value (undo keeps old ones)."""

    title: str = "Untitled video"
    look: LookRef | None = None
    voice: VoiceRef | None = None
    aspect_ratio: AspectRatio = AspectRatio.LANDSCAPE
    custom_size: Dimension | None = None
    resolution: Resolution = Resolution.FHD_1080P
    captions: bool = False
    background: str = "#FFFFFF"
    scenes: tuple[Scene, ...] = (Scene(),)
    engine: Engine = Engine.AVATAR_IV
    """The v3 rendering engine; the legacy API always renders on Avatar IV."""
    burn_captions: bool = False
    """Also save a copy with the captions burned in (v3); the sidecar subtitles are always saved."""
    transparent: bool = False
    """A transparent background (v3 `remove_background`, saved as .webm) for video editors."""
    own_audio: OwnAudio | None = None
    """Lip-sync this recording instead of speaking the scripts (v3)."""
    photo_path: str | None = None
    """A quick video: animate this photo directly (v3 `type: "image"`) instead of `look`; no avatar is created."""
    draft: bool = False
    """Made by `draft_of` for one cheap render; never saved in the project file."""

    @property
    def is_image_video(self) -> bool:
        return self.photo_path is not None

    def with_scene(self, index: int, scene: Scene) -> Project:
        """This project with scene `index` replaced."""
        scenes = list(self.scenes)
        scenes[index] = scene
        return replace(self, scenes=tuple(scenes))

    def with_scene_inserted(self, index: int, scene: Scene) -> Project:
        """This project with `scene` at `index`; ValueError past MAX_SCENES."""
        if len(self.scenes) >= MAX_SCENES:
            raise ValueError(f"A video has at most {MAX_SCENES} scenes.")
        return replace(self, scenes=self.scenes[:index] + (scene,) + self.scenes[index:])

    def without_scene(self, index: int) -> Project:
        """This project without scene `index`; ValueError for the last remaining scene."""
        if len(self.scenes) <= 1:
            raise ValueError("A video needs at least one scene.")
        return replace(self, scenes=self.scenes[:index] + self.scenes[index + 1 :])

    def with_scene_order(self, scene_ids: list[str]) -> Project:
        """This project with its scenes in the order of `scene_ids` (the same ids, rearranged)."""
        by_id = {scene.id: scene for scene in self.scenes}
        if sorted(scene_ids) != sorted(by_id):
            raise ValueError("The new order must name every scene once.")
        return replace(self, scenes=tuple(by_id[i] for i in scene_ids))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scenes"] = [asdict(s) for s in self.scenes]
        del data["draft"]
        return {"schema_version": SCHEMA_VERSION, **data}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data: object) -> Project:
        """A project from parsed JSON; anything that doesn't fit raises ProjectFileError saying what."""
        if not isinstance(data, dict):
            raise ProjectFileError("This file is not a HeyGen Studio project.")
        version = data.get("schema_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise ProjectFileError("This file is not a HeyGen Studio project (no schema_version).")
        if version > SCHEMA_VERSION:
            raise ProjectFileError(
                "This project was saved by a newer HeyGen Studio. Update the app to open it; "
                "the file was left as it is."
            )
        raw_scenes = data.get("scenes")
        if raw_scenes is None:
            raw_scenes = []
        if not isinstance(raw_scenes, list):
            raise _damaged("“scenes” should be a list of scenes")
        if not 1 <= len(raw_scenes) <= MAX_SCENES:
            raise ProjectFileError(f"A project needs 1 to {MAX_SCENES} scenes; this file has {len(raw_scenes)}.")
        return cls(
            title=_text(data, "title", "Untitled video") or "Untitled video",
            look=_look(data.get("look")),
            voice=_voice(data.get("voice")),
            aspect_ratio=_choice(data, "aspect_ratio", AspectRatio, AspectRatio.LANDSCAPE),
            custom_size=_size(data.get("custom_size")),
            resolution=_choice(data, "resolution", Resolution, Resolution.FHD_1080P),
            captions=_flag(data, "captions", False),
            background=_text(data, "background", "#FFFFFF"),
            scenes=tuple(_scene(raw, number) for number, raw in enumerate(raw_scenes, start=1)),
            engine=_choice(data, "engine", Engine, Engine.AVATAR_IV),
            burn_captions=_flag(data, "burn_captions", False),
            transparent=_flag(data, "transparent", False),
            own_audio=_own_audio(data.get("own_audio")),
            photo_path=_optional_text(data, "photo_path", ""),
        )

    @classmethod
    def loads(cls, text: str | bytes) -> Project:
        """A project from the text (or the bytes, UTF-8) of a project file; ProjectFileError if it is not one."""
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ProjectFileError(
                    "This file is not a HeyGen Studio project: it is not UTF-8 text "
                    f"(byte {error.start + 1} is not). Choose the .hgproj file the app "
                    "saved."
                ) from error
        try:
            data = json.loads(text)
        except RecursionError as error:
            raise ProjectFileError(
                "This project file is damaged: it is nested far deeper than a project ever is."
            ) from error
        except ValueError as error:
            raise ProjectFileError("This project file is damaged: it is not valid JSON.") from error
        return cls.from_json(data)


def _damaged(what: str) -> ProjectFileError:
    return ProjectFileError(f"This project file is damaged: {what}. Fix it in a text editor, or open another project.")


def _text(data: dict[str, Any], key: str, default: str, where: str = "") -> str:
    """`data[key]` as text (missing: `default`); other types and text that is not Unicode are refused."""
    value = data.get(key, default)
    if not isinstance(value, str):
        raise _damaged(f"{where}“{key}” should be text, not {_kind(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        broken = f"\\u{ord(value[error.start]):04x}"
        raise _damaged(f"{where}“{key}” holds a broken character ({broken} on its own)") from error
    return value


def _optional_text(data: dict[str, Any], key: str, where: str) -> str | None:
    return None if data.get(key) is None else _text(data, key, "", where)


def _flag(data: dict[str, Any], key: str, default: bool, where: str = "") -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _damaged(f"{where}“{key}” should be true or false, not {_kind(value)}")
    return value


def _number(data: dict[str, Any], key: str, default: float, where: str) -> float:
    """`data[key]` as a finite number (JSON's Infinity and NaN are refused)."""
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _damaged(f"{where}“{key}” should be a number, not {_kind(value)}")
    if not math.isfinite(value):
        raise _damaged(f"{where}“{key}” is {json.dumps(value)}; it should be an ordinary number")
    return float(value)


def _choice(data: dict[str, Any], key: str, kind: type[_Choice], default: _Choice, where: str = "") -> _Choice:
    value = data.get(key, default)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise _damaged(
            f"{where}“{key}” is {json.dumps(value, ensure_ascii=False)[:40]}; it should be one of {allowed}"
        ) from None


def _object(raw: object, key: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _damaged(f"“{key}” should be an object, not {_kind(raw)}")
    return raw


def _look(raw: object) -> LookRef | None:
    data = _object(raw, "look")
    if data is None:
        return None
    where = "the look's "
    return LookRef(
        look_id=_required_text(data, "look_id", where),
        name=_text(data, "name", "", where),
        group_id=_optional_text(data, "group_id", where),
        preview_image_url=_optional_text(data, "preview_image_url", where),
        avatar_type=_optional_text(data, "avatar_type", where),
        supported_engines=_texts(data, "supported_engines", where),
    )


def _texts(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _damaged(f"{where}“{key}” should be a list of names")
    return tuple(value)


def _voice(raw: object) -> VoiceRef | None:
    data = _object(raw, "voice")
    if data is None:
        return None
    where = "the voice's "
    return VoiceRef(
        voice_id=_required_text(data, "voice_id", where),
        name=_text(data, "name", "", where),
        language=_optional_text(data, "language", where),
    )


def _own_audio(raw: object) -> OwnAudio | None:
    data = _object(raw, "own_audio")
    if data is None:
        return None
    where = "the recording's "
    duration = _number(data, "duration_s", 0.0, where)
    if duration <= 0:
        raise _damaged(f"{where}“duration_s” should be more than 0 seconds")
    return OwnAudio(path=_required_text(data, "path", where), duration_s=duration, name=_text(data, "name", "", where))


def _required_text(data: dict[str, Any], key: str, where: str) -> str:
    if key not in data:
        raise _damaged(f"{where}“{key}” is missing")
    return _text(data, key, "", where)


def _size(raw: object) -> Dimension | None:
    data = _object(raw, "custom_size")
    if data is None:
        return None
    sides = []
    for key in ("width", "height"):
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _damaged(f"the custom size's “{key}” should be a whole number of pixels, not {_kind(value)}")
        sides.append(value)
    return Dimension(*sides)


def _kind(value: object) -> str:
    """How a message names a JSON value of the wrong kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


def _scene(raw: object, number: int) -> Scene:
    """Scene `number` (from 1) of a file; fields it does not know (older files) are ignored."""
    if not isinstance(raw, dict):
        raise _damaged(f"scene {number} should be an object, not {_kind(raw)}")
    where = f"scene {number}: "
    scene = Scene(
        script=_text(raw, "script", "", where),
        emotion=_choice(raw, "emotion", Emotion, Emotion.FRIENDLY, where),
        talking_style=_choice(raw, "talking_style", TalkingStyle, TalkingStyle.EXPRESSIVE, where),
        expressiveness=_choice(raw, "expressiveness", Expressiveness, Expressiveness.MEDIUM, where),
        motion_prompt=_text(raw, "motion_prompt", "", where),
        enhance_motion_prompt=_flag(raw, "enhance_motion_prompt", True, where),
        voice_speed=_number(raw, "voice_speed", 1.0, where),
        voice_pitch=_number(raw, "voice_pitch", 0.0, where),
    )
    return replace(scene, id=_text(raw, "id", "", where)) if raw.get("id") else scene


class NotReadyToRender(ValueError):
    """What still has to be filled in before a project can be rendered."""


def video_spec(project: Project, generation: str) -> VideoSpec:
    """The render request for `project`; fields one generation lacks are mapped by the client. Files the
    render needs (an own recording, the photo of an image video) carry PENDING_UPLOAD until the queue uploads them."""
    missing = []
    if project.is_image_video:
        if not (project.photo_path or "").strip():
            missing.append("choose the photo to animate")
    elif project.look is None:
        missing.append("choose a look in the Library")
    if project.own_audio is None:
        if project.voice is None:
            missing.append("choose a voice")
        empty = [i + 1 for i, s in enumerate(project.scenes) if not s.script.strip()]
        if empty:
            missing.append("write the script of scene " + ", ".join(map(str, empty)))
    if missing:
        raise NotReadyToRender("Before rendering, " + "; ".join(missing) + ".")
    return draft_video_spec(project, generation)


def draft_video_spec(project: Project, generation: str) -> VideoSpec:
    """The render request as far as it is filled in (no look or voice yet: empty ids); for notes and previews."""
    v3 = generation == "v3"
    voice_id = project.voice.voice_id if project.voice else ""
    image = project.is_image_video
    look = None if image else project.look
    return VideoSpec(
        look_id=look.look_id if look else "",
        scenes=tuple(
            SceneSpec(
                script=s.script.strip(),
                voice_id=voice_id,
                emotion=s.emotion,
                talking_style=None if v3 else s.talking_style,
                expressiveness=s.expressiveness if v3 else None,
                motion_prompt=s.motion_prompt.strip() or None,
                enhance_motion_prompt=s.enhance_motion_prompt,
                speed=s.voice_speed,
                pitch=s.voice_pitch,
            )
            for s in project.scenes
        ),
        title=project.title[:MAX_TITLE],
        aspect_ratio=project.aspect_ratio,
        resolution=project.resolution,
        dimension=None if v3 else project.custom_size,
        caption=project.captions or project.burn_captions,
        background_color=project.background,
        engine=project.engine if v3 else Engine.AVATAR_IV,
        avatar_type=_avatar_type(look.avatar_type) if look else None,
        kind=VideoKind.IMAGE if image else VideoKind.AVATAR,
        image_asset_id=PENDING_UPLOAD if image else None,
        audio_asset_id=PENDING_UPLOAD if project.own_audio else None,
        burn_captions=project.burn_captions,
        transparent=project.transparent,
        draft=project.draft,
        supported_engines=look.engines if look else (),
        audio_duration_s=project.own_audio.duration_s if project.own_audio else None,
    )


def project_engines(project: Project) -> tuple[Engine, ...]:
    """The engines `project` can render on: Avatar IV alone for an image video (HeyGen takes no engine for
    one), else those its look supports, or Avatar IV and III (the priced ones) while that is not known."""
    if project.is_image_video:
        return (Engine.AVATAR_IV,)
    known = project.look.engines if project.look else ()
    return known or (Engine.AVATAR_IV, Engine.AVATAR_III)


def draft_of(project: Project) -> Project:
    """`project` made the cheapest way for one look at it: 720p on Avatar III where the look takes it (motion
    prompts are left out: Avatar III takes none), else on the cheapest engine it supports; marked as a draft."""
    engines = project_engines(project)
    engine = Engine.AVATAR_III if Engine.AVATAR_III in engines else min(engines, key=_usd_per_second)
    scenes = project.scenes
    if engine is Engine.AVATAR_III:
        scenes = tuple(replace(scene, motion_prompt="") for scene in scenes)
    return replace(project, engine=engine, resolution=DRAFT_RESOLUTION, scenes=scenes, draft=True)


def _usd_per_second(engine: Engine) -> Decimal:
    """An engine's published photo-avatar rate at 1080p; one without a published price counts as dearest."""
    rates = V3_VIDEO_USD_PER_SECOND.get((engine, AvatarType.PHOTO))
    return rates[0] if rates else Decimal("Infinity")


def _avatar_type(raw: str | None) -> AvatarType | None:
    """The look's avatar type, or None when it is not known (or is a kind this app does not know)."""
    try:
        return AvatarType(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class SceneEstimate:
    """What the editor shows while a scene's script is typed."""

    words: int
    characters: int
    max_characters: int
    seconds: float

    @property
    def too_long(self) -> bool:
        return self.characters > self.max_characters


@dataclass(frozen=True)
class ProjectEstimate:
    """Words and spoken seconds of each scene and of the whole video (domain.quotes prices them)."""

    scenes: tuple[SceneEstimate, ...]
    seconds: float


def estimate(project: Project, limits: ApiLimits) -> ProjectEstimate:
    """Words, characters against the generation's limit, and spoken seconds per scene and in all."""
    scenes = tuple(
        SceneEstimate(
            count_words(s.script),
            len(s.script),
            limits.max_script_chars,
            spoken_seconds(s.script, s.voice_speed if s.voice_speed > 0 else 1.0),
        )
        for s in project.scenes
    )
    seconds = sum(s.seconds for s in scenes)
    return ProjectEstimate(scenes, seconds)


def format_duration(seconds: float) -> str:
    """“about 45 s” / “about 2 min 5 s”, as the editor shows durations."""
    whole = round(seconds)
    if whole < 60:
        return f"about {whole} s"
    minutes, rest = divmod(whole, 60)
    return f"about {minutes} min {rest} s" if rest else f"about {minutes} min"
