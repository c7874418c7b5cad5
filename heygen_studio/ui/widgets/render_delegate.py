"""Paints one render of the Renders list: thumbnail, title with its tags, status, details and progress bar."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QStyleOptionViewItem

from heygen_studio.ui.models.renders_model import Role
from heygen_studio.ui.style import ACCENT, MUTED, TEXT, Tone, tone_colour
from heygen_studio.ui.widgets.render_texts import BAR_STEPS, BUSY, THUMB, placeholder_thumbnail

ROW_HEIGHT = 92
PAD = 10
LINE = 19
BAR_HEIGHT = 8
SELECTED = QColor("#eef0fd")
TAG_FILL = QColor("#fff4e0")
TAG_TEXT = QColor("#8a4b00")
DIVIDER = QColor("#e2e4ea")


class RenderDelegate(QStyledItemDelegate):
    """Every row is ROW_HEIGHT tall (the view can then lay out 1,000 rows without asking each)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(1, ROW_HEIGHT)  # as wide as the view: the list never scrolls sideways

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect: QRect = option.rect
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(ACCENT, 2))
            painter.setBrush(SELECTED)
            painter.drawRoundedRect(QRectF(rect.adjusted(2, 2, -2, -2)), 8, 8)
        else:
            painter.setPen(DIVIDER)
            painter.drawLine(rect.left() + PAD, rect.bottom(), rect.right() - PAD, rect.bottom())
        self._thumbnail(painter, rect, index.data(Role.THUMBNAIL))
        left = rect.left() + PAD + THUMB + PAD
        width = rect.right() - PAD - left
        top = rect.top() + PAD - 2
        font = QFont(option.font)
        self._title(painter, QRect(left, top, width, LINE), font, str(index.data()), index.data(Role.TAGS) or ())
        tone = Tone(index.data(Role.TONE) or "")  # a StrEnum comes back from Qt as its text
        self._text(painter, QRect(left, top + LINE, width, LINE), font, index.data(Role.STATUS), tone_colour(tone))
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        self._text(painter, QRect(left, top + 2 * LINE, width, LINE), small, index.data(Role.DETAILS), MUTED)
        bar = index.data(Role.BAR)
        if bar is not None:
            self._bar(painter, QRect(left, top + 3 * LINE + 4, min(width, 360), BAR_HEIGHT), bar, option)
        painter.restore()

    def _thumbnail(self, painter: QPainter, rect: QRect, pixmap: QPixmap | None) -> None:
        picture = pixmap if pixmap is not None and not pixmap.isNull() else placeholder_thumbnail()
        box = QRect(rect.left() + PAD, rect.top() + PAD, THUMB, THUMB * 9 // 16)
        scaled = (  # the panel scales pictures once when they arrive: this is for odd sizes only
            picture
            if picture.width() <= box.width() and picture.height() <= box.height()
            else picture.scaled(
                box.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation
            )
        )
        x = box.left() + (box.width() - scaled.width()) // 2
        y = box.top() + (box.height() - scaled.height()) // 2
        painter.drawPixmap(x, y, scaled)

    def _title(self, painter: QPainter, box: QRect, font: QFont, title: str, tags: tuple[str, ...]) -> None:
        bold = QFont(font)
        bold.setWeight(QFont.Weight.DemiBold)
        metrics = QFontMetrics(bold)
        tag_font = QFont(font)
        tag_font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        tag_metrics = QFontMetrics(tag_font)
        tags_width = sum(tag_metrics.horizontalAdvance(tag) + 18 for tag in tags)
        shown = metrics.elidedText(title, Qt.TextElideMode.ElideRight, max(40, box.width() - tags_width))
        painter.setFont(bold)
        painter.setPen(TEXT)
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        x = box.left() + metrics.horizontalAdvance(shown) + 8
        painter.setFont(tag_font)
        for tag in tags:
            tag_box = QRect(x, box.top() + 2, tag_metrics.horizontalAdvance(tag) + 12, box.height() - 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TAG_FILL)
            painter.drawRoundedRect(QRectF(tag_box), 6, 6)
            painter.setPen(TAG_TEXT)
            painter.drawText(tag_box, Qt.AlignmentFlag.AlignCenter, tag)
            x += tag_box.width() + 6

    def _text(self, painter: QPainter, box: QRect, font: QFont, text: object, colour: QColor) -> None:
        painter.setFont(font)
        painter.setPen(colour)
        shown = QFontMetrics(font).elidedText(str(text or ""), Qt.TextElideMode.ElideRight, box.width())
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)

    def _bar(self, painter: QPainter, box: QRect, value: int, option: QStyleOptionViewItem) -> None:
        bar = QStyleOptionProgressBar()
        bar.rect = box
        bar.minimum = 0
        bar.maximum = 0 if value == BUSY else BAR_STEPS
        bar.progress = 0 if value == BUSY else value
        bar.textVisible = False
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
