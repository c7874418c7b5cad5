"""A list model with a name search and a sort, over items that arrive page by page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer

from heygen_studio.services.thumbnails import Thumbnails


class Identified(Protocol):
    """An item HeyGen names by id (a group or a look)."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)
Index = QModelIndex | QPersistentModelIndex

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
URL_ROLE = Qt.ItemDataRole.UserRole + 2
BADGE_ROLE = Qt.ItemDataRole.UserRole + 3
SUBTITLE_ROLE = Qt.ItemDataRole.UserRole + 4


class SortKey(StrEnum):
    NAME = "Name"
    NEWEST = "Newest first"


class FilteredListModel(QAbstractListModel, Generic[T]):
    """Subclasses say how an item is named, pictured, dated and badged."""

    def __init__(self, thumbnails: Thumbnails, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self._all: list[T] = []
        self._shown: list[T] = []
        self._search = ""
        self._sort = SortKey.NEWEST
        self._changed_urls: set[str] = set()
        self._repaint = QTimer(self, singleShot=True, interval=40)
        self._repaint.timeout.connect(self._flush_repaints)
        thumbnails.ready.connect(self._thumbnail_arrived)
        thumbnails.failed.connect(self._thumbnail_arrived)

    # --- what subclasses describe --------------------------------------------------------------

    def name_of(self, item: T) -> str:
        raise NotImplementedError

    def url_of(self, item: T) -> str | None:
        raise NotImplementedError

    def created_of(self, item: T) -> int | None:
        return None

    def badge_of(self, item: T) -> str:
        return ""

    def subtitle_of(self, item: T) -> str:
        return ""

    def tooltip_of(self, item: T) -> str:
        return " · ".join(part for part in (self.name_of(item), self.subtitle_of(item)) if part)

    # --- contents ------------------------------------------------------------------------------

    def set_items(self, items: Iterable[T]) -> None:
        self._all = list(items)
        self._refilter()

    def append_items(self, items: Iterable[T]) -> None:
        """Add the next page: kept in arrival order (newest first as HeyGen lists them)."""
        self._all.extend(items)
        self._refilter()

    def replace(self, item: T) -> None:
        """Show `item` (renamed or refreshed) in place of the item with its id; the selection stays when its
        place in the list does not change."""
        old = next((old for old in self._all if old.id == item.id), None)
        if old is None:
            return
        self._all = [item if each is old else each for each in self._all]
        row = self.row_of(lambda shown: shown is old)
        if row < 0 or self.name_of(item) != self.name_of(old) or self.created_of(item) != self.created_of(old):
            self._refilter()
            return
        self._shown[row] = item
        self.dataChanged.emit(self.index(row), self.index(row))

    def all_items(self) -> Sequence[T]:
        return tuple(self._all)

    def item(self, row: int) -> T:
        return self._shown[row]

    def row_of(self, predicate: Any) -> int:
        """The first shown row whose item satisfies `predicate`, else -1."""
        return next((row for row, item in enumerate(self._shown) if predicate(item)), -1)

    def set_search(self, text: str) -> None:
        self._search = text.strip().casefold()
        self._refilter()

    def set_sort(self, key: SortKey) -> None:
        self._sort = key
        self._refilter()

    def _refilter(self) -> None:
        shown = [item for item in self._all if self._search in self.name_of(item).casefold()]
        if self._sort is SortKey.NAME:
            shown.sort(key=lambda item: self.name_of(item).casefold())
        else:
            order = {id(item): position for position, item in enumerate(self._all)}
            shown.sort(key=lambda item: (-(self.created_of(item) or 0), order[id(item)]))
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()

    # --- QAbstractListModel --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._shown):
            return None
        item = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.name_of(item) or "(no name)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip_of(item)
        if role == ITEM_ROLE:
            return item
        if role == URL_ROLE:
            return self.url_of(item)
        if role == BADGE_ROLE:
            return self.badge_of(item)
        if role == SUBTITLE_ROLE:
            return self.subtitle_of(item)
        return None

    # --- repaint rows whose picture arrived, a few dozen milliseconds at a time ----------------

    def _thumbnail_arrived(self, url: str) -> None:
        self._changed_urls.add(url)
        if not self._repaint.isActive():
            self._repaint.start()

    def _flush_repaints(self) -> None:
        urls, self._changed_urls = self._changed_urls, set()
        rows = [row for row, item in enumerate(self._shown) if self.url_of(item) in urls]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)), [URL_ROLE])
