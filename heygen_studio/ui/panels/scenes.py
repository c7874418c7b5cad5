"""Scenes: where the user writes what the avatar says, sets up the video, and sends it to render."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QColorDialog, QFileDialog, QListWidgetItem, QMessageBox, QWidget

from heygen_studio.api.base import HeyGenApi
from heygen_studio.api.errors import HeyGenError
from heygen_studio.api.mapping import ENGINE_NAMES
from heygen_studio.api.models import Dimension, Look, VideoSpec, Voice
from heygen_studio.domain.project import FILE_SUFFIX, LookRef, NotReadyToRender, Project, ProjectFileError, Scene
from heygen_studio.editor.totals import queued_text, recovery_text, shortfall_text
from heygen_studio.services.audio_info import audio_facts
from heygen_studio.session import Session
from heygen_studio.ui.panels.scenes_layout import CUSTOM
from heygen_studio.ui.panels.scenes_view import ScenesView
from heygen_studio.ui.widgets.render_questions import ALREADY_RENDERING, ask
from heygen_studio.ui.widgets.scene_request import RequestDialog
from heygen_studio.ui.widgets.video_options import AUDIO_FILTER, dropped_file
from heygen_studio.ui.widgets.voice_picker import VoicePickerDialog, load_all_voices

if TYPE_CHECKING:
    from heygen_studio.ui.dialogs.batch_window import BatchWindow

FILE_FILTER = f"HeyGen Studio projects (*{FILE_SUFFIX})"


class ScenesPanel(ScenesView):
    """Shows the ProjectEditor's project and forwards the user's edits, files and renders to it."""

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
        self.editor.on_edit = self._edited
        self._voices: list[Voice] = []
        self._voices_error = ""
        self._render_check: asyncio.Task[None] | None = None  # the last Render click being checked
        self.render_prompt: QMessageBox | None = None
        self.voice_dialog: VoicePickerDialog | None = None
        self.request_dialog: RequestDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.save_prompt: QMessageBox | None = None
        self.color_dialog: QColorDialog | None = None
        self.batch_window: BatchWindow | None = None
        self.recent_projects: list[tuple[str, Path]] = []  # (title, file) as the File menu lists them
        self._bind_start_page()
        self._bind_editor_page()
        session.look_chosen.connect(self.use_look)
        session.connection_changed.connect(self._connection_changed)
        session.balance_changed.connect(lambda _balance: self._refresh_totals())
        session.renders.refused.connect(self._render_refused)
        QTimer.singleShot(0, self._start)

    def _bind_start_page(self) -> None:
        self.new_button.clicked.connect(self.new_project)
        self.open_button.clicked.connect(self.choose_file_to_open)
        self.recent_list.itemActivated.connect(self._open_recent)
        self.recent_list.itemClicked.connect(self._open_recent)
        self.restore_button.clicked.connect(self.restore_recovery)
        self.discard_recovery_button.clicked.connect(self._discard_recovery)

    def _bind_editor_page(self) -> None:
        self.title_edit.textEdited.connect(lambda text: self._change("title", title=text))
        self.undo_button.clicked.connect(self.editor.undo)
        self.redo_button.clicked.connect(self.editor.redo)
        self.save_button.clicked.connect(lambda: self.save())
        self.save_as_button.clicked.connect(self.save_as)
        self.editor_new_button.clicked.connect(self.ask_then_new)
        self.editor_open_button.clicked.connect(self.choose_file_to_open)
        self.close_button.clicked.connect(lambda: self.ask_to_save(self.close_project))
        self.voice_button.clicked.connect(self.choose_voice)
        self.aspect.currentIndexChanged.connect(self._aspect_changed)
        self.custom_width.valueChanged.connect(self._custom_size_changed)
        self.custom_height.valueChanged.connect(self._custom_size_changed)
        self.resolution.currentIndexChanged.connect(lambda: self._change(resolution=self.resolution.currentData()))
        self.captions.toggled.connect(lambda on: self._change(captions=on))
        self.background_button.clicked.connect(self.choose_background)
        self.scene_list.currentRowChanged.connect(self._scene_selected)
        self.scene_list.model().rowsMoved.connect(lambda *_: QTimer.singleShot(0, self._order_from_list))
        self.add_scene_button.clicked.connect(self.add_scene)
        self.duplicate_button.clicked.connect(self.duplicate_scene)
        self.delete_button.clicked.connect(self.delete_scene)
        self.scene_editor.changed.connect(self._scene_edited)
        self._bind_render_choices()
        self.batch_button.clicked.connect(self.make_one_per_row)
        self.show_request_button.clicked.connect(self.show_request)
        self.render_button.clicked.connect(self.render_video)
        self.draft_button.clicked.connect(self.render_draft)
        self.open_renders_button.clicked.connect(self._open_renders)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)

    def _bind_render_choices(self) -> None:
        options = self.video_options
        options.engine_choice.chosen.connect(lambda engine: self._change(engine=engine))
        options.burn_captions.toggled.connect(lambda on: self._change(burn_captions=on))
        options.transparent.toggled.connect(lambda on: self._change(transparent=on))
        self.own_voice.choose_button.clicked.connect(self.choose_own_audio)
        self.own_voice.remove_button.clicked.connect(self.editor.remove_own_audio)
        self.setAcceptDrops(True)  # a recording dropped on the panel becomes the video's own voice

    # --- start state: recent projects and recovery -------------------------------------------------

    def _start(self) -> None:
        self.run(self._load_start_state(), "scenes: recent projects and recovery", per_connection=False)
        self._connection_changed()

    async def _load_start_state(self) -> None:
        recent = await self.editor.recent()
        self.recent_projects = [(entry.title or entry.path.stem, entry.path) for entry in recent]
        self.recent_list.clear()
        for entry in recent:
            item = QListWidgetItem(f"{entry.title or entry.path.stem}   —   {entry.path}", self.recent_list)
            item.setData(Qt.ItemDataRole.UserRole, str(entry.path))
            item.setToolTip(f"Open {entry.path}")
        self.recent_list.setVisible(bool(recent))
        self.recent_empty.setVisible(not recent)
        recovery = await self.editor.find_recovery()
        if recovery is not None:
            self.recovery_text.setText(recovery_text(recovery))
        self.recovery_banner.setVisible(recovery is not None)

    def restore_recovery(self) -> None:
        if self.editor.restore():
            self.recovery_banner.hide()
            self._show_loaded()

    def _discard_recovery(self) -> None:
        self.recovery_banner.hide()
        self.run(self.editor.discard_recovery(), "discard recovery copy", per_connection=False)

    def _open_recent(self, item: QListWidgetItem) -> None:
        self.open_file(Path(item.data(Qt.ItemDataRole.UserRole)))

    # --- projects and files -----------------------------------------------------------------------

    def new_project(self, look: LookRef | None = None) -> None:
        self.editor.new(look if isinstance(look, LookRef) else None)  # a button's click passes False
        self._show_loaded()

    def ask_then_new(self) -> None:
        """New video: unsaved edits to the open one are saved or let go first."""
        self.ask_to_save(self.new_project)

    def ask_then_open(self, path: Path) -> None:
        self.ask_to_save(lambda: self.open_file(path))

    def close_project(self) -> None:
        """Back to the start page (ask_to_save first: this drops unsaved edits)."""
        self.editor.close()
        self.pages.setCurrentWidget(self.start_page)
        self.editing_changed.emit(False)
        self.run(self._load_start_state(), "scenes: recent projects", per_connection=False)

    def _load_project(self, project: Project, path: Path | None) -> None:
        self.editor.load(project, path)
        self._show_loaded()

    def _show_loaded(self) -> None:
        """The editor page, for a project just opened, started or restored."""
        self.start_message.hide()
        self.queued_row.hide()
        self.problem.hide()
        self.pages.setCurrentWidget(self.editor_page)
        self.editing_changed.emit(True)
        self._refresh()
        if self.project is not None and self.project.look is not None:
            self.run(self._check_look(), "check the project's look")

    def choose_file_to_open(self) -> None:
        dialog = QFileDialog(self, "Open a project", str(Path.home()), FILE_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.ask_then_open(Path(name)))
        self.file_dialog = dialog
        dialog.open()

    def open_file(self, path: Path) -> None:
        self.run(self._open(path), "open project", per_connection=False)

    async def _open(self, path: Path) -> None:
        try:
            await self.editor.open(path)
        except ProjectFileError as error:
            self.pages.setCurrentWidget(self.start_page)
            self.start_message.setText(str(error))
            self.start_message.show()
            return
        self._show_loaded()
        await self._load_start_state()

    async def _check_look(self) -> None:
        """A look deleted since the project was saved: say so, keep everything, let the user pick another."""
        api = self.session.api
        if api is not None and await self.editor.check_look(api):
            self._refresh()

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save to the project's file, asking where if it has none; then `then()` once saved."""
        if self.saved_path is None:
            self._choose_file_to_save(then)
        else:
            self.save_to(self.saved_path, then)

    def save_as(self) -> None:
        self._choose_file_to_save(None)

    def _choose_file_to_save(self, then: Callable[[], None] | None) -> None:
        """Ask where to save; cancelling the dialog also cancels `then`."""
        if self.project is None:
            return
        dialog = QFileDialog(self, "Save the video project", str(self.editor.save_path(Path.home())), FILE_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(FILE_SUFFIX.lstrip("."))
        dialog.fileSelected.connect(lambda name: self.save_to(Path(name), then))
        self.file_dialog = dialog
        dialog.open()

    def save_to(self, path: Path, then: Callable[[], None] | None = None) -> None:
        if self.project is not None:
            self.run(self._save(path, then), "save project", per_connection=False)

    async def _save(self, path: Path, then: Callable[[], None] | None = None) -> None:
        try:
            saved = await self.editor.save(path)
        except OSError as error:
            self.say(
                f"Could not save to {path}: {error.strerror or error}. "
                "Choose another folder with “Save as…”; your work is kept."
            )
            return
        if not saved:
            return
        self._refresh_saved_state()
        if then is not None:
            then()
        await self._load_start_state()  # the file is now among the recent ones

    def has_unsaved_edits(self) -> bool:
        return self.editor.has_unsaved_edits()

    def ask_to_save(self, then: Callable[[], None]) -> None:
        """Run `then` (which leaves this video) once its unsaved edits are saved or let go; Cancel keeps all."""
        if self.project is None or not self.has_unsaved_edits():
            then()
            return
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
            self.run(self._drop_edits(then), "drop unsaved edits", per_connection=False)

    async def _drop_edits(self, then: Callable[[], None]) -> None:
        await self.editor.drop_edits()
        then()

    def ask_before_closing(self, close: Callable[[], None]) -> bool:
        if not self.has_unsaved_edits():
            return True
        self.ask_to_save(close)
        return False

    # --- editing --------------------------------------------------------------------------------

    def _change(self, merge_key: str | None = None, **values: Any) -> None:
        if not self._loading:
            self.editor.change(merge_key, **values)

    def _edited(self, _project: Project) -> None:
        """An edit, undo or redo: show the project as it is now."""
        self.queued_row.hide()
        self.problem.hide()
        self._refresh()

    def _scene_edited(self, scene: Scene, field: str) -> None:
        if not self._loading:
            self.editor.edit_scene(scene, field)

    def _scene_selected(self, row: int) -> None:
        if not self._loading and self.editor.select_scene(row):
            self._refresh()

    def _scene_action(self, action: Callable[[], None]) -> None:
        """Add, duplicate or delete a scene; where the project can't, say why."""
        try:
            action()
        except ValueError as error:
            self.say(str(error))

    def add_scene(self) -> None:
        self._scene_action(self.editor.add_scene)

    def duplicate_scene(self) -> None:
        self._scene_action(self.editor.duplicate_scene)

    def delete_scene(self) -> None:
        self._scene_action(self.editor.delete_scene)

    def _order_from_list(self) -> None:
        """After a drag and drop: the list's order becomes the project's."""
        order = [self.scene_list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.scene_list.count())]
        if self.project is not None and not self.editor.reorder(order):
            self._refresh()

    def _aspect_changed(self) -> None:
        if not self._loading:
            value = self.aspect.currentData()
            self.editor.set_shape(None if value == CUSTOM else value)

    def _custom_size_changed(self) -> None:
        if self.project is not None and self.project.custom_size is not None:
            self._change("custom_size", custom_size=Dimension(self.custom_width.value(), self.custom_height.value()))

    def choose_background(self) -> None:
        if self.project is None:
            return
        dialog = QColorDialog(QColor(self.project.background), self)
        dialog.setWindowTitle("Background colour")
        dialog.colorSelected.connect(lambda colour: self._change(background=colour.name().upper()))
        self.color_dialog = dialog
        dialog.open()

    def use_look(self, look: Look) -> None:
        """session.look_chosen: the look goes into the open video (or starts a new one)."""
        was_open = self.project is not None
        self.editor.use_look(look)
        if was_open:
            self._refresh()  # the same look may come with more of what HeyGen says of it
        else:
            self._show_loaded()
        if self.project is not None and self.project.voice is None and look.default_voice_id:
            voice = next((v for v in self._voices if v.id == look.default_voice_id), None)
            if voice is not None:
                self._set_voice(voice)

    # --- own voice: a recording lip-synced instead of the scripts ------------------------------------

    def choose_own_audio(self) -> None:
        dialog = QFileDialog(self, "Choose a recording of your voice", str(Path.home()), AUDIO_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.use_own_audio(Path(name)))
        self.file_dialog = dialog
        dialog.open()

    def use_own_audio(self, path: Path) -> None:
        """Lip-sync the recording in `path`, priced on its length; a file that can't be used is refused plainly."""
        if self.project is not None and self.editor.generation == "v3":
            self.run(self._read_own_audio(path), "read own recording", per_connection=False)

    async def _read_own_audio(self, path: Path) -> None:
        try:
            facts = await asyncio.to_thread(audio_facts, path)
            self.editor.set_own_audio(facts.as_own_audio())
        except ValueError as error:  # AudioFileError, or a video of several scenes
            self.say(str(error))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.project is not None and self.editor.generation == "v3" and dropped_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.use_own_audio(path)

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
            chosen = self.project.voice if self.project else None
            dialog.set_voices(self._voices, chosen.voice_id if chosen else None)
        elif self._voices_error:
            dialog.set_error(self._voices_error)

    def _set_voice(self, voice: Voice) -> None:
        if not self._loading:
            self.editor.set_voice(voice)

    async def _load_voices(self, api: HeyGenApi) -> None:
        self._voices = await load_all_voices(api)  # the panel cancels this when the connection changes
        self._fill_voice_dialog()
        self.listening.know_voices(self._voices)

    def _voices_failed(self, error: Exception) -> None:
        self._voices_error = f"Voices could not be loaded: {error}"
        self._fill_voice_dialog()

    def _connection_changed(self) -> None:
        self._voices = []
        api = self.session.api
        self._voices_error = (
            ""
            if api
            else "Not connected to HeyGen yet: add your API key in Settings, or try the sandbox, to see the voices."
        )
        if api is not None:
            self.run(self._load_voices(api), "load voices", on_error=self._voices_failed)
        self.scene_editor.set_generation(self.editor.generation)
        self.scene_editor.set_limits(self.editor.limits)
        if self.project is not None:
            self._refresh()
            if api is not None and self.project.look is not None:
                self.run(self._check_look(), "check the project's look")

    # --- request and render ---------------------------------------------------------------------

    def _ready_spec(self, project: Project | None = None) -> tuple[HeyGenApi, VideoSpec] | None:
        """The client and the checked render request of `project` (the open one by default), or None with the
        reason shown."""
        if self.project is None:
            return None
        try:
            ready = self.editor.render_request(self.session.require_api, project)
        except (NotReadyToRender, HeyGenError) as error:
            self.say(str(error))
            return None
        self.problem.hide()
        return ready

    def show_request(self) -> None:
        ready = self._ready_spec()
        if ready is None:
            return
        api, spec = ready
        body = api.build_video_request(spec)
        self.request_dialog = RequestDialog(json.dumps(body, indent=2, ensure_ascii=False), api.generation, self)
        self.request_dialog.open()

    def render_video(self) -> None:
        """Check the video, ask when it is already rendering or costs more than is left, then queue it."""
        if self.project is not None:
            self._render(self.project)

    def render_draft(self) -> None:
        """Render the video once the cheapest way; the project keeps its own engine and quality."""
        if self.project is not None:
            self._render(self.editor.draft())

    def _render(self, project: Project) -> None:
        if self._render_check is not None and not self._render_check.done():
            return  # a click while the last one is still being checked
        ready = self._ready_spec(project)
        if ready is not None:
            self._render_check = self.run(self._check_then_render(project, ready[1]), "check before rendering")

    async def _check_then_render(self, project: Project, spec: VideoSpec) -> None:
        connection = self.session.connection
        jobs = await self.session.renders.queue.all_jobs(connection.account_id) if connection else []
        if self.editor.already_rendering(project, spec, jobs):
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

    def _check_money_then_send(self, project: Project) -> None:
        """More than the balance: say how much is missing and ask first (HeyGen would refuse it)."""
        price = self.editor.price(project)
        if price.quote is not None and price.shortfall is not None:
            self.render_prompt = ask(
                self,
                "Not enough money left",
                shortfall_text(price.quote.total, price.shortfall),
                "HeyGen will probably refuse it. Shorten the scripts, choose a cheaper engine, or add money "
                "in HeyGen first.",
                "Render anyway",
                lambda: self._send(project),
            )
            return
        self._send(project)

    def _send(self, project: Project) -> None:
        self.editor.mark_sent(project)
        self.session.render_requested.emit(project)
        text = queued_text(project, self.editor.estimate(project), self.editor.price(project))
        if project.draft:
            text += f" A draft: {ENGINE_NAMES[project.engine]}, {project.resolution.value}."
        self.queued.setText(text)
        self.queued_row.show()

    def make_one_per_row(self) -> None:
        """The Batch step for this project, saved first (a batch is known by its project's and sheet's files)."""
        if self.project is None:
            return
        if self.saved_path is None or self.has_unsaved_edits():
            self.save(self.make_one_per_row)
            return
        shown = self.batch_window
        if (
            shown is not None
            and shown.isVisible()
            and (shown.project, shown.project_path) == (self.project, self.saved_path)
        ):
            shown.raise_()
            shown.activateWindow()
            return
        if shown is not None:  # another project's: its renders carry on in the queue
            shown.close()
            shown.deleteLater()
        from heygen_studio.ui.dialogs.batch_window import BatchWindow  # the batch core loads on first use

        window = BatchWindow(
            self.session,
            self.project,
            self.saved_path,
            self.editor.avatar_type(self.project),
            self.run,
            self.listening,
            self,
        )
        window.navigate.connect(self.navigate.emit)
        self.batch_window = window
        window.show()

    def _render_refused(self, message: str) -> None:
        """The queue could not take the render: say why, here where Render was clicked."""
        self.editor.render_refused()
        self.queued_row.hide()
        self.say(message)

    def _open_renders(self) -> None:
        self.navigate.emit("Renders")
