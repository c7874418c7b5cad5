"""The Scenes editor's render choices (v3): engine and its prices, burned captions, transparency, own voice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from heygen_studio.domain.project import OwnAudio, Project
from heygen_studio.editor.engines import EngineOffer
from heygen_studio.ui.style import hint_label
from heygen_studio.ui.widgets.engine_choice import EngineChoice

AUDIO_FILTER = "Recordings (*.mp3 *.wav *.m4a)"
V3_ONLY = (
    "The engine, captions burned in, a transparent background and your own voice need HeyGen's current API: "
    "the legacy API renders on Avatar IV with the voice you chose."
)
OWN_AUDIO_TIP = "Lip-sync a recording of your own voice (mp3, wav or m4a) instead of the scripts, or drop one here"
NOT_USED = "Not used: your own recording is lip-synced instead."


def dropped_file(mime: QMimeData) -> Path | None:
    """The one local file a drag carries, else None (several files, text, or a web address)."""
    urls = mime.urls() if mime.hasUrls() else []
    if len(urls) != 1 or not urls[0].isLocalFile():
        return None
    return Path(urls[0].toLocalFile())


def audio_text(audio: OwnAudio) -> str:
    """“interview.m4a, 0:42”: the recording and its length as read from the file."""
    minutes, seconds = divmod(round(audio.duration_s), 60)
    return f"{audio.name or Path(audio.path).name}, {minutes}:{seconds:02d}"


class OwnVoice(QWidget):
    """Beside the voice: lip-sync a recording of the user's own voice instead, or Remove it to go back to the voice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choose_button = QPushButton("Own voice…")
        self.choose_button.setToolTip(OWN_AUDIO_TIP)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Speak the scripts in the chosen voice again")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.choose_button)
        row.addWidget(self.remove_button)

    def show_audio(self, audio: OwnAudio | None) -> None:
        self.choose_button.setVisible(audio is None)
        self.remove_button.setVisible(audio is not None)


def own_voice_text(audio: OwnAudio) -> str:
    """What the voice line says while the user's recording is lip-synced instead."""
    return f"Voice: your recording, {audio_text(audio)}; no HeyGen voice is used"


class VideoOptions(QGroupBox):
    """The engine and extras HeyGen's current API adds to a render; on the legacy API one line says they need it.

    ScenesPanel binds the controls and ignores their signals while `show_project` fills them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Render choices", parent)
        self.engine_choice = EngineChoice()
        self.burn_captions = QCheckBox("Also save a copy with captions burned in")
        self.burn_captions.setToolTip("HeyGen draws the captions onto a second copy, saved next to the plain video")
        self.transparent = QCheckBox("Transparent background, saved as .webm")
        self.transparent.setToolTip(
            "For video editors: HeyGen removes the background and saves a one-scene video as .webm with transparency"
        )
        self.v2_note = hint_label(V3_ONLY)
        self.v2_note.setWordWrap(True)
        self.v3_choices = QWidget()
        choices = QVBoxLayout(self.v3_choices)
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setSpacing(4)
        choices.addWidget(self.engine_choice)
        choices.addWidget(self.burn_captions)
        choices.addWidget(self.transparent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.v3_choices)
        layout.addWidget(self.v2_note)

    def show_project(self, project: Project, offers: list[EngineOffer], v2: bool) -> None:
        """`project`'s choices, `offers` for its engine; on v2 only the line that says they need v3."""
        self.v3_choices.setVisible(not v2)
        self.v2_note.setVisible(v2)
        self.engine_choice.show_choices(offers, project.engine)
        self.burn_captions.setChecked(project.burn_captions)
        self.transparent.setChecked(project.transparent)
