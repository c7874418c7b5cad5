"""Simple line icons for the navigation list, drawn with QPainter so they are crisp at any scale."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

SIZE = 64


def _photo(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(8, 12, 48, 40), 6, 6)
    p.drawEllipse(QPointF(22, 26), 5, 5)
    p.drawPolyline(QPolygonF([QPointF(10, 48), QPointF(26, 34), QPointF(36, 42), QPointF(44, 34), QPointF(54, 44)]))


def _library(p: QPainter) -> None:
    for x in (10, 34):
        for y in (10, 34):
            p.drawRoundedRect(QRectF(x, y, 20, 20), 4, 4)


def _scenes(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(8, 10, 48, 36), 6, 6)
    path = QPainterPath(QPointF(18, 46))
    path.lineTo(16, 56)
    path.lineTo(28, 46)
    p.drawPath(path)
    for y, width in ((21, 30), (29, 24), (37, 16)):
        p.drawLine(QPointF(17, y), QPointF(17 + width, y))


def _renders(p: QPainter) -> None:
    p.drawEllipse(QPointF(32, 32), 24, 24)
    p.drawPolygon(QPolygonF([QPointF(26, 20), QPointF(44, 32), QPointF(26, 44)]))


def _settings(p: QPainter) -> None:
    p.drawEllipse(QPointF(32, 32), 8, 8)
    p.drawEllipse(QPointF(32, 32), 17, 17)
    p.save()
    p.translate(32, 32)
    for _ in range(8):
        p.drawLine(QPointF(0, -17), QPointF(0, -25))
        p.rotate(45)
    p.restore()


_DRAW: dict[str, Callable[[QPainter], None]] = {
    "photos": _photo,
    "library": _library,
    "scenes": _scenes,
    "renders": _renders,
    "settings": _settings,
}


def _pixmap(name: str, color: QColor) -> QPixmap:
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(color, 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    _DRAW[name](painter)
    painter.end()
    return pixmap


def nav_icon(name: str, color: QColor, selected_color: QColor) -> QIcon:
    """The icon `name` (photos, library, scenes, renders, settings) in its normal and selected colours."""
    icon = QIcon()
    icon.addPixmap(_pixmap(name, color), QIcon.Mode.Normal)
    icon.addPixmap(_pixmap(name, selected_color), QIcon.Mode.Selected)
    return icon
