"""The right-hand side of the Photos panel: preview, every check with its reason, and the fix buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from heygen_studio.services.photo_checks import CheckedPhoto, Verdict
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.layouts import clear_layout
from heygen_studio.ui.widgets.photo_preview import PhotoPreview

_MARKS = {"good": "✓", "warn": "!", "bad": "✕"}
_VERDICTS = {
    Verdict.PASS: (Tone.GOOD, "This photo is ready for HeyGen."),
    Verdict.WARN: (
        Tone.WARN,
        "HeyGen will take this photo, but the avatar may look less natural. See the advice below.",
    ),
    Verdict.FAIL: (Tone.BAD, "HeyGen won't take this photo yet. See what to do below."),
}


class PhotoDetails(QWidget):
    """Shows one checked photo; `fix_requested(Fix)` when a fix button is clicked."""

    fix_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = PhotoPreview()
        self.name = QLabel()
        self.name.setObjectName("photoName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self._lines = QVBoxLayout()
        self._lines.setSpacing(4)
        self._fixes = QHBoxLayout()
        self.fix_buttons: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.name)
        layout.addWidget(self.verdict)
        layout.addLayout(self._lines)
        layout.addLayout(self._fixes)

    def show_photo(self, photo: CheckedPhoto | None) -> None:
        self.preview.set_photo(photo)
        clear_layout(self._lines)
        clear_layout(self._fixes)
        self.fix_buttons = []
        if photo is None:
            self.name.clear()
            self.verdict.clear()
            return
        self.name.setText(f"<b>{photo.path.name}</b> <span style='color:#5b6272'>· {photo.path.parent}</span>")
        tone, text = _VERDICTS[photo.verdict]
        set_tone(self.verdict, tone, f"<b>{text}</b>")
        for line in photo.lines():
            label = QLabel(f"{_MARKS[line.tone]}  {line.text}")
            label.setWordWrap(True)
            label.setProperty("tone", line.tone)
            self._lines.addWidget(label)
        fixes = photo.fixes()
        if fixes:
            self._fixes.addWidget(QLabel("Fix it:"))
        for fix in fixes:
            button = QPushButton(fix.label)
            button.setToolTip(f"{fix.tooltip} Your original file is not changed.")
            button.clicked.connect(lambda _=False, fix=fix: self.fix_requested.emit(fix))
            self._fixes.addWidget(button)
            self.fix_buttons.append(button)
        self._fixes.addStretch(1)

    def set_fixing(self, busy: bool) -> None:
        for button in self.fix_buttons:
            button.setEnabled(not busy)

    def line_texts(self) -> list[tuple[str, str]]:
        """(tone, text) of every check line shown, top to bottom."""
        items = (self._lines.itemAt(i) for i in range(self._lines.count()))
        labels = (item.widget() for item in items if item is not None)
        return [(label.property("tone"), label.text()) for label in labels if isinstance(label, QLabel)]
