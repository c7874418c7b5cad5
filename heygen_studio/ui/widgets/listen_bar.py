"""Listen: a scene's speech played in the app, its words lighting up as they are spoken (or in time, with no sound)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from heygen_studio.api.models import WordTiming
from heygen_studio.services.speech_previews import HeardSpeech
from heygen_studio.ui.style import MUTED, TEXT, Tone, hint_label, set_tone
from heygen_studio.ui.widgets import voice_picker

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer

TICK_MS = 30
SPOKEN_NOW = "#fde68a"
NO_SOUND = "This computer has no sound output (no speakers or headphones found)"


def word_at(words: Sequence[WordTiming], seconds: float) -> int:
    """The index of the word being spoken at `seconds` (the last one begun), -1 before the first."""
    index = -1
    for i, word in enumerate(words):
        if word.start_s > seconds:
            break
        index = i
    return index


def words_html(words: Sequence[WordTiming], current: int) -> str:
    """The words said so far in the text colour, the one being said highlighted, the rest grey."""
    parts = []
    for i, word in enumerate(words):
        text = html.escape(word.word)
        if i == current:
            parts.append(f'<span style="background:{SPOKEN_NOW}; color:{TEXT.name()};"><b>{text}</b></span>')
        else:
            parts.append(f'<span style="color:{(TEXT if i < current else MUTED).name()};">{text}</span>')
    return " ".join(parts)


class ListenBar(QWidget):
    """Listen and Stop, what listening costs or why it can't be done, and the words of what plays.

    `play(clips)` plays (label, speech) pairs in order, saying `started(label)` as each begins; `listen_clicked`
    asks for this scene's speech; `save_requested(speech)` asks to save the audio (offered with no sound output)."""

    listen_clicked = Signal()
    save_requested = Signal(object)
    started = Signal(str)
    """The label of what starts playing now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._queue: list[tuple[str, HeardSpeech]] = []
        self._clip: HeardSpeech | None = None
        self._label = ""
        self._word = -1
        self._sound = False
        self._offer = ""
        self._offer_tone = Tone.PLAIN
        self._player: QMediaPlayer | None = None
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self.listen_button = QPushButton("▶ Listen")
        self.listen_button.setToolTip("Hear this scene's script in the chosen voice, at its speed")
        self.stop_button = QPushButton("■ Stop")
        self.sample_button = QPushButton("▶ Play its sample")
        self.sample_button.setToolTip("Hear the voice's own sample instead")
        self.save_button = QPushButton("Save audio…")
        self.save_button.setToolTip("Save what was heard as an audio file, to play it elsewhere")
        self.status = hint_label()
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setObjectName("listenWords")
        for widget in (self.stop_button, self.sample_button, self.save_button, self.words):
            widget.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.listen_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.sample_button)
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.words)
        self.listen_button.clicked.connect(self.listen_clicked)
        self.stop_button.clicked.connect(self.stop)
        self.save_button.clicked.connect(lambda: self._clip and self.save_requested.emit(self._clip))
        self._sample_url = ""
        self.sample_button.clicked.connect(self.play_sample)

    # --- what Listen offers while nothing plays ----------------------------------------------------

    def offer(self, text: str, *, enabled: bool = True, tone: Tone = Tone.PLAIN, sample_url: str = "") -> None:
        """What listening costs (or why it can't be done: `enabled` False); a voice's `sample_url` to offer
        instead. Shown at once when idle, else once playing ends."""
        self._offer = text
        self._offer_tone = tone
        self._sample_url = sample_url
        self.listen_button.setEnabled(enabled)
        self.sample_button.setVisible(bool(sample_url))
        if not self.playing:
            set_tone(self.status, tone, text)

    def busy(self, text: str) -> None:
        """Speech is being fetched: Listen waits."""
        self.stop()
        self.listen_button.setEnabled(False)
        set_tone(self.status, Tone.PLAIN, text)

    def failed(self, text: str) -> None:
        self.listen_button.setEnabled(True)
        set_tone(self.status, Tone.BAD, text)

    # --- playing -----------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self._clip is not None

    @property
    def sound_output(self) -> bool:
        """Whether what plays is heard (False: no sound output, the words light up by the clock alone)."""
        return self._sound

    @property
    def now_playing(self) -> str:
        """The label of what plays now ("scene 2"), "" when nothing does."""
        return self._label if self._clip is not None else ""

    @property
    def current_word(self) -> str:
        """The word lit up now ("" when none)."""
        clip = self._clip
        return clip.words[self._word].word if clip is not None and 0 <= self._word < len(clip.words) else ""

    @property
    def player_source(self) -> str:
        return "" if self._player is None else self._player.source().toString()

    def play(self, clips: Sequence[tuple[str, HeardSpeech]]) -> None:
        """Play each (label, speech) in turn, from the start."""
        self.stop()
        self._queue = list(clips)
        self._sound = voice_picker.has_sound_output()
        self._next()

    def stop(self) -> None:
        self._tick.stop()
        self._queue = []
        self._clip = None
        if self._player is not None:
            self._player.stop()
        self.stop_button.hide()
        self.words.hide()
        self.listen_button.show()
        if self._offer:
            set_tone(self.status, self._offer_tone, self._offer)

    def _next(self) -> None:
        if not self._queue:
            self.stop()
            return
        self._label, self._clip = self._queue.pop(0)
        self._word = -1
        self.listen_button.hide()
        self.stop_button.show()
        self.words.setText(words_html(self._clip.words, -1))
        self.words.setVisible(bool(self._clip.words))
        if self._sound:
            player = self._media_player()
            player.setSource(QUrl.fromLocalFile(str(self._clip.audio)))
            player.play()
            set_tone(self.status, Tone.PLAIN, f"Playing {self._label}…")
        else:
            self._clock.start()
            set_tone(
                self.status,
                Tone.WARN,
                f"{NO_SOUND}: the words light up in time instead. Save audio… to hear it elsewhere.",
            )
        self.save_button.setVisible(not self._sound)
        self._tick.start()
        self.started.emit(self._label)

    def position_s(self) -> float:
        """Seconds into the speech playing now."""
        if self._sound and self._player is not None:
            return self._player.position() / 1000
        return self._clock.elapsed() / 1000

    def _on_tick(self) -> None:
        clip = self._clip
        if clip is None:
            return
        seconds = self.position_s()
        if not self._sound and seconds >= clip.duration_s:
            self._next()
            return
        index = word_at(clip.words, seconds)
        if index != self._word:
            self._word = index
            self.words.setText(words_html(clip.words, index))

    def play_sample(self) -> None:
        """The voice's own sample, for a voice that can't read the script aloud here."""
        url = self._sample_url
        if not url:
            return
        self.stop()
        if not voice_picker.has_sound_output():
            set_tone(self.status, Tone.WARN, f"{NO_SOUND}, so the sample can't be played here. Its link: {url}")
            return
        player = self._media_player()
        player.setSource(QUrl(url))
        player.play()
        set_tone(self.status, Tone.PLAIN, "Playing the voice's sample…")

    def _media_player(self) -> QMediaPlayer:
        """Created on first play: the multimedia backend starts only when something is heard."""
        if self._player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self._player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
            self._player.errorOccurred.connect(self._play_failed)
            self._player.mediaStatusChanged.connect(self._media_status)
        return self._player

    def _media_status(self, status: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status != QMediaPlayer.MediaStatus.EndOfMedia:
            return
        if self._clip is not None:
            self._next()
        else:  # the voice's sample ended
            set_tone(self.status, self._offer_tone, self._offer)

    def _play_failed(self, _error: object, text: str) -> None:
        self.stop()
        set_tone(self.status, Tone.BAD, f"It could not be played: {text or 'the sound system gave no reason'}.")
