"""Make the README's screenshots: the real app on its embedded sandbox, filled with demo content.

    xvfb-run -a -s "-screen 0 1440x900x24" scripts/with-keychain.sh .venv/bin/python scripts/screenshots.py \
        [--out docs/screenshots]

Everything the app writes goes to a temporary folder (HEYGEN_STUDIO_HOME) that is deleted afterwards;
with-keychain.sh gives it a private, throwaway keychain. Exits 1 saying which step failed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="heygen-studio-screenshots-"))
os.environ["HEYGEN_STUDIO_HOME"] = str(WORK / "home")  # before the app reads it
os.environ.pop("HEYGEN_STUDIO_API_URL", None)  # the sandbox only, never a real HeyGen
os.environ["QT_API"] = "pyside6"  # qasync picks its Qt binding from this at import time
sys.path.insert(0, str(ROOT / "tests"))  # for waiting.py, the tests' polling helper

import qasync  # noqa: E402
from PySide6.QtCore import QSize, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget  # noqa: E402
from waiting import until  # noqa: E402  (tests/waiting.py)

from heygen_studio.app import StudioApp  # noqa: E402
from heygen_studio.config import app_paths, load_settings  # noqa: E402
from heygen_studio.logging_setup import setup_logging  # noqa: E402
from heygen_studio.resources import sample_photo  # noqa: E402
from heygen_studio.sandbox.config import SandboxConfig  # noqa: E402
from heygen_studio.storage.render_jobs import JobStatus  # noqa: E402
from heygen_studio.ui.main_window import MainWindow  # noqa: E402
from heygen_studio.ui.panels.library import LibraryPanel  # noqa: E402
from heygen_studio.ui.panels.photos import PhotosPanel  # noqa: E402
from heygen_studio.ui.panels.renders import RendersPanel  # noqa: E402
from heygen_studio.ui.panels.scenes import ScenesPanel  # noqa: E402
from heygen_studio.ui.panels.settings import SettingsPanel  # noqa: E402
from heygen_studio.ui.style import apply_style  # noqa: E402
from heygen_studio.ui.widgets.photo_shelf import PHOTO_ROLE  # noqa: E402

SIZE = QSize(1280, 800)
PHOTOS = ("astronaut.png", "camera.png", "chelsea.png")  # passes, warns, fails
SHOWN_PHOTO = "camera.png"
AVATAR = "Eileen (demo)"  # the sandbox's ready-made avatar, with two looks
VOICE = "Olivia (British)"
TITLE = "Welcome to the team"
SECOND_TITLE = "Welcome to the team (short)"
SCENES = (
    (
        "Hi, and welcome to the team! I'm Eileen, and I'll show you around during your first week.",
        "Medium",
        "waves at the camera and smiles warmly",
    ),
    (
        "Tomorrow at nine we meet in the big room on the second floor. Bring your laptop and a coffee.",
        "High — lively",
        "counts on her fingers and nods",
    ),
    ("If anything is unclear, just ask. We are glad you are here.", "Low — calm", "tilts her head and smiles"),
)  # script, expressiveness (v3 has no emotion setting), motion prompt
STEP_TIMEOUT_S = 60.0
JOB_SECONDS = 5.0  # per sandbox render stage: the second render is still at HeyGen when the queue first asks


class StepFailed(Exception):
    """Something the screenshots need did not show up in time."""


class Shooter:
    """Walks the app from the first run to the render queue, saving a window grab at each stop."""

    def __init__(self, studio: StudioApp, out: Path) -> None:
        self.studio = studio
        self.out = out
        self.step = "start the app"
        self.saved: list[Path] = []

    @property
    def window(self) -> MainWindow:
        assert self.studio.window is not None
        return self.studio.window

    def begin(self, step: str) -> None:
        self.step = step
        print(f"[screenshots] {step}", flush=True)

    def panel(self, kind: type) -> object:
        return self.window.panel(kind)

    async def shot(self, name: str, widget: QWidget | None = None) -> None:
        await settle()
        pixmap = (widget or self.window).grab()
        if widget is None and pixmap.size() != SIZE:
            raise StepFailed(
                f"the window is {pixmap.width()}x{pixmap.height()}, not {SIZE.width()}x{SIZE.height()} "
                "(run under xvfb-run with a screen of at least 1440x900)"
            )
        path = self.out / f"{name}.png"
        if not pixmap.save(str(path)):
            raise StepFailed(f"could not write {path}")
        self.saved.append(path)
        print(f"[screenshots] saved {path}", flush=True)

    async def run(self) -> None:
        window = self.window
        session = window.session
        window.resize(SIZE)
        window.activateWindow()

        self.begin("welcome page (first run)")
        await until(window.showing_welcome, "the welcome page shows")
        await self.shot("welcome")

        self.begin("Try the sandbox")
        window.welcome.sandbox_button.click()
        await until(
            lambda: session.connection is not None and session.connection.sandbox, "the app connects to the sandbox"
        )
        await until(
            lambda: (
                window.balance_label.text().startswith("Balance: ") and "checking" not in window.balance_label.text()
            ),
            "the status bar shows the balance",
        )
        await session.renders.set_output_dir(WORK / "Videos" / "HeyGen Studio")
        self.panel(RendersPanel).reload()

        self.begin("Photos: three sample photos, one selected")
        window.show_panel("Photos")
        photos = self.panel(PhotosPanel)
        assert isinstance(photos, PhotosPanel)
        pictures = WORK / "Pictures"  # as if from the user's own folder, not the app's resources
        pictures.mkdir()
        photos.add_paths([Path(shutil.copy(sample_photo(name), pictures)) for name in PHOTOS])
        await until(
            lambda: (
                photos.model.rowCount() == len(PHOTOS)
                and all(photos.model.item(row).data(PHOTO_ROLE) is not None for row in range(len(PHOTOS)))
            ),
            "the photos are checked",
        )
        verdicts = {
            photos.model.item(row).text(): photos.model.item(row).data(PHOTO_ROLE).verdict for row in range(len(PHOTOS))
        }
        if list(verdicts.values()) != ["pass", "warn", "fail"]:
            raise StepFailed(f"the sample photos no longer pass, warn and fail: {verdicts}")
        photos.list.setCurrentIndex(photos.model.index(PHOTOS.index(SHOWN_PHOTO), 0))
        photos.name.setText("Photographer")
        await until(photos.details.isVisible, "the selected photo's checks show")
        await self.shot("photos")

        self.begin(f"Library: the looks of {AVATAR}")
        window.show_panel("Library")
        library = self.panel(LibraryPanel)
        assert isinstance(library, LibraryPanel)

        def avatar_row() -> int:
            return library.groups_model.row_of(lambda group: group.name == AVATAR)

        await until(lambda: avatar_row() >= 0, f"“{AVATAR}” is in My avatars")
        library.groups_view.setCurrentIndex(library.groups_model.index(avatar_row()))
        await until(
            lambda: (
                library.looks_model.rowCount() >= 2
                and all(look.group_id == library.current_group().id for look in library.looks_model.all_items())
            ),
            f"the looks of “{AVATAR}” show",
        )
        library.looks_view.setCurrentIndex(library.looks_model.index(0))
        await until(
            lambda: library.details.look is not None and library.details.use_button.isEnabled(),
            "the look's details show",
        )
        await until(lambda: library.thumbnails.pending == 0, "the thumbnails load")
        await self.shot("library")

        self.begin("Scenes: a three-scene video")
        library.details.use_button.click()
        scenes = self.panel(ScenesPanel)
        assert isinstance(scenes, ScenesPanel)
        await until(
            lambda: scenes.project is not None and scenes.project.look is not None, "Scenes opens with the chosen look"
        )
        type_text(scenes.title_edit, TITLE)
        await until(lambda: scenes.project.title == TITLE, "the video takes its title")
        editor = scenes.scene_editor
        for number, (script, movement, motion) in enumerate(SCENES, start=1):
            if number > 1:
                scenes.add_scene()
                await until(lambda n=number: len(scenes.project.scenes) == n, f"scene {number} is added")
            editor.script.setPlainText(script)
            editor.movement.setCurrentIndex(editor.movement.findText(movement))
            if editor.movement.currentText() != movement:
                raise StepFailed(f"“{movement}” is not among the expressiveness choices")
            editor.motion_prompt.setText(motion)
            await settle()
        await self.choose_voice(scenes)
        scenes.measure_all_button.click()  # free on the sandbox: every scene's length and price become exact
        await until(
            lambda: all("measured" in scenes.scene_list.item(row).text() for row in range(scenes.scene_list.count())),
            "every scene is measured",
        )
        scenes.scene_list.setCurrentRow(1)
        scenes.scene_list.setFocus()  # no text cursor blinking in the title
        await until(lambda: editor.heading.text() == "Scene 2", "scene 2 opens in the editor")
        await self.shot("scenes")

        self.begin("Renders: one video downloaded, one rendering")
        await self.render(scenes)
        renders = self.panel(RendersPanel)
        assert isinstance(renders, RendersPanel)
        await until(
            lambda: any(item.job.status == JobStatus.DOWNLOADED for item in renders.model.items()),
            "the first video is downloaded",
            within=120,
        )
        type_text(scenes.title_edit, SECOND_TITLE)
        await until(lambda: scenes.project.title == SECOND_TITLE, "the shorter video takes its title")
        scenes.delete_scene()
        await self.render(scenes)
        window.show_panel("Renders")
        await until(
            lambda: (
                renders.model.rowCount() == 2
                and any(item.job.status in (JobStatus.PENDING, JobStatus.PROCESSING) for item in renders.model.items())
            ),
            "the second video is rendering at HeyGen",
        )
        await until(
            lambda: all(item.thumbnail is not None for item in renders.model.items()),
            "the renders' thumbnails load",
        )
        await self.shot("renders")

        self.begin("Settings")
        window.show_panel("Settings")
        settings = self.panel(SettingsPanel)
        assert isinstance(settings, SettingsPanel)
        await until(lambda: "Checking" not in settings.keychain_label.text(), "the keychain status shows")
        await self.shot("settings")

    async def choose_voice(self, scenes: ScenesPanel) -> None:
        scenes.choose_voice()
        dialog = scenes.voice_dialog
        assert dialog is not None
        await until(lambda: dialog.list.count() > 0, "the voice picker lists voices")
        rows = [row for row in range(dialog.list.count()) if dialog.list.item(row).text().startswith(VOICE)]
        if not rows:
            raise StepFailed(f"the voice picker has no “{VOICE}”")
        dialog.list.setCurrentRow(rows[0])
        await until(dialog.use_button.isEnabled, "“Use this voice” becomes clickable")
        dialog.use_button.click()
        await until(
            lambda: scenes.project.voice is not None and scenes.project.voice.name == VOICE,
            f"the video speaks with {VOICE}",
        )

    async def render(self, scenes: ScenesPanel) -> None:
        renders = self.panel(RendersPanel)
        assert isinstance(renders, RendersPanel)
        before = renders.model.rowCount()
        scenes.render_button.click()
        await until(
            lambda: scenes.queued_row.isVisible() or scenes.problem.isVisible(), "Scenes answers the Render click"
        )
        if scenes.problem.isVisible():
            raise StepFailed(f"Scenes refused to render: {scenes.problem.text()}")
        await until(lambda: renders.model.rowCount() == before + 1, "the render shows in Renders")


def type_text(edit: QLineEdit, text: str) -> None:
    """Replace what `edit` holds by typing, as a person does (the panels listen to edits, not to setText)."""
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(edit, text)


async def settle() -> None:
    """A few turns of the loop so layouts, repaints and queued signals happen."""
    for _ in range(10):
        await asyncio.sleep(0.03)


async def shoot(out: Path) -> str | None:
    """Take every screenshot; None when all were saved, else what failed and where."""
    paths = app_paths().ensure()
    studio = StudioApp(
        paths,
        load_settings(paths.settings_file),
        sandbox_config=SandboxConfig(job_seconds=JOB_SECONDS, state_file=WORK / "sandbox" / "state.json"),
    )
    shooter = Shooter(studio, out)
    error: str | None = None
    try:
        await studio.start()
        await shooter.run()
    except (StepFailed, TimeoutError, AssertionError) as failure:
        error = f"{failure}" or type(failure).__name__
    except Exception as failure:  # noqa: BLE001 - the script's one report: any error goes in it with its step
        error = "".join(traceback.format_exception(failure))
    finally:
        await studio.aclose()
    return None if error is None else f"step “{shooter.step}” failed: {error}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "docs" / "screenshots",
        help="folder for the PNGs (default: docs/screenshots)",
    )
    parser.add_argument(
        "--size",
        default="1280x800",
        metavar="WxH",
        help="window size (default 1280x800; 1024x700 checks that nothing is cut off)",
    )
    args = parser.parse_args()
    width, _, height = args.size.partition("x")
    SIZE.setWidth(int(width))
    SIZE.setHeight(int(height))
    try:
        return take_screenshots(args.out)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


def take_screenshots(out: Path) -> int:
    if not os.environ.get("HEYGEN_STUDIO_PRIVATE_KEYCHAIN"):
        print(
            "screenshots.py: run it through scripts/with-keychain.sh, so your own keychain is never used",
            file=sys.stderr,
        )
        return 2
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print('screenshots.py: no display; run it under xvfb-run -a -s "-screen 0 1440x900x24"', file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    log_file = setup_logging(app_paths().ensure().log_file, logging.INFO)
    qt_app = QApplication(sys.argv[:1])
    qt_app.setQuitOnLastWindowClosed(False)  # as in the app: it quits after its own shutdown
    apply_style(qt_app)
    error = qasync.run(shoot(out))
    if error is not None:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines() if log_file.exists() else []
        print("[screenshots] last 30 log lines:\n" + "\n".join(lines[-30:]), file=sys.stderr)
        print(f"screenshots.py: {error}", file=sys.stderr)
        return 1
    print(f"[screenshots] done: {len(list(out.glob('*.png')))} PNGs in {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
