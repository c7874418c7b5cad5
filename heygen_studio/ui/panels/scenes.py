"""Scenes: where the user writes what the avatar says, sets up the video, and sends it to render."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api.base import HeyGenApi
from heygen_studio.api.errors import HeyGenError, NotFoundError
from heygen_studio.api.mapping import FieldNote, explain_mapping, v2_dimension
from heygen_studio.api.models import ApiLimits, AspectRatio, Dimension, Look, Resolution, VideoSpec, Voice
from heygen_studio.api.v2 import V2Api
from heygen_studio.api.v3 import V3Api
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import AvatarType, Engine, VideoQuote
from heygen_studio.domain.project import (
    FILE_SUFFIX,
    LookRef,
    NotReadyToRender,
    Project,
    ProjectFileError,
    Scene,
    VoiceRef,
    draft_video_spec,
    estimate,
    format_duration,
    video_spec,
)
from heygen_studio.domain.quotes import quote_project
from heygen_studio.services.projects import Autosaver, ProjectStore, Recovery
from heygen_studio.session import Session
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone, hint_label, set_tone
from heygen_studio.ui.widgets.engine_choice import EngineChoice, avatar_type_of, engines_for
from heygen_studio.ui.widgets.render_questions import ALREADY_RENDERING, ask, same_video
from heygen_studio.ui.widgets.scene_commands import ProjectEdit
from heygen_studio.ui.widgets.scene_editor import SceneEditor
from heygen_studio.ui.widgets.scene_look import LookBadge, fetch_thumbnail
from heygen_studio.ui.widgets.voice_picker import VoicePickerDialog, describe_voice, load_all_voices

log = logging.getLogger(__name__)

ASPECTS = (  # short enough to show whole in a narrow column; where each is used, in its tooltip
    (AspectRatio.LANDSCAPE, "16:9 landscape", "YouTube, slides, websites"),
    (AspectRatio.PORTRAIT, "9:16 portrait", "Reels, TikTok, Shorts"),
    (AspectRatio.SQUARE, "1:1 square", "Feeds that crop to a square"),
    (AspectRatio.PORTRAIT_4_5, "4:5 tall", "Instagram feed"),
    (AspectRatio.LANDSCAPE_5_4, "5:4 nearly square", "Presentations on older screens"),
)
CUSTOM = "custom"
RESOLUTIONS = ((Resolution.HD_720P, "720p"), (Resolution.FHD_1080P, "1080p (Full HD)"), (Resolution.UHD_4K, "4K"))
API_NAMES = {"v3": "HeyGen's current API", "v2": "HeyGen's legacy (v2) API"}
FILE_FILTER = f"HeyGen Studio projects (*{FILE_SUFFIX})"


def _button(text: str, primary: bool = False, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    if primary:
        button.setObjectName("primaryButton")
    if tip:
        button.setToolTip(tip)
    return button


class ScenesPanel(Panel):
    title = "Scenes"
    icon_name = "scenes"
    summary = (
        "Write what your avatar says. Each scene is a short script with its own mood and movement; "
        "you see how long the video runs and what it costs before you render."
    )
    next_step = "Choose an avatar in Library, then type the script for your first scene here."

    editing_changed = Signal(bool)
    """A video was opened (True) or closed (False): Save and Save as apply only to an open one."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        while self.content.count():  # the placeholder card
            item = self.content.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.store = ProjectStore(session.paths.data_dir)
        self.autosaver = Autosaver(self.store, session.tasks.spawn)
        self.undo_stack = QUndoStack(self)
        self.project: Project | None = None
        self.saved_path: Path | None = None
        self._saved_project: Project | None = None  # as last saved or loaded; None: restored edits no file holds
        self._voices: list[Voice] = []
        self._voices_error = ""
        self._scene_id = ""
        self._missing_look_id: str | None = None
        self._sent: Project | None = None  # the last project sent to the render queue from here
        self._render_check: asyncio.Task[None] | None = None
        self.render_prompt: QMessageBox | None = None
        self._loading = False
        self.voice_dialog: VoicePickerDialog | None = None
        self.request_dialog: RequestDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.save_prompt: QMessageBox | None = None
        self.color_dialog: QColorDialog | None = None
        self._recovery: Recovery | None = None
        self.recent_projects: list[tuple[str, Path]] = []  # (title, file) as the File menu lists them
        self._look: Look | None = None  # what HeyGen says of the project's look (avatar type, engines)
        self._previews: dict[str, str] = {}  # look id → its picture's current address (saved ones expire)

        self.pages = QStackedWidget()
        self.start_page = self._build_start_page()
        self.editor_page = self._build_editor_page()  # its two columns scroll on their own on a small screen
        self.pages.addWidget(self.start_page)
        self.pages.addWidget(self.editor_page)
        self.pages.currentChanged.connect(self._page_changed)
        self.content.addWidget(self.pages, 1)

        session.look_chosen.connect(self.use_look)
        session.connection_changed.connect(self._connection_changed)
        session.balance_changed.connect(lambda _balance: self._refresh_totals())
        session.renders.refused.connect(self._render_refused)
        self.undo_stack.cleanChanged.connect(lambda _clean: self._refresh_saved_state())
        QTimer.singleShot(0, self._start)

    # --- building -------------------------------------------------------------------------------

    def _build_start_page(self) -> QWidget:
        page = QWidget()
        self.recovery_banner = QFrame()
        self.recovery_banner.setObjectName("panelCard")
        self.recovery_text = QLabel()
        self.recovery_text.setWordWrap(True)
        self.restore_button = _button("Restore it", primary=True)
        self.discard_recovery_button = _button("Discard")
        banner = QHBoxLayout(self.recovery_banner)
        banner.addWidget(self.recovery_text, 1)
        banner.addWidget(self.restore_button)
        banner.addWidget(self.discard_recovery_button)
        self.recovery_banner.hide()

        self.new_button = _button("New video", primary=True, tip="Start an empty video with one scene")
        self.open_button = _button("Open a project file…", tip=f"Open a saved {FILE_SUFFIX} file")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        self.start_message = QLabel()
        self.start_message.setWordWrap(True)
        set_tone(self.start_message, Tone.BAD)
        self.start_message.hide()
        recent_title = QLabel("Recent projects")
        recent_title.setStyleSheet("font-weight: 600;")
        self.recent_list = QListWidget()
        self.recent_list.setMaximumHeight(260)
        self.recent_empty = hint_label("Videos you save appear here, so you can come back to them.")

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.recovery_banner)
        intro = QLabel(
            "Start a new video, or continue one you saved. Choosing a look in the "
            "Library also starts a new video with it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.start_message)
        layout.addSpacing(12)
        layout.addWidget(recent_title)
        layout.addWidget(self.recent_empty)
        layout.addWidget(self.recent_list)
        layout.addStretch(1)

        self.new_button.clicked.connect(self.new_project)
        self.open_button.clicked.connect(self.choose_file_to_open)
        self.recent_list.itemActivated.connect(self._open_recent)
        self.recent_list.itemClicked.connect(self._open_recent)
        self.restore_button.clicked.connect(self.restore_recovery)
        self.discard_recovery_button.clicked.connect(self._discard_recovery)
        return page

    def _build_editor_page(self) -> QWidget:
        page = QWidget()
        # top row: title, file actions, undo/redo
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Video title")
        self.title_edit.setToolTip("The title your video gets in HeyGen")
        # Ctrl+S, Ctrl+N and Ctrl+O belong to the File menu's actions, which do the same as these buttons
        self.save_button = _button("Save", tip="Save this video as a project file (Ctrl+S)")
        self.save_as_button = _button("Save as…")
        self.editor_new_button = _button("New", tip="Start another video (Ctrl+N)")
        self.editor_open_button = _button("Open…", tip=f"Open a saved {FILE_SUFFIX} file (Ctrl+O)")
        self.close_button = _button("Close", tip="Back to the list of projects")
        self.undo_button = _button("Undo", tip="Undo the last change (Ctrl+Z)")
        self.redo_button = _button("Redo", tip="Redo (Ctrl+Shift+Z)")
        self.undo_button.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_button.setShortcut(QKeySequence.StandardKey.Redo)
        self.saved_state = hint_label()
        top = QHBoxLayout()
        top.addWidget(QLabel("Title"))
        top.addWidget(self.title_edit, 1)
        top.addWidget(self.undo_button)
        top.addWidget(self.redo_button)
        top.addSpacing(12)
        top.addWidget(self.save_button)
        top.addWidget(self.save_as_button)
        top.addWidget(self.editor_new_button)
        top.addWidget(self.editor_open_button)
        top.addWidget(self.close_button)

        # left column: avatar and voice, scenes, format; compact enough to need no scroll bar at 1280×800
        self.look_badge = LookBadge()
        self.voice_label = QLabel()
        self.voice_label.setWordWrap(True)
        self.voice_button = _button("Choose voice…", tip="Pick the voice that speaks every scene")
        voice_row = QHBoxLayout()
        voice_row.addWidget(QLabel("Voice:"))
        voice_row.addWidget(self.voice_label, 1)
        voice_row.addWidget(self.voice_button)
        avatar_box = QGroupBox("Avatar and voice")
        avatar_layout = QVBoxLayout(avatar_box)
        avatar_layout.addWidget(self.look_badge)
        avatar_layout.addLayout(voice_row)

        self.aspect = QComboBox()
        self.aspect.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.aspect.setMinimumContentsLength(16)
        for value, text, use in ASPECTS:
            self.aspect.addItem(text, value)
            self.aspect.setItemData(self.aspect.count() - 1, use, Qt.ItemDataRole.ToolTipRole)
        self.aspect.addItem("Custom size (legacy API only)", CUSTOM)
        self.custom_width = QSpinBox()
        self.custom_height = QSpinBox()
        for spin in (self.custom_width, self.custom_height):
            spin.setRange(128, 4096)
            spin.setSingleStep(2)
            spin.setSuffix(" px")
        self.custom_row = QWidget()
        custom_layout = QHBoxLayout(self.custom_row)
        custom_layout.setContentsMargins(0, 0, 0, 0)
        custom_layout.addWidget(self.custom_width)
        custom_layout.addWidget(QLabel("×"))
        custom_layout.addWidget(self.custom_height)
        self.resolution = QComboBox()
        for value, text in RESOLUTIONS:
            self.resolution.addItem(text, value)
        self.captions = QCheckBox("Captions")
        self.captions.setToolTip("Also make a subtitles file beside the video")
        self.background_button = _button("Background colour…", tip="The colour behind the avatar")
        self.format_notes = hint_label(tone=Tone.WARN)
        format_box = QGroupBox("Format")
        format_form = QFormLayout(format_box)
        self.format_form = format_form
        format_form.addRow("Shape", self.aspect)
        format_form.addRow("Size", self.custom_row)
        format_form.addRow("Quality", self.resolution)
        self.engine_choice = EngineChoice()
        format_form.addRow("Engine", self.engine_choice)
        extras = QHBoxLayout()
        extras.addWidget(self.captions)
        extras.addWidget(self.background_button, 1)
        format_form.addRow("Options", extras)
        format_form.addRow(self.format_notes)

        self.scene_list = SceneList()
        self.scene_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.scene_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.scene_list.setMinimumHeight(88)  # three scenes; the list takes whatever height is left
        self.scene_list.setToolTip("Drag a scene up or down to change the order")
        self.add_scene_button = _button("Add scene", tip="Add an empty scene after the selected one")
        self.duplicate_button = _button("Duplicate", tip="Copy the selected scene")
        self.delete_button = _button("Delete", tip="Delete the selected scene (Undo brings it back)")
        scene_buttons = QHBoxLayout()
        scene_buttons.addWidget(self.add_scene_button)
        scene_buttons.addWidget(self.duplicate_button)
        scene_buttons.addWidget(self.delete_button)
        scenes_box = QGroupBox("Scenes")
        scenes_layout = QVBoxLayout(scenes_box)
        scenes_layout.addWidget(self.scene_list)
        scenes_layout.addLayout(scene_buttons)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        for box in (avatar_box, scenes_box, format_box):
            box.layout().setContentsMargins(0, 4, 0, 0)  # the group box's own padding is enough
            left_layout.addWidget(box, 1 if box is scenes_box else 0)
        left_scroll = QScrollArea()
        left_scroll.setWidget(left)
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setMinimumWidth(340)  # narrower only when the window is, so the script editor keeps room
        left_scroll.setMaximumWidth(400)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.scene_editor = SceneEditor()
        right_scroll = QScrollArea()
        right_scroll.setWidget(self.scene_editor)
        right_scroll.setWidgetResizable(True)
        right_scroll.setFrameShape(QFrame.Shape.NoFrame)
        middle = QHBoxLayout()
        middle.addWidget(left_scroll, 2)  # two fifths of the width, between 340 and 400 px
        middle.addSpacing(12)
        middle.addWidget(right_scroll, 3)

        # bottom: totals, problems, request, render, confirmation
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        set_tone(self.problem, Tone.BAD)
        self.problem.hide()
        self.show_request_button = _button("Show request", tip="See the exact request a render would send")
        self.render_button = _button("Render", primary=True, tip="Check the video and add it to the render queue")
        self.queued = QLabel()
        set_tone(self.queued, Tone.GOOD)
        self.open_renders_button = _button("Open Renders")
        self.queued_row = QWidget()
        queued_layout = QHBoxLayout(self.queued_row)
        queued_layout.setContentsMargins(0, 0, 0, 0)
        queued_layout.addWidget(self.queued, 1)
        queued_layout.addWidget(self.open_renders_button)
        self.queued_row.hide()
        bottom = QHBoxLayout()
        bottom.addWidget(self.totals, 1)
        bottom.addWidget(self.saved_state)
        bottom.addWidget(self.show_request_button)
        bottom.addWidget(self.render_button)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.problem)  # messages appear above the Render button, which never moves
        layout.addWidget(self.queued_row)
        layout.addLayout(bottom)

        self.title_edit.textEdited.connect(lambda text: self._edit_project("Edit title", "title", title=text))
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.save_button.clicked.connect(lambda: self.save())
        self.save_as_button.clicked.connect(self.save_as)
        self.editor_new_button.clicked.connect(self.ask_then_new)
        self.editor_open_button.clicked.connect(self.choose_file_to_open)
        self.close_button.clicked.connect(lambda: self.ask_to_save(self.close_project))
        self.voice_button.clicked.connect(self.choose_voice)
        self.aspect.currentIndexChanged.connect(self._aspect_changed)
        self.custom_width.valueChanged.connect(self._custom_size_changed)
        self.custom_height.valueChanged.connect(self._custom_size_changed)
        self.resolution.currentIndexChanged.connect(
            lambda: self._edit_project("Change quality", None, resolution=self.resolution.currentData())
        )
        self.captions.toggled.connect(lambda on: self._edit_project("Captions", None, captions=on))
        self.background_button.clicked.connect(self.choose_background)
        self.scene_list.currentRowChanged.connect(self._scene_selected)
        self.scene_list.model().rowsMoved.connect(lambda *_: QTimer.singleShot(0, self._order_from_list))
        self.add_scene_button.clicked.connect(self.add_scene)
        self.duplicate_button.clicked.connect(self.duplicate_scene)
        self.delete_button.clicked.connect(self.delete_scene)
        self.scene_editor.changed.connect(self._scene_edited)
        self.engine_choice.chosen.connect(lambda engine: self._edit_project("Change engine", None, engine=engine))
        self.show_request_button.clicked.connect(self.show_request)
        self.render_button.clicked.connect(self.render)
        self.open_renders_button.clicked.connect(self._open_renders)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        return page

    def _page_changed(self) -> None:
        """While a video is open the panel's summary makes way for the editor (the start page keeps it)."""
        summary = self.findChild(QLabel, "panelSummary")
        if summary is not None:
            summary.setVisible(self.pages.currentWidget() is not self.editor_page)

    # --- start state: recent projects and recovery -------------------------------------------------

    def _start(self) -> None:
        self.session.tasks.spawn(self._load_start_state(), "scenes: recent projects and recovery")
        self._connection_changed()

    async def _load_start_state(self) -> None:
        recent = await self.store.recent()
        self.recent_projects = [(entry.title or entry.path.stem, entry.path) for entry in recent]
        self.recent_list.clear()
        for entry in recent:
            item = QListWidgetItem(f"{entry.title or entry.path.stem}   —   {entry.path}", self.recent_list)
            item.setData(Qt.ItemDataRole.UserRole, str(entry.path))
            item.setToolTip(f"Open {entry.path}")
        self.recent_list.setVisible(bool(recent))
        self.recent_empty.setVisible(not recent)
        if self.project is None:
            self._recovery = await self.store.find_recovery()
            if self._recovery is not None:
                name = self._recovery.project.title
                where = f"saved as {self._recovery.saved_path.name}" if self._recovery.saved_path else "never saved"
                self.recovery_text.setText(
                    f"“{name}” ({where}) had changes that were not saved when HeyGen Studio last closed. Restore them?"
                )
            self.recovery_banner.setVisible(self._recovery is not None)

    def restore_recovery(self) -> None:
        recovery = self._recovery
        if recovery is None:
            return
        self.recovery_banner.hide()
        self._load_project(recovery.project, recovery.saved_path)
        self._saved_project = None  # the restored edits are not in a file yet
        self._refresh_saved_state()

    def _discard_recovery(self) -> None:
        self._recovery = None
        self.recovery_banner.hide()
        self.session.tasks.spawn(self.store.discard_recovery(), "discard recovery copy")

    def _open_recent(self, item: QListWidgetItem) -> None:
        self.open_file(Path(item.data(Qt.ItemDataRole.UserRole)))

    def ask_then_new(self) -> None:
        """New video: unsaved edits to the open one are saved or let go first."""
        self.ask_to_save(self.new_project)

    def ask_then_open(self, path: Path) -> None:
        self.ask_to_save(lambda: self.open_file(path))

    def save_as(self) -> None:
        self._choose_file_to_save(None)

    # --- projects -------------------------------------------------------------------------------

    def new_project(self, look: LookRef | None = None) -> None:
        self._load_project(Project(look=look if isinstance(look, LookRef) else None), None)

    def close_project(self) -> None:
        """Back to the start page (ask_to_save first: this drops unsaved edits)."""
        self.autosaver.cancel()
        self.project = None
        self.undo_stack.clear()
        self.pages.setCurrentWidget(self.start_page)
        self.editing_changed.emit(False)
        self.session.tasks.spawn(self._load_start_state(), "scenes: recent projects")

    def _load_project(self, project: Project, path: Path | None) -> None:
        self.undo_stack.clear()
        self.saved_path = path
        self._saved_project = project
        self._missing_look_id = None
        if self._look is None or project.look is None or self._look.id != project.look.look_id:
            self._look = None  # asked of HeyGen by _check_look
        self._scene_id = project.scenes[0].id
        self.start_message.hide()
        self.queued_row.hide()
        self.problem.hide()
        self.project = project
        self.pages.setCurrentIndex(1)
        self.editing_changed.emit(True)
        self._refresh()
        if project.look is not None:
            self.session.tasks.spawn(self._check_look(project.look), "check the project's look")

    def choose_file_to_open(self) -> None:
        dialog = QFileDialog(self, "Open a project", str(Path.home()), FILE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.ask_then_open(Path(name)))
        self.file_dialog = dialog
        dialog.open()

    def open_file(self, path: Path) -> None:
        self.session.tasks.spawn(self._open(path), "open project")

    async def _open(self, path: Path) -> None:
        try:
            project = await self.store.open(path)
        except ProjectFileError as error:
            self._say_on_start_page(str(error))
            return
        self._load_project(project, path)
        await self._load_start_state()

    def _say_on_start_page(self, message: str) -> None:
        self.pages.setCurrentWidget(self.start_page)
        self.start_message.setText(message)
        self.start_message.show()

    async def _check_look(self, look: LookRef) -> None:
        """A look deleted since the project was saved: say so, keep everything, let the user pick another."""
        api = self.session.api
        if api is None:
            return
        try:
            found = await api.get_look(look.look_id)
        except NotFoundError:
            if self.project is not None and self.project.look == look:
                self._missing_look_id = look.look_id
                self._refresh()
        except HeyGenError as error:
            log.info("Could not check the project's look: %r", error)
            return
        if self.project is not None and self.project.look == look:
            self._look = found
            self._refresh()
        if found.preview_image_url and found.preview_image_url != look.preview_image_url:
            self._previews[look.look_id] = found.preview_image_url
            if self.project is not None and self.project.look == look:
                self._show_look(look)

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save to the project's file, asking where if it has none; then `then()` once saved."""
        if self.saved_path is None:
            self._choose_file_to_save(then)
        else:
            self.save_to(self.saved_path, then)

    def _choose_file_to_save(self, then: Callable[[], None] | None) -> None:
        """Ask where to save; cancelling the dialog also cancels `then`."""
        if self.project is None:
            return
        start = self.saved_path or Path.home() / f"{self.project.title or 'Untitled video'}{FILE_SUFFIX}"
        dialog = QFileDialog(self, "Save the video project", str(start), FILE_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(FILE_SUFFIX.lstrip("."))
        dialog.fileSelected.connect(lambda name: self.save_to(Path(name), then))
        self.file_dialog = dialog
        dialog.open()

    def save_to(self, path: Path, then: Callable[[], None] | None = None) -> None:
        if self.project is not None:
            self.session.tasks.spawn(self._save(self.project, path, then), "save project")

    async def _save(self, project: Project, path: Path, then: Callable[[], None] | None = None) -> None:
        self.autosaver.cancel()
        try:
            saved = await self.store.save(project, path)
        except OSError as error:
            self._show_problem(
                f"Could not save to {path}: {error.strerror or error}. "
                "Choose another folder with “Save as…”; your work is kept."
            )
            return
        self.saved_path = saved
        self._saved_project = project
        self._refresh_saved_state()
        if then is not None:
            then()
        await self._load_start_state()  # the file is now among the recent ones

    def has_unsaved_edits(self) -> bool:
        return self.project is not None and self.project != self._saved_project

    def ask_to_save(self, then: Callable[[], None]) -> None:
        """Run `then` (which leaves this video) once its unsaved edits are saved or let go; Cancel keeps all."""
        if not self.has_unsaved_edits():
            then()
            return
        assert self.project is not None
        name = f"“{self.project.title}”" if self.project.title else "This video"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Save your changes?",
            f"{name} has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText("If you don't save, these changes are gone for good.")
        box.button(QMessageBox.StandardButton.Discard).setText("Don't save")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.finished.connect(lambda _: self._save_answered(box.standardButton(box.clickedButton()), then))
        self.save_prompt = box
        box.open()

    def _save_answered(self, answer: QMessageBox.StandardButton, then: Callable[[], None]) -> None:
        if answer == QMessageBox.StandardButton.Save:
            self.save(then)
        elif answer == QMessageBox.StandardButton.Discard:
            self.session.tasks.spawn(self._drop_edits(then), "drop unsaved edits")

    async def _drop_edits(self, then: Callable[[], None]) -> None:
        """Don't save: the edits go, and so does their recovery copy (else the next start offers them back)."""
        self.autosaver.cancel()
        await self.store.discard_recovery()
        self._saved_project = self.project
        then()

    def ask_before_closing(self, close: Callable[[], None]) -> bool:
        if not self.has_unsaved_edits():
            return True
        self.ask_to_save(close)
        return False

    # --- editing --------------------------------------------------------------------------------

    def _push(self, new: Project, text: str, merge_key: str | None = None) -> None:
        if self.project is None or new == self.project or self._loading:
            return
        self.undo_stack.push(ProjectEdit(self._apply, self.project, new, text, merge_key))

    def _edit_project(self, text: str, merge_key: str | None, **values: object) -> None:
        if self.project is not None:
            self._push(replace(self.project, **values), text, merge_key)  # type: ignore[arg-type]

    def _apply(self, project: Project) -> None:
        """Show `project` (an edit, undo or redo) and autosave it after a pause."""
        self.project = project
        if all(scene.id != self._scene_id for scene in project.scenes):
            self._scene_id = project.scenes[0].id
        self.queued_row.hide()
        self.problem.hide()
        self._refresh()
        self.autosaver.changed(project, self.saved_path)

    def _scene_index(self) -> int:
        assert self.project is not None
        return next((i for i, s in enumerate(self.project.scenes) if s.id == self._scene_id), 0)

    def _scene_edited(self, scene: Scene, field: str) -> None:
        if self.project is None:
            return
        index = next((i for i, s in enumerate(self.project.scenes) if s.id == scene.id), None)
        if index is None:
            return
        label = field.replace("_", " ")
        self._push(self.project.with_scene(index, scene), f"Edit {label} of scene {index + 1}", f"{field}:{scene.id}")

    def _scene_selected(self, row: int) -> None:
        if self._loading or self.project is None or not 0 <= row < len(self.project.scenes):
            return
        self._scene_id = self.project.scenes[row].id
        self._refresh()

    def add_scene(self) -> None:
        self._insert_scene(Scene(), "Add scene")

    def duplicate_scene(self) -> None:
        if self.project is not None:
            self._insert_scene(self.project.scenes[self._scene_index()].duplicate(), "Duplicate scene")

    def _insert_scene(self, scene: Scene, text: str) -> None:
        if self.project is None:
            return
        try:
            new = self.project.with_scene_inserted(self._scene_index() + 1, scene)
        except ValueError as error:
            self._show_problem(f"{error} Put more into one scene, or make a second video.")
            return
        self._scene_id = scene.id
        self._push(new, text)

    def delete_scene(self) -> None:
        if self.project is None:
            return
        index = self._scene_index()
        try:
            new = self.project.without_scene(index)
        except ValueError as error:
            self._show_problem(f"{error} Clear its script instead.")
            return
        self._scene_id = new.scenes[min(index, len(new.scenes) - 1)].id
        self._push(new, f"Delete scene {index + 1}")

    def _order_from_list(self) -> None:
        """After a drag and drop: the list's order becomes the project's."""
        if self.project is None:
            return
        order = [self.scene_list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.scene_list.count())]
        try:
            new = self.project.with_scene_order(order)
        except ValueError:
            self._refresh()
            return
        self._push(new, "Reorder scenes")

    def _aspect_changed(self) -> None:
        if self.project is None or self._loading:
            return
        value = self.aspect.currentData()
        if value == CUSTOM:
            size = self.project.custom_size or v2_dimension(draft_video_spec(self.project, "v2"))
            self._edit_project("Custom size", None, custom_size=size)
        else:
            self._edit_project("Change shape", None, aspect_ratio=value, custom_size=None)

    def _custom_size_changed(self) -> None:
        if self.project is not None and self.project.custom_size is not None:
            self._edit_project(
                "Custom size",
                "custom_size",
                custom_size=Dimension(self.custom_width.value(), self.custom_height.value()),
            )

    def choose_background(self) -> None:
        if self.project is None:
            return
        dialog = QColorDialog(QColor(self.project.background), self)
        dialog.setWindowTitle("Background colour")
        dialog.colorSelected.connect(
            lambda colour: self._edit_project("Background colour", None, background=colour.name().upper())
        )
        self.color_dialog = dialog
        dialog.open()

    def use_look(self, look: Look) -> None:
        """session.look_chosen: the look goes into the open video (or starts a new one)."""
        ref = LookRef(look.id, look.name, look.group_id, look.preview_image_url, look.avatar_type)
        self._look = look
        if self.project is None:
            self.new_project(ref)
        else:
            self._missing_look_id = None
            self._edit_project("Choose look", None, look=ref)
            self._refresh()  # the same look may come with more of what HeyGen says of it
        if self.project is not None and self.project.voice is None and look.default_voice_id:
            voice = next((v for v in self._voices if v.id == look.default_voice_id), None)
            if voice is not None:
                self._set_voice(voice)

    # --- voices ---------------------------------------------------------------------------------

    def choose_voice(self) -> None:
        dialog = VoicePickerDialog(self)
        dialog.voice_chosen.connect(self._set_voice)
        self.voice_dialog = dialog
        self._fill_voice_dialog()
        dialog.open()

    def _fill_voice_dialog(self) -> None:
        dialog = self.voice_dialog
        if dialog is None:
            return
        if self._voices:
            dialog.set_voices(
                self._voices, self.project.voice.voice_id if self.project and self.project.voice else None
            )
        elif self._voices_error:
            dialog.set_error(self._voices_error)

    def _set_voice(self, voice: Voice) -> None:
        self._edit_project("Choose voice", None, voice=VoiceRef(voice.id, voice.name, voice.language))

    async def _load_voices(self, api: HeyGenApi) -> None:
        try:
            voices = await load_all_voices(api)
        except HeyGenError as error:
            if api is self.session.api:
                self._voices_error = f"Voices could not be loaded: {error}"
                self._fill_voice_dialog()
            return
        if api is self.session.api:  # a result for an older connection is dropped
            self._voices = voices
            self._fill_voice_dialog()

    def _connection_changed(self) -> None:
        self._voices = []
        api = self.session.api
        self._voices_error = (
            ""
            if api
            else ("Not connected to HeyGen yet: add your API key in Settings, or try the sandbox, to see the voices.")
        )
        if api is not None:
            self.session.tasks.spawn(self._load_voices(api), "load voices")
        self.scene_editor.set_generation(self._generation())
        self.scene_editor.set_limits(self._limits())
        if self.project is not None:
            self._refresh()
            if api is not None and self.project.look is not None:
                self.session.tasks.spawn(self._check_look(self.project.look), "check the project's look")

    # --- what the panel shows -------------------------------------------------------------------

    def _generation(self) -> str:
        connection = self.session.connection
        return connection.generation if connection else self.session.settings.active.generation

    def _limits(self) -> ApiLimits:
        return V3Api.limits if self._generation() == "v3" else V2Api.limits

    def _notes(self, project: Project) -> list[FieldNote]:
        spec = draft_video_spec(project, self._generation())
        api = self.session.api
        return api.explain_video_request(spec) if api else explain_mapping(spec, self._generation())  # type: ignore[arg-type]

    def _refresh(self) -> None:
        project = self.project
        if project is None:
            return
        self._loading = True
        try:
            if self.title_edit.text() != project.title:
                self.title_edit.setText(project.title)
            self._show_look(project.look)
            self.voice_label.setText(
                describe_voice(Voice(project.voice.voice_id, project.voice.name, project.voice.language))
                if project.voice
                else "No voice chosen yet"
            )
            v2 = self._generation() == "v2"
            custom_item = self.aspect.model().item(self.aspect.count() - 1)  # type: ignore[attr-defined]
            custom_item.setEnabled(v2)
            shown_custom = project.custom_size is not None and v2
            self.aspect.setCurrentIndex(self.aspect.findData(CUSTOM if shown_custom else project.aspect_ratio))
            self.format_form.setRowVisible(self.custom_row, shown_custom)
            if project.custom_size is not None:
                self.custom_width.setValue(project.custom_size.width)
                self.custom_height.setValue(project.custom_size.height)
            self.resolution.setCurrentIndex(self.resolution.findData(project.resolution))
            self.resolution.setEnabled(not shown_custom)
            self.format_form.setRowVisible(self.engine_choice, not v2)  # the legacy API renders on Avatar IV
            self.engine_choice.show_choices(engines_for(self._look), self._engine_prices(project), project.engine)
            self.scene_editor.set_avatar_type(self._avatar_type(project))
            self.captions.setChecked(project.captions)
            self.background_button.setIcon(colour_swatch(project.background))
            self.background_button.setText(f"Background {project.background}")
            self._fill_scene_list(project)
            index = self._scene_index()
            self.scene_editor.set_scene(project.scenes[index], index + 1)
            self.delete_button.setEnabled(len(project.scenes) > 1)
        finally:
            self._loading = False
        self._show_notes(project)
        self._refresh_totals()
        self._refresh_saved_state()

    def _show_look(self, look: LookRef | None) -> None:
        if look is not None and look.look_id in self._previews:  # the address saved with the project expired
            look = replace(look, preview_image_url=self._previews[look.look_id])
        problem = ""
        if look is not None and look.look_id == self._missing_look_id:
            problem = (
                "This look no longer exists in your HeyGen account. Choose another look in the "
                "Library; your scenes are kept."
            )
        if self.look_badge.set_look(look, problem) and self.look_badge.wanted_url:
            self.session.tasks.spawn(self._fetch_look_image(self.look_badge.wanted_url), "look thumbnail")

    async def _fetch_look_image(self, url: str) -> None:
        self.look_badge.show_image(url, await fetch_thumbnail(url))

    def _fill_scene_list(self, project: Project) -> None:
        totals = estimate(project, self._limits())
        quote, _missing = self._quote(project)
        costs = quote.scene_costs if quote is not None else (None,) * len(project.scenes)
        self.scene_list.clear()
        for number, (scene, est, cost) in enumerate(zip(project.scenes, totals.scenes, costs, strict=True), 1):
            first = " ".join(scene.script.split())
            first = (first[:38] + "…") if len(first) > 40 else (first or "(no script yet)")
            warn = "  ⚠ too long" if est.too_long else ""
            price = f" · about {cost}" if cost is not None and est.seconds else ""
            item = QListWidgetItem(
                f"{number}. {first}\n     {format_duration(est.seconds)}{price}{warn}", self.scene_list
            )
            item.setData(Qt.ItemDataRole.UserRole, scene.id)
        self.scene_list.setCurrentRow(self._scene_index())

    def _show_notes(self, project: Project) -> None:
        notes = self._notes(project)
        index = self._scene_index()
        scene = project.scenes[index]
        self.scene_editor.show_notes(
            [
                n
                for n in notes
                if n.scene == index and not (n.field == "enhance_motion_prompt" and not scene.motion_prompt.strip())
            ]
        )
        lines = [n.reason + (f" Sent instead: {n.sent_as}." if n.sent_as else "") for n in notes if n.scene is None]
        if project.custom_size is not None and self._generation() == "v3":
            lines.append(
                f"The custom size {project.custom_size.width}×{project.custom_size.height} needs the "
                "legacy API; the shape chosen above is used."
            )
        self.format_notes.setText("\n".join(lines))
        self.format_notes.setVisible(bool(lines))

    def _refresh_totals(self) -> None:
        project = self.project
        if project is None:
            return
        totals = estimate(project, self._limits())
        index = self._scene_index()
        quote, missing = self._quote()
        self.scene_editor.show_estimate(
            totals.scenes[index], API_NAMES[self._generation()], None if quote is None else quote.scene_costs[index]
        )
        balance = self.session.balance
        have = "" if balance is None else f" · your account: {balance.describe()}"
        price = "price not published for this engine" if quote is None else f"about {quote.total}"
        scenes = len(project.scenes)
        text = (
            f"Whole video: {scenes} scene{'s' if scenes != 1 else ''}, {format_duration(totals.seconds)}"
            f" · {price}{have}"
        )
        if quote is not None and missing is not None:
            text += (
                f"\nThis video costs about {quote.total}: {missing} more than your account has. "
                "Shorten the scripts or add money in HeyGen before rendering."
            )
        self.totals.setText(text)
        set_tone(self.totals, Tone.BAD if missing is not None else Tone.PLAIN)

    def _avatar_type(self, project: Project) -> AvatarType | None:
        """What kind of avatar the look is: as HeyGen says now, else as saved with the project."""
        if project.look is None:
            return None
        fresh = self._look.avatar_type if self._look is not None and self._look.id == project.look.look_id else None
        return avatar_type_of(fresh, project.look.avatar_type)

    def _engine_prices(self, project: Project) -> dict[Engine, Money | None]:
        """What `project` costs on each engine its look can use."""
        prices: dict[Engine, Money | None] = {}
        for engine in engines_for(self._look):
            quote, _missing = self._quote(replace(project, engine=engine))
            prices[engine] = None if quote is None else quote.total
        return prices

    def _quote(self, project: Project | None = None) -> tuple[VideoQuote | None, Money | None]:
        """The price of `project` (the open one by default), and what the balance lacks to pay it (None when
        it fits or can't tell)."""
        project = project or self.project
        assert project is not None
        balance = self.session.balance
        quote = quote_project(
            project,
            self._generation(),
            self._limits(),
            balance.billing_type if balance else None,
            self._avatar_type(project),
        )
        missing = None if quote is None or balance is None else balance.shortfall(quote.total)
        return quote, missing

    def _refresh_saved_state(self) -> None:
        if self.project is None:
            return
        if self.saved_path is not None and self.project == self._saved_project:
            self.saved_state.setText(f"Saved as {self.saved_path.name}")
        elif self.saved_path is not None:
            self.saved_state.setText("Changes not saved yet")
        else:
            self.saved_state.setText("Not saved yet")
        self.saved_state.setToolTip("Your edits are also kept in a recovery copy, in case the app closes unexpectedly.")

    def _show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()

    # --- request and render ---------------------------------------------------------------------

    def _ready_spec(self) -> tuple[HeyGenApi, VideoSpec] | None:
        """The client and the checked render request, or None with the reason shown."""
        if self.project is None:
            return None
        try:
            if self.project.look is not None and self.project.look.look_id == self._missing_look_id:
                raise NotReadyToRender(
                    "Before rendering, choose another look in the Library: the one this video used no longer exists."
                )
            spec = video_spec(self.project, self._generation())
            api = self.session.require_api()
            api.check_video_spec(spec)
        except (NotReadyToRender, HeyGenError) as error:
            self._show_problem(str(error))
            return None
        self.problem.hide()
        return api, spec

    def show_request(self) -> None:
        ready = self._ready_spec()
        if ready is None:
            return
        api, spec = ready
        body = api.build_video_request(spec)
        self.request_dialog = RequestDialog(json.dumps(body, indent=2, ensure_ascii=False), api.generation, self)
        self.request_dialog.open()

    def render(self) -> None:
        """Check the video, ask when it is already rendering or costs more than is left, then queue it."""
        if self._render_check is not None and not self._render_check.done():
            return  # a click while the last one is still being checked
        ready = self._ready_spec()
        if ready is None or self.project is None:
            return
        self._render_check = self.session.tasks.spawn(
            self._check_then_render(self.project, ready[1]), "check before rendering"
        )

    async def _check_then_render(self, project: Project, spec: VideoSpec) -> None:
        if await self._already_rendering(project, spec):
            self.render_prompt = ask(
                self,
                "Render another copy?",
                ALREADY_RENDERING,
                f"“{project.title}” is in the render queue, unchanged. Another copy is rendered and paid "
                "for again; its progress is in Renders.",
                "Render another copy",
                lambda: self._check_money_then_send(project),
            )
            return
        self._check_money_then_send(project)

    async def _already_rendering(self, project: Project, spec: VideoSpec) -> bool:
        """True when a render of this very video is queued or rendering (or just sent and not yet queued)."""
        connection = self.session.connection
        jobs = await self.session.renders.queue.list(connection.account_id) if connection else []
        same = [job for job in jobs if same_video(job, project, spec)]
        return any(not job.status.is_final for job in same) or (project == self._sent and not same)

    def _check_money_then_send(self, project: Project) -> None:
        """More than the balance: say how much is missing and ask first (HeyGen would refuse it)."""
        quote, missing = self._quote(project)
        if quote is not None and missing is not None:
            self.render_prompt = ask(
                self,
                "Not enough money left",
                f"This video costs about {quote.total}: {missing} more than your account has.",
                "HeyGen will probably refuse it. Shorten the scripts, choose a cheaper engine, or add money "
                "in HeyGen first.",
                "Render anyway",
                lambda: self._send(project),
            )
            return
        self._send(project)

    def _send(self, project: Project) -> None:
        totals = estimate(project, self._limits())
        quote, _missing = self._quote(project)
        self._sent = project
        self.session.render_requested.emit(project)
        self.queued.setText(
            f"Added to the render queue: “{project.title}”, {format_duration(totals.seconds)}"
            + ("." if quote is None else f", about {quote.total}.")
        )
        self.queued_row.show()

    def _render_refused(self, message: str) -> None:
        """The queue could not take the render: say why, here where Render was clicked."""
        self._sent = None
        self.queued_row.hide()
        self._show_problem(message)

    def _open_renders(self) -> None:
        window = self.window()
        show_panel = getattr(window, "show_panel", None)
        if show_panel is not None:
            show_panel("Renders")


class SceneList(QListWidget):
    """The list of scenes asks only for its minimum height, so the column fits a small window; the
    column's stretch gives it any height left over."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


class RequestDialog(QDialog):
    """The exact JSON a render would send, read-only and easy to copy; the API key is never in it."""

    def __init__(self, text: str, generation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The request a render sends")
        self.resize(640, 560)
        path = "POST /v3/videos" if generation == "v3" else "POST /v2/video/av4/generate"
        about = hint_label(f"{path} — your API key goes in a header and is not shown here.")
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setStyleSheet("font-family: monospace;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self._copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        self.text.selectAll()
        self.text.copy()


def colour_swatch(colour: str, size: int = 16) -> QIcon:
    """A square of `colour` with a grey edge, so white on a white button still shows."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#8a8f98"))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)
