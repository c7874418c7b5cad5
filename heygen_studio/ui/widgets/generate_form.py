"""Pieces the generate forms share: enum drop-downs and a prompt box with a live character counter."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from heygen_studio.ui.style import Tone, set_tone

E = TypeVar("E", bound=StrEnum)
MIN_CHARACTERS = 10


def enum_combo(values: type[E], default: E) -> QComboBox:
    """A drop-down of an enum's values, in words, starting at `default`; it may be as narrow as
    MIN_CHARACTERS (longer choices end in "…" while closed), so the forms fit a small window."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(MIN_CHARACTERS)
    for value in values:
        combo.addItem(value.value.replace("_", " ").capitalize() if value.value.islower() else value.value, value)
    combo.setCurrentIndex(combo.findData(default))
    return combo


def chosen(combo: QComboBox, values: type[E]) -> E:
    return values(combo.currentData())


class CountedText(QWidget):
    """A text box with "123 / 1000 characters" under it; `valid_changed(bool)` when it crosses the limit."""

    valid_changed = Signal(bool)

    def __init__(self, limit: int, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setFixedHeight(90)
        self.counter = QLabel()
        self.counter.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.counter)
        self.edit.textChanged.connect(self._count)
        self._count()

    def text(self) -> str:
        return self.edit.toPlainText().strip()

    def is_valid(self) -> bool:
        return 0 < len(self.text()) <= self.limit

    def _count(self) -> None:
        used = len(self.edit.toPlainText())
        over = used - self.limit
        self.counter.setText(
            f"{used} / {self.limit} characters"
            if over <= 0
            else f"{used} / {self.limit} characters — {over} too many; shorten it"
        )
        set_tone(self.counter, Tone.BAD if over > 0 else Tone.PLAIN)
        self.valid_changed.emit(self.is_valid())
