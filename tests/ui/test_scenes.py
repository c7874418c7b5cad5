"""The Scenes panel against the real sandbox over loopback: voices, live counts, undo, the request and render."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from heygen_studio.config import Paths, Profile, Settings
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef, video_spec
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.accounts import Endpoint
from heygen_studio.session import SANDBOX_KEY, Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.panels.scenes import ScenesPanel
from heygen_studio.ui.widgets.voice_picker import has_sound_output

Scenario = Callable[[ScenesPanel, Session], Awaitable[None]]


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    server = SandboxServer(SandboxConfig(job_seconds=0.2, credits=600.0))
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def run_panel(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop, wait_until: Any, sandbox_url: str
) -> Callable[..., None]:
    """Run `scenario(panel, session)` with a Scenes panel connected to the sandbox over `generation`."""

    def run(scenario: Scenario, generation: str = "v3") -> None:
        secrets = SecretStore(MemoryKeyring())
        secrets.set("Work", SANDBOX_KEY)
        settings = Settings(profiles=[Profile("Work", generation)], active_profile="Work")  # type: ignore[arg-type]
        tasks = TaskRegistry()
        session = Session(paths, settings, tasks, secrets=secrets, endpoint=Endpoint(sandbox_url, sandbox_url))

        async def body() -> None:
            try:
                assert await session.use_profile("Work")
                panel = ScenesPanel(session)
                qtbot.addWidget(panel)
                panel.resize(1200, 800)
                await wait_until(lambda: session.balance is not None)
                await wait_until(lambda: bool(panel._voices))
                await scenario(panel, session)
            finally:
                await tasks.aclose()
                await session.aclose()

        qloop.run_until_complete(body())

    return run


async def chosen_look(session: Session) -> Any:
    api = session.require_api()
    looks = await api.list_looks()
    return looks.items[0]


def test_voices_load_filter_and_preview_in_the_app(run_panel: Any, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        panel.choose_voice()
        dialog = panel.voice_dialog
        assert dialog is not None and len(dialog.visible_voices()) == 12
        dialog.language.setCurrentText("Spanish")
        assert {v.name for v in dialog.visible_voices()} == {"Lucía", "Mateo"}
        dialog.gender.setCurrentText("Male")
        assert [v.name for v in dialog.visible_voices()] == ["Mateo"]
        dialog.language.setCurrentText("Any")
        dialog.search.setText("brit")
        assert {v.name for v in dialog.visible_voices()} == {"George (British)"}
        dialog.list.setCurrentRow(0)
        dialog.play_preview()
        if has_sound_output():
            assert dialog.player_source == dialog.current_voice().preview_audio_url
        else:  # no sound here: it says so, with the link to hear it elsewhere, instead of “Playing…” for ever
            assert "no sound output" in dialog.status.text() and "Playing" not in dialog.status.text()
            assert dialog.current_voice().preview_audio_url in dialog.status.text()
        dialog.use_button.click()
        assert panel.project is not None and panel.project.voice is not None
        assert panel.project.voice.name == "George (British)"
        assert "George (British)" in panel.voice_label.text()

    run_panel(scenario)


def test_typing_updates_counts_duration_and_price(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        panel.scene_editor.script.setPlainText(" ".join(["word"] * 150))
        counts = panel.scene_editor.counts.text()
        assert "150 words" in counts and "749 of 5,000 characters" in counts and "about 1 min" in counts
        assert "about 1 min" in panel.totals.text() and "about $3.00" in panel.totals.text()
        assert "your account: " in panel.totals.text()
        panel.scene_editor.speed.setValue(1.5)
        assert "about 40 s" in panel.scene_editor.counts.text()
        assert "about $2.00" in panel.totals.text()

    run_panel(scenario)


def test_over_the_balance_a_render_says_what_is_missing_and_asks_first(
    run_panel: Any, qtbot: QtBot, wait_until: Any
) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.use_look(await chosen_look(session))
        panel._set_voice(panel._voices[0])
        session.balance = Balance(BillingType.WALLET, Currency.USD, Money.usd("0.05"))
        panel.scene_editor.script.setPlainText("Hello and welcome to the launch.")
        assert "costs about $0.12: $0.07 more than your account has" in panel.totals.text()
        requested: list[Project] = []
        session.render_requested.connect(requested.append)
        panel.render_button.click()
        await wait_until(lambda: panel.render_prompt is not None and panel.render_prompt.isVisible())
        assert requested == [] and "$0.07 more than your account has" in panel.render_prompt.text()
        assert panel.render_button.text() == "Render"
        panel.render_prompt.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.05)
        assert requested == []
        panel.render_button.click()
        await wait_until(lambda: panel.render_prompt.isVisible())
        go = next(b for b in panel.render_prompt.buttons() if b.text() == "Render anyway")
        go.click()
        assert requested == [panel.project]

    run_panel(scenario)


def test_render_clicked_again_asks_before_a_second_copy_and_the_button_stays_put(
    run_panel: Any, qtbot: QtBot, wait_until: Any
) -> None:
    from PySide6.QtCore import QPoint

    from heygen_studio.ui.widgets.render_questions import ALREADY_RENDERING

    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.show()
        panel.use_look(await chosen_look(session))
        panel._set_voice(panel._voices[0])
        panel.scene_editor.script.setPlainText("Hello there, just once please.")
        requested: list[Project] = []
        session.render_requested.connect(requested.append)
        where = panel.render_button.mapTo(panel, QPoint(0, 0))
        panel.render_button.click()
        panel.render_button.click()  # a double click: still one render
        await wait_until(lambda: len(requested) == 1 and panel.queued_row.isVisible())
        await asyncio.sleep(0.05)
        assert panel.render_button.mapTo(panel, QPoint(0, 0)) == where
        for _ in range(100):  # the queue saves the job in the background
            jobs = await session.renders.queue.all_jobs()
            if jobs:
                break
            await asyncio.sleep(0.02)
        assert len(jobs) == 1

        panel.render_button.click()
        await wait_until(lambda: panel.render_prompt is not None and panel.render_prompt.isVisible())
        assert panel.render_prompt.text() == ALREADY_RENDERING and requested == [panel.project]
        assert panel.render_button.mapTo(panel, QPoint(0, 0)) == where
        panel.render_prompt.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.05)
        assert len(requested) == 1

        panel.render_button.click()
        await wait_until(lambda: panel.render_prompt.isVisible())
        next(b for b in panel.render_prompt.buttons() if b.text() == "Render another copy").click()
        assert len(requested) == 2

        panel.scene_editor.script.setPlainText("Something else entirely.")  # a changed video: no question
        panel.render_prompt = None
        panel.render_button.click()
        await wait_until(lambda: len(requested) == 3)
        assert panel.render_prompt is None

    run_panel(scenario)


def test_v2_limit_exceeded_at_1501_characters(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.use_look(await chosen_look(session))
        panel._set_voice(panel._voices[0])
        panel.scene_editor.script.setPlainText("a" * 1500)
        assert panel.scene_editor.counts.property("tone") == ""
        panel.scene_editor.script.setPlainText("a" * 1501)
        counts = panel.scene_editor.counts.text()
        assert "1,501 of 1,500 characters" in counts and "Too long for HeyGen's legacy (v2) API" in counts
        assert panel.scene_editor.counts.property("tone") == "bad"
        assert panel.scene_editor.movement_label.text() == "Talking style"
        editor = panel.scene_editor  # the legacy API sends emotion and enhancement, not speed or pitch
        assert editor.emotion.isVisibleTo(panel) and editor.enhance.isVisibleTo(panel)
        assert not editor.speed.isVisibleTo(panel) and "own speed and pitch" in editor.instead.text()
        editor.movement.setCurrentText("Stable — little movement")
        assert panel.project.scenes[0].talking_style.value == "stable"
        panel.render_button.click()
        assert panel.problem.isVisible() is False or "1501 characters" in panel.problem.text()
        assert "at most 1500" in panel.problem.text()

    run_panel(scenario, "v2")


def test_undo_and_redo_edits_reorder_duplicate_and_delete(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        editor = panel.scene_editor
        for text in ("H", "He", "Hello"):
            editor.script.setPlainText(text)
        assert len(panel.editor.history) == 1  # typing in one field merges
        panel.add_scene()
        editor.script.setPlainText("Second")
        panel.duplicate_scene()
        assert [s.script for s in panel.project.scenes] == ["Hello", "Second", "Second"]
        panel.delete_scene()
        assert [s.script for s in panel.project.scenes] == ["Hello", "Second"]
        panel.undo_button.click()
        assert [s.script for s in panel.project.scenes] == ["Hello", "Second", "Second"]
        panel.redo_button.click()
        assert len(panel.project.scenes) == 2

        first_id = panel.project.scenes[0].id
        model = panel.scene_list.model()
        from PySide6.QtCore import QModelIndex

        assert model.moveRow(QModelIndex(), 0, QModelIndex(), 2)  # what a drag and drop does
        await asyncio.sleep(0.05)
        assert [s.script for s in panel.project.scenes] == ["Second", "Hello"]
        assert panel.scene_list.item(0).text().startswith("1. Second")
        panel.undo_button.click()
        assert panel.project.scenes[0].id == first_id
        panel.redo_button.click()
        assert [s.script for s in panel.project.scenes] == ["Second", "Hello"]

        editor.emotion.setCurrentText("Serious")
        panel.undo_button.click()
        assert panel.project.scenes[panel.editor.scene_index].emotion.value == "Friendly"
        assert editor.emotion.currentText() == "Friendly"

    run_panel(scenario)


def test_show_request_is_exactly_what_a_render_sends(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        panel.show_request_button.click()
        assert "choose a look" in panel.problem.text() and panel.request_dialog is None
        panel.use_look(await chosen_look(session))
        panel._set_voice(panel._voices[1])
        panel.scene_editor.script.setPlainText("Welcome aboard.")
        panel.scene_editor.motion_prompt.setText("Nods gently and smiles")
        panel.show_request_button.click()
        dialog = panel.request_dialog
        assert dialog is not None and dialog.text.isReadOnly()
        api = session.require_api()
        expected = api.build_video_request(video_spec(panel.project, "v3"))
        assert json.loads(dialog.text.toPlainText()) == expected
        assert SANDBOX_KEY not in dialog.text.toPlainText().replace('"sandbox', "")
        dialog.close()

    run_panel(scenario)


def test_v3_says_what_happens_to_emotion_and_motion_advice_shows(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        editor = panel.scene_editor
        assert not editor.emotion.isVisibleTo(panel) and not editor.enhance.isVisibleTo(panel)
        assert editor.instead.isVisibleTo(panel) and "no emotion setting" in editor.instead.text()
        assert not any(note.isVisibleTo(panel) for note in editor.notes.values())
        assert editor.speed.isVisibleTo(panel) and editor.pitch.isVisibleTo(panel)
        assert panel.scene_editor.movement_label.text() == "Expressiveness"
        editor.movement.setCurrentText("High — lively")  # the choice is kept and sent
        assert panel.project.scenes[0].expressiveness.value == "high"
        assert (
            video_spec(
                replace(
                    panel.project,
                    look=LookRef("l"),
                    voice=VoiceRef("v"),
                    scenes=(replace(panel.project.scenes[0], script="Hi."),),
                ),
                "v3",
            )
            .scenes[0]
            .expressiveness.value
            == "high"
        )
        panel.scene_editor.motion_prompt.setText("don't be so happy")
        advice = panel.scene_editor.advice.text()
        assert "what not to do" in advice and "feeling" in advice

    run_panel(scenario)


def test_render_emits_the_project_and_offers_the_renders_panel(run_panel: Any, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        panel.render_button.click()
        assert "choose a look" in panel.problem.text() and "choose a voice" in panel.problem.text()
        look = await chosen_look(session)
        session.look_chosen.emit(look)
        assert panel.project.look is not None and panel.project.look.look_id == look.id
        assert panel.look_badge.name.text() == look.name
        panel._set_voice(panel._voices[0])
        panel.scene_editor.script.setPlainText("Hello there.")
        requested: list[Project] = []
        session.render_requested.connect(requested.append)
        panel.render_button.click()
        await wait_until(lambda: requested == [panel.project])
        assert panel.queued_row.isVisibleTo(panel) and "Added to the render queue" in panel.queued.text()
        assert panel.open_renders_button.isVisibleTo(panel)

    run_panel(scenario)


def test_refused_files_leave_the_file_byte_identical_and_say_why(
    run_panel: Any, tmp_path: Path, wait_until: Any
) -> None:
    damaged = tmp_path / "damaged.hgproj"
    damaged.write_bytes(b'{"schema_version": 1, "scenes": [')
    newer = tmp_path / "newer.hgproj"
    newer.write_text(json.dumps(Project().to_json() | {"schema_version": 2}))
    contents = {path: path.read_bytes() for path in (damaged, newer)}

    async def scenario(panel: ScenesPanel, session: Session) -> None:
        for path, message in ((damaged, "damaged"), (newer, "newer HeyGen Studio")):
            panel.open_file(path)
            await wait_until(lambda: panel.start_message.isVisibleTo(panel))
            assert message in panel.start_message.text() and path.name in panel.start_message.text()
            assert panel.project is None
            panel.start_message.hide()
        assert {path: path.read_bytes() for path in contents} == contents

    run_panel(scenario)


def test_a_project_whose_look_was_deleted_opens_and_asks_for_another(
    run_panel: Any, tmp_path: Path, wait_until: Any
) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        look = await chosen_look(session)
        panel.use_look(look)
        panel._set_voice(panel._voices[0])
        panel.scene_editor.script.setPlainText("Still here.")
        from dataclasses import replace as dc_replace

        from heygen_studio.domain.project import LookRef

        gone = dc_replace(panel.project, look=LookRef("look_that_was_deleted", "Old look"))
        path = tmp_path / "old.hgproj"
        path.write_text(gone.dumps())
        before = path.read_bytes()
        panel.open_file(path)
        await wait_until(lambda: "no longer exists" in panel.look_badge.hint.text())
        assert panel.project.scenes[0].script == "Still here."
        panel.render_button.click()
        assert "choose another look" in panel.problem.text()
        session.look_chosen.emit(look)  # the user picks a new look: nothing else changes
        assert panel.project.look.look_id == look.id and panel.project.scenes[0].script == "Still here."
        assert "no longer exists" not in panel.look_badge.hint.text()
        assert path.read_bytes() == before

    run_panel(scenario)


def test_save_then_recover_unsaved_edits_after_a_crash(run_panel: Any, tmp_path: Path, wait_until: Any) -> None:
    path = tmp_path / "launch.hgproj"

    async def first_run(panel: ScenesPanel, session: Session) -> None:
        panel.autosaver.delay_s = 0.05
        panel.new_project()
        panel.title_edit.setText("Launch")
        panel.title_edit.textEdited.emit("Launch")
        panel.scene_editor.script.setPlainText("Saved words.")
        panel.save_to(path)
        await wait_until(lambda: path.exists() and "Saved as launch.hgproj" in panel.saved_state.text())
        panel.scene_editor.script.setPlainText("Saved words, then more that never got saved.")
        assert panel.saved_state.text() == "Changes not saved yet"
        await wait_until(lambda: panel.store.recovery_file.exists())
        # the app "crashes" here: nothing else is written

    async def second_run(panel: ScenesPanel, session: Session) -> None:
        await wait_until(lambda: panel.recovery_banner.isVisibleTo(panel))
        assert "Launch" in panel.recovery_text.text()
        assert panel.recent_list.count() == 1 and "Launch" in panel.recent_list.item(0).text()
        panel.restore_button.click()
        assert panel.project.scenes[0].script == "Saved words, then more that never got saved."
        assert panel.saved_path == path and panel.saved_state.text() == "Changes not saved yet"
        assert Project.loads(path.read_text()).scenes[0].script == "Saved words."

    run_panel(first_run)
    run_panel(second_run)


def _edit_script(panel: ScenesPanel, text: str) -> None:
    panel.scene_editor.script.setPlainText(text)
    assert panel.has_unsaved_edits()


def _answer(panel: ScenesPanel, answer: Any) -> None:
    """Click `answer` in the open "Save your changes?" question."""
    box = panel.save_prompt
    assert box is not None and box.isVisible()
    box.button(answer).click()


def test_new_and_close_ask_to_save_cancel_keeps_everything(run_panel: Any, tmp_path: Path, wait_until: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "first.hgproj"

    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.autosaver.delay_s = 0.05
        panel.new_project()
        assert not panel.has_unsaved_edits()
        panel.editor_new_button.click()  # nothing to lose: no question
        assert panel.save_prompt is None and panel.project is not None

        _edit_script(panel, "Words worth keeping.")
        await wait_until(lambda: panel.store.recovery_file.exists())
        panel.editor_new_button.click()
        assert "has changes that are not saved" in panel.save_prompt.text()  # type: ignore[union-attr]
        _answer(panel, QMessageBox.StandardButton.Cancel)
        assert panel.project.scenes[0].script == "Words worth keeping." and panel.editor.history.can_undo
        assert panel.store.recovery_file.exists() and panel.saved_state.text() == "Not saved yet"

        panel.close_button.click()  # Save, but never saved: where? Cancel there cancels the whole close
        _answer(panel, QMessageBox.StandardButton.Save)
        assert panel.file_dialog is not None and panel.file_dialog.isVisible()
        panel.file_dialog.reject()
        await asyncio.sleep(0.1)
        assert panel.pages.currentIndex() == 1 and panel.project.scenes[0].script == "Words worth keeping."
        assert not path.exists() and panel.store.recovery_file.exists()

        panel.close_button.click()
        _answer(panel, QMessageBox.StandardButton.Save)
        panel.file_dialog.selectFile(str(path))
        panel.file_dialog.accept()
        await wait_until(lambda: panel.project is None and panel.pages.currentWidget() is panel.start_page)
        assert Project.loads(path.read_text()).scenes[0].script == "Words worth keeping."
        assert not panel.store.recovery_file.exists()

    run_panel(scenario)


def test_dont_save_drops_the_edits_and_their_recovery_copy(run_panel: Any, tmp_path: Path, wait_until: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    saved, other = tmp_path / "saved.hgproj", tmp_path / "other.hgproj"

    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.autosaver.delay_s = 0.05
        saved.write_text(Project(scenes=(Scene(script="On disk."),)).dumps())
        other.write_text(Project(scenes=(Scene(script="The other one."),)).dumps())
        panel.open_file(saved)
        await wait_until(lambda: panel.project is not None)
        _edit_script(panel, "Edits to throw away.")
        await wait_until(lambda: panel.store.recovery_file.exists())

        panel.editor_new_button.click()
        _answer(panel, QMessageBox.StandardButton.Discard)
        await wait_until(lambda: panel.project is not None and panel.saved_path is None)
        assert panel.project.scenes[0].script == "" and not panel.store.recovery_file.exists()
        assert Project.loads(saved.read_text()).scenes[0].script == "On disk."
        await asyncio.sleep(0.2)  # no autosave comes back for the dropped edits
        assert await panel.store.find_recovery() is None

        panel.open_file(saved)  # Open with edits to a saved file, Save: saved there, then the other one opens
        await wait_until(lambda: panel.saved_path == saved)
        _edit_script(panel, "Edits to keep.")
        panel.editor_open_button.click()
        panel.file_dialog.selectFile(str(other))  # type: ignore[union-attr]
        panel.file_dialog.accept()  # type: ignore[union-attr]
        _answer(panel, QMessageBox.StandardButton.Save)
        await wait_until(lambda: panel.saved_path == other)
        assert panel.project.scenes[0].script == "The other one."
        assert Project.loads(saved.read_text()).scenes[0].script == "Edits to keep."

    run_panel(scenario)


def test_closing_the_window_asks_through_the_scenes_panel(run_panel: Any, qtbot: QtBot, wait_until: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    from heygen_studio.ui.main_window import MainWindow

    async def scenario(_: ScenesPanel, session: Session) -> None:
        window = MainWindow(session)
        qtbot.addWidget(window)
        closed: list[bool] = []
        window.closed.connect(lambda: closed.append(True))
        window.show()
        window.show_panel("Photos")
        panel = window.panel(ScenesPanel)
        panel.autosaver.delay_s = 0.05
        panel.new_project()
        _edit_script(panel, "Not saved anywhere.")
        await wait_until(lambda: panel.store.recovery_file.exists())

        window.close()
        assert window.isVisible() and not closed and window.current_panel() is panel
        _answer(panel, QMessageBox.StandardButton.Cancel)
        assert window.isVisible() and panel.project.scenes[0].script == "Not saved anywhere."

        window.close()
        _answer(panel, QMessageBox.StandardButton.Discard)
        await wait_until(lambda: bool(closed))
        assert not window.isVisible() and not panel.store.recovery_file.exists()

    run_panel(scenario)


@pytest.mark.parametrize("size", [(1280, 800), (1024, 700)])
def test_every_video_setting_shows_without_scrolling_in_a_small_window(
    run_panel: Any, qtbot: QtBot, wait_until: Any, size: tuple[int, int]
) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QScrollArea

    from heygen_studio.ui.main_window import MainWindow

    async def scenario(_: ScenesPanel, session: Session) -> None:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        await asyncio.sleep(0.05)  # the panels start their background work before the test ends
        window.show_panel("Scenes")
        panel = window.panel(ScenesPanel)
        panel.new_project()
        panel.add_scene()
        panel.add_scene()
        await wait_until(lambda: panel.scene_list.count() == 3 and panel.background_button.isVisible())
        await asyncio.sleep(0.05)
        outer = window.stack.currentWidget()
        assert isinstance(outer, QScrollArea) and not outer.verticalScrollBar().isVisible()
        assert not outer.horizontalScrollBar().isVisible()
        for area in panel.findChildren(QScrollArea):
            assert not area.verticalScrollBar().isVisible()
            assert not any(isinstance(inner, QScrollArea) for inner in area.widget().findChildren(QScrollArea))
        shape = panel.aspect
        assert shape.fontMetrics().horizontalAdvance(shape.currentText()) < shape.width() - 30  # shown whole
        prompt = panel.scene_editor.motion_prompt
        assert prompt.width() >= 250
        for control in (
            panel.look_badge,
            panel.voice_button,
            panel.scene_list,
            panel.delete_button,
            panel.aspect,
            panel.resolution,
            panel.captions,
            panel.background_button,
        ):
            bottom = control.mapTo(window, QPoint(0, control.height())).y()
            assert 0 < bottom <= panel.render_button.mapTo(window, QPoint(0, 0)).y()
        assert panel.scene_list.height() >= 84  # three scenes show whole

    run_panel(scenario)


def test_the_background_colour_is_shown_as_a_swatch_and_sent(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        panel.use_look(await chosen_look(session))
        panel._set_voice(panel._voices[0])
        panel.scene_editor.script.setPlainText("Welcome aboard.")
        panel.choose_background()
        dialog = panel.color_dialog
        assert dialog is not None
        dialog.setCurrentColor(QColor("#1e90ff"))
        dialog.accept()
        assert panel.project is not None and panel.project.background == "#1E90FF"
        assert panel.background_button.text() == "Background #1E90FF"
        swatch = panel.background_button.icon().pixmap(16, 16).toImage()
        assert swatch.pixelColor(8, 8) == QColor("#1e90ff")
        assert video_spec(panel.project, "v3").background_color == "#1E90FF"

    run_panel(scenario)


def test_the_file_menu_starts_opens_saves_and_lists_recent_videos(
    run_panel: Any, qtbot: QtBot, tmp_path: Path, wait_until: Any
) -> None:
    from heygen_studio.ui.main_window import MainWindow

    path = tmp_path / "menu.hgproj"

    async def scenario(_: ScenesPanel, session: Session) -> None:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        window.show_panel("Photos")
        file_menu = window.menuBar().actions()[0].menu()
        texts = [a.text().replace("&", "") for a in file_menu.actions() if not a.isSeparator()]
        assert texts[:5] == ["New video", "Open…", "Open recent", "Save", "Save as…"] and texts[-1] == "Quit"
        panel = window.scenes_panel()
        assert not window.file_actions["save"].isEnabled()  # nothing to save yet
        window.file_actions["new"].trigger()
        assert window.current_panel() is panel and panel.project is not None
        _edit_script(panel, "Made from the menu.")
        window.file_actions["save_as"].trigger()
        assert panel.file_dialog is not None and panel.file_dialog.isVisible()
        panel.file_dialog.selectFile(str(path))
        panel.file_dialog.accept()
        await wait_until(lambda: path.exists() and not panel.has_unsaved_edits())
        _edit_script(panel, "Made from the menu, then changed.")
        window.file_actions["save"].trigger()  # Ctrl+S: into the same file, no question
        await wait_until(lambda: not panel.has_unsaved_edits())
        assert Project.loads(path.read_text()).scenes[0].script == "Made from the menu, then changed."
        window.file_actions["new"].trigger()
        assert panel.project is not None and panel.project.scenes[0].script == ""
        await wait_until(lambda: bool(panel.recent_projects))
        window.recent_menu.aboutToShow.emit()
        recent = window.recent_menu.actions()
        assert [a.text() for a in recent] == ["Untitled video — menu.hgproj"]
        recent[0].trigger()
        await wait_until(lambda: panel.saved_path == path)
        assert panel.project.scenes[0].script == "Made from the menu, then changed."

    run_panel(scenario)


def test_quitting_during_a_render_says_it_carries_on_at_heygen_and_offers_to_wait(
    run_panel: Any, qtbot: QtBot, wait_until: Any
) -> None:
    from heygen_studio.ui.main_window import MainWindow

    async def scenario(_: ScenesPanel, session: Session) -> None:
        window = MainWindow(session)
        qtbot.addWidget(window)
        closed: list[bool] = []
        window.closed.connect(lambda: closed.append(True))
        window.show()
        panel = window.scenes_panel()
        await wait_until(lambda: bool(panel._voices))
        panel.use_look(await chosen_look(session))
        panel._set_voice(panel._voices[0])
        panel.scene_editor.script.setPlainText("Still rendering when you quit.")
        panel.editor.saved_project = panel.project  # nothing unsaved: only the render question
        panel.render_button.click()
        await wait_until(lambda: window._unfinished == 1)

        window.close()
        prompt = window.quit_prompt
        assert prompt is not None and prompt.isVisible() and window.isVisible() and not closed
        assert "1 render is not finished" in prompt.text()
        assert "carry on at HeyGen" in prompt.informativeText() and "next time you start" in prompt.informativeText()
        next(b for b in prompt.buttons() if b.text() == "Keep working").click()
        await asyncio.sleep(0.05)
        assert window.isVisible() and not closed

        window.close()
        next(b for b in window.quit_prompt.buttons() if b.text() == "Quit when they are done").click()
        await asyncio.sleep(0.05)
        assert window.isVisible() and window.current_panel().title == "Renders"
        await wait_until(lambda: bool(closed), within=30)  # the render is downloaded, then the window closes
        jobs = await session.renders.queue.all_jobs()
        assert [job.status.value for job in jobs] == ["downloaded"]

    run_panel(scenario)


def test_after_a_restart_the_avatar_picture_shows_although_its_saved_address_expired(
    run_panel: Any, tmp_path: Path, wait_until: Any
) -> None:
    path = tmp_path / "yesterday.hgproj"

    async def scenario(panel: ScenesPanel, session: Session) -> None:
        look = await chosen_look(session)
        stale = LookRef(look.id, look.name, look.group_id, "http://127.0.0.1:9/expired-signed-link.png")
        path.write_text(Project(look=stale, scenes=(Scene(script="Hello again."),)).dumps())
        panel.open_file(path)
        await wait_until(lambda: panel.project is not None)
        await wait_until(lambda: not panel.look_badge.picture.pixmap().isNull())
        assert panel.look_badge.picture.text() == "" and panel.look_badge.name.text() == look.name
        assert not panel.has_unsaved_edits()  # showing the picture changes nothing in the file

    run_panel(scenario)


def test_a_60_second_photo_avatar_video_costs_3_dollars_on_avatar_iv_and_1_on_avatar_iii(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        look = await chosen_look(session)
        assert look.avatar_type == "photo_avatar" and "avatar_iii" in look.supported_engines
        panel.use_look(look)
        panel._set_voice(panel._voices[0])
        panel.scene_editor.script.setPlainText(" ".join(["word"] * 150))  # 60 s at the normal speed
        assert panel.project.resolution.value == "1080p"
        balance = session.balance  # the sandbox's default account: a USD wallet, as an API key is billed
        assert balance is not None and balance.billing_type is BillingType.WALLET and balance.currency is Currency.USD
        assert f"your account: {balance.describe()}" in panel.totals.text()
        choice = panel.engine_choice
        assert choice.isVisibleTo(panel)
        shown = [(button.text(), button.isChecked(), button.isVisibleTo(panel)) for button in choice.buttons.values()]
        assert shown == [  # side by side; this photo avatar has no Avatar V
            ("Avatar IV\n$3.00", True, True),
            ("Avatar III\n$1.00", False, True),
            ("Avatar V\nnot for this look", False, True),
        ]
        assert "about $3.00" in panel.totals.text() and "about $3.00" in panel.scene_editor.counts.text()
        assert "about $3.00" in panel.scene_list.item(0).text()
        list(choice.buttons.values())[1].click()
        assert panel.project.engine.value == "avatar_iii"
        assert "about $1.00" in panel.totals.text() and "about $1.00" in panel.scene_list.item(0).text()
        panel.undo_button.click()
        assert panel.project.engine.value == "avatar_iv" and list(choice.buttons.values())[0].isChecked()

    run_panel(scenario)


def test_legacy_v2_has_no_engine_choice(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        assert not panel.engine_choice.isVisibleTo(panel)

    run_panel(scenario, "v2")


def test_speed_and_pitch_stay_within_what_heygen_accepts_and_the_prompt_is_counted(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.new_project()
        editor = panel.scene_editor
        editor.speed.setValue(2.0)
        assert editor.speed.value() == 1.5 and panel.project.scenes[0].voice_speed == 1.5
        editor.speed.setValue(0.2)
        assert editor.speed.value() == 0.5
        editor.pitch.setValue(80)
        assert editor.pitch.value() == 50 and panel.project.scenes[0].voice_pitch == 50
        editor.motion_prompt.setText("Nods gently")
        assert editor.prompt_count.text() == "11 of 1,000 characters"
        editor.motion_prompt.setText("n" * 1001)
        assert "1 too many" in editor.prompt_count.text() and editor.prompt_count.property("tone") == "bad"

    run_panel(scenario)


def test_motion_prompt_and_expressiveness_are_off_for_a_studio_avatar_with_the_reason(run_panel: Any) -> None:
    from dataclasses import replace as dc_replace

    async def scenario(panel: ScenesPanel, session: Session) -> None:
        look = await chosen_look(session)
        panel.use_look(dc_replace(look, avatar_type="studio_avatar"))
        editor = panel.scene_editor
        assert not editor.motion_prompt.isEnabled() and not editor.movement.isEnabled()
        assert editor.photo_only.isVisibleTo(panel) and "studio avatar" in editor.photo_only.text()
        assert "only with photo avatars" in editor.photo_only.text()
        panel.use_look(look)
        assert editor.motion_prompt.isEnabled() and not editor.photo_only.isVisibleTo(panel)
        twin = Project(
            look=LookRef("look_of_a_twin", "Theo", avatar_type="digital_twin"),  # as saved in a file
            scenes=(Scene(script=" ".join(["word"] * 150)),),
        )
        panel._load_project(twin, None)
        assert not editor.motion_prompt.isEnabled() and "digital twin" in editor.photo_only.text()
        prices = [button.text() for button in panel.engine_choice.buttons.values()]
        assert prices == ["Avatar IV\n$4.00", "Avatar III\n$1.00", "Avatar V\nnot for this look"]  # more on IV

    run_panel(scenario)
