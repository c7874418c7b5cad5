"""Walk the whole first-run journey through the real app's widgets, as a person would, and report it as JSON.

Run by tests/e2e (in its own process, on a real X display): the API key comes on stdin, the app's
home and HeyGen's URL from HEYGEN_STUDIO_HOME and HEYGEN_STUDIO_API_URL.

    python tests/e2e/journey_driver.py --photo PHOTO --profile NAME --shots DIR --result FILE < key
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["QT_API"] = "pyside6"  # qasync picks its Qt binding from this at import time
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for waiting.py
import qasync  # noqa: E402
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDropEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QMessageBox, QWidget  # noqa: E402
from waiting import until  # noqa: E402  (tests/waiting.py)

from heygen_studio.app import StudioApp  # noqa: E402
from heygen_studio.config import app_paths, load_settings  # noqa: E402
from heygen_studio.logging_setup import setup_logging  # noqa: E402
from heygen_studio.storage.render_jobs import JobStatus  # noqa: E402
from heygen_studio.ui.main_window import MainWindow  # noqa: E402
from heygen_studio.ui.panels.library import LibraryPanel  # noqa: E402
from heygen_studio.ui.panels.photos import PhotosPanel  # noqa: E402
from heygen_studio.ui.panels.renders import RendersPanel  # noqa: E402
from heygen_studio.ui.panels.scenes import ScenesPanel  # noqa: E402
from heygen_studio.ui.panels.settings import SettingsPanel  # noqa: E402
from heygen_studio.ui.style import apply_style  # noqa: E402
from heygen_studio.ui.widgets.photo_shelf import PHOTO_ROLE  # noqa: E402
from heygen_studio.ui.widgets.render_texts import RowAction  # noqa: E402
from heygen_studio.ui.widgets.scene_editor import EXPRESSIVENESS_LABELS  # noqa: E402

log = logging.getLogger("e2e.journey")

JOURNEY_TIMEOUT_S = 170.0
AVATAR_NAME = "E2E Astronaut"
VIDEO_TITLE = "E2E journey video"
SCENES = (  # script, expressiveness (v3 has no emotion setting), motion prompt
    (
        "Hello! I am an astronaut, and today I show you around the space station.",
        "High — lively",
        "waves at the camera and smiles",
    ),
    (
        "Space is quiet and very big. Thank you for watching, and see you soon.",
        "Low — calm",
        "nods slowly and looks thoughtful",
    ),
)
WHOLE_VIDEO = re.compile(r"Whole video: (\d+) scenes?, about (?:(\d+) min ?)?(?:(\d+) s)?")


class StepFailed(Exception):
    """A step of the journey did not happen in time or showed something else."""


@dataclass
class Journey:
    """The steps walked so far, the screenshots taken, and what was seen along the way."""

    window: MainWindow
    shots_dir: Path
    step: str = "start the app"
    steps: list[str] = field(default_factory=list)
    shots: list[str] = field(default_factory=list)
    seen: dict[str, Any] = field(default_factory=dict)

    def begin(self, name: str) -> None:
        self.step = name
        self.steps.append(name)
        log.info("E2E step: %s", name)
        print(f"[journey] {name}", flush=True)

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        path = self.shots_dir / f"{len(self.shots) + 1:02d}-{name}.png"
        (widget or self.window).grab().save(str(path))
        self.shots.append(str(path))
        print(f"[journey] screenshot: {path}", flush=True)

    def panel(self, kind: type) -> Any:
        return self.window.panel(kind)


async def settle() -> None:
    """A few turns of the loop so layouts, repaints and queued signals happen."""
    for _ in range(5):
        await asyncio.sleep(0.02)


def click(widget: QWidget, what: str) -> None:
    if not widget.isVisible() or not widget.isEnabled():
        raise StepFailed(f"{what} can't be clicked: visible={widget.isVisible()} enabled={widget.isEnabled()}")
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_row(view: QAbstractItemView, row: int, what: str) -> None:
    index = view.model().index(row, 0)
    view.scrollTo(index)
    rect = view.visualRect(index)
    if not view.isVisible() or rect.isEmpty():
        raise StepFailed(f"{what} is not on screen")
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def type_into(widget: QWidget, text: str, *, replace: bool = True) -> None:
    widget.setFocus()
    if replace:
        QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(widget, Qt.Key.Key_Delete)
    QTest.keyClicks(widget, text)


def choose_in_combo(combo: QComboBox, text: str) -> None:
    """With the keyboard, as a person on a closed combo box: Home, then Down until `text` shows."""
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    raise StepFailed(f"“{text}” is not among the choices {[combo.itemText(i) for i in range(combo.count())]}")


def drop_files(target: QWidget, paths: list[Path]) -> None:
    """What a drag of files from a file manager delivers: drag enter, then drop."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    where = QPointF(target.rect().center())
    enter = QDragEnterEvent(
        where.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        raise StepFailed("the Photos page refused the dragged photo")
    drop = QDropEvent(where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)


def shown_seconds(text: str) -> float:
    """The whole video's estimated length as the editor shows it: “Whole video: 2 scenes, about 12 s · …”."""
    match = WHOLE_VIDEO.search(text)
    if match is None:
        raise StepFailed(f"the editor shows no video length: {text!r}")
    return int(match.group(2) or 0) * 60 + int(match.group(3) or 0)


def downloaded(journey: Journey, row: Any, statuses: list[str]) -> Callable[[], bool]:
    """Whether `row`'s render is on disk yet; on the way, each new status it shows goes into `statuses` and one
    screenshot is taken while HeyGen renders. A render that stops or needs a decision fails the step."""
    shot_while_rendering = False

    def check() -> bool:
        nonlocal shot_while_rendering
        if row.job.status == JobStatus.DOWNLOADED:
            return True
        text = row.status
        if not statuses or statuses[-1] != text:
            statuses.append(text)
        if row.job.status.rendering and not shot_while_rendering:
            journey.shot("rendering")
            shot_while_rendering = True
        if row.job.status in (JobStatus.FAILED, JobStatus.CANCELLED) or row.job.needs_decision:
            raise StepFailed(f"the render stopped: {text} {row.job.error or ''}")
        return False

    return check


async def walk(journey: Journey, photo: Path, profile: str, key: str) -> None:
    window = journey.window
    session = window.session

    journey.begin("first-run welcome page")
    await until(window.showing_welcome, "the welcome page shows")
    await settle()
    journey.shot("welcome")

    journey.begin("Use my HeyGen API key")
    click(window.welcome.use_key_button, "“Use my HeyGen API key”")
    settings: SettingsPanel = journey.panel(SettingsPanel)
    await until(lambda: settings.form.isVisible(), "the add-account form opens")
    type_into(settings.form.name, profile)
    type_into(settings.form.key, key)
    await settle()
    journey.shot("add-key-form")

    journey.begin("Test and save the key")
    click(settings.form.save, "“Test and save”")
    await until(
        lambda: session.connection is not None and session.connection.profile == profile,
        f"the app connects with profile {profile}",
        within=30,
    )
    await until(lambda: "Works:" in settings.status.text(), "Settings says the key works")
    await until(
        lambda: window.balance_label.text().startswith("Balance: ") and "checking" not in window.balance_label.text(),
        "the status bar shows the balance",
    )
    journey.seen["settings_status"] = settings.status.text()
    journey.seen["connection"] = window.connection_label.text()
    journey.seen["credits"] = window.balance_label.text()
    journey.seen["keychain"] = settings.keychain_label.text()
    await settle()
    journey.shot("key-saved")

    journey.begin("Photos: drop the photo and see it pass")
    window.show_panel("Photos")
    photos: PhotosPanel = journey.panel(PhotosPanel)
    await settle()
    drop_files(photos, [photo])
    await until(
        lambda: photos.model.rowCount() == 1 and photos.model.item(0).data(PHOTO_ROLE) is not None,
        "the photo is checked",
        within=30,
    )
    checked = photos.model.item(0).data(PHOTO_ROLE)
    journey.seen["photo_verdict"] = checked.verdict
    if checked.verdict != "pass":
        raise StepFailed(f"{photo.name} did not pass its checks: {checked.verdict}")
    await settle()
    journey.shot("photo-passed")

    journey.begin("Create avatar")
    type_into(photos.name, AVATAR_NAME)
    await until(photos.create_button.isEnabled, "“Create avatar” becomes clickable")
    click(photos.create_button, "“Create avatar”")
    await settle()
    journey.shot("avatar-creating")
    await until(photos.library_button.isVisible, "the avatar is ready (“Open the Library” shows)", within=60)
    journey.seen["photos_status"] = photos.status.text()
    journey.shot("avatar-ready")

    journey.begin("Library: choose a look of the new avatar")
    click(photos.library_button, "“Open the Library”")
    library: LibraryPanel = journey.panel(LibraryPanel)
    await until(lambda: window.current_panel() is library, "the Library opens")

    def group_row() -> int:
        return library.groups_model.row_of(lambda group: group.name == AVATAR_NAME)

    await until(lambda: group_row() >= 0, f"“{AVATAR_NAME}” is in My avatars", within=30)
    click_row(library.groups_view, group_row(), f"the card of “{AVATAR_NAME}”")
    await until(
        lambda: library.current_group() is not None and library.current_group().name == AVATAR_NAME,
        f"“{AVATAR_NAME}” is selected",
    )
    group_id = library.current_group().id

    def own_looks_shown() -> bool:
        looks = library.looks_model.all_items()
        return bool(looks) and all(look.group_id == group_id for look in looks)

    await until(own_looks_shown, f"the looks of “{AVATAR_NAME}” show")
    click_row(library.looks_view, 0, "the first look")
    await until(
        lambda: (
            library.details.look is not None
            and library.details.look.group_id == group_id
            and library.details.use_button.isEnabled()
        ),
        "“Use in my video” becomes clickable",
    )
    look = library.details.look
    journey.seen["look"] = {"id": look.id, "name": look.name, "group_id": look.group_id}
    await settle()
    journey.shot("library-look")

    journey.begin("Use in my video")
    click(library.details.use_button, "“Use in my video”")
    scenes: ScenesPanel = journey.panel(ScenesPanel)
    await until(lambda: window.current_panel() is scenes, "Scenes opens")
    await until(
        lambda: (
            scenes.project is not None and scenes.project.look is not None and scenes.project.look.look_id == look.id
        ),
        "the new video uses the chosen look",
    )

    journey.begin("Scenes: write two scenes")
    type_into(scenes.title_edit, VIDEO_TITLE)
    editor = scenes.scene_editor
    advice: list[str] = []
    for number, (script, movement, motion) in enumerate(SCENES, start=1):
        if number > 1:
            click(scenes.add_scene_button, "“Add scene”")
            await until(
                lambda n=number: (
                    scenes.project is not None
                    and len(scenes.project.scenes) == n
                    and editor.heading.text() == f"Scene {n}"
                ),
                f"scene {number} opens in the editor",
            )
        type_into(editor.script, script, replace=False)
        choose_in_combo(editor.movement, movement)
        type_into(editor.motion_prompt, motion)
        await settle()
        advice.append(editor.advice.text() if editor.advice.isVisible() else "")
    project = scenes.project
    assert project is not None
    journey.seen["scenes"] = [
        {
            "script": s.script,
            "expressiveness": EXPRESSIVENESS_LABELS[s.expressiveness],
            "motion_prompt": s.motion_prompt,
            "advice": shown,
        }
        for s, shown in zip(project.scenes, advice, strict=True)
    ]
    journey.seen["emotion_offered"] = editor.emotion.isVisible()
    wanted = list(SCENES)
    got = [(s.script, EXPRESSIVENESS_LABELS[s.expressiveness], s.motion_prompt) for s in project.scenes]
    if got != wanted:
        raise StepFailed(f"the project holds other scenes than typed: {got}")
    journey.shot("scenes-written")

    journey.begin("Choose a voice")
    before = scenes.project.voice
    click(scenes.voice_button, "“Choose voice…”")
    await until(lambda: scenes.voice_dialog is not None and scenes.voice_dialog.isVisible(), "the voice picker opens")
    dialog = scenes.voice_dialog
    assert dialog is not None
    await until(lambda: dialog.list.count() > 0, "the voice picker lists voices", within=30)
    row = next(
        r
        for r in range(dialog.list.count())
        if before is None or dialog.list.item(r).data(Qt.ItemDataRole.UserRole).id != before.voice_id
    )
    click_row(dialog.list, row, "a voice in the picker")
    await until(dialog.use_button.isEnabled, "“Use this voice” becomes clickable")
    chosen = dialog.current_voice()
    await settle()
    journey.shot("voice-picker", dialog)
    click(dialog.use_button, "“Use this voice”")
    await until(lambda: not dialog.isVisible(), "the voice picker closes")
    await until(
        lambda: scenes.project.voice is not None and scenes.project.voice.voice_id == chosen.id,
        "the video uses the chosen voice",
    )
    journey.seen["voice"] = {"id": chosen.id, "name": chosen.name, "label": scenes.voice_label.text()}
    journey.seen["totals"] = scenes.totals.text()
    journey.seen["estimate_s"] = shown_seconds(scenes.totals.text())

    journey.begin("Measure every scene by hearing it, saying yes to its price first")
    click(scenes.measure_all_button, "“Measure all”")
    await until(
        lambda: scenes.listening.question is not None and scenes.listening.question.isVisible(),
        "the app asks before paying to hear the scenes",
    )
    question = scenes.listening.question
    journey.seen["measure_question"] = question.text()
    click(next(b for b in question.buttons() if b.text() == "Measure all"), "“Measure all” in the question")
    await until(
        lambda: len(scenes.editor.measured()) == len(scenes.project.scenes) and "measured" in scenes.totals.text(),
        "every scene shows its measured length",
        within=30,
    )
    journey.seen["measured_s"] = sum(scenes.editor.measured().values())
    journey.seen["measured_totals"] = scenes.totals.text()
    await settle()
    journey.shot("ready-to-render")

    journey.begin("Render")
    click(scenes.render_button, "“Render”")
    await until(scenes.queued_row.isVisible, "Scenes says the video was added to the render queue")
    if scenes.problem.isVisible():
        raise StepFailed(f"Scenes shows a problem: {scenes.problem.text()}")
    journey.seen["queued"] = scenes.queued.text()
    journey.shot("queued")

    journey.begin("Render again: the app asks before paying for a second copy")
    render_at = scenes.render_button.mapToGlobal(scenes.render_button.rect().center())
    click(scenes.render_button, "“Render” again")
    await until(
        lambda: scenes.render_prompt is not None and scenes.render_prompt.isVisible(),
        "the app asks whether to render another copy",
    )
    prompt = scenes.render_prompt
    assert prompt is not None
    journey.seen["second_render"] = {
        "question": prompt.text(),
        "button_stayed": scenes.render_button.mapToGlobal(scenes.render_button.rect().center()) == render_at,
    }
    journey.shot("render-again-question", prompt)
    click(prompt.button(QMessageBox.StandardButton.Cancel), "“Cancel”")
    await until(lambda: not prompt.isVisible(), "the question closes")

    journey.begin("Renders: watch the job complete and download")
    click(scenes.open_renders_button, "“Open Renders”")
    renders: RendersPanel = journey.panel(RendersPanel)
    await until(lambda: window.current_panel() is renders, "Renders opens")
    await until(lambda: renders.model.rowCount() == 1, "the render shows in Renders", within=30)
    row_widget = renders.model.items()[0]
    statuses: list[str] = []
    journey.seen["render_statuses"] = statuses  # filled while it renders, so a failure shows them too
    await until(downloaded(journey, row_widget, statuses), "the render is downloaded", within=120)
    await settle()
    statuses.append(row_widget.status)
    job = await renders.queue.get(row_widget.job.id)
    assert job is not None
    journey.seen["renders_listed"] = len(await renders.queue.all_jobs())
    journey.seen["render"] = {
        "status": job.status.value,
        "remote_id": job.remote_id,
        "file": job.file_path,
        "estimated_seconds": job.estimated_seconds,
        "title": job.title,
        "play_visible": renders.selected_job() == row_widget.job and renders.action_buttons[RowAction.PLAY].isVisible(),
        "details": row_widget.details(),
    }
    journey.shot("downloaded")

    journey.begin("Quit with the window's close, saving the video when asked")
    window.close()
    await until(
        lambda: scenes.save_prompt is not None and scenes.save_prompt.isVisible(),
        "the app asks whether to save the unsaved video",
    )
    journey.shot("save-prompt", scenes.save_prompt)
    click(scenes.save_prompt.button(QMessageBox.StandardButton.Save), "“Save”")
    await until(
        lambda: scenes.file_dialog is not None and scenes.file_dialog.isVisible(),
        "the app asks where to save the video",
    )
    dialog = scenes.file_dialog
    journey.seen["project_file"] = dialog.selectedFiles()[0]
    dialog.accept()  # the suggested name in the home folder, as Enter in the dialog would
    await until(lambda: scenes.saved_path is not None, "the video is saved")
    journey.seen["project_file"] = str(scenes.saved_path)


async def run(args: argparse.Namespace, key: str) -> dict[str, Any]:
    studio = StudioApp(app_paths().ensure(), load_settings(app_paths().settings_file))
    window = await studio.start()
    window.activateWindow()
    args.shots.mkdir(parents=True, exist_ok=True)
    journey = Journey(window, args.shots)
    result: dict[str, Any] = {"ok": False}
    try:
        await asyncio.wait_for(walk(journey, args.photo, args.profile, key), JOURNEY_TIMEOUT_S)
        journey.begin("the app closes cleanly")
        await asyncio.wait_for(studio.wait_closed(), 10)
        result["ok"] = True
    except (StepFailed, AssertionError, TimeoutError) as error:
        result["error"] = f"{type(error).__name__}: {error}" if str(error) else "the whole journey took too long"
    except Exception as error:  # noqa: BLE001 - the driver's one report: any error goes in it with its step
        result["error"] = "".join(traceback.format_exception(error))
    finally:
        if not result["ok"]:
            try:
                journey.shot("failed")
            except RuntimeError:  # the window is gone: the screenshot of a failure is a bonus, not a second failure
                pass
        await studio.aclose()
    result.update(
        step=journey.step,
        steps=journey.steps,
        screenshots=journey.shots,
        seen=journey.seen,
        tasks_left=len(studio.tasks),
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photo", type=Path, required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--shots", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()
    key = sys.stdin.readline().strip()
    paths = app_paths().ensure()
    log_file = setup_logging(paths.log_file, logging.DEBUG)

    qt_app = QApplication(sys.argv[:1])
    qt_app.setQuitOnLastWindowClosed(False)  # as in the app: it quits after its own shutdown
    apply_style(qt_app)
    result = qasync.run(run(args, key))
    args.result.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if not result["ok"]:
        print(f"[journey] FAILED at step “{result['step']}”: {result.get('error')}", flush=True)
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines() if log_file.exists() else []
        print("[journey] last 50 log lines:\n" + "\n".join(lines[-50:]), flush=True)
        return 1
    print("[journey] done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
