"""The engine a video renders on (v3): every engine side by side with this video's price, or why this look can't."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import Engine
from heygen_studio.editor.engines import OFFERED, EngineOffer

ENGINE_NOTES = {
    Engine.AVATAR_IV: "most lifelike",
    Engine.AVATAR_III: "simpler motion, cheaper",
    Engine.AVATAR_V: "HeyGen's newest",
}
NOT_PUBLISHED = "price not published"


def price_text(price: Money | None) -> str:
    return NOT_PUBLISHED if price is None else f"about {price}"


class EngineChoice(QWidget):
    """One button per engine in a row, its name over this video's price, so the prices sit side by side.

    Emits `chosen(Engine)` when the user picks another engine; `show_choices` fills it without emitting."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.buttons: dict[Engine, QRadioButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for engine in OFFERED:
            button = QRadioButton()
            self.buttons[engine] = button
            self.group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self._loading = False
        self.group.buttonToggled.connect(self._toggled)

    def show_choices(self, offers: Sequence[EngineOffer], current: Engine) -> None:
        """Show each offer's price (or, disabled, why not); `current` stays chosen even where the look lacks it."""
        self._loading = True
        try:
            for offer in offers:
                button = self.buttons[offer.engine]
                usable = not offer.why_not
                price = (NOT_PUBLISHED if offer.price is None else str(offer.price)) if usable else "not for this look"
                button.setText(f"{offer.name}\n{price}")
                button.setEnabled(usable)
                button.setToolTip(
                    f"{offer.name} ({ENGINE_NOTES[offer.engine]}): this video costs {price_text(offer.price)}"
                    if usable
                    else offer.why_not
                )
                button.setChecked(offer.engine is current)
        finally:
            self._loading = False

    def _toggled(self, button: QRadioButton, checked: bool) -> None:
        if self._loading or not checked:
            return
        engine = next(engine for engine, each in self.buttons.items() if each is button)
        self.chosen.emit(engine)
