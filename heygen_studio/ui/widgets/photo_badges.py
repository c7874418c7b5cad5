"""Thumbnail icons for the photo list: the picture with a pass, warn or fail badge in its corner."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPen, QPixmap

from heygen_studio.services.photo_checks import Verdict

ICON_SIDE = 128
BADGES: dict[Verdict | None, tuple[QColor, str, str]] = {  # None: still checking
    Verdict.PASS: (QColor("#16a34a"), "✓", "Ready: HeyGen will take this photo"),
    Verdict.WARN: (QColor("#d97706"), "!", "Usable, but see the advice"),
    Verdict.FAIL: (QColor("#dc2626"), "✕", "HeyGen won't take this photo yet"),
    None: (QColor("#9aa0ad"), "…", "Checking…"),
}


def badge_icon(thumbnail: QImage, verdict: Verdict | None) -> QIcon:
    """The thumbnail centred on a square canvas with the verdict's badge (UI thread: makes a QPixmap)."""
    canvas = QPixmap(ICON_SIDE, ICON_SIDE)
    canvas.fill(QColor("#eef0f5"))
    painter = QPainter(canvas)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if not thumbnail.isNull():
        picture = thumbnail.scaled(
            ICON_SIDE, ICON_SIDE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        painter.drawImage(QPointF((ICON_SIDE - picture.width()) / 2, (ICON_SIDE - picture.height()) / 2), picture)
    colour, symbol, _ = BADGES[verdict]
    badge = QRectF(ICON_SIDE - 40, ICON_SIDE - 40, 34, 34)
    painter.setPen(QPen(QColor("white"), 3))
    painter.setBrush(colour)
    painter.drawEllipse(badge)
    font = QFont()
    font.setPixelSize(20)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, symbol)
    painter.end()
    icon = QIcon(canvas)
    icon.addPixmap(canvas, QIcon.Mode.Selected)  # no blue tint over the photo and its badge's colour
    return icon


def badge_meaning(verdict: Verdict | None) -> str:
    return BADGES[verdict][2]
