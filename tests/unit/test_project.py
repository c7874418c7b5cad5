"""Project files: round trip, refusal of damaged or newer files, and the render request they make."""

import json

import pytest

from heygen_studio.api.models import AspectRatio, Dimension, Emotion, Expressiveness
from heygen_studio.domain.project import (
    LookRef,
    NotReadyToRender,
    Project,
    ProjectFileError,
    Scene,
    VoiceRef,
    video_spec,
)


def ready_project() -> Project:
    return Project(
        title="Launch",
        look=LookRef("look_1", "Eileen"),
        voice=VoiceRef("voice_1", "Anna", "English"),
        aspect_ratio=AspectRatio.PORTRAIT,
        custom_size=Dimension(1080, 1350),
        scenes=(
            Scene(script="Hello there.", emotion=Emotion.EXCITED, motion_prompt="nods"),
            Scene(script="Bye.", expressiveness=Expressiveness.LOW, voice_speed=1.2),
        ),
    )


def test_round_trip_keeps_everything() -> None:
    project = ready_project()
    again = Project.loads(project.dumps())
    assert again == project


def test_newer_file_is_refused_with_advice() -> None:
    data = ready_project().to_json() | {"schema_version": 99}
    with pytest.raises(ProjectFileError, match="newer HeyGen Studio"):
        Project.from_json(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "not a HeyGen Studio project"),
        ('{"title": "x"}', "no schema_version"),
        ('{"schema_version": 1, "scenes": []}', "1 to 50 scenes"),
        ('{"schema_version": 1, "scenes": [{"emotion": "Grumpy"}]}', "damaged"),
    ],
)
def test_damaged_files_get_a_plain_reason(text: str, message: str) -> None:
    with pytest.raises(ProjectFileError, match=message):
        Project.loads(text)


def test_unknown_scene_fields_from_older_files_are_ignored() -> None:
    data = ready_project().to_json()
    data["scenes"][0]["legacy_field"] = 1
    assert Project.from_json(json.loads(json.dumps(data))).scenes[0].script == "Hello there."


def test_video_spec_names_everything_missing() -> None:
    with pytest.raises(NotReadyToRender) as caught:
        video_spec(Project(), "v3")
    message = str(caught.value)
    assert "choose a look" in message and "choose a voice" in message and "scene 1" in message


def test_v3_spec_sends_expressiveness_and_no_custom_size() -> None:
    spec = video_spec(ready_project(), "v3")
    assert spec.dimension is None
    assert spec.scenes[1].expressiveness is Expressiveness.LOW
    assert spec.scenes[0].talking_style is None
    assert spec.scenes[1].speed == 1.2


def test_v2_spec_keeps_custom_size_and_talking_style() -> None:
    spec = video_spec(ready_project(), "v2")
    assert spec.dimension == Dimension(1080, 1350)
    assert spec.scenes[0].expressiveness is None
    assert spec.scenes[0].emotion is Emotion.EXCITED


def test_duplicated_scene_gets_a_new_identity() -> None:
    scene = Scene(script="a")
    copy = scene.duplicate()
    assert copy.script == "a" and copy.id != scene.id


def test_estimate_counts_against_the_generation_limit_and_bills_in_30_second_steps() -> None:
    from heygen_studio.api.v2 import V2Api
    from heygen_studio.domain.project import estimate, format_duration

    words = " ".join(["word"] * 150)  # one minute at normal speed
    project = Project(scenes=(Scene(script=words), Scene(script="x" * 1501, voice_speed=2.0)))
    result = estimate(project, V2Api.limits)
    assert result.scenes[0].words == 150 and result.scenes[0].seconds == pytest.approx(60.0)
    assert not result.scenes[0].too_long and result.scenes[1].too_long
    assert result.scenes[1].max_characters == 1500
    assert result.seconds == pytest.approx(61.0)
    assert format_duration(61.0) == "about 1 min 1 s" and format_duration(4.4) == "about 4 s"


def test_scene_edits_make_new_projects_and_keep_the_old() -> None:
    project = ready_project()
    first, second = project.scenes
    moved = project.with_scene_order([second.id, first.id])
    assert moved.scenes == (second, first) and project.scenes == (first, second)
    copy = project.scenes[0].duplicate()
    grown = project.with_scene_inserted(1, copy)
    assert len(grown.scenes) == 3 and copy.id != first.id and copy.script == first.script
    assert grown.without_scene(1) == project
    with pytest.raises(ValueError, match="at least one"):
        Project().without_scene(0)


def test_draft_spec_explains_fields_even_before_a_look_is_chosen() -> None:
    from heygen_studio.domain.project import draft_video_spec

    spec = draft_video_spec(Project(), "v3")
    assert spec.look_id == "" and spec.scenes[0].voice_id == ""


def _file(**scene: object) -> dict[str, object]:
    return {"schema_version": 1, "title": "Clip", "scenes": [{"script": "Hello.", **scene}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_file(script=None), "scene 1: “script” should be text, not null"),
        (_file() | {"title": {"a": 1}}, "“title” should be text, not an object"),
        (_file(voice_speed=float("inf")), "“voice_speed” is Infinity"),
        (_file(voice_pitch=float("nan")), "“voice_pitch” is NaN"),
        (_file(voice_speed="1.0"), "“voice_speed” should be a number, not text"),
        (_file(enhance_motion_prompt="no"), "should be true or false"),
        (_file() | {"captions": "false"}, "“captions” should be true or false"),
        (_file() | {"scenes": {"script": "x"}}, "“scenes” should be a list"),
        (_file() | {"look": {"name": "Eileen"}}, "the look's “look_id” is missing"),
        (_file() | {"voice": "voice_1"}, "“voice” should be an object"),
        (_file() | {"custom_size": {"width": 1080, "height": "1350"}}, "“height” should be a whole number"),
        (_file() | {"resolution": "8k"}, '“resolution” is "8k"; it should be one of 4k, 1080p, 720p'),
    ],
)
def test_wrong_kinds_of_value_are_refused_by_name(data: dict[str, object], message: str) -> None:
    text = json.dumps(data)  # Infinity and NaN as Python's json writes them, the way a hand edit would
    with pytest.raises(ProjectFileError, match=message):
        Project.loads(text)


def test_a_lone_surrogate_is_refused_before_it_could_break_a_request() -> None:
    text = json.dumps(_file(script="Hi \ud83d there"))  # half of an emoji, written as \ud83d
    with pytest.raises(ProjectFileError, match=r"“script” holds a broken character \(\\ud83d on its own\)"):
        Project.loads(text)


def test_deeply_nested_file_gets_a_plain_message_not_recursion_error() -> None:
    with pytest.raises(ProjectFileError, match="nested far deeper"):
        Project.loads('{"schema_version": 1, "scenes": ' + "[" * 200_000 + "]" * 200_000 + "}")


def test_bytes_that_are_not_utf8_are_named_plainly() -> None:
    with pytest.raises(ProjectFileError, match="not UTF-8 text") as caught:
        Project.loads(b'{"schema_version": 1, "title": "Caf\xe9", "scenes": [{}]}')
    assert "codec" not in str(caught.value)


def test_utf8_bytes_with_or_without_a_byte_order_mark_load() -> None:
    project = ready_project()
    text = project.dumps()
    assert Project.loads(text.encode()) == Project.loads(b"\xef\xbb\xbf" + text.encode()) == project
