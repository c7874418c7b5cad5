"""The Scenes editor's render choices with no widgets: engines offered or not and why, drafts, the user's recording."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_project_editor as editor_support

from heygen_studio.api.models import Look, Resolution
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import Engine
from heygen_studio.domain.project import LookRef, OwnAudio, Project, Scene, VoiceRef
from heygen_studio.editor.project_editor import ONE_RECORDING, ProjectEditor
from heygen_studio.services.projects import ProjectStore

MINUTE = " ".join(["word"] * 150)  # 60 s at the normal speed
PHOTO = Look("look_p", "Eileen", avatar_type="photo_avatar", supported_engines=("avatar_iv", "avatar_iii"))
TWIN = Look("look_t", "Theo", avatar_type="digital_twin", supported_engines=("avatar_iv", "avatar_iii", "avatar_v"))
TAKE = OwnAudio("/recordings/take.wav", 12.0, "take.wav")


@pytest.fixture
def editor(tmp_path: Path) -> ProjectEditor:
    return ProjectEditor(
        ProjectStore(tmp_path / "data"), editor_support.RecordingAutosave(), editor_support.FakeAccount()
    )


def open_video(editor: ProjectEditor, look: Look, script: str = MINUTE) -> Project:
    editor.use_look(look)
    editor.set_voice(editor_support.VOICE)
    assert editor.project is not None
    editor.edit_scene(Scene(id=editor.project.scenes[0].id, script=script), "script")
    return editor.project


def test_every_engine_is_offered_with_this_videos_price_where_the_look_takes_it(editor: ProjectEditor) -> None:
    offers = editor.engine_offers(open_video(editor, TWIN))
    assert [(offer.name, str(offer.price), offer.why_not) for offer in offers] == [
        ("Avatar IV", "$4.00", ""),  # a digital twin: $0.0667 a second
        ("Avatar III", "$1.00", ""),
        ("Avatar V", "None", ""),  # no published price, but the look takes it
    ]


def test_an_engine_the_look_lacks_says_which_ones_it_takes(editor: ProjectEditor) -> None:
    offers = editor.engine_offers(open_video(editor, PHOTO))
    assert [str(offer.price) for offer in offers] == ["$3.00", "$1.00", "None"]
    assert (
        offers[2].why_not
        == "“Eileen” renders only on Avatar IV and Avatar III, as HeyGen lists it: choose one of those."
    )


def test_while_heygen_has_not_listed_the_looks_engines_only_the_priced_ones_are_offered(editor: ProjectEditor) -> None:
    saved = Project(look=LookRef("look_old", "Nora"), voice=VoiceRef("voice_1"), scenes=(Scene(script=MINUTE),))
    editor.load(saved, None)  # as opened from an older file, before HeyGen is asked about the look
    offers = editor.engine_offers(saved)
    assert [offer.why_not == "" for offer in offers] == [True, True, False]
    assert "HeyGen has not said yet which engines “Nora” renders on" in offers[2].why_not


def test_a_draft_is_the_cheapest_render_and_the_video_keeps_its_own_choices(editor: ProjectEditor) -> None:
    project = open_video(editor, PHOTO, "Hi there.")
    draft = editor.draft()
    assert draft.draft and draft.engine is Engine.AVATAR_III and draft.resolution is Resolution.HD_720P
    assert editor.project == project and project.engine is Engine.AVATAR_IV and not project.draft
    _, spec = editor.render_request(editor_support.client, draft)
    assert spec.draft and spec.engine is Engine.AVATAR_III and spec.resolution is Resolution.HD_720P
    _, own = editor.render_request(editor_support.client)
    assert not own.draft and own.engine is Engine.AVATAR_IV


def test_a_recording_is_priced_and_timed_on_its_length_and_undo_or_remove_goes_back_to_the_voice(
    editor: ProjectEditor,
) -> None:
    project = open_video(editor, PHOTO)
    editor.set_own_audio(TAKE)
    assert editor.project is not None and editor.project.own_audio == TAKE
    assert editor.estimate(editor.project).seconds == 12.0
    price = editor.price().quote
    assert price is not None and price.total == Money.usd("0.60")  # 12 s at $0.05, not the script's minute
    with pytest.raises(ValueError, match="has one scene"):
        editor.add_scene()
    editor.undo()
    assert editor.project == project
    editor.redo()
    editor.remove_own_audio()
    assert editor.project.own_audio is None and editor.estimate(editor.project).seconds == 60.0


def test_a_recording_is_refused_for_a_video_of_several_scenes_and_nothing_changes(editor: ProjectEditor) -> None:
    open_video(editor, PHOTO)
    editor.add_scene()
    before = editor.project
    with pytest.raises(ValueError) as refused:
        editor.set_own_audio(TAKE)
    assert str(refused.value) == ONE_RECORDING and "delete the other scenes first" in ONE_RECORDING
    assert editor.project == before
