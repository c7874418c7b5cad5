"""The right-hand side of the Photos panel: preview, every check with its reason, and the fix buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from heygen_studio.domain.photo_rules import IMAGE_VIDEO_MAX_BYTES
from heygen_studio.services.photo_checks import CheckedPhoto, Fix, Verdict
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
QUICK_VIDEO_READY = "HeyGen can make this photo talk as it is: no avatar to create first."
NOT_CONNECTED = "Connect to HeyGen first: add your API key in Settings, or try the sandbox."


class PhotoDetails(QWidget):
    """Shows one checked photo; `fix_requested(Fix)` when a fix button is clicked, `quick_video_requested(photo)`
    when “Make a quick video…” is."""

    fix_requested = Signal(object)
    quick_video_requested = Signal(object)

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
        self._photo: CheckedPhoto | None = None
        self._quick_blocker = NOT_CONNECTED  # why no quick video can be made on this connection ("" when one can)
        self._quick_max_bytes = IMAGE_VIDEO_MAX_BYTES
        self.quick_title = QLabel("<b>Quick video</b> · animate this photo directly, without making an avatar")
        self.quick_title.setWordWrap(True)
        self._quick_lines = QVBoxLayout()
        self._quick_lines.setSpacing(4)
        self._quick_fixes = QHBoxLayout()
        self.quick_fix_buttons: list[QPushButton] = []
        self.quick_button = QPushButton("Make a quick video…")
        self.quick_button.clicked.connect(self._quick_video_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.name)
        layout.addWidget(self.verdict)
        layout.addLayout(self._lines)
        layout.addLayout(self._fixes)
        layout.addSpacing(8)
        layout.addWidget(self.quick_title)
        layout.addLayout(self._quick_lines)
        quick_row = QHBoxLayout()
        quick_row.addLayout(self._quick_fixes)
        quick_row.addWidget(self.quick_button)
        quick_row.addStretch(1)
        layout.addLayout(quick_row)

    def show_photo(self, photo: CheckedPhoto | None) -> None:
        self._photo = photo
        self.preview.set_photo(photo)
        clear_layout(self._lines)
        clear_layout(self._fixes)
        self.fix_buttons = []
        self._show_quick_video()
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
        self.fix_buttons = self._add_fix_buttons(self._fixes, fixes)
        self._fixes.addStretch(1)

    def set_quick_video_access(self, blocker: str, max_bytes: int) -> None:
        """Why this connection can make no quick video ("" when it can), and the largest photo file it takes."""
        self._quick_blocker, self._quick_max_bytes = blocker, max_bytes
        self._show_quick_video()

    def _show_quick_video(self) -> None:
        """The quick video's own checks, the fixes that help them and the button, for the photo shown."""
        photo = self._photo
        clear_layout(self._quick_lines)
        clear_layout(self._quick_fixes)
        self.quick_fix_buttons = []
        self.quick_title.setVisible(photo is not None)
        self.quick_button.setVisible(photo is not None)
        if photo is None:
            return
        issues = photo.image_video_issues(self._quick_max_bytes)
        lines = [("bad", issue.message) for issue in issues] or [
            ("warn", self._quick_blocker) if self._quick_blocker else ("good", QUICK_VIDEO_READY)
        ]
        for tone, text in lines:
            label = QLabel(f"{_MARKS[tone]}  {text}")
            label.setWordWrap(True)
            label.setProperty("tone", tone)
            self._quick_lines.addWidget(label)
        self.quick_fix_buttons = self._add_fix_buttons(
            self._quick_fixes, photo.image_video_fixes(self._quick_max_bytes)
        )
        self.quick_button.setEnabled(not issues and not self._quick_blocker)
        self.quick_button.setToolTip(
            "Write what the photo says, choose a voice and see the price before anything is sent."
            if self.quick_button.isEnabled()
            else "Fix what is said above first."
            if issues
            else self._quick_blocker
        )

    def _add_fix_buttons(self, row: QHBoxLayout, fixes: list[Fix]) -> list[QPushButton]:
        buttons = []
        for fix in fixes:
            button = QPushButton(fix.label)
            button.setToolTip(f"{fix.tooltip} Your original file is not changed.")
            button.clicked.connect(lambda _=False, fix=fix: self.fix_requested.emit(fix))
            row.addWidget(button)
            buttons.append(button)
        return buttons

    def _quick_video_clicked(self) -> None:
        if self._photo is not None:
            self.quick_video_requested.emit(self._photo)

    def set_fixing(self, busy: bool) -> None:
        for button in self.fix_buttons + self.quick_fix_buttons:
            button.setEnabled(not busy)

    def quick_line_texts(self) -> list[tuple[str, str]]:
        """(tone, text) of the quick video's lines, top to bottom."""
        return _texts(self._quick_lines)

    def line_texts(self) -> list[tuple[str, str]]:
        """(tone, text) of every check line shown, top to bottom."""
        return _texts(self._lines)


def _texts(lines: QVBoxLayout) -> list[tuple[str, str]]:
    items = (lines.itemAt(i) for i in range(lines.count()))
    labels = (item.widget() for item in items if item is not None)
    return [(label.property("tone"), label.text()) for label in labels if isinstance(label, QLabel)]
