"""Listen in the Scenes panel against the real sandbox over loopback: a scene's speech plays with its words lit
up in time, replays from the cache offline, a voice that can't read aloud offers its sample, v2 says it needs v3,
no sound output is said plainly, and Measure all makes every length exact after one question."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import test_scenes
from PySide6.QtWidgets import QMessageBox

from heygen_studio.api.models import Voice
from heygen_studio.domain.project import OwnAudio
from heygen_studio.services.speech_previews import speech_request
from heygen_studio.session import Session
from heygen_studio.ui.panels.scenes import ScenesPanel
from heygen_studio.ui.panels.scenes_listening import CANT_SPEAK, NEEDS_V3, OWN_AUDIO
from heygen_studio.ui.widgets import voice_picker
from heygen_studio.ui.widgets.listen_bar import SPOKEN_NOW, word_at

sandbox_url = test_scenes.sandbox_url  # the Scenes panel's fixtures: a loopback sandbox, a panel connected to it
run_panel = test_scenes.run_panel
SCRIPT = "Welcome to the launch of our new product. It is faster, smaller and kinder to the planet."


def voice(panel: ScenesPanel, voice_id: str) -> Voice:
    return next(v for v in panel._voices if v.id == voice_id)


def write(panel: ScenesPanel, script: str, voice_id: str = "demo-en-us-ava") -> None:
    panel.new_project()
    panel._set_voice(voice(panel, voice_id))
    panel.scene_editor.script.setPlainText(script)


@pytest.fixture
def no_sound(monkeypatch: pytest.MonkeyPatch) -> None:
    """A computer with no speakers or headphones (as CI under Xvfb usually is)."""
    monkeypatch.setattr(voice_picker, "has_sound_output", lambda: False)


def test_listen_plays_the_scene_and_its_words_light_up_in_time(run_panel: Any, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, SCRIPT)
        bar = panel.scene_editor.listen
        assert bar.listen_button.isEnabled()
        assert bar.status.text().startswith("First listen under $0.01")  # the price, before the click
        assert "about 7 s" in panel.scene_editor.counts.text()  # guessed from its 17 words
        clicked = time.monotonic()
        bar.listen_button.click()
        await wait_until(lambda: bar.playing, within=10)
        print(f"first listen: {time.monotonic() - clicked:.2f} s from the click to playing")
        if bar.sound_output:
            assert bar.player_source.startswith("file://") and "Playing scene 1…" in bar.status.text()
        else:
            assert "no sound output" in bar.status.text() and "Playing" not in bar.status.text()
        heard = panel.speech.cache.get(speech_request(panel.project, panel.project.scenes[0]))
        assert heard is not None and len(heard.words) == 17
        await wait_until(lambda: bar.current_word != "", within=5)
        await wait_until(lambda: word_at(heard.words, bar.position_s()) >= 5, within=10)
        assert bar.words.isVisibleTo(panel) and bar.current_word in SCRIPT
        assert f"{SPOKEN_NOW};" in bar.words.text() and bar.current_word in bar.words.text()  # lit up now
        counts = panel.scene_editor.counts.text()
        assert " measured · $" in counts and "about" not in counts.split("characters")[1]
        assert "measured" in panel.scene_list.item(0).text()
        assert "measured" in panel.totals.text()
        bar.stop_button.click()
        assert not bar.playing and bar.status.text() == "Already heard: free"

    run_panel(scenario)


def test_heard_once_it_replays_at_once_with_no_connection(run_panel: Any, wait_until: Any, no_sound: None) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, SCRIPT)
        bar = panel.scene_editor.listen
        bar.listen_button.click()
        await wait_until(lambda: bar.playing, within=10)
        bar.stop()
        await session.go_offline()
        assert session.api is None
        assert bar.listen_button.isEnabled() and bar.status.text() == "Already heard: free"
        clicked = time.monotonic()
        bar.listen_button.click()
        await wait_until(lambda: bar.playing, within=2)
        print(f"second listen: {time.monotonic() - clicked:.3f} s from the click to playing")
        assert "no sound output" in bar.status.text()
        bar.stop_button.click()
        panel.scene_editor.script.setPlainText(SCRIPT + " And cheaper.")  # never heard, and no HeyGen to ask
        assert not bar.listen_button.isEnabled() and "Connect to HeyGen" in bar.status.text()

    run_panel(scenario)


def test_a_voice_that_cannot_read_aloud_offers_its_sample(run_panel: Any, no_sound: None) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, SCRIPT, "demo-ja-yui")
        bar = panel.scene_editor.listen
        assert voice(panel, "demo-ja-yui").can_speak is False
        assert bar.status.text() == CANT_SPEAK and not bar.listen_button.isEnabled()
        assert bar.sample_button.isVisibleTo(panel) and not panel.measure_all_button.isEnabled()
        bar.sample_button.click()
        sample = voice(panel, "demo-ja-yui").preview_audio_url
        assert sample and "no sound output" in bar.status.text() and sample in bar.status.text()

    run_panel(scenario)


def test_a_voice_heygen_refuses_though_the_list_did_not_say_offers_its_sample(run_panel: Any, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.listening.know_voices([replace(v, can_speak=None) for v in panel._voices])  # not known
        write(panel, SCRIPT, "demo-ja-yui")
        bar = panel.scene_editor.listen
        assert bar.listen_button.isEnabled()
        bar.listen_button.click()
        await wait_until(lambda: bar.status.text() == CANT_SPEAK, within=10)
        assert not bar.listen_button.isEnabled() and bar.sample_button.isVisibleTo(panel)

    run_panel(scenario)


def test_the_legacy_api_says_listen_needs_v3(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, SCRIPT, panel._voices[0].id)
        bar = panel.scene_editor.listen
        assert bar.status.text() == NEEDS_V3 and not bar.listen_button.isEnabled()
        assert not panel.measure_all_button.isEnabled() and panel.measure_note.text() == NEEDS_V3

    run_panel(scenario, generation="v2")


def test_no_sound_output_says_so_lights_the_words_and_saves_the_audio(
    run_panel: Any, wait_until: Any, no_sound: None, tmp_path: Path
) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, SCRIPT)
        bar = panel.scene_editor.listen
        bar.listen_button.click()
        await wait_until(lambda: bar.playing, within=10)
        assert not bar.sound_output and bar.player_source == ""  # nothing pretends to play
        text = bar.status.text()
        assert text.startswith("This computer has no sound output") and "light up in time" in text
        heard = panel.speech.cache.get(speech_request(panel.project, panel.project.scenes[0]))
        assert heard is not None
        later = [word.word for word in heard.words[3:]]
        await wait_until(lambda: bar.current_word in later, within=5)  # “launch” and on, by the clock alone
        assert bar.save_button.isVisibleTo(panel)
        target = tmp_path / "my scene.wav"
        panel.listening.save(heard, target)
        await wait_until(lambda: target.exists() and "Saved as my scene.wav" in bar.status.text())
        assert target.read_bytes() == heard.audio.read_bytes()
        await wait_until(lambda: not bar.playing, within=heard.duration_s + 5)  # ends when the speech would
        assert bar.status.text() == "Already heard: free"

    run_panel(scenario)


def test_measure_all_asks_once_then_every_length_is_measured(run_panel: Any, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, "First scene, short and sweet.")
        panel.add_scene()
        panel.scene_editor.script.setPlainText(SCRIPT)
        panel.add_scene()
        panel.scene_editor.script.setPlainText("And the third scene ends it.")
        assert panel.measure_note.text().startswith("3 scenes not heard yet: about $0.01")
        assert "measured" not in panel.totals.text()
        panel.measure_all_button.click()
        question = panel.listening.question
        assert question is not None and question.isVisible() and "3 scenes" in question.text()
        question.button(QMessageBox.StandardButton.Cancel).click()
        assert panel.editor.measured() == {}
        panel.measure_all_button.click()
        question = panel.listening.question
        next(b for b in question.buttons() if b.text() == "Measure all").click()
        await wait_until(lambda: panel.measure_note.text() == "Every scene is measured: listening is free.", within=15)
        assert len(panel.editor.measured()) == 3
        assert all("measured" in panel.scene_list.item(row).text() for row in range(3))
        assert ", " in panel.totals.text() and " measured · $" in panel.totals.text()
        assert not panel.measure_all_button.isEnabled()

    run_panel(scenario)


def test_listen_to_the_whole_video_plays_every_scene_in_order(run_panel: Any, wait_until: Any, no_sound: None) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, "One, two, three.")
        panel.add_scene()
        panel.scene_editor.script.setPlainText("Four and five.")
        panel.scene_list.setCurrentRow(0)
        bar = panel.scene_editor.listen
        panel.listen_all_button.click()
        await wait_until(lambda: bar.now_playing == "scene 1", within=10)
        assert len(panel.editor.measured()) == 2  # both fetched before the first plays: no gap between them
        assert panel.scene_editor.heading.text() == "Scene 1"
        await wait_until(lambda: bar.now_playing == "scene 2", within=10)
        assert panel.scene_list.currentRow() == 1 and panel.scene_editor.heading.text() == "Scene 2"  # shown
        await wait_until(lambda: bar.current_word in ("Four", "and", "five"), within=5)  # scene 2's words
        await wait_until(lambda: not bar.playing, within=10)

    run_panel(scenario)


def test_with_the_users_own_recording_there_is_no_script_to_hear(run_panel: Any, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        write(panel, SCRIPT)
        panel.measure_all_button.click()
        next(b for b in panel.listening.question.buttons() if b.text() == "Measure all").click()
        await wait_until(lambda: panel.editor.measured() != {}, within=10)
        panel.editor.change(own_audio=OwnAudio("/recordings/me.wav", 30.0))
        bar = panel.scene_editor.listen
        assert bar.status.text() == OWN_AUDIO and not bar.listen_button.isEnabled()
        assert not panel.listen_all_button.isEnabled() and not panel.measure_all_button.isEnabled()
        assert panel.measure_note.text() == OWN_AUDIO and "measured" not in panel.totals.text()

    run_panel(scenario)
