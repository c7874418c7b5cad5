"""Library: the avatars and looks made from the user's photos, plus HeyGen's public ones."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api import AvatarGroup, HeyGenApi, HeyGenError, Look, Status
from heygen_studio.api.base import OwnershipName
from heygen_studio.services.library_jobs import LibraryJobs
from heygen_studio.services.thumbnails import Thumbnails
from heygen_studio.session import Session
from heygen_studio.storage.library_jobs import JobState, LibraryJob
from heygen_studio.storage.thumbnail_cache import ThumbnailCache
from heygen_studio.ui.models.filtered_list import ITEM_ROLE, SortKey
from heygen_studio.ui.models.groups_model import GroupsModel
from heygen_studio.ui.models.looks_model import LooksModel
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.generate_looks import GenerateLooksForm
from heygen_studio.ui.widgets.generate_photos import GeneratePhotosForm
from heygen_studio.ui.widgets.look_card import CARD, card_grid
from heygen_studio.ui.widgets.look_details import LookDetails
from heygen_studio.ui.widgets.vertical_scroll import vertical_scroll

log = logging.getLogger(__name__)
OWNERSHIPS = (("My avatars", "private"), ("HeyGen's presets", "public"))
JOB_WORDS = {
    JobState.STARTING: "sending",
    JobState.RUNNING: "running",
    JobState.DONE: "done",
    JobState.FAILED: "failed",
}
WAITING = frozenset({Status.WAITING, Status.PENDING, Status.PROCESSING, Status.PENDING_CONSENT})
SEARCH_MIN_WIDTH = 140  # "Search by name" stays readable in a 1024-pixel-wide window
JOBS_HEIGHT = 80  # about three jobs; the tab pages above keep the rest of a 700-pixel-high window
RECHECK_S = 12.0  # how often groups waiting for consent or still processing are asked about again


def to_json(item: AvatarGroup | Look) -> dict[str, Any]:
    return dataclasses.asdict(item)


def group_from(data: dict[str, Any]) -> AvatarGroup:
    return AvatarGroup(**{**data, "status": Status.parse(data.get("status"))})


def look_from(data: dict[str, Any]) -> Look:
    return Look(
        **{
            **data,
            "status": Status.parse(data.get("status")),
            "supported_engines": tuple(data.get("supported_engines") or ()),
        }
    )


class LibraryPanel(Panel):
    title = "Library"
    icon_name = "library"
    summary = (
        "Your avatars live here: each photo you turned into an avatar, with its different "
        "looks. Pick the one you want to make talk."
    )
    next_step = "No avatars yet. Add a photo in Photos first, then come back to choose it."

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, poll_s: float = 2.0, recheck_s: float = RECHECK_S
    ) -> None:
        super().__init__(session, parent)
        self.cache = ThumbnailCache(session.paths.cache_dir / "thumbnails")
        self.thumbnails = Thumbnails(self.cache, session.tasks, parent=self)
        self.jobs = LibraryJobs(session, poll_s=poll_s, parent=self)
        self.groups_model = GroupsModel(self.thumbnails, self)
        self.looks_model = LooksModel(self.thumbnails, self)
        self._epoch = 0
        self._group_id: str | None = None
        self._listed: tuple[str, frozenset[str]] | None = None  # the last listing shown: its key and group ids
        self.loading: asyncio.Task[None] | None = None
        self.recheck_s = recheck_s
        self.rechecking: asyncio.Task[None] | None = None

        self.ownership = QComboBox()
        for label, value in OWNERSHIPS:
            self.ownership.addItem(label, value)
        self.ownership.setToolTip("Your own avatars, or the ready-made ones HeyGen offers everyone")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.sort = QComboBox()
        for key in SortKey:
            self.sort.addItem(f"Sort: {key.value}", key)
        self.sort.setCurrentIndex(self.sort.findData(SortKey.NEWEST))
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Ask HeyGen again for your avatars")
        bar = QHBoxLayout()
        for widget in (self.ownership, self.sort, self.refresh_button):
            bar.addWidget(widget)
        bar.addStretch(1)

        self.groups_view = card_grid(self.thumbnails)
        self.groups_view.setFlow(QListView.Flow.LeftToRight)
        self.groups_view.setWrapping(False)
        self.groups_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.groups_view.horizontalScrollBar().rangeChanged.connect(lambda *_: self._fit_groups_strip())
        self._fit_groups_strip()
        self.groups_view.setModel(self.groups_model)
        self.groups_heading = QLabel(self.ownership.currentText())
        self.groups_heading.setStyleSheet("font-weight: 600;")
        self.looks_view = card_grid(self.thumbnails)
        self.looks_view.setModel(self.looks_model)
        self.state_label = QLabel()
        self.state_label.setObjectName("hint")
        self.state_label.setWordWrap(True)
        self.looks_heading = QLabel("Looks")
        self.looks_heading.setStyleSheet("font-weight: 600;")

        self.details = LookDetails(session, self.thumbnails, self.jobs)
        self.looks_form = GenerateLooksForm(session, self.jobs)
        self.photos_form = GeneratePhotosForm(session, self.thumbnails, self.jobs)
        self.tabs = QTabWidget()  # each page scrolls by itself: AI photos' results never make the page scroll
        self.tabs.addTab(vertical_scroll(self.details), "Details")
        self.tabs.addTab(vertical_scroll(self.looks_form), "New looks")
        self.photos_page = vertical_scroll(self.photos_form)
        self.photos_form.results_shown.connect(  # once laid out: the photos are below the form
            lambda widget: QTimer.singleShot(0, lambda: self.photos_page.ensureWidgetVisible(widget))
        )
        self.tabs.addTab(self.photos_page, "AI photos")
        self.job_list = QListWidget()
        self.job_list.setMaximumHeight(JOBS_HEIGHT)
        self.job_list.setWordWrap(True)  # long messages wrap instead of scrolling sideways
        self.job_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.job_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.job_list.setSpacing(3)
        self.job_list.setToolTip("Training and generations; they keep going if you close the app")
        self.job_list.itemDoubleClicked.connect(self._job_clicked)

        browser = QWidget()
        left = QVBoxLayout(browser)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(bar)
        left.addWidget(self.state_label)
        heading_row = QHBoxLayout()  # the search beside the heading, so a 1024-pixel window fits the bar
        heading_row.addWidget(self.groups_heading)
        heading_row.addStretch(1)
        heading_row.addWidget(self.search, 1)
        left.addLayout(heading_row)
        left.addWidget(self.groups_view)
        left.addWidget(self.looks_heading)
        left.addWidget(self.looks_view, 1)
        side = QWidget()
        right = QVBoxLayout(side)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.tabs, 1)
        jobs_heading = QLabel("Jobs")
        jobs_heading.setStyleSheet("font-weight: 600;")
        right.addWidget(jobs_heading)
        right.addWidget(self.job_list)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(browser)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.clear_placeholder()
        self.content.addWidget(splitter, 1)

        self.ownership.currentIndexChanged.connect(lambda _: self.reload())
        self.ownership.currentTextChanged.connect(self.groups_heading.setText)
        self.search.textChanged.connect(self._search)
        self.sort.currentIndexChanged.connect(self._sort)
        self.refresh_button.clicked.connect(lambda: self.reload())
        self.groups_view.selectionModel().selectionChanged.connect(self._group_selected)
        self.looks_view.selectionModel().selectionChanged.connect(self._look_selected)
        self.details.renamed.connect(self.looks_model.replace)
        self.details.deleted.connect(self.looks_model.remove)
        self.details.navigate.connect(self.navigate)
        self.jobs.changed.connect(lambda _: self.run(self._show_jobs(), "library job list"))
        session.connection_changed.connect(self._connection_changed)
        session.avatars_changed.connect(self._avatars_changed)
        if session.api is not None:
            self._connection_changed()

    # --- loading -------------------------------------------------------------------------------

    @property
    def ownership_name(self) -> OwnershipName:
        return "public" if self.ownership.currentData() == "public" else "private"

    def _connection_changed(self) -> None:
        self.thumbnails.reset()
        self._group_id = None
        self.run(self.jobs.resume(), "resume library jobs")
        self.reload()
        self.run(self._show_jobs(), "library job list")

    def _avatars_changed(self) -> None:
        """One of the user's avatars changed (one was just made, say): show My avatars, freshly loaded."""
        mine = self.ownership.findData("private")
        if self.ownership.currentIndex() != mine:
            self.ownership.setCurrentIndex(mine)  # which reloads
        else:
            self.reload()

    def reload(self) -> asyncio.Task[None] | None:
        """Show the cached listing at once, then HeyGen's answer; older loads' answers are dropped."""
        self._epoch += 1
        self._stop_rechecking()
        self.loading = self.run(self._load_groups(self._epoch), "load avatar groups")
        return self.loading

    def _fit_groups_strip(self) -> None:
        """One row of cards, plus room for the scroll bar only while there are more cards than fit."""
        view = self.groups_view
        scroll_bar = view.horizontalScrollBar().sizeHint().height() if view.horizontalScrollBar().maximum() else 0
        view.setFixedHeight(CARD.height() + 2 * view.frameWidth() + scroll_bar)

    def _listing_key(self, what: str) -> str | None:
        connection = self.session.connection
        if connection is None:
            return None
        return f"{connection.account_id}|{connection.generation}|{self.ownership_name}|{what}"

    async def _load_groups(self, epoch: int) -> None:
        api = self.session.api
        key = self._listing_key("groups")
        if api is None or key is None:
            self.groups_model.set_items([])
            self.looks_model.set_items([])
            self.say("Not connected to HeyGen yet. Add your API key in Settings, or try the sandbox.")
            return
        cached = await asyncio.to_thread(self.cache.load_listing, key)
        if cached is not None and epoch == self._epoch and not self.groups_model.rowCount():
            self._show_groups([group_from(item) for item in cached], key)
        self.say("Loading avatars…" if cached is None else "")
        try:
            groups = await self._all_pages(lambda token: api.list_groups(self.ownership_name, token=token), epoch)
        except HeyGenError as error:
            self.say(f"Could not load avatars: {error}" + (" Showing the last ones seen." if cached else ""))
            return
        if groups is None or epoch != self._epoch:
            return
        await asyncio.to_thread(self.cache.save_listing, key, [to_json(group) for group in groups])
        self._show_groups(groups, key)
        if any(group.status in WAITING for group in groups):
            self.rechecking = self.run(self._recheck_waiting(epoch, api, key), "re-check waiting avatars")

    async def _all_pages(self, fetch: Any, epoch: int) -> list[Any] | None:
        items: list[Any] = []
        token: str | None = None
        while True:
            page = await fetch(token)
            if epoch != self._epoch:
                return None
            items.extend(page.items)
            token = page.next_token
            if not token:
                return items

    def _show_groups(self, groups: list[AvatarGroup], key: str) -> None:
        """Show a listing; the chosen avatar stays chosen, unless the listing brings a new one: then that one."""
        keep = self._new_group(groups, key) or self._group_id
        self.groups_model.set_items(groups)
        if not groups:
            self.looks_model.set_items([])
            self.details.show_look(None, None)
            self.looks_form.set_group(None)
            self.say(
                "No avatars yet. Add a photo in Photos, or make one with AI photos on the right."
                if self.ownership_name == "private"
                else "HeyGen offers no presets right now."
            )
            return
        self.say("")
        row = self.groups_model.row_of(lambda group: group.id == keep)
        self.groups_view.setCurrentIndex(self.groups_model.index(max(row, 0)))

    def _new_group(self, groups: list[AvatarGroup], key: str) -> str | None:
        """The newest of the groups that were not in the last listing of the same kind (just made), if any."""
        listed, self._listed = self._listed, (key, frozenset(group.id for group in groups))
        if listed is None or listed[0] != key:
            return None
        new = [group for group in groups if group.id not in listed[1]]
        return max(new, key=lambda group: group.created_at or 0).id if new else None

    def _group_selected(self, selected: QItemSelection, _: QItemSelection) -> None:
        group = self.current_group()
        self.looks_form.set_group(group)
        if group is None:
            return
        changed = group.id != self._group_id
        self._group_id = group.id
        self.looks_heading.setText(f"Looks of {group.name}")
        self.run(self._load_looks(group, self._epoch, changed), "load looks")

    def current_group(self) -> AvatarGroup | None:
        index = self.groups_view.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def current_look(self) -> Look | None:
        index = self.looks_view.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    async def _load_looks(self, group: AvatarGroup, epoch: int, changed: bool) -> None:
        api = self.session.api
        key = self._listing_key(f"looks:{group.id}")
        if api is None or key is None:
            return
        if changed:
            cached = await asyncio.to_thread(self.cache.load_listing, key)
            if epoch != self._epoch or group.id != self._group_id:
                return
            self._show_looks([look_from(item) for item in cached or []], first=True)
        looks: list[Look] = []
        token: str | None = None
        try:
            while True:
                page = await api.list_looks(group.id, self.ownership_name, token=token)
                if epoch != self._epoch or group.id != self._group_id:
                    return
                looks.extend(page.items)
                self._show_looks(looks, first=not token)
                token = page.next_token
                if not token:
                    break
        except HeyGenError as error:
            self.say(f"Could not load the looks of {group.name}: {error}")
            return
        await asyncio.to_thread(self.cache.save_listing, key, [to_json(look) for look in looks])

    def _show_looks(self, looks: list[Look], *, first: bool) -> None:
        chosen = self.current_look()
        self.looks_model.set_items(looks)
        if chosen is not None:
            row = self.looks_model.row_of(lambda look: look.id == chosen.id)
            if row >= 0:
                self.looks_view.setCurrentIndex(self.looks_model.index(row))
                return
        if first and looks:
            self.looks_view.setCurrentIndex(self.looks_model.index(0))

    def _look_selected(self, selected: QItemSelection, _: QItemSelection) -> None:
        self.details.show_look(self.current_look(), self.current_group())

    def _search(self, text: str) -> None:
        self.groups_model.set_search(text)
        self.looks_model.set_search(text)

    def _sort(self, _: int) -> None:
        key = SortKey(self.sort.currentData())
        self.groups_model.set_sort(key)
        self.looks_model.set_sort(key)

    def say(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        set_tone(self.state_label, tone, text)
        self.state_label.setVisible(bool(text))

    # --- groups waiting for consent or processing ----------------------------------------------

    def _stop_rechecking(self) -> None:
        if self.rechecking is not None:
            self.rechecking.cancel()
            self.rechecking = None

    async def _recheck_waiting(self, epoch: int, api: HeyGenApi, key: str) -> None:
        """Every `recheck_s`, ask HeyGen again about the listed groups that wait (for the person's consent, or
        still processing) and show the ones that changed; ends when none wait or another listing replaces this."""

        def current() -> bool:  # the connection's change cancels this task
            return epoch == self._epoch

        while waiting := [group for group in self.groups_model.all_items() if group.status in WAITING]:
            await asyncio.sleep(self.recheck_s)
            if not current():
                return
            changed = False
            for group in waiting:
                try:
                    fresh = await api.get_group(group.id)
                except HeyGenError as error:  # asked again next time
                    log.info("Could not re-check avatar group %s: %s", group.id, error)
                    continue
                if not current():
                    return
                if fresh != group:
                    changed = True
                    self._group_refreshed(fresh)
            if changed:
                await asyncio.to_thread(
                    self.cache.save_listing, key, [to_json(group) for group in self.groups_model.all_items()]
                )
                if not current():
                    return

    def _group_refreshed(self, group: AvatarGroup) -> None:
        """Show a group's new status; when it is the chosen one, its looks and details too."""
        self.groups_model.replace(group)
        row = self.groups_model.row_of(lambda shown: shown.id == group.id)
        if group.id != self._group_id or row < 0:
            return
        if self.groups_view.currentIndex().row() != row:  # the list was sorted again: choose it again
            self.groups_view.setCurrentIndex(self.groups_model.index(row))
        else:
            self._group_selected(QItemSelection(), QItemSelection())

    # --- jobs ----------------------------------------------------------------------------------

    async def _show_jobs(self) -> None:
        jobs = await self.jobs.recent()
        self.job_list.clear()
        for job in jobs:
            self.job_list.addItem(
                f"{job.label} — {JOB_WORDS[job.state]}"
                + (f": {job.detail}" if job.detail and job.state is not JobState.DONE else "")
            )
            self.job_list.item(self.job_list.count() - 1).setData(Qt.ItemDataRole.UserRole, job)
        if not jobs:
            self.job_list.addItem("No jobs yet: training and generations show here.")
            self.job_list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)  # a hint, not something to click

    def _job_clicked(self, item: Any) -> None:
        job: LibraryJob | None = item.data(Qt.ItemDataRole.UserRole)
        if job is not None and job.state is JobState.DONE and job.result.get("image_urls"):
            self.photos_form.show_results(job)
            self.tabs.setCurrentWidget(self.photos_page)

    async def aclose(self) -> None:
        self._stop_rechecking()
        await super().aclose()
        await self.thumbnails.aclose()
        await asyncio.to_thread(self.cache.close)
