"""The common frame of every panel: a title, one sentence on what the step does, and its content."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from heygen_studio.ui.widgets.nav_icons import nav_icon

if TYPE_CHECKING:
    from heygen_studio.session import Session

CARD_ICON = QColor("#a5a9c4")


class Panel(QWidget):
    """Subclasses set `title`, `icon_name`, `summary` (what the step does), `next_step` (what to do now)."""

    title: ClassVar[str]
    icon_name: ClassVar[str]
    summary: ClassVar[str]
    next_step: ClassVar[str]

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName(f"{type(self).__name__}")
        heading = QLabel(self.title)
        heading.setObjectName("panelTitle")
        summary = QLabel(self.summary)
        summary.setObjectName("panelSummary")
        summary.setWordWrap(True)

        self.next_label = QLabel(self.next_step)
        self.next_label.setObjectName("panelNextStep")
        self.next_label.setWordWrap(True)
        self.next_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card = QFrame()
        card.setObjectName("panelCard")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(32, 40, 32, 40)
        card_layout.setSpacing(12)
        picture = QLabel()
        picture.setPixmap(nav_icon(self.icon_name, CARD_ICON, CARD_ICON).pixmap(56, 56))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card_layout.addWidget(picture)
        card_layout.addWidget(self.next_label)
        #: Panels put their real content here, below the heading.
        self.content = QVBoxLayout()
        self.content.addWidget(card)
        self.content.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addSpacing(16)
        layout.addLayout(self.content, 1)

    def ask_before_closing(self, close: Callable[[], None]) -> bool:
        """True if the app may close now; False if the panel asked the user first (about unsaved work,
        say): it calls `close()` once they agree, and nothing if they cancel."""
        return True

    async def aclose(self) -> None:
        """Release what the panel holds open (clients, files); the app awaits it on quit, after tasks stop."""
