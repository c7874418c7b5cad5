"""The app's look: Fusion with a calm light palette and a few style-sheet touches."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from heygen_studio.config import APP_SLUG
from heygen_studio.resources import resources_dir

ACCENT = QColor("#4f46e5")
TEXT = QColor("#1f2430")
MUTED = QColor("#5b6272")
TONE_COLOURS = {"good": "#15803d", "bad": "#b42318", "warn": "#a15c07"}
"""The text colour of each Tone but PLAIN: the style sheet's labels and the painted lists use the same."""

STYLE_SHEET = """
QListWidget#navigation {
    background: #f3f4f8; border: none; border-right: 1px solid #e2e4ea;
    padding: 12px 8px; font-size: 11pt; outline: 0;
}
QListWidget#navigation::item { padding: 10px 12px; margin: 2px 0; border-radius: 8px; color: #1f2430; }
QListWidget#navigation::item:hover { background: #e6e8f0; }
QListWidget#navigation::item:selected { background: #4f46e5; color: white; }
QListWidget#navigation::item:focus { border: 2px solid #1f2430; padding: 8px 10px; }
QLabel#appName { font-size: 13pt; font-weight: 600; color: #1f2430; padding: 16px 20px 4px 20px; background: #f3f4f8; }
QLabel#panelTitle { font-size: 20pt; font-weight: 600; color: #1f2430; }
QLabel#panelSummary { font-size: 11pt; color: #5b6272; }
QFrame#panelCard { background: #f7f7fb; border: 1px dashed #c9cbd6; border-radius: 12px; }
QLabel#panelNextStep { font-size: 12pt; color: #3b4150; }
QStatusBar { background: #f3f4f8; border-top: 1px solid #e2e4ea; }
QStatusBar QLabel { padding: 2px 4px; }
QLabel#balance { color: #5b6272; }
QStatusBar QLabel#connectionDot { color: #9aa0ad; padding: 0; }
QStatusBar QLabel#connectionDot[connected="true"] { color: #16a34a; }
QLabel#balance[error="true"] { color: #b42318; }
QFrame#welcomeCard { background: #f7f7fb; border: 1px solid #e2e4ea; border-radius: 16px; }
QLabel#hint { color: #5b6272; font-size: 9pt; }
QPushButton { padding: 6px 14px; border-radius: 6px; border: 1px solid #c9cbd6; background: #ffffff; }
QPushButton:hover { background: #f0f1f6; }
QPushButton:focus { border: 2px solid #4f46e5; padding: 5px 13px; }
QPushButton#primaryButton:focus { border: 2px solid #1f2430; padding: 4px 12px; }
QToolButton:focus { border: 2px solid #4f46e5; border-radius: 4px; }
QPushButton:disabled { color: #a0a5b1; }
QPushButton#primaryButton { background: #4f46e5; color: white; border: none; font-weight: 600; }
QPushButton#primaryButton:hover { background: #4338ca; }
QPushButton#primaryButton:disabled { background: #a5a1f0; }
QGroupBox {
    font-weight: 600; border: 1px solid #e2e4ea; border-radius: 10px; margin-top: 14px; padding: 14px 12px 10px 12px;
}
QGroupBox::title { subcontrol-origin: margin; left: 12px; padding: 0 4px; }
""" + "".join(
    f'QLabel[tone="{tone}"], QLabel#hint[tone="{tone}"] {{ color: {colour}; }}\n'
    for tone, colour in TONE_COLOURS.items()
)


def apply_style(app: QApplication) -> None:
    """Fusion everywhere, so the app looks the same on every desktop, with our accent colour."""
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.WindowText, TEXT)
    palette.setColor(QPalette.ColorRole.Text, TEXT)
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Button, QColor("#f3f4f8"))
    palette.setColor(QPalette.ColorRole.ButtonText, TEXT)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#a0a5b1"))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)


class Tone(StrEnum):
    """How a message reads: its colour, through the style sheet's [tone="…"] rules."""

    PLAIN = ""
    GOOD = "good"
    BAD = "bad"
    WARN = "warn"


def tone_colour(tone: Tone) -> QColor:
    """The colour text in `tone` is painted in (TEXT for plain)."""
    return QColor(TONE_COLOURS[tone.value]) if tone else TEXT


def set_tone(label: QLabel, tone: Tone, text: str | None = None) -> None:
    """Colour `label` in `tone`, showing `text` if given; repolished so the colour changes."""
    if text is not None:
        label.setText(text)
    label.setProperty("tone", tone.value)
    label.style().unpolish(label)
    label.style().polish(label)


def hint_label(text: str = "", tone: Tone = Tone.PLAIN) -> QLabel:
    """A wrapped small label; with a tone it is coloured (the shared #hint colour would win over tone)."""
    label = QLabel(text)
    label.setWordWrap(True)
    if tone:
        set_tone(label, tone)
    else:
        label.setObjectName("hint")
    return label


def app_icon() -> QIcon:
    """The window icon from resources/icons, in every size shipped; empty if none are there."""
    icon = QIcon()
    folder = resources_dir() / "icons"
    for png in sorted(folder.glob(f"{APP_SLUG}-*.png")):
        icon.addFile(str(png))
    return icon
