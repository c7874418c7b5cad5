"""The engine a video renders on (v3): the ones the look supports, each with this video's price beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import Engine

ENGINE_NAMES = {Engine.AVATAR_IV: "Avatar IV", Engine.AVATAR_III: "Avatar III", Engine.AVATAR_V: "Avatar V"}
ENGINE_NOTES = {Engine.AVATAR_IV: "most lifelike", Engine.AVATAR_III: "simpler motion, cheaper"}


def price_text(price: Money | None) -> str:
    return "no published price" if price is None else f"about {price}"


class EngineChoice(QWidget):
    """One button per engine in a row, each with this video's price, so the prices sit side by side.

    Emits `chosen(Engine)` when the user picks another engine; `show_choices` fills it without emitting."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[Engine, QRadioButton] = {}
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._loading = False
        self.group.buttonToggled.connect(self._toggled)

    def show_choices(self, engines: Sequence[Engine], prices: Mapping[Engine, Money | None], current: Engine) -> None:
        """Offer `engines` with their price for this video; `current` stays chosen (marked if the look lacks it)."""
        shown = list(engines) if current in engines else [*engines, current]
        self._loading = True
        try:
            if list(self.buttons) != shown:
                for button in self.buttons.values():
                    self.group.removeButton(button)
                    button.deleteLater()
                self.buttons = {}
                for engine in shown:
                    button = QRadioButton()
                    self.buttons[engine] = button
                    self.group.addButton(button)
                    self._row.addWidget(button)
            for engine, button in self.buttons.items():
                price = prices.get(engine)
                button.setText(f"{ENGINE_NAMES[engine]} · {price if price is not None else 'no price'}")
                button.setToolTip(
                    f"{ENGINE_NAMES[engine]} ({ENGINE_NOTES.get(engine, '')}): this video costs {price_text(price)}"
                    if engine in engines
                    else "This look can't be rendered on this engine: choose another."
                )
                button.setChecked(engine is current)
        finally:
            self._loading = False

    def _toggled(self, button: QRadioButton, checked: bool) -> None:
        if self._loading or not checked:
            return
        engine = next(engine for engine, each in self.buttons.items() if each is button)
        self.chosen.emit(engine)
