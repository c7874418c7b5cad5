"""How the Scenes panel shows the open project: its widgets filled from the ProjectEditor, nothing more."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QListWidgetItem, QWidget

from heygen_studio.api.mapping import ENGINE_NAMES
from heygen_studio.api.models import Voice
from heygen_studio.domain.project import Project
from heygen_studio.editor.project_editor import Account, ProjectEditor
from heygen_studio.editor.totals import (
    API_NAMES,
    SAVED_TIP,
    format_notes,
    saved_text,
    scene_line,
    scene_notes,
    totals_text,
)
from heygen_studio.services.projects import Autosaver, ProjectStore
from heygen_studio.services.speech_previews import SpeechPreviews
from heygen_studio.session import Session
from heygen_studio.ui.panels.scenes_layout import BACKGROUND_TIP, CUSTOM, ScenesLayout, colour_swatch
from heygen_studio.ui.panels.scenes_listening import SceneListening
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.scene_look import fetch_thumbnail
from heygen_studio.ui.widgets.video_options import NOT_USED, own_voice_text
from heygen_studio.ui.widgets.voice_picker import describe_voice


class ScenesView(ScenesLayout):
    """The Scenes panel's widgets showing the editor's project (ScenesPanel turns what the user does into edits)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.store = ProjectStore(session.paths.data_dir)
        self.autosaver = Autosaver(self.store, session.tasks.spawn)
        self.editor = ProjectEditor(self.store, self.autosaver, self._account)
        self._loading = False  # while the widgets are filled from the project: their signals are no edits
        self._listen_to_scenes(SpeechPreviews(session.paths.cache_dir / "speech"))

    def _listen_to_scenes(self, speech: SpeechPreviews) -> None:
        """Listen and Measure all; the lengths of scenes heard before are measured ones."""
        self.speech = speech
        self.editor.heard_seconds = speech.measured
        self.listening = SceneListening(self)

    @property
    def project(self) -> Project | None:
        return self.editor.project

    @property
    def saved_path(self) -> Path | None:
        return self.editor.saved_path

    def _account(self) -> Account:
        """What the editor prices for: the connection's API (else the chosen profile's) and balance."""
        connection = self.session.connection
        generation = connection.generation if connection else self.session.settings.active.generation
        return Account(generation, self.session.balance)

    def _refresh(self) -> None:
        project = self.project
        if project is None:
            return
        self._loading = True
        try:
            if self.title_edit.text() != project.title:
                self.title_edit.setText(project.title)
            self._show_look()
            voice = project.voice
            self.voice_label.setText(  # "Voice:" in the text, so the buttons beside it keep their room
                f"Voice: {describe_voice(Voice(voice.voice_id, voice.name, voice.language))}"
                if voice
                else "No voice chosen yet"
            )
            self._show_format(project)
            self._show_render_choices(project)
            self.scene_editor.set_avatar_type(self.editor.avatar_type(project))
            self._fill_scene_list(project)
            index = self.editor.scene_index
            self.scene_editor.set_scene(project.scenes[index], index + 1)
            self.delete_button.setEnabled(len(project.scenes) > 1)
        finally:
            self._loading = False
        self.undo_button.setEnabled(self.editor.history.can_undo)
        self.redo_button.setEnabled(self.editor.history.can_redo)
        self._show_notes(project)
        self._refresh_totals()
        self._show_draft(project)
        self._refresh_saved_state()

    def _show_format(self, project: Project) -> None:
        v2 = self.editor.generation == "v2"
        choices = self.aspect.model()
        if isinstance(choices, QStandardItemModel):  # a combo box's own model: the custom size is its last item
            choices.item(self.aspect.count() - 1).setEnabled(v2)
        shown_custom = project.custom_size is not None and v2
        self.aspect.setCurrentIndex(self.aspect.findData(CUSTOM if shown_custom else project.aspect_ratio))
        self.format_form.setRowVisible(self.custom_row, shown_custom)
        if project.custom_size is not None:
            self.custom_width.setValue(project.custom_size.width)
            self.custom_height.setValue(project.custom_size.height)
        self.resolution.setCurrentIndex(self.resolution.findData(project.resolution))
        self.resolution.setEnabled(not shown_custom)
        self.captions.setChecked(project.captions)
        self.background_button.setIcon(colour_swatch(project.background))
        self.background_button.setText(f"Background {project.background}")

    def _show_render_choices(self, project: Project) -> None:
        """Engine, burned captions, transparency and own voice; with own audio, the voice and script say unused."""
        v2 = self.editor.generation == "v2"
        self.video_options.show_project(project, self.editor.engine_offers(project), v2)
        self.own_voice.setVisible(not v2)
        self.own_voice.show_audio(project.own_audio)
        audio = None if v2 else project.own_audio
        if audio is not None:
            self.voice_label.setText(own_voice_text(audio))
        self.voice_label.setToolTip(audio.path if audio is not None else "")
        own = audio is not None
        self.voice_button.setVisible(not own)
        self.scene_editor.script.setReadOnly(own)
        self.scene_editor.script.setToolTip(f"{NOT_USED} Remove it to use the script." if own else "")
        transparent = project.transparent and not v2
        self.background_button.setEnabled(not transparent)
        self.background_button.setToolTip("Not used: the background is transparent" if transparent else BACKGROUND_TIP)

    def _show_draft(self, project: Project) -> None:
        """Render a draft, with its price: the cheapest way HeyGen's current API renders this video."""
        self.draft_button.setVisible(self.editor.generation == "v3")
        draft = self.editor.draft()
        quote = self.editor.price(draft).quote
        self.draft_button.setText("Render a draft" + ("" if quote is None else f" · {quote.total}"))
        self.draft_button.setToolTip(
            f"Render once the cheapest way, to see and hear it: {ENGINE_NAMES[draft.engine]}, "
            f"{draft.resolution.value}. This video's own choices stay as they are."
        )

    def _show_look(self) -> None:
        look, problem = self.editor.shown_look()
        if self.look_badge.set_look(look, problem) and self.look_badge.wanted_url:
            self.run(self._fetch_look_image(self.look_badge.wanted_url), "look thumbnail", per_connection=False)

    async def _fetch_look_image(self, url: str) -> None:
        self.look_badge.show_image(url, await fetch_thumbnail(url))

    def _fill_scene_list(self, project: Project) -> None:
        totals = self.editor.estimate(project)
        quote = self.editor.price(project).quote
        costs = quote.scene_costs if quote is not None else (None,) * len(project.scenes)
        self.scene_list.clear()
        measured = self.editor.measured(project)
        for number, (scene, length, cost) in enumerate(zip(project.scenes, totals.scenes, costs, strict=True), 1):
            item = QListWidgetItem(scene_line(number, scene, length, cost, scene.id in measured), self.scene_list)
            item.setData(Qt.ItemDataRole.UserRole, scene.id)
        self.scene_list.setCurrentRow(self.editor.scene_index)

    def _show_notes(self, project: Project) -> None:
        notes = self.editor.field_notes(project)
        index = self.editor.scene_index
        self.scene_editor.show_notes(scene_notes(notes, index, project.scenes[index]))
        text = format_notes(notes, project, self.editor.generation)
        self.format_notes.setText(text)
        self.format_notes.setVisible(bool(text))

    def _refresh_totals(self) -> None:
        project = self.project
        if project is None:
            return
        totals = self.editor.estimate(project)
        index = self.editor.scene_index
        price = self.editor.price()
        measured = self.editor.measured(project)
        self.scene_editor.show_estimate(
            totals.scenes[index],
            API_NAMES[self.editor.generation],
            None if price.quote is None else price.quote.scene_costs[index],
            measured=project.scenes[index].id in measured,
        )
        self.totals.setText(totals_text(project, totals, price, self.session.balance, measured))
        set_tone(self.totals, Tone.BAD if price.shortfall is not None else Tone.PLAIN)
        self.listening.refresh()

    def _refresh_saved_state(self) -> None:
        if self.project is not None:
            self.saved_state.setText(saved_text(self.editor.saved_state(), self.saved_path))
            self.saved_state.setToolTip(SAVED_TIP)

    async def aclose(self) -> None:
        await self.speech.aclose()
        await super().aclose()

    def say(self, text: str, tone: Tone = Tone.BAD) -> None:
        """Say `text` above the Render button: why something could not be done."""
        set_tone(self.problem, tone, text)
        self.problem.show()
