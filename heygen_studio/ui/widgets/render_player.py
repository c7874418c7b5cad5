"""A small window that plays a finished render in the app (QMediaPlayer + QVideoWidget)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtMultimediaWidgets import QVideoWidget
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget


class RenderPlayer(QDialog):
    """Non-modal: opened with `play()`, stops when closed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(800, 500)
        self.video = QVideoWidget()
        self.audio = QAudioOutput(self)
        self.player = QMediaPlayer(self)
        self.player.setVideoOutput(self.video)
        self.player.setAudioOutput(self.audio)
        self.toggle = QPushButton("Pause")
        self.toggle.clicked.connect(self._toggle)
        again = QPushButton("Play from the start")
        again.clicked.connect(self._play_from_start)
        controls = QHBoxLayout()
        controls.addWidget(self.toggle)
        controls.addWidget(again)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.video, 1)
        layout.addLayout(controls)
        self.finished.connect(lambda _result: self.player.stop())

    def play(self, file: Path, title: str) -> None:
        self.setWindowTitle(title)
        self.player.setSource(QUrl.fromLocalFile(str(file)))
        self.player.play()
        self.toggle.setText("Pause")
        self.open()

    def _play_from_start(self) -> None:
        self.player.setPosition(0)
        self.player.play()

    def _toggle(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
            self.toggle.setText("Play")
        else:
            self.player.play()
            self.toggle.setText("Pause")
