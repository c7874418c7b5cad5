"""Scenes heard once have exact lengths and prices: the editor's totals use the speech cache's measured seconds."""

from __future__ import annotations

import asyncio
import io
import wave
from dataclasses import replace
from pathlib import Path

import pytest

from heygen_studio.api.models import SpeechClip, WordTiming
from heygen_studio.domain.money import Money
from heygen_studio.domain.project import OwnAudio, Project, Scene, VoiceRef
from heygen_studio.editor.project_editor import Account, ProjectEditor
from heygen_studio.editor.totals import listen_price_text, measure_text, scene_line, totals_text
from heygen_studio.services.projects import ProjectStore
from heygen_studio.services.speech_previews import SpeechCache, SpeechPreviews, speech_request


class NoAutosave:
    def changed(self, project: Project, saved_path: Path | None) -> None:
        pass

    def cancel(self) -> None:
        pass


def wav(seconds: float, rate: int = 16000) -> bytes:
    """A real WAV file of `seconds` of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(b"\0\0" * round(seconds * rate))
    return out.getvalue()


SIXTY_WORDS = " ".join(["word"] * 60)  # guessed at 24 s (150 words a minute)


@pytest.fixture
def project() -> Project:
    return Project(
        voice=VoiceRef("voice_1", "Anna", "English"),
        scenes=(Scene(script=SIXTY_WORDS, id="one"), Scene(script="Hello there, and welcome.", id="two")),
    )


def heard(folder: Path, project: Project, scene: Scene, seconds: float) -> None:
    """Put `scene`'s speech in the cache, as a listen does."""
    request = speech_request(project, scene)
    assert request is not None
    clip = SpeechClip("https://example.test/a.wav", seconds, (WordTiming("word", 0.0, 0.3),))
    SpeechCache(folder).put(request, wav(seconds), ".wav", clip)


def editor_for(folder: Path, project: Project) -> ProjectEditor:
    speech = SpeechPreviews(folder)
    asyncio.run(speech.load())
    editor = ProjectEditor(ProjectStore(folder.parent / "data"), NoAutosave(), lambda: Account("v3", None))
    editor.heard_seconds = speech.measured
    editor.load(project, None)
    return editor


def test_a_heard_scene_has_its_measured_length_and_price(tmp_path: Path, project: Project) -> None:
    folder = tmp_path / "speech"
    heard(folder, project, project.scenes[0], 12.5)
    editor = editor_for(folder, project)
    assert editor.measured() == {"one": 12.5}
    totals = editor.estimate(project)
    assert [s.seconds for s in totals.scenes] == [12.5, pytest.approx(1.6)]
    quote = editor.price().quote
    assert quote is not None and quote.scene_costs[0] == Money.usd("0.625")  # 12.5 s at $0.05, not 24 s
    line = scene_line(1, project.scenes[0], totals.scenes[0], quote.scene_costs[0], measured=True)
    assert line.endswith("12 s measured · $0.63")
    text = totals_text(project, totals, editor.price(), None, editor.measured())
    assert text.startswith("Whole video: 2 scenes, about 14 s (1 of 2 measured) · about $0.71")


def test_a_changed_script_voice_or_speed_is_guessed_again(tmp_path: Path, project: Project) -> None:
    folder = tmp_path / "speech"
    heard(folder, project, project.scenes[0], 12.5)
    editor = editor_for(folder, project)
    first = project.scenes[0]
    for changed in (
        project.with_scene(0, replace(first, script=SIXTY_WORDS + " more")),
        project.with_scene(0, replace(first, voice_speed=1.2)),
        replace(project, voice=VoiceRef("voice_2", "Ben")),
    ):
        assert editor.measured(changed) == {}
        assert editor.estimate(changed).scenes[0].seconds != 12.5
    moved = project.with_scene(0, replace(first, emotion=first.emotion, motion_prompt="nods"))
    assert editor.measured(moved) == {"one": 12.5}  # what is said is the same: still measured
    recorded = replace(project, own_audio=OwnAudio("/music/me.wav", 30.0))
    assert editor.measured(recorded) == {}  # the user's recording is the sound: no script's speech counts


def test_every_scene_measured_makes_the_total_exact(tmp_path: Path, project: Project) -> None:
    folder = tmp_path / "speech"
    heard(folder, project, project.scenes[0], 12.5)
    heard(folder, project, project.scenes[1], 2.0)
    editor = editor_for(folder, project)
    text = totals_text(project, editor.estimate(project), editor.price(), None, editor.measured())
    assert text == "Whole video: 2 scenes, 14 s measured · $0.73"  # 14.5 s at $0.05


def test_listening_says_its_price_before_the_first_listen_and_free_after() -> None:
    assert listen_price_text(60.0, heard=False, sandbox=False) == (
        "First listen about $0.04; listening again is free"  # 60 s at $0.000667
    )
    assert listen_price_text(5.0, heard=False, sandbox=False).startswith("First listen under $0.01")
    assert listen_price_text(5.0, heard=False, sandbox=True).startswith("Free on the sandbox")
    assert listen_price_text(5.0, heard=True, sandbox=False) == "Already heard: free"
    assert measure_text(3, 90.0, sandbox=False) == "3 scenes not heard yet: about $0.06 to hear and measure."
    assert measure_text(0, 0.0, sandbox=False) == "Every scene is measured: listening is free."
