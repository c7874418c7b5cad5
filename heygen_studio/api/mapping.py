"""How a VideoSpec's fields become each generation's request fields, and a plain explanation of what is sent instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from heygen_studio.api.models import (
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
from heygen_studio.domain.pricing import Engine

GenerationName = Literal["v3", "v2"]
ENGINE_NAMES = {Engine.AVATAR_IV: "Avatar IV", Engine.AVATAR_III: "Avatar III", Engine.AVATAR_V: "Avatar V"}
"""How the app names each engine to users."""

_EMOTION_EXPRESSIVENESS = {
    Emotion.EXCITED: Expressiveness.HIGH,
    Emotion.FRIENDLY: Expressiveness.MEDIUM,
    Emotion.BROADCASTER: Expressiveness.MEDIUM,
    Emotion.SERIOUS: Expressiveness.LOW,
    Emotion.SOOTHING: Expressiveness.LOW,
}
_STYLE_EXPRESSIVENESS = {TalkingStyle.EXPRESSIVE: Expressiveness.HIGH, TalkingStyle.STABLE: Expressiveness.LOW}
_EXPRESSIVENESS_STYLE = {
    Expressiveness.HIGH: TalkingStyle.EXPRESSIVE,
    Expressiveness.MEDIUM: TalkingStyle.STABLE,
    Expressiveness.LOW: TalkingStyle.STABLE,
}
_RATIOS = {
    AspectRatio.LANDSCAPE: (16, 9),
    AspectRatio.PORTRAIT: (9, 16),
    AspectRatio.PORTRAIT_4_5: (4, 5),
    AspectRatio.LANDSCAPE_5_4: (5, 4),
    AspectRatio.SQUARE: (1, 1),
}
_SHORT_SIDE = {Resolution.HD_720P: 720, Resolution.FHD_1080P: 1080, Resolution.UHD_4K: 2160}


@dataclass(frozen=True)
class FieldNote:
    """One field that a generation cannot send as asked: what is sent instead (None: left out) and why."""

    field: str
    scene: int | None
    sent_as: str | None
    reason: str


def v3_expressiveness(scene: SceneSpec) -> Expressiveness | None:
    """v3 has only expressiveness: use it, else derive it from talking style, else from emotion."""
    if scene.expressiveness is not None:
        return scene.expressiveness
    if scene.talking_style is not None:
        return _STYLE_EXPRESSIVENESS[scene.talking_style]
    if scene.emotion is not None:
        return _EMOTION_EXPRESSIVENESS[scene.emotion]
    return None


def v3_takes_motion_prompt(spec: VideoSpec) -> bool:
    """HeyGen takes a motion prompt for photo avatars on Avatar IV and V, and for video avatars only on Avatar V;
    never on Avatar III."""
    return spec.engine != Engine.AVATAR_III and (spec.is_photo_avatar or spec.engine == Engine.AVATAR_V)


def v3_takes_expressiveness(spec: VideoSpec) -> bool:
    """HeyGen takes expressiveness for photo avatars on Avatar IV only (not on Avatar III or V)."""
    return spec.is_photo_avatar and spec.engine == Engine.AVATAR_IV


def v2_flat_form(spec: VideoSpec) -> bool:
    """One scene goes in Avatar IV's documented flat body (script, video_orientation, fit), not in `scenes`."""
    return len(spec.scenes) == 1


def v2_orientation(spec: VideoSpec) -> str:
    """Avatar IV's video_orientation for the spec's size: portrait, landscape or square."""
    size = v2_dimension(spec)
    return "square" if size.width == size.height else ("landscape" if size.width > size.height else "portrait")


def v2_talking_style(scene: SceneSpec) -> TalkingStyle | None:
    """Avatar IV has only talking style: use it, else derive it from expressiveness."""
    if scene.talking_style is not None:
        return scene.talking_style
    if scene.expressiveness is not None:
        return _EXPRESSIVENESS_STYLE[scene.expressiveness]
    return None


def v3_shape(spec: VideoSpec) -> tuple[AspectRatio, Resolution]:
    """v3 has no custom size: the nearest aspect ratio and the resolution that covers the short side."""
    if spec.dimension is None:
        return spec.aspect_ratio, spec.resolution
    width, height = spec.dimension.width, spec.dimension.height
    ratio = min(_RATIOS, key=lambda r: abs(_RATIOS[r][0] / _RATIOS[r][1] - width / height))
    short = min(width, height)
    resolution = next(
        (res for res, side in sorted(_SHORT_SIDE.items(), key=lambda item: item[1]) if side >= short),
        Resolution.UHD_4K,
    )
    return ratio, resolution


def v2_dimension(spec: VideoSpec) -> Dimension:
    """Avatar IV takes pixels: the custom size, else the aspect ratio at the resolution's short side."""
    if spec.dimension is not None:
        return spec.dimension
    w, h = _RATIOS.get(spec.aspect_ratio, _RATIOS[AspectRatio.LANDSCAPE])
    short = _SHORT_SIDE[spec.resolution]
    if w >= h:
        return Dimension(width=_even(short * w / h), height=short)
    return Dimension(width=short, height=_even(short * h / w))


def explain_mapping(spec: VideoSpec, generation: GenerationName) -> list[FieldNote]:
    """Every field of `spec` the chosen generation cannot send as asked, and what is sent instead."""
    return _explain_v3(spec) if generation == "v3" else _explain_v2(spec)


def _explain_v3(spec: VideoSpec) -> list[FieldNote]:
    notes: list[FieldNote] = []
    if spec.dimension is not None:
        ratio, resolution = v3_shape(spec)
        notes.append(
            FieldNote(
                "dimension",
                None,
                f"aspect_ratio={ratio.value}, resolution={resolution.value}",
                "HeyGen's current API (v3) has no custom size; the nearest aspect ratio and resolution are used.",
            )
        )
    if spec.background_color and (spec.transparent or (spec.kind is VideoKind.IMAGE and len(spec.scenes) > 1)):
        notes.append(
            FieldNote(
                "background_color",
                None,
                None,
                "A transparent video has no background, so the colour is not sent."
                if spec.transparent
                else "The scenes of a video made from a photo keep the photo's own background.",
            )
        )
    takes_expressiveness = v3_takes_expressiveness(spec)
    why_not = _why_no_expressiveness(spec)
    for index, scene in enumerate(spec.scenes):
        derived = v3_expressiveness(scene) if takes_expressiveness else None
        for name, value in (("talking_style", scene.talking_style), ("emotion", scene.emotion)):
            if value is None:
                continue
            used = (
                scene.expressiveness is None
                and derived is not None
                and (name == "talking_style" or scene.talking_style is None)
            )
            notes.append(
                FieldNote(
                    name,
                    index,
                    f"expressiveness={derived.value}" if used and derived else None,
                    f"HeyGen's current API (v3) has no {name.replace('_', ' ')} setting; "
                    + (
                        "it is turned into how expressive the avatar is."
                        if used
                        else why_not or "Expressiveness decides how lively the avatar is, so this is not sent."
                    ),
                )
            )
        if scene.expressiveness is not None and not takes_expressiveness:
            notes.append(FieldNote("expressiveness", index, None, why_not or ""))
        if scene.motion_prompt and not v3_takes_motion_prompt(spec):
            notes.append(
                FieldNote(
                    "motion_prompt",
                    index,
                    None,
                    "The Avatar III engine takes no motion prompt, so it is not sent."
                    if spec.engine == Engine.AVATAR_III
                    else f"HeyGen takes motion prompts for photo avatars; this look is a {_kind(spec)}, which takes "
                    "one only on the Avatar V engine, so the prompt is not sent.",
                )
            )
        if spec.audio_asset_id and scene.script:
            notes.append(
                FieldNote(
                    "script",
                    index,
                    "audio_asset_id",
                    "Your own recording is lip-synced instead of the script, so the script and voice are not sent.",
                )
            )
        if scene.enhance_motion_prompt:
            notes.append(
                FieldNote(
                    "enhance_motion_prompt",
                    index,
                    None,
                    "HeyGen's current API (v3) does not enhance motion prompts; yours is sent as written.",
                )
            )
    return notes


def _why_no_expressiveness(spec: VideoSpec) -> str | None:
    if not spec.is_photo_avatar:
        return f"HeyGen takes expressiveness for photo avatars only; this look is a {_kind(spec)}, so it is not sent."
    if spec.engine != Engine.AVATAR_IV:
        return f"The {ENGINE_NAMES[spec.engine]} engine does not take expressiveness, so it is not sent."
    return None


def _kind(spec: VideoSpec) -> str:
    return str(spec.avatar_type or "video avatar").replace("_", " ")


def _explain_v2(spec: VideoSpec) -> list[FieldNote]:
    notes: list[FieldNote] = []
    if spec.dimension is None and not v2_flat_form(spec):
        size = v2_dimension(spec)
        notes.append(
            FieldNote(
                "aspect_ratio",
                None,
                f"dimension={size.width}x{size.height}",
                "The legacy API takes a size in pixels; it is worked out from the aspect ratio and resolution"
                + (" (auto is treated as 16:9)." if spec.aspect_ratio is AspectRatio.AUTO else "."),
            )
        )
    if spec.background_color is not None:
        notes.append(
            FieldNote(
                "background_color", None, None, "Avatar IV videos on the legacy API keep the photo's own background."
            )
        )
    if spec.callback_id is not None:
        notes.append(FieldNote("callback_id", None, None, "Avatar IV videos on the legacy API take no callback id."))
    if v2_flat_form(spec):
        notes.extend(_explain_v2_flat(spec))
    first_voice = spec.scenes[0].voice_id if spec.scenes else None
    for index, scene in enumerate(spec.scenes):
        if scene.voice_id != first_voice:
            notes.append(
                FieldNote(
                    "voice_id",
                    index,
                    f"voice_id={first_voice}",
                    "Avatar IV videos on the legacy API use one voice for the whole video: the first scene's.",
                )
            )
        if scene.expressiveness is not None:
            style = v2_talking_style(scene)
            used = scene.talking_style is None
            notes.append(
                FieldNote(
                    "expressiveness",
                    index,
                    f"talking_style={style.value}" if used and style else None,
                    "The legacy API has no expressiveness; "
                    + (
                        "it is turned into a talking style." if used else "the talking style you chose is used instead."
                    ),
                )
            )
        for name, value, default in (("speed", scene.speed, 1.0), ("pitch", scene.pitch, 0.0)):
            if value != default:
                notes.append(
                    FieldNote(
                        name,
                        index,
                        None,
                        f"Avatar IV videos on the legacy API cannot change the voice {name}; the voice's own is used.",
                    )
                )
    return notes


def _explain_v2_flat(spec: VideoSpec) -> list[FieldNote]:
    """A one-scene Avatar IV video goes in HeyGen's documented flat form, which has no size, emotion or style."""
    scene = spec.scenes[0]
    notes = [
        FieldNote(
            "aspect_ratio" if spec.dimension is None else "dimension",
            None,
            f"video_orientation={v2_orientation(spec)}",
            "A one-scene Avatar IV video on the legacy API is sent in HeyGen's documented form, which takes an "
            "orientation, not a size: HeyGen picks the resolution.",
        )
    ]
    for name, value in (("emotion", scene.emotion), ("talking_style", v2_talking_style(scene))):
        if value is not None:
            notes.append(
                FieldNote(
                    name,
                    0,
                    None,
                    f"HeyGen's documented one-scene Avatar IV form has no {name.replace('_', ' ')}; "
                    "describe it in the motion prompt, or add a second scene to use the scenes form.",
                )
            )
    return notes


def _even(value: float) -> int:
    return int(round(value / 2) * 2)
