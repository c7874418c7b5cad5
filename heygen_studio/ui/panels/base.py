"""The common frame of every panel: a title, one sentence on what the step does, and its content."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class Panel(QWidget):
    """Subclasses set `title`, `summary` (what this step does) and `next_step` (what to do now)."""

    title: ClassVar[str]
    summary: ClassVar[str]
    next_step: ClassVar[str]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        card_layout.setContentsMargins(32, 48, 32, 48)
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
