"""The Photos step's list of photos: added, checked in the background, kept across restarts, fixed on request."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QMimeData, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.domain.photo_rules import FixError
from heygen_studio.photos.kept import KeptPhoto, PhotoList
from heygen_studio.services import photo_checks
from heygen_studio.services.photo_checks import CheckedPhoto, Fix
from heygen_studio.ui.style import Tone
from heygen_studio.ui.widgets.photo_badges import ICON_SIDE, badge_icon, badge_meaning
from heygen_studio.ui.widgets.photo_details import PhotoDetails
from heygen_studio.ui.widgets.vertical_scroll import vertical_scroll

log = logging.getLogger(__name__)

PHOTO_ROLE = Qt.ItemDataRole.UserRole + 1  # CheckedPhoto, or None while checking
PATH_ROLE = Qt.ItemDataRole.UserRole + 2  # str path
CHECKS_AT_ONCE = max(1, min(4, (os.cpu_count() or 2) - 1))
EMPTY = (
    "<p style='font-size:13pt'><b>Drag a photo here or click Add photos…</b></p>"
    "<p>You can also paste a picture or a copied file with Ctrl+V.</p>"
    "<p style='color:#5b6272'>HeyGen's rules: a JPEG or PNG photo, at least 512×512 pixels, under 10 MB, "
    "with one person looking straight at the camera. Each photo is checked here before anything is sent, "
    "and your original files are never changed.</p>"
)

Runner = Callable[[Coroutine[Any, Any, None], str], object]
"""Runs a coroutine as a named background task of the panel that shows the shelf."""


class PhotoShelf(QWidget):
    """The photos and the checks of the one chosen; `selection_changed()` when the choice (or its check) changes,
    `message(text, Tone)` for what to tell the user. Its tasks are run by `run`: the panel owns them."""

    selection_changed = Signal()
    message = Signal(str, object)

    def __init__(self, data_dir: Path, run: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._run = run
        self.model = QStandardItemModel(self)
        self._checks = asyncio.Semaphore(CHECKS_AT_ONCE)
        self.kept = PhotoList(data_dir / "photos.json")
        self._restoring = True  # the list is saved only once the kept one is back
        self._saving = asyncio.Lock()
        self.remove_button = QPushButton("Remove from list", self)  # the panel places it above the list
        self.remove_button.setToolTip("Take the selected photos off this page (Delete). The files stay where they are.")
        self.remove_button.clicked.connect(self.remove_selected)
        self.empty = QLabel(EMPTY)
        self.empty.setObjectName("panelNextStep")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_card = QFrame()
        empty_card.setObjectName("panelCard")
        QVBoxLayout(empty_card).addWidget(self.empty)

        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.list.setGridSize(QSize(ICON_SIDE + 28, ICON_SIDE + 40))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.selectionModel().selectionChanged.connect(self._selection_changed)
        self.list.selectionModel().currentChanged.connect(self._selection_changed)
        self.list.setToolTip(
            "Click a photo to see its checks; Ctrl+click or Shift+click to pick several. "
            "Delete takes the selected photos off this page."
        )
        self.details = PhotoDetails()
        self.details.fix_requested.connect(self.fix_selected)
        self.pick_hint = QLabel("Click a photo on the left to see its checks.")
        self.pick_hint.setObjectName("hint")
        self.pick_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details_page = vertical_scroll(self.details)  # a small window scrolls the checks, not the page
        self.side = QStackedWidget()
        self.side.addWidget(self.pick_hint)
        self.side.addWidget(self.details_page)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 540])
        self.pages = QStackedWidget()
        self.pages.addWidget(empty_card)
        self.pages.addWidget(splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        remove = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_selected)
        self._show_list()
        run(self._restore(), "restore the photo list")

    def _say(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        self.message.emit(text, tone)

    def take(self, data: QMimeData) -> None:
        """Add the photo files in `data`, or the picture itself (saved as a new file)."""
        files = [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
        if files:
            self.add_paths(files)
        elif data.hasImage():
            image = QImage(data.imageData())
            self._run(self._add_pasted(image), "save pasted photo")
        else:
            self._say("There is no picture to paste. Copy a photo or a photo file first.", Tone.WARN)

    async def _add_pasted(self, image: QImage) -> None:
        try:
            path = await asyncio.to_thread(photo_checks.save_pasted, image, self.photo_folder())
        except OSError as error:
            self._say(str(error), Tone.BAD)
            return
        self.add_paths([path])

    def add_paths(self, paths: list[Path]) -> None:
        """Add photos to the list and check each in the background; a photo already listed is selected."""
        newest: QStandardItem | None = None
        for path in paths:
            existing = self._item_for(path)
            newest = existing if existing is not None else self._add(KeptPhoto(path))
        self._show_list()
        if newest is not None:
            self.list.selectionModel().setCurrentIndex(newest.index(), QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _add(self, kept: KeptPhoto) -> QStandardItem:
        item = QStandardItem(badge_icon(QImage(), None), kept.path.name)
        item.setData(str(kept.path), PATH_ROLE)
        item.setData(None, PHOTO_ROLE)
        item.setToolTip(f"{kept.path}\nChecking…")
        self.model.appendRow(item)
        self._run(self._check(item, kept), f"check photo {kept.path.name}")
        return item

    def _show_list(self) -> None:
        self.pages.setCurrentIndex(1 if self.model.rowCount() else 0)
        self.remove_button.setVisible(bool(self.model.rowCount()))

    async def _check(self, item: QStandardItem, kept: KeptPhoto) -> None:
        async with self._checks:
            photo = await asyncio.to_thread(photo_checks.check, kept.path, kept.report, kept.stamp)
        if item.model() is not self.model:
            return
        item.setData(photo, PHOTO_ROLE)
        item.setIcon(badge_icon(photo.thumbnail, photo.verdict))
        item.setToolTip(f"{kept.path}\n{badge_meaning(photo.verdict)}")
        if self.list.selectionModel().isSelected(item.index()):
            self._selection_changed()
        await self._save()

    def remove_selected(self) -> None:
        """Take the selected photos off the page (the files are not touched)."""
        rows = sorted({index.row() for index in self.list.selectionModel().selectedIndexes()}, reverse=True)
        if not rows:
            return
        for row in rows:
            self.model.removeRow(row)
        self._show_list()
        self._selection_changed()
        self._run(self._save(), "save the photo list")

    # --- kept across restarts ----------------------------------------------------------------------

    async def _restore(self) -> None:
        """Bring back the photos added before the app last closed, with their verdicts."""
        try:
            restored = await asyncio.to_thread(self.kept.load)
        finally:
            self._restoring = False
        added = [photo for photo in restored.photos if self._item_for(photo.path) is None]
        for photo in added:
            self._add(photo)
        self._show_list()
        notes = [restored.note] if restored.note else []
        if restored.missing:
            names = ", ".join(path.name for path in restored.missing)
            gone = len(restored.missing)
            notes.append(
                f"{gone} photo{'s' if gone > 1 else ''} you added before "
                f"{'are' if gone > 1 else 'is'} no longer there and {'were' if gone > 1 else 'was'} "
                f"taken off the list: {names}."
            )
        if notes:
            self._say(" ".join(notes), Tone.WARN)
        if restored.missing or restored.note:
            await self._save()

    def _kept_photos(self) -> list[KeptPhoto]:
        photos = []
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            photo: CheckedPhoto | None = item.data(PHOTO_ROLE)
            photos.append(
                KeptPhoto(Path(item.data(PATH_ROLE)), photo.report, photo.stamp)
                if photo is not None
                else KeptPhoto(Path(item.data(PATH_ROLE)))
            )
        return photos

    async def _save(self) -> None:
        """Write the list as it is now; saves run one at a time, so the last one written is the newest."""
        if self._restoring:
            return
        async with self._saving:
            photos = self._kept_photos()
            try:
                await asyncio.to_thread(self.kept.save, photos)
            except OSError as error:
                log.warning("Could not save the photo list: %r", error)
                self._say(
                    f"The list of photos could not be saved ({error.strerror or error}), so it will be "
                    "empty after a restart. Check that the data folder can be written.",
                    Tone.WARN,
                )

    def _item_for(self, path: Path) -> QStandardItem | None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(PATH_ROLE) == str(path):
                return item
        return None

    def photo_folder(self) -> Path:
        return self._data_dir / "photos"

    # --- selection and fixes -----------------------------------------------------------------------

    def selected_photos(self) -> list[CheckedPhoto]:
        """Checked photos among the selection, in list order."""
        rows = sorted(index.row() for index in self.list.selectionModel().selectedIndexes())
        photos = [self.model.item(row).data(PHOTO_ROLE) for row in rows]
        return [photo for photo in photos if photo is not None]

    def _selection_changed(self, *_: object) -> None:
        shown = self._shown_index()
        photo = shown.data(PHOTO_ROLE) if shown.isValid() else None
        self.details.show_photo(photo)
        self.side.setCurrentWidget(self.details_page if photo is not None else self.pick_hint)
        self.pick_hint.setText(
            "Checking this photo…" if shown.isValid() else "Click a photo on the left to see its checks."
        )
        self.selection_changed.emit()

    def _shown_index(self) -> QModelIndex:
        """The photo the details show: the current one if selected, else the last one selected."""
        selection = self.list.selectionModel()
        current = selection.currentIndex()
        if current.isValid() and selection.isSelected(current):
            return current
        selected = selection.selectedIndexes()
        return selected[-1] if selected else QModelIndex()

    def fix_selected(self, fix: Fix) -> None:
        photo: CheckedPhoto | None = self._shown_index().data(PHOTO_ROLE)
        if photo is not None:
            self._run(self._fix(photo, fix), f"fix photo {photo.path.name}")

    async def _fix(self, photo: CheckedPhoto, fix: Fix) -> None:
        self.details.set_fixing(True)
        self._say(f"{fix.label}: saving a new copy of {photo.path.name}…")
        try:
            fixed = await asyncio.to_thread(photo_checks.apply_fix, photo.path, fix, self.photo_folder())
        except (FixError, OSError) as error:
            self._say(str(error), Tone.BAD)
            return
        finally:
            self.details.set_fixing(False)
        caution = f" {fix.caution}" if fix.caution else ""
        self._say(
            f"Saved the fixed copy as {fixed.name} in {fixed.parent}. Your original is unchanged.{caution}",
            Tone.WARN if caution else Tone.GOOD,
        )
        self.add_paths([fixed])
