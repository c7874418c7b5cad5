"""A large preview of the selected photo with the faces the checker found drawn on it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from heygen_studio.services.photo_checks import CheckedPhoto

FACE = QColor("#16a34a")
ADVICE = QColor("#d97706")


class PhotoPreview(QWidget):
    """Paints the preview scaled to fit; green boxes round faces, amber round faces a warning is about."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._photo: CheckedPhoto | None = None
        self._pixmap = QPixmap()
        self.setMinimumSize(240, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # short enough that the Photos page fits 1280x800 without scrolling
        return QSize(420, 200)

    def set_photo(self, photo: CheckedPhoto | None) -> None:
        self._photo = photo
        self._pixmap = QPixmap.fromImage(photo.preview) if photo is not None else QPixmap()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.fillRect(self.rect(), QColor("#f3f4f8"))
        if self._photo is None or self._pixmap.isNull():
            painter.setPen(QColor("#5b6272"))
            text = "No preview: this file can't be shown." if self._photo is not None else ""
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
            return
        fit = min(self.width() / self._pixmap.width(), self.height() / self._pixmap.height())
        width, height = self._pixmap.width() * fit, self._pixmap.height() * fit
        target = QRectF((self.width() - width) / 2, (self.height() - height) / 2, width, height)
        painter.drawPixmap(target, self._pixmap, QRectF(self._pixmap.rect()))
        scale = self._photo.preview_scale * fit
        boxes = [(box, FACE) for box in self._photo.report.faces]
        boxes += [(box, ADVICE) for issue in self._photo.report.warnings for box in issue.boxes]
        for box, colour in boxes:
            painter.setPen(QPen(colour, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(
                QRectF(target.x() + box.x * scale, target.y() + box.y * scale, box.width * scale, box.height * scale),
                6,
                6,
            )
