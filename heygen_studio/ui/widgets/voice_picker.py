"""Choosing a voice: every voice of the account, filtered by language, gender and a search, with an in-app preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api.base import HeyGenApi
from heygen_studio.api.models import Voice

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer

ANY = "Any"


async def load_all_voices(api: HeyGenApi) -> list[Voice]:
    """Every page of the account's voices, sorted by language then name."""
    voices: list[Voice] = []
    token: str | None = None
    while True:
        page = await api.list_voices(token=token)
        voices.extend(page.items)
        token = page.next_token
        if not token:
            break
    return sorted(voices, key=lambda v: ((v.language or "").lower(), v.name.lower()))


def has_sound_output() -> bool:
    """True when the computer has somewhere to play sound (speakers, headphones, a sound server)."""
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.audioOutputs())


def describe_voice(voice: Voice) -> str:
    details = ", ".join(part for part in (voice.language, (voice.gender or "").capitalize()) if part)
    return f"{voice.name} ({details})" if details else voice.name


class VoicePickerDialog(QDialog):
    """Open with `.open()`; emits `voice_chosen(Voice)` when the user clicks “Use this voice”."""

    voice_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a voice")
        self.resize(520, 560)
        self._voices: list[Voice] = []
        self._player: QMediaPlayer | None = None
        self._playing = ""  # the voice whose sample is playing
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search voices by name")
        self.search.setClearButtonEnabled(True)
        self.language = QComboBox()
        self.gender = QComboBox()
        self.list = QListWidget()
        self.status = QLabel("Loading voices…")
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.play_button = QPushButton("▶ Play sample")
        self.play_button.setToolTip("Hear this voice")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.use_button = buttons.addButton("Use this voice", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_button.setObjectName("primaryButton")
        buttons.accepted.connect(self._use)
        buttons.rejected.connect(self.reject)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(QLabel("Language"))
        filters.addWidget(self.language)
        filters.addWidget(QLabel("Gender"))
        filters.addWidget(self.gender)
        bottom = QHBoxLayout()
        bottom.addWidget(self.play_button)
        bottom.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.list, 1)
        layout.addLayout(bottom)
        layout.addWidget(buttons)

        self.search.textChanged.connect(self._filter)
        self.language.currentIndexChanged.connect(self._filter)
        self.gender.currentIndexChanged.connect(self._filter)
        self.list.currentItemChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(self._use)
        self.play_button.clicked.connect(self.play_preview)
        self._selection_changed()

    def set_voices(self, voices: list[Voice], selected_id: str | None = None) -> None:
        self._voices = voices
        for combo, values in (
            (self.language, {v.language for v in voices if v.language}),
            (self.gender, {(v.gender or "").capitalize() for v in voices if v.gender}),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([ANY, *sorted(values)])
            combo.blockSignals(False)
        self._filter()
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole).id == selected_id:
                self.list.setCurrentRow(row)

    def set_error(self, message: str) -> None:
        self.status.setText(message)

    def visible_voices(self) -> list[Voice]:
        return [self.list.item(row).data(Qt.ItemDataRole.UserRole) for row in range(self.list.count())]

    def current_voice(self) -> Voice | None:
        item = self.list.currentItem()
        if item is None:
            return None
        voice: Voice = item.data(Qt.ItemDataRole.UserRole)
        return voice

    def _filter(self) -> None:
        words = self.search.text().strip().lower()
        language, gender = self.language.currentText(), self.gender.currentText()
        current = self.current_voice()
        self.list.clear()
        for voice in self._voices:
            if language not in ("", ANY) and voice.language != language:
                continue
            if gender not in ("", ANY) and (voice.gender or "").capitalize() != gender:
                continue
            if words and words not in voice.name.lower():
                continue
            item = QListWidgetItem(describe_voice(voice), self.list)
            item.setData(Qt.ItemDataRole.UserRole, voice)
            if current is not None and voice.id == current.id:
                self.list.setCurrentItem(item)
        shown = self.list.count()
        if self._voices:
            self.status.setText(
                f"{shown} of {len(self._voices)} voices"
                if shown
                else "No voice matches. Clear the search or choose “Any”."
            )

    def _selection_changed(self) -> None:
        voice = self.current_voice()
        self.use_button.setEnabled(voice is not None)
        self.play_button.setEnabled(voice is not None and bool(voice.preview_audio_url))

    def play_preview(self) -> None:
        """Play the selected voice's sample inside the app."""
        voice = self.current_voice()
        if voice is None or not voice.preview_audio_url:
            return
        if not has_sound_output():
            self.status.setText(
                f"This computer has no sound output (no speakers or headphones found), so "
                f"the sample can't be played here. To hear {voice.name} elsewhere, copy this "
                f"link into a browser: {voice.preview_audio_url}"
            )
            return
        player = self._media_player()
        player.stop()
        player.setSource(QUrl(voice.preview_audio_url))
        player.play()
        self._playing = voice.name
        self.status.setText(f"Playing {voice.name}…")

    @property
    def player_source(self) -> str:
        return "" if self._player is None else self._player.source().toString()

    def _media_player(self) -> QMediaPlayer:
        """Created on first play: the multimedia backend starts only when a sample is heard."""
        if self._player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self._player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
            self._player.errorOccurred.connect(self._play_failed)
            self._player.playbackStateChanged.connect(self._playback_changed)
        return self._player

    def _play_failed(self, _error: object, text: str) -> None:
        self._playing = ""
        self.status.setText(f"The sample could not be played: {text or 'the sound system gave no reason'}.")

    def _playback_changed(self, state: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if state == QMediaPlayer.PlaybackState.StoppedState and self._playing:
            self.status.setText(f"Finished playing {self._playing}.")
            self._playing = ""

    def _use(self) -> None:
        voice = self.current_voice()
        if voice is None:
            return
        if self._player is not None:
            self._player.stop()
        self.voice_chosen.emit(voice)
        self.accept()

    def done(self, result: int) -> None:
        if self._player is not None:
            self._player.stop()
        super().done(result)
