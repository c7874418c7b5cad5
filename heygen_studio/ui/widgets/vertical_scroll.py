"""A frameless area that scrolls its widget up and down only, so a tall side pane never makes the whole page scroll."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def vertical_scroll(widget: QWidget) -> QScrollArea:
    """`widget` as wide as the area, scrolling vertically when it is taller than the room it gets; the area is
    never narrower than the widget can be (with room for the scroll bar), so nothing is cut off at the side."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    area.setMinimumWidth(widget.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width())
    return area
