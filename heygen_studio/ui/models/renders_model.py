"""The renders of the account, newest first, as a list model the Renders panel's view paints with a delegate."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPixmap

from heygen_studio.storage.render_jobs import RenderJob
from heygen_studio.ui.widgets.render_texts import bar_of, details_of, status_of, tags_of

Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    """What the delegate asks a row for, beyond its title (Qt's display role)."""

    JOB = Qt.ItemDataRole.UserRole + 1
    STATUS = Qt.ItemDataRole.UserRole + 2
    TONE = Qt.ItemDataRole.UserRole + 3
    DETAILS = Qt.ItemDataRole.UserRole + 4
    BAR = Qt.ItemDataRole.UserRole + 5
    THUMBNAIL = Qt.ItemDataRole.UserRole + 6
    TAGS = Qt.ItemDataRole.UserRole + 7


@dataclass
class RenderItem:
    """One row: the job as last read, and what the panel learnt about it since (picture, expected time, bytes)."""

    job: RenderJob
    thumbnail: QPixmap | None = None
    expected_s: float | None = None
    download: tuple[int, int] | None = None

    @property
    def status(self) -> str:
        return status_of(self.job)[0]

    def details(self, now: float | None = None) -> str:
        return details_of(self.job, self.expected_s, now)

    def bar(self, now: float | None = None) -> int | None:
        return bar_of(self.job, self.expected_s, self.download, now)


class RendersModel(QAbstractListModel):
    """Rows ordered by job id, newest first. Each change repaints only its own row; `tick` the rendering ones."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[RenderItem] = []
        self._keys: list[int] = []  # -job.id of each row, ascending: bisect finds a job's row

    # --- Qt's side ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008  (Qt's default argument)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.job.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.job.title}\n{item.status}\n{item.details()}"
        return self._role_data(item, role)

    def _role_data(self, item: RenderItem, role: int) -> object:
        if role == Role.JOB:
            return item.job
        if role in (Role.STATUS, Role.TONE):
            text, tone = status_of(item.job)
            return text if role == Role.STATUS else tone
        if role == Role.DETAILS:
            return item.details()
        if role == Role.BAR:
            return item.bar()
        if role == Role.THUMBNAIL:
            return item.thumbnail
        if role == Role.TAGS:
            return tags_of(item.job)
        return None

    # --- the panel's side ------------------------------------------------------------------------

    def items(self) -> list[RenderItem]:
        """Every row, newest first."""
        return list(self._items)

    def item(self, job_id: int) -> RenderItem | None:
        row = self.row_of(job_id)
        return None if row is None else self._items[row]

    def row_of(self, job_id: int) -> int | None:
        row = bisect.bisect_left(self._keys, -job_id)
        return row if row < len(self._keys) and self._keys[row] == -job_id else None

    def job_at(self, row: int) -> RenderJob | None:
        return self._items[row].job if 0 <= row < len(self._items) else None

    def upsert(self, job: RenderJob) -> RenderItem:
        """Show `job`: a new row in its place by age, or the row of that job brought up to date."""
        row = self.row_of(job.id)
        if row is not None:
            item = self._items[row]
            item.job = job
            self._changed(row)
            return item
        row = bisect.bisect_left(self._keys, -job.id)
        self.beginInsertRows(QModelIndex(), row, row)
        item = RenderItem(job)
        self._items.insert(row, item)
        self._keys.insert(row, -job.id)
        self.endInsertRows()
        return item

    def replace_all(self, jobs: list[RenderJob]) -> None:
        """Exactly these jobs, keeping what was learnt about the ones already shown (one reset, not a row each)."""
        known = {item.job.id: item for item in self._items}
        items = []
        for job in sorted(jobs, key=lambda job: -job.id):
            item = known.get(job.id) or RenderItem(job)
            item.job = job
            items.append(item)
        self.beginResetModel()
        self._items = items
        self._keys = [-item.job.id for item in items]
        self.endResetModel()

    def remove(self, job_id: int) -> None:
        row = self.row_of(job_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        del self._keys[row]
        self.endRemoveRows()

    def set_thumbnail(self, job_id: int, pixmap: QPixmap) -> None:
        self._learn(job_id, thumbnail=pixmap)

    def set_expected(self, job_id: int, seconds: float | None) -> None:
        self._learn(job_id, expected_s=seconds)

    def set_download(self, job_id: int, done: int, total: int) -> None:
        self._learn(job_id, download=(done, total))

    def tick(self) -> None:
        """The clock moved: repaint the rows whose times and bars follow it (those not finished), in one range."""
        rows = [row for row, item in enumerate(self._items) if not item.job.status.is_final]
        if rows:
            self.dataChanged.emit(self.index(rows[0]), self.index(rows[-1]), [Role.DETAILS, Role.BAR])

    def _learn(self, job_id: int, **values: object) -> None:
        row = self.row_of(job_id)
        if row is not None:
            for name, value in values.items():
                setattr(self._items[row], name, value)
            self._changed(row)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)
