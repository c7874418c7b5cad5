"""Listen, Listen to the whole video and Measure all in the Scenes panel: what each costs first, then the speech."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from heygen_studio.api.errors import InvalidRequestError
from heygen_studio.api.models import Voice
from heygen_studio.domain.estimates import spoken_seconds
from heygen_studio.domain.project import Project
from heygen_studio.editor.totals import SPEECH_RATE, listen_price_text, measure_text
from heygen_studio.services.speech_previews import HeardSpeech, SpeechRequest, speech_request
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.render_questions import ask

if TYPE_CHECKING:
    from heygen_studio.ui.panels.scenes_view import ScenesView

CANT_SPEAK = "This voice can't read your script aloud here. Hear its sample instead, or choose another voice."
NEEDS_V3 = "Listen needs HeyGen's current API (v3): switch to it in Settings to hear your script."
NOT_CONNECTED = "Connect to HeyGen in Settings, or try the sandbox, to hear this scene."
NO_VOICE = "Choose a voice first, then listen to this scene."
NO_SCRIPT = "Type this scene's script to hear it."
OWN_AUDIO = "Your own recording is this video's sound, so its scripts are not spoken."
FETCHING = "Asking HeyGen to read it aloud…"


class SceneListening:
    """Owned by the Scenes panel: its Listen bar, Listen to the whole video and Measure all, and the speech
    cache that makes lengths exact (`view.editor.heard_seconds`)."""

    def __init__(self, view: ScenesView) -> None:
        self.view = view
        self.speech = view.speech
        self.bar = view.scene_editor.listen
        self.voices: Sequence[Voice] = ()
        self.refused_voices: set[str] = set()  # voices HeyGen would not speak with, though the listing did not say
        self.question: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self.bar.listen_clicked.connect(self.listen_to_scene)
        self.bar.save_requested.connect(self.choose_where_to_save)
        self.bar.started.connect(self._scene_started)
        self._rows: dict[str, int] = {}  # label → scene list row, of what Listen plays
        view.listen_all_button.clicked.connect(self.listen_to_all)
        view.measure_all_button.clicked.connect(self.measure_all)
        view.pages.currentChanged.connect(self._page_changed)
        QTimer.singleShot(0, self._load)

    def _page_changed(self) -> None:
        """The video was closed: what it was saying stops."""
        if self.view.pages.currentWidget() is not self.view.editor_page:
            self.bar.stop()

    def _load(self) -> None:
        """What was heard before, read from the disk cache: those scenes' lengths are exact at once."""
        self.view.run(self._load_cache(), "speech cache", per_connection=False)

    async def _load_cache(self) -> None:
        await self.speech.load()
        self.view._refresh()

    def know_voices(self, voices: Sequence[Voice]) -> None:
        """The account's voices (which of them can read a script aloud)."""
        self.voices = voices
        self.refresh()

    # --- what is offered ---------------------------------------------------------------------------

    def _voice(self, project: Project) -> Voice | None:
        chosen = project.voice
        return None if chosen is None else next((v for v in self.voices if v.id == chosen.voice_id), None)

    def _why_not(self, project: Project) -> str:
        """Why speech can't be fetched now ("" when it can)."""
        if project.own_audio is not None:
            return OWN_AUDIO
        if self.view.editor.generation == "v2":
            return NEEDS_V3
        if self.view.session.api is None:
            return NOT_CONNECTED
        if project.voice is None:
            return NO_VOICE
        voice = self._voice(project)
        cant = project.voice.voice_id in self.refused_voices or (voice is not None and voice.can_speak is False)
        return CANT_SPEAK if cant else ""

    @property
    def _sandbox(self) -> bool:
        connection = self.view.session.connection
        return connection is not None and connection.sandbox

    def _requests(self, project: Project) -> list[tuple[int, SpeechRequest]]:
        """(row, request) of each scene with something to say, in order."""
        found = ((row, speech_request(project, scene)) for row, scene in enumerate(project.scenes))
        return [(row, request) for row, request in found if request is not None]

    def refresh(self) -> None:
        """What Listen, Listen to the whole video and Measure all offer for the project as it is now."""
        project = self.view.project
        if project is None:
            self.bar.stop()
            return
        spoken = project.own_audio is None
        request = speech_request(project, project.scenes[self.view.editor.scene_index]) if spoken else None
        why_not = self._why_not(project)
        voice = self._voice(project)
        if request is not None and self.speech.measured(request) is not None:  # heard: free, even offline
            self.bar.offer(listen_price_text(0, heard=True, sandbox=self._sandbox))
        elif why_not:
            sample = voice.preview_audio_url if why_not == CANT_SPEAK and voice is not None else None
            self.bar.offer(why_not, enabled=False, tone=Tone.WARN, sample_url=sample or "")
        elif request is None:
            self.bar.offer(NO_SCRIPT, enabled=False)
        else:
            seconds = spoken_seconds(request.text, request.speed)
            self.bar.offer(listen_price_text(seconds, heard=False, sandbox=self._sandbox))
        requests = [request for _, request in self._requests(project)] if spoken else []
        unheard = self.speech.unheard(requests)
        can_fetch = not why_not
        self.view.listen_all_button.setEnabled(bool(requests) and (can_fetch or not unheard))
        self.view.measure_all_button.setEnabled(can_fetch and bool(unheard))
        blocked = bool(why_not) and (bool(unheard) or not spoken)
        note = why_not if blocked else measure_text(len(unheard), self._seconds(unheard), sandbox=self._sandbox)
        set_tone(self.view.measure_note, Tone.WARN if blocked else Tone.PLAIN, note)

    @staticmethod
    def _seconds(requests: Sequence[SpeechRequest]) -> float:
        return sum(spoken_seconds(request.text, request.speed) for request in requests)

    # --- listening ---------------------------------------------------------------------------------

    def listen_to_scene(self) -> None:
        project = self.view.project
        if project is None:
            return
        index = self.view.editor.scene_index
        request = speech_request(project, project.scenes[index])
        if request is not None:
            self._play([(index, request)])

    def listen_to_all(self) -> None:
        """Every scene in order (fetching those not heard yet, at the price shown beside the button)."""
        if self.view.project is not None:
            self._play(self._requests(self.view.project))

    def _play(self, items: list[tuple[int, SpeechRequest]]) -> None:
        self.view.run(self._hear_then_play(items), "listen", on_error=self._failed)

    async def _hear_then_play(self, items: list[tuple[int, SpeechRequest]]) -> None:
        if self.speech.unheard(request for _, request in items):
            self.bar.busy(FETCHING)
        heard = await self.speech.hear_all([request for _, request in items], self.view.session.require_api)
        self.view._refresh()  # their lengths and prices are measured now
        self._rows = {f"scene {row + 1}": row for row, _ in items}
        self.bar.play([(f"scene {row + 1}", clip) for (row, _), clip in zip(items, heard, strict=True)])

    def _scene_started(self, label: str) -> None:
        """The scene being heard is the one shown (Listen to the whole video goes through them)."""
        row = self._rows.get(label)
        if row is not None and row != self.view.scene_list.currentRow() and row < self.view.scene_list.count():
            self.view.scene_list.setCurrentRow(row)

    def _failed(self, error: Exception) -> None:
        project = self.view.project
        if isinstance(error, InvalidRequestError) and error.field == "voice_id" and project and project.voice:
            self.refused_voices.add(project.voice.voice_id)  # say so, and offer its sample, as for a known one
            self.refresh()
            return
        self.bar.failed(str(error))

    # --- measuring ---------------------------------------------------------------------------------

    def measure_all(self) -> None:
        """Hear every scene not heard yet, so every length and price is exact; asks first when it costs money."""
        project = self.view.project
        if project is None:
            return
        unheard = self.speech.unheard(request for _, request in self._requests(project))
        if not unheard:
            return
        cost = SPEECH_RATE.cost(self._seconds(unheard))
        if self._sandbox or cost.is_zero:
            self._measure(unheard)
            return
        count = f"{len(unheard)} scene{'s' if len(unheard) != 1 else ''}"
        self.question = ask(
            self.view,
            "Measure every scene?",
            f"Hearing the {count} not heard yet costs about {cost} at HeyGen.",
            "Then every scene's length and price is exact, and listening to them again is free.",
            "Measure all",
            lambda: self._measure(unheard),
        )

    def _measure(self, requests: list[SpeechRequest]) -> None:
        set_tone(self.view.measure_note, Tone.PLAIN, FETCHING)
        self.view.measure_all_button.setEnabled(False)
        self.view.run(self._measure_all(requests), "measure all scenes", on_error=self._measure_failed)

    async def _measure_all(self, requests: list[SpeechRequest]) -> None:
        await self.speech.hear_all(requests, self.view.session.require_api)
        self.view._refresh()

    def _measure_failed(self, error: Exception) -> None:
        self.refresh()  # the scenes measured before the error keep their lengths
        set_tone(self.view.measure_note, Tone.BAD, str(error))

    # --- saving what was heard ---------------------------------------------------------------------

    def choose_where_to_save(self, heard: HeardSpeech) -> None:
        title = (self.view.project.title if self.view.project else "") or "Speech"
        dialog = QFileDialog(self.view, "Save the audio", str(Path.home() / f"{title}{heard.audio.suffix}"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(lambda name: self.save(heard, Path(name)))
        self.file_dialog = dialog
        dialog.open()

    def save(self, heard: HeardSpeech, target: Path) -> None:
        self.view.run(self._save(heard, target), "save speech", per_connection=False)

    async def _save(self, heard: HeardSpeech, target: Path) -> None:
        try:
            await asyncio.to_thread(shutil.copyfile, heard.audio, target)
        except OSError as error:
            self.bar.failed(f"Could not save to {target}: {error.strerror or error}. Choose another folder.")
            return
        set_tone(self.bar.status, Tone.GOOD, f"Saved as {target.name}")
