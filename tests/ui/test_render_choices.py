"""The Scenes editor's render choices against the real sandbox: engines and their prices, drafts, burned captions,
a transparent background, and the user's own recording (chosen, refused, removed)."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path
from typing import Any

import pytest
import test_scenes
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from pytestqt.qtbot import QtBot

from heygen_studio.api.models import Look, Resolution, VideoSpec
from heygen_studio.domain.pricing import Engine
from heygen_studio.domain.project import Project
from heygen_studio.services.audio_info import MAX_SECONDS
from heygen_studio.session import Session
from heygen_studio.ui.panels.scenes import ScenesPanel

run_panel = test_scenes.run_panel  # the Scenes panel on the sandbox over loopback, as test_scenes drives it
sandbox_url = test_scenes.sandbox_url
chosen_look = test_scenes.chosen_look
SIXTY_SECONDS = " ".join(["word"] * 150)  # 60 s at the normal speed


def recording(path: Path, seconds: float, rate: int = 8000) -> Path:
    """A real WAV of `seconds` (a quiet hum), as a voice recorder would save it."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x10" * int(seconds * rate))
    return path


async def look_named(session: Session, start: str) -> Look:
    looks = await session.require_api().list_looks(ownership="public")
    return next(look for look in looks.items if look.name.startswith(start) or look.id.startswith(start))


async def ready_video(panel: ScenesPanel, session: Session, look: Look | None = None) -> None:
    panel.use_look(look or await chosen_look(session))
    panel._set_voice(panel._voices[0])
    panel.scene_editor.script.setPlainText(SIXTY_SECONDS)


async def queued_spec(session: Session, count: int = 1) -> VideoSpec:
    """The request of the last render the queue saved, once it holds `count` of them."""
    for _ in range(200):
        jobs = await session.renders.queue.all_jobs()
        if len(jobs) >= count:
            return max(jobs, key=lambda job: job.id).video_spec()
        await asyncio.sleep(0.02)
    raise AssertionError("the render was not queued")


def engine_texts(panel: ScenesPanel) -> list[tuple[str, bool]]:
    return [(button.text(), button.isEnabled()) for button in panel.engine_choice.buttons.values()]


def test_a_digital_twin_offers_three_engines_with_prices_and_choosing_one_reprices_the_video(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        twin = await look_named(session, "Theo")
        assert twin.avatar_type == "digital_twin" and "avatar_v" in twin.supported_engines
        await ready_video(panel, session, twin)
        assert engine_texts(panel) == [
            ("Avatar IV\n$4.00", True),  # a video avatar on Avatar IV: $0.0667 a second
            ("Avatar III\n$1.00", True),
            ("Avatar V\nprice not published", True),
        ]
        assert "about $4.00" in panel.totals.text()
        panel.engine_choice.buttons[Engine.AVATAR_III].click()
        assert panel.project is not None and panel.project.engine is Engine.AVATAR_III
        assert "about $1.00" in panel.totals.text() and "about $1.00" in panel.scene_list.item(0).text()
        panel.engine_choice.buttons[Engine.AVATAR_V].click()
        assert panel.project.engine is Engine.AVATAR_V
        assert "price not published for this engine" in panel.totals.text()

    run_panel(scenario)


def test_an_engine_the_look_lacks_is_disabled_and_says_why(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        look = await chosen_look(session)
        assert "avatar_v" not in look.supported_engines
        await ready_video(panel, session, look)
        assert engine_texts(panel) == [
            ("Avatar IV\n$3.00", True),
            ("Avatar III\n$1.00", True),
            ("Avatar V\nnot for this look", False),
        ]
        why = panel.engine_choice.buttons[Engine.AVATAR_V].toolTip()
        assert f"“{look.name}” renders only on Avatar IV and Avatar III" in why
        assert "$1.00" in panel.engine_choice.buttons[Engine.AVATAR_III].toolTip()

    run_panel(scenario)


def test_render_a_draft_queues_avatar_iii_at_720p_marked_draft_and_keeps_the_videos_choices(
    run_panel: Any, wait_until: Any
) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        await ready_video(panel, session)
        assert panel.draft_button.isVisibleTo(panel)
        assert panel.draft_button.text() == "Render a draft · $1.00"  # 60 s on Avatar III (the video: $3.00)
        assert "Avatar III, 720p" in panel.draft_button.toolTip()
        requested: list[Project] = []
        session.render_requested.connect(requested.append)
        panel.draft_button.click()
        await wait_until(lambda: len(requested) == 1 and panel.queued_row.isVisibleTo(panel))
        assert "A draft: Avatar III, 720p." in panel.queued.text() and "about $1.00" in panel.queued.text()
        spec = await queued_spec(session)
        assert spec.draft and spec.engine is Engine.AVATAR_III and spec.resolution is Resolution.HD_720P
        assert panel.project is not None
        assert panel.project.engine is Engine.AVATAR_IV and panel.project.resolution is Resolution.FHD_1080P
        assert not panel.project.draft and "about $3.00" in panel.totals.text()

        panel.render_button.click()  # the video itself: not a draft, as chosen
        await wait_until(lambda: len(requested) == 2)
        spec = await queued_spec(session, 2)
        assert not spec.draft and spec.engine is Engine.AVATAR_IV and spec.resolution is Resolution.FHD_1080P

    run_panel(scenario)


def test_burned_captions_and_a_transparent_background_reach_the_queued_request(run_panel: Any, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        await ready_video(panel, session)
        options = panel.video_options
        assert panel.background_button.isEnabled()
        options.burn_captions.click()
        options.transparent.click()
        assert panel.project is not None and panel.project.burn_captions and panel.project.transparent
        assert not panel.background_button.isEnabled()
        assert "transparent" in panel.background_button.toolTip()
        panel.render_button.click()
        spec = await queued_spec(session)
        assert spec.burn_captions and spec.transparent and spec.caption
        panel.undo_button.click()
        assert not panel.project.transparent and not options.transparent.isChecked()
        assert panel.background_button.isEnabled()

    run_panel(scenario)


def test_my_own_voice_is_read_from_the_file_priced_exactly_and_removed(
    run_panel: Any, tmp_path: Path, wait_until: Any
) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        await ready_video(panel, session)
        voice = panel.voice_label.text()
        assert "about $3.00" in panel.totals.text()  # the script's estimate
        panel.use_own_audio(recording(tmp_path / "my take.wav", 12.0))
        await wait_until(lambda: panel.project is not None and panel.project.own_audio is not None)
        assert panel.project.own_audio.duration_s == pytest.approx(12.0, abs=0.01)
        assert panel.voice_label.text() == "Voice: your recording, my take.wav, 0:12; no HeyGen voice is used"
        assert "about 12 s" in panel.scene_list.item(0).text()
        assert "about 12 s · about $0.60" in panel.totals.text()  # 12 s at $0.05 a second, not the script's minute
        assert not panel.voice_button.isVisibleTo(panel) and not panel.own_voice.choose_button.isVisibleTo(panel)
        assert panel.scene_editor.script.isReadOnly() and "Not used" in panel.scene_editor.script.toolTip()
        panel.add_scene()
        assert "has one scene" in panel.problem.text() and len(panel.project.scenes) == 1
        panel.render_button.click()
        spec = await queued_spec(session)
        assert spec.audio_asset_id is not None and spec.audio_duration_s == pytest.approx(12.0, abs=0.01)

        panel.own_voice.remove_button.click()
        assert panel.project.own_audio is None and panel.voice_label.text() == voice
        assert not panel.scene_editor.script.isReadOnly() and "about $3.00" in panel.totals.text()
        assert not panel.own_voice.remove_button.isVisibleTo(panel) and panel.voice_button.isVisibleTo(panel)

    run_panel(scenario)


def test_a_recording_dropped_on_the_panel_becomes_the_voice(run_panel: Any, tmp_path: Path, wait_until: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        await ready_video(panel, session)
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(recording(tmp_path / "hello.wav", 3.0)))])
        drop = QDropEvent(
            QPointF(QPoint(10, 10)),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        enter = QDragEnterEvent(
            QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        enter.ignore()
        panel.dragEnterEvent(enter)
        assert enter.isAccepted()  # the panel takes the file: the pointer says it can be dropped
        text = QMimeData()
        text.setText("not a file")
        refused = QDragEnterEvent(
            QPoint(10, 10), Qt.DropAction.CopyAction, text, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        refused.ignore()
        panel.dragEnterEvent(refused)
        assert not refused.isAccepted()
        panel.dropEvent(drop)
        await wait_until(lambda: panel.project is not None and panel.project.own_audio is not None)
        assert panel.project.own_audio.name == "hello.wav"

    run_panel(scenario)


def test_a_bad_recording_is_refused_in_plain_words_and_nothing_changes(
    run_panel: Any, tmp_path: Path, wait_until: Any
) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        await ready_video(panel, session)
        before = panel.project
        not_audio = tmp_path / "notes.mp3"
        not_audio.write_text("Remember to buy milk.\n" * 40)
        empty = tmp_path / "empty.wav"
        empty.write_bytes(b"")
        too_long = recording(tmp_path / "all day.wav", MAX_SECONDS + 5, rate=2000)
        for path, said in (
            (not_audio, "“notes.mp3” is not a recording this app can read"),
            (empty, "“empty.wav” is empty"),
            (too_long, "“all day.wav” is 10 min 5 s long"),
        ):
            panel.problem.hide()
            panel.use_own_audio(path)
            await wait_until(lambda: panel.problem.isVisibleTo(panel))
            assert said in panel.problem.text()
            assert panel.project == before and panel.project.own_audio is None

        panel.add_scene()
        two_scenes = panel.project
        panel.problem.hide()
        panel.use_own_audio(recording(tmp_path / "fine.wav", 2.0))
        await wait_until(lambda: panel.problem.isVisibleTo(panel))
        assert "needs a video with one scene" in panel.problem.text() and panel.project == two_scenes

    run_panel(scenario)


def test_the_legacy_api_hides_the_v3_only_choices_and_says_why(run_panel: Any) -> None:
    async def scenario(panel: ScenesPanel, session: Session) -> None:
        await ready_video(panel, session)
        options = panel.video_options
        assert not options.v3_choices.isVisibleTo(panel) and not panel.engine_choice.isVisibleTo(panel)
        assert options.v2_note.isVisibleTo(panel) and "need HeyGen's current API" in options.v2_note.text()
        assert not panel.own_voice.isVisibleTo(panel) and not panel.draft_button.isVisibleTo(panel)

    run_panel(scenario, "v2")


@pytest.mark.parametrize("size", [(1280, 800), (1024, 700)])
def test_the_render_choices_show_whole_without_scrolling(
    run_panel: Any, qtbot: QtBot, wait_until: Any, size: tuple[int, int]
) -> None:
    from PySide6.QtWidgets import QScrollArea

    from heygen_studio.ui.main_window import MainWindow

    async def scenario(_: ScenesPanel, session: Session) -> None:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        await asyncio.sleep(0.05)
        window.show_panel("Scenes")
        panel = next(p for p in window.panels if isinstance(p, ScenesPanel))
        await wait_until(lambda: bool(panel._voices))
        await ready_video(panel, session)
        panel.add_scene()
        panel.add_scene()
        await wait_until(lambda: panel.video_options.isVisible())
        await asyncio.sleep(0.05)
        for area in panel.findChildren(QScrollArea):
            print(
                "AREA",
                area.verticalScrollBar().isVisible(),
                area.widget().minimumSizeHint().height(),
                area.viewport().height(),
                window.size(),
            )
            assert not area.verticalScrollBar().isVisible() and not area.horizontalScrollBar().isVisible()
        render_top = panel.render_button.mapTo(window, QPoint(0, 0)).y()
        options = panel.video_options
        for control in (*panel.engine_choice.buttons.values(), options.burn_captions, options.transparent):
            assert control.isVisible() and control.width() >= control.sizeHint().width()  # no text cut off
            assert 0 < control.mapTo(window, QPoint(0, control.height())).y() <= render_top
        for control in (panel.own_voice.choose_button, panel.draft_button):
            assert control.isVisible() and control.width() >= control.sizeHint().width()

    run_panel(scenario)
