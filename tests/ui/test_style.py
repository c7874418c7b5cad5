"""The shared look: a label's colour follows its tone at once, the small grey hints included; focus shows."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from heygen_studio.ui.style import STYLE_SHEET, Tone, set_tone


def colour(label: QLabel) -> str:
    return label.palette().color(label.foregroundRole()).name()


def test_a_label_changes_colour_with_its_tone_and_keeps_its_text_unless_given(qtbot: QtBot) -> None:
    box = QWidget()
    box.setStyleSheet(STYLE_SHEET)  # on the box, not the app, so other tests keep their look
    qtbot.addWidget(box)
    message = QLabel(box)
    box.show()
    set_tone(message, Tone.GOOD, "Link copied.")
    assert colour(message) == "#15803d" and message.text() == "Link copied."
    set_tone(message, Tone.BAD, "Not found.")
    assert colour(message) == "#b42318" and message.text() == "Not found."
    set_tone(message, Tone.WARN)
    assert colour(message) == "#a15c07" and message.text() == "Not found."


def test_a_grey_hint_such_as_a_character_counter_turns_red_when_over_the_limit(qtbot: QtBot) -> None:
    box = QWidget()
    box.setStyleSheet(STYLE_SHEET)
    qtbot.addWidget(box)
    counter = QLabel("45 / 1000 characters", box)
    counter.setObjectName("hint")
    box.show()
    grey = colour(counter)
    set_tone(counter, Tone.BAD, "1001 / 1000 characters — 1 too many")
    assert colour(counter) == "#b42318"
    set_tone(counter, Tone.PLAIN, "45 / 1000 characters")
    assert colour(counter) == grey


def _looks(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def test_the_keyboard_focus_shows_clearly_on_buttons_and_on_the_navigation(qtbot: QtBot) -> None:
    box = QWidget()
    box.setStyleSheet(STYLE_SHEET)
    qtbot.addWidget(box)
    plain, primary, other = QPushButton("Save", box), QPushButton("Render", box), QPushButton("Other", box)
    primary.setObjectName("primaryButton")
    navigation = QListWidget(box)
    navigation.setObjectName("navigation")
    navigation.addItems(["Photos", "Library"])
    layout = QVBoxLayout(box)
    for widget in (plain, primary, other, navigation):
        layout.addWidget(widget)
    box.show()
    qtbot.waitExposed(box)
    navigation.setCurrentRow(0)
    for widget in (plain, primary, navigation):
        other.setFocus()
        QApplication.processEvents()
        unfocused = _looks(widget)
        widget.setFocus()
        QApplication.processEvents()
        focused = _looks(widget)
        changed = sum(
            1
            for x in range(0, focused.width(), 2)
            for y in range(0, focused.height(), 2)
            if focused.pixelColor(x, y) != unfocused.pixelColor(x, y)
        )
        assert changed > 20, f"the focus on {widget.objectName() or widget.text()} hardly shows"
