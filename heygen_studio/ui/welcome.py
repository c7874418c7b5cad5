"""The first-run page: connect with my HeyGen API key, or try everything on the sandbox."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from heygen_studio.resources import resources_dir
from heygen_studio.session import Session

NARROWEST_TEXT = 380


class WelcomePage(QWidget):
    """Two big choices; `add_key_requested` asks the window to open the add-key form."""

    add_key_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        card = QFrame()
        card.setObjectName("welcomeCard")
        card.setMinimumWidth(460)
        card.setMaximumWidth(580)
        picture = QLabel()
        picture.setPixmap(QIcon(str(resources_dir() / "icons" / "heygen-studio.svg")).pixmap(96, 96))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setMinimumHeight(112)
        title = QLabel("Welcome to HeyGen Studio")
        title.setObjectName("panelTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Turn a photo into a talking video: add a photo, build an avatar, write what it says, "
            "and HeyGen renders the video. To begin, connect your HeyGen account — or try "
            "everything first on the sandbox, a pretend HeyGen built into the app."
        )
        text.setObjectName("panelSummary")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.use_key_button = QPushButton("Use my HeyGen API key")
        self.use_key_button.setObjectName("primaryButton")
        self.use_key_button.setMinimumHeight(44)
        self.use_key_button.clicked.connect(self.add_key_requested)
        self.sandbox_button = QPushButton("Try the sandbox (no key, pretend money)")
        self.sandbox_button.setMinimumHeight(44)
        self.sandbox_button.clicked.connect(self._try_sandbox)
        hint = QLabel(
            "Your key is kept in your computer's keychain, never in a file. "
            "You can switch between the sandbox and your account at any time."
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for label in (text, hint):  # wrapped labels in a centred card need their height spelled out
            label.setMinimumHeight(label.heightForWidth(NARROWEST_TEXT))

        inner = QVBoxLayout(card)
        inner.setContentsMargins(40, 36, 40, 36)
        inner.setSpacing(14)
        for widget in (picture, title, text, self.use_key_button, self.sandbox_button, hint):
            inner.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 4)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def _try_sandbox(self) -> None:
        self.sandbox_button.setEnabled(False)
        self.sandbox_button.setText("Starting the sandbox…")
        task = self.session.tasks.spawn(self.session.use_sandbox(), "start the sandbox")
        task.add_done_callback(lambda _: self._reset_sandbox_button())

    def _reset_sandbox_button(self) -> None:
        self.sandbox_button.setEnabled(True)
        self.sandbox_button.setText("Try the sandbox (no key, pretend money)")
