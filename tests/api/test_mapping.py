"""What is sent instead when a scene setting has no equivalent in the chosen API generation."""

from __future__ import annotations

from heygen_studio.api import (
    AspectRatio,
    Dimension,
    Emotion,
    Expressiveness,
    Resolution,
    SceneSpec,
    TalkingStyle,
    VideoSpec,
    explain_mapping,
)
from heygen_studio.api.mapping import v2_dimension, v3_shape


def notes_by_field(spec: VideoSpec, generation: str) -> dict[str, object]:
    return {(note.field, note.scene): note for note in explain_mapping(spec, generation)}


def test_v3_turns_emotion_into_expressiveness_and_says_so():
    spec = VideoSpec(
        "l", (SceneSpec("Hi.", "v", emotion=Emotion.EXCITED, enhance_motion_prompt=True, motion_prompt="wave"),)
    )
    notes = notes_by_field(spec, "v3")
    assert notes[("emotion", 0)].sent_as == "expressiveness=high"
    assert notes[("enhance_motion_prompt", 0)].sent_as is None
    assert "sent as written" in notes[("enhance_motion_prompt", 0)].reason


def test_v3_explicit_expressiveness_wins_and_emotion_is_left_out():
    spec = VideoSpec("l", (SceneSpec("Hi.", "v", emotion=Emotion.EXCITED, expressiveness=Expressiveness.LOW),))
    note = notes_by_field(spec, "v3")[("emotion", 0)]
    assert note.sent_as is None and "not sent" in note.reason


def test_v3_custom_size_becomes_nearest_ratio_and_resolution():
    spec = VideoSpec("l", (SceneSpec("Hi.", "v"),), dimension=Dimension(1080, 1350))
    assert v3_shape(spec) == (AspectRatio.PORTRAIT_4_5, Resolution.FHD_1080P)
    assert notes_by_field(spec, "v3")[("dimension", None)].sent_as == "aspect_ratio=4:5, resolution=1080p"


def test_v2_explains_size_voice_speed_background_and_expressiveness():
    spec = VideoSpec(
        "l",
        (
            SceneSpec("Hi.", "v1", expressiveness=Expressiveness.HIGH, speed=1.5),
            SceneSpec("Bye.", "v2", talking_style=TalkingStyle.STABLE, expressiveness=Expressiveness.HIGH),
        ),
        aspect_ratio=AspectRatio.SQUARE,
        resolution=Resolution.HD_720P,
        background_color="#000000",
    )
    notes = notes_by_field(spec, "v2")
    assert notes[("aspect_ratio", None)].sent_as == "dimension=720x720"
    assert notes[("voice_id", 1)].sent_as == "voice_id=v1"
    assert notes[("expressiveness", 0)].sent_as == "talking_style=expressive"
    assert notes[("expressiveness", 1)].sent_as is None
    assert ("speed", 0) in notes and ("background_color", None) in notes


def test_nothing_to_explain_for_a_plain_v3_scene():
    assert explain_mapping(VideoSpec("l", (SceneSpec("Hi.", "v"),)), "v3") == []


def test_v2_dimensions_follow_ratio_and_resolution():
    def size(ratio, res):
        return v2_dimension(VideoSpec("l", (), aspect_ratio=ratio, resolution=res))

    assert size(AspectRatio.LANDSCAPE, Resolution.HD_720P) == Dimension(1280, 720)
    assert size(AspectRatio.PORTRAIT, Resolution.UHD_4K) == Dimension(2160, 3840)
    assert size(AspectRatio.PORTRAIT_4_5, Resolution.FHD_1080P) == Dimension(1080, 1350)
    assert size(AspectRatio.AUTO, Resolution.HD_720P) == Dimension(1280, 720)
