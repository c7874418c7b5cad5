"""A project is one video: look, voice, format and 1-50 scenes; saved as a versioned JSON file."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from heygen_studio.domain.estimates import count_words, spoken_seconds
from heygen_studio.domain.pricing import AvatarType, Engine

from heygen_studio.api.models import (
    ApiLimits,
    AspectRatio,
    Dimension,
    Emotion,
    Expressiveness,
    Resolution,
    SceneSpec,
    TalkingStyle,
    VideoSpec,
)

SCHEMA_VERSION = 1
FILE_SUFFIX = ".hgproj"
MAX_SCENES = 50
MAX_TITLE = 200


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


@dataclass(frozen=True)
class VoiceRef:
    voice_id: str
    name: str = ""
    language: str | None = None


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
        return replace(self, scenes=self.scenes[:index] + self.scenes[index + 1:])

    def with_scene_order(self, scene_ids: list[str]) -> Project:
        """This project with its scenes in the order of `scene_ids` (the same ids, rearranged)."""
        by_id = {scene.id: scene for scene in self.scenes}
        if sorted(scene_ids) != sorted(by_id):
            raise ValueError("The new order must name every scene once.")
        return replace(self, scenes=tuple(by_id[i] for i in scene_ids))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scenes"] = [asdict(s) for s in self.scenes]
        return {"schema_version": SCHEMA_VERSION, **data}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, data: object) -> Project:
        """A project from parsed JSON; anything that doesn't fit raises ProjectFileError."""
        if not isinstance(data, dict):
            raise ProjectFileError("This file is not a HeyGen Studio project.")
        version = data.get("schema_version")
        if not isinstance(version, int):
            raise ProjectFileError("This file is not a HeyGen Studio project (no schema_version).")
        if version > SCHEMA_VERSION:
            raise ProjectFileError(
                "This project was saved by a newer HeyGen Studio. Update the app to open it; "
                "the file was left as it is."
            )
        try:
            scenes = tuple(_scene(s) for s in data.get("scenes") or ())
            project = cls(
                title=str(data.get("title") or "Untitled video"),
                look=LookRef(**data["look"]) if data.get("look") else None,
                voice=VoiceRef(**data["voice"]) if data.get("voice") else None,
                aspect_ratio=AspectRatio(data.get("aspect_ratio", AspectRatio.LANDSCAPE)),
                custom_size=Dimension(**data["custom_size"]) if data.get("custom_size") else None,
                resolution=Resolution(data.get("resolution", Resolution.FHD_1080P)),
                captions=bool(data.get("captions", False)),
                background=str(data.get("background", "#FFFFFF")),
                scenes=scenes,
                engine=Engine(data.get("engine", Engine.AVATAR_IV)),
            )
        except (TypeError, ValueError, KeyError) as error:
            raise ProjectFileError(f"This project file is damaged ({error}).") from error
        if not 1 <= len(project.scenes) <= MAX_SCENES:
            raise ProjectFileError(f"A project needs 1 to {MAX_SCENES} scenes; this file has "
                                   f"{len(project.scenes)}.")
        return project

    @classmethod
    def loads(cls, text: str) -> Project:
        try:
            data = json.loads(text)
        except ValueError as error:
            raise ProjectFileError("This project file is damaged: it is not valid JSON.") from error
        return cls.from_json(data)


def _scene(raw: object) -> Scene:
    if not isinstance(raw, dict):
        raise ValueError("a scene is not an object")
    known = {f.name for f in fields(Scene)}
    values = {k: v for k, v in raw.items() if k in known}
    scene = Scene(**values)
    return replace(
        scene,
        script=str(scene.script),
        emotion=Emotion(scene.emotion),
        talking_style=TalkingStyle(scene.talking_style),
        expressiveness=Expressiveness(scene.expressiveness),
        motion_prompt=str(scene.motion_prompt),
        enhance_motion_prompt=bool(scene.enhance_motion_prompt),
        voice_speed=float(scene.voice_speed),
        voice_pitch=float(scene.voice_pitch),
    )


class NotReadyToRender(ValueError):
    """What still has to be filled in before a project can be rendered."""


def video_spec(project: Project, generation: str) -> VideoSpec:
    """The render request for `project`; fields one generation lacks are mapped by the client."""
    missing = []
    if project.look is None:
        missing.append("choose a look in the Library")
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
    return VideoSpec(
        look_id=project.look.look_id if project.look else "",
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
        caption=project.captions,
        background_color=project.background,
        engine=project.engine if v3 else Engine.AVATAR_IV,
        avatar_type=_avatar_type(project.look.avatar_type if project.look else None),
    )


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
        SceneEstimate(count_words(s.script), len(s.script), limits.max_script_chars,
                      spoken_seconds(s.script, s.voice_speed if s.voice_speed > 0 else 1.0))
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
