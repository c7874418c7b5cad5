"""The Scenes panel against the real sandbox over loopback: voices, live counts, undo, the request and render."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.config import Paths, Profile, Settings
from heygen_studio.domain.project import Project, Scene, video_spec
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.accounts import Endpoint
from heygen_studio.session import SANDBOX_KEY, Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.panels.scenes import ScenesPanel

Scenario = Callable[[ScenesPanel, Session], Awaitable[None]]


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    server = SandboxServer(SandboxConfig(job_seconds=0.2, credits=600.0))
    url = server.start()
    yield url
    server.stop()


@pytest.fixture
def run_panel(paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop, wait_until: Any,
              sandbox_url: str) -> Callable[..., None]:
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
        assert dialog.player_source == dialog.current_voice().preview_audio_url
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
        assert "you have " in panel.totals.text()
        panel.scene_editor.speed.setValue(1.5)
        assert "about 40 s" in panel.scene_editor.counts.text()
        assert "about $2.00" in panel.totals.text()

    run_panel(scenario)


def test_over_the_balance_a_render_needs_a_second_click(run_panel: Any, qtbot: QtBot) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        panel.use_look(await chosen_look(session))
        panel._set_voice(panel._voices[0])
        session.balance = Balance(BillingType.WALLET, Currency.USD, Money.usd("0.05"))
        panel.scene_editor.script.setPlainText("Hello and welcome to the launch.")
        assert "costs about $0.12: $0.07 more than your account has" in panel.totals.text()
        requested: list[Project] = []
        session.render_requested.connect(requested.append)
        panel.render_button.click()
        assert requested == [] and "Render anyway" == panel.render_button.text()
        assert "$0.07 more" in panel.problem.text()
        panel.render_button.click()
        assert requested == [panel.project]

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
        assert panel.undo_stack.count() == 1  # typing in one field merges
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
        assert panel.project.scenes[panel._scene_index()].emotion.value == "Friendly"
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
        note = panel.scene_editor.notes["emotion"]
        assert note.isVisibleTo(panel) and "no emotion" in note.text()
        assert panel.scene_editor.movement_label.text() == "Expressiveness"
        panel.scene_editor.motion_prompt.setText("don't be so happy")
        advice = panel.scene_editor.advice.text()
        assert "what not to do" in advice and "feeling" in advice

    run_panel(scenario)


def test_render_emits_the_project_and_offers_the_renders_panel(run_panel: Any) -> None:
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
        assert requested == [panel.project]
        assert panel.queued_row.isVisibleTo(panel) and "Added to the render queue" in panel.queued.text()
        assert panel.open_renders_button.isVisibleTo(panel)

    run_panel(scenario)


def test_refused_files_leave_the_file_byte_identical_and_say_why(run_panel: Any, tmp_path: Path,
                                                                wait_until: Any) -> None:
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


def test_a_project_whose_look_was_deleted_opens_and_asks_for_another(run_panel: Any, tmp_path: Path,
                                                                    wait_until: Any) -> None:
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
        assert panel.project.scenes[0].script == "Words worth keeping." and panel.undo_stack.canUndo()
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
        panel = next(p for p in window.panels if isinstance(p, ScenesPanel))
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


def test_every_video_setting_shows_without_scrolling_in_a_1280x800_window(run_panel: Any, qtbot: QtBot,
                                                                          wait_until: Any) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QScrollArea

    from heygen_studio.ui.main_window import MainWindow

    async def scenario(_: ScenesPanel, session: Session) -> None:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        await asyncio.sleep(0.05)  # the panels start their background work before the test ends
        window.show_panel("Scenes")
        panel = next(p for p in window.panels if isinstance(p, ScenesPanel))
        panel.new_project()
        panel.add_scene()
        panel.add_scene()
        await wait_until(lambda: panel.scene_list.count() == 3 and panel.background_button.isVisible())
        for area in panel.findChildren(QScrollArea):
            assert not area.verticalScrollBar().isVisible()
        for control in (panel.look_badge, panel.voice_button, panel.scene_list, panel.delete_button,
                        panel.aspect, panel.resolution, panel.captions, panel.background_button):
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
        assert panel.background_button.text() == "#1E90FF — change…"
        swatch = panel.background_button.icon().pixmap(16, 16).toImage()
        assert swatch.pixelColor(8, 8) == QColor("#1e90ff")
        assert video_spec(panel.project, "v3").background_color == "#1E90FF"

    run_panel(scenario)
