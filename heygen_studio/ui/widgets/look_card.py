"""A card in the Library grids: the thumbnail (or a placeholder that queues it), a name and a badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from heygen_studio.services.thumbnails import Thumbnails
from heygen_studio.ui.models.filtered_list import BADGE_ROLE, SUBTITLE_ROLE, URL_ROLE
from heygen_studio.ui.style import ACCENT, MUTED, TEXT

CARD = QSize(168, 204)
PLACEHOLDER = QColor("#eceef4")
SELECTED = QColor("#eef0fd")


class LookCardDelegate(QStyledItemDelegate):
    """Paints one card; on a thumbnail miss it paints a placeholder and asks for the picture."""

    def __init__(self, thumbnails: Thumbnails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return CARD

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = option.rect.adjusted(4, 4, -4, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(QPen(ACCENT, 2))
            painter.setBrush(SELECTED)
            painter.drawRoundedRect(card, 10, 10)
        side = self.thumbnails.size.width()
        picture = QRect(card.left() + (card.width() - side) // 2, card.top() + 6, side, side)
        self._paint_picture(painter, picture, index)
        badge = index.data(BADGE_ROLE)
        if badge:
            self._paint_badge(painter, picture, badge, option.fontMetrics)
        text = QRect(card.left() + 6, picture.bottom() + 4, card.width() - 12, 18)
        font = QFont(option.font)
        painter.setFont(font)
        painter.setPen(TEXT)
        name = option.fontMetrics.elidedText(str(index.data()), Qt.TextElideMode.ElideRight, text.width())
        painter.drawText(text, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, name)
        subtitle = index.data(SUBTITLE_ROLE)
        if subtitle:
            painter.setPen(MUTED)
            painter.drawText(
                text.translated(0, 18), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, subtitle
            )
        painter.restore()

    def _paint_picture(self, painter: QPainter, rect: QRect, index: QModelIndex | QPersistentModelIndex) -> None:
        url = index.data(URL_ROLE)
        view = self.parent()
        dpr = view.devicePixelRatioF() if isinstance(view, QWidget) else 1.0
        pixmap = self.thumbnails.pixmap(url, dpr) if url else None
        if pixmap is None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PLACEHOLDER)
            painter.drawRoundedRect(rect, 8, 8)
            painter.setPen(MUTED)
            if url and not self.thumbnails.has_failed(url):
                self.thumbnails.request(url, dpr)
                note = "Loading…"
            else:
                note = "No picture"
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, note)
            return
        size = pixmap.deviceIndependentSize().toSize()
        target = QRect(
            rect.left() + (rect.width() - size.width()) // 2,
            rect.top() + (rect.height() - size.height()) // 2,
            size.width(),
            size.height(),
        )
        painter.drawPixmap(target, pixmap)

    def _paint_badge(self, painter: QPainter, picture: QRect, badge: str, metrics: QFontMetrics) -> None:
        box = QRect(picture.left() + 6, picture.top() + 6, metrics.horizontalAdvance(badge) + 12, metrics.height() + 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(31, 36, 48, 190))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)


def card_grid(thumbnails: Thumbnails, parent: QWidget | None = None) -> QListView:
    """A QListView in icon mode that lays cards out left to right, wrapping, in uniform cells."""
    view = QListView(parent)
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setMovement(QListView.Movement.Static)
    view.setUniformItemSizes(True)
    view.setGridSize(CARD)
    view.setSpacing(0)
    view.setWordWrap(False)
    view.setSelectionMode(QListView.SelectionMode.SingleSelection)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    view.setItemDelegate(LookCardDelegate(thumbnails, view))
    return view
