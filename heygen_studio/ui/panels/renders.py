"""Renders: the videos being made by HeyGen and the finished ones to watch or save."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from heygen_studio.api import HeyGenError
from heygen_studio.api.tls import tls_context
from heygen_studio.services.downloads import DownloadError
from heygen_studio.services.notifications import notify
from heygen_studio.services.render_queue import NotSaved, SessionRenders
from heygen_studio.session import Session
from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.ui.models.renders_model import RenderItem, RendersModel
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.render_confirm import confirm_delete, confirm_stop
from heygen_studio.ui.widgets.render_delegate import RenderDelegate
from heygen_studio.ui.widgets.render_texts import BUTTONS, THUMB, RowAction, actions_for

if TYPE_CHECKING:
    import httpx

    from heygen_studio.ui.widgets.render_player import RenderPlayer

log = logging.getLogger(__name__)
NEWS_SHOWN_MS = 6000  # good news above the list clears itself after this; an error stays until the next action
NOTHING_SELECTED = "Click a render to see what you can do with it."
AT_END = frozenset({RowAction.REMOVE})  # after a stretch at the end of the bar, apart from the others


class RendersPanel(Panel):
    title = "Renders"
    icon_name = "renders"
    summary = (
        "Follow your videos while HeyGen makes them, then watch and save the finished "
        "ones. Rendering carries on even if you switch to another step."
    )
    next_step = "Nothing rendering yet. When your scenes are ready, click Render in Scenes."
    #: Said in the message line, where the user looks; nothing is lost.
    shown_errors = (HeyGenError, NotSaved, DownloadError, ValueError, OSError)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.renders: SessionRenders = session.renders
        self.queue = self.renders.queue
        self.model = RendersModel(self)
        self._player: RenderPlayer | None = None
        self._http: httpx.AsyncClient | None = None
        self._pictures: dict[str, asyncio.Task[QPixmap | None]] = {}  # a look's picture, fetched once for all rows
        self.empty_card = self.placeholder

        self.folder_label = QLabel()
        self.folder_label.setObjectName("hint")
        self.folder_label.setWordWrap(True)
        change = QPushButton("Change folder…")
        change.setToolTip("Choose where finished videos are saved")
        change.clicked.connect(self._choose_folder)
        self.clear_button = QPushButton("Clear finished")
        self.clear_button.setToolTip(
            "Take every finished, failed and cancelled render off the list; the video files stay on disk"
        )
        self.clear_button.clicked.connect(self._clear_finished)
        self._top_buttons = (change, self.clear_button)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.message_timer = QTimer(self)
        self.message_timer.setSingleShot(True)
        self.message_timer.setInterval(NEWS_SHOWN_MS)
        self.message_timer.timeout.connect(self._clear_message)
        self._shown_problem = ""  # the queue's problem the message shows, if any
        top = QHBoxLayout()
        top.addWidget(self.folder_label, 1)
        top.addWidget(change)
        top.addWidget(self.clear_button)
        self.view = QListView()
        self.view.setObjectName("renderList")
        self.view.setModel(self.model)
        self.view.setItemDelegate(RenderDelegate(self.view))
        self.view.setUniformItemSizes(True)  # 1,000 rows are laid out without asking each its size
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(self._activated)  # double click or Enter: watch it, when it is ready
        self.view.setMinimumHeight(240)
        self.view.hide()
        self.selected_label = QLabel(NOTHING_SELECTED)
        self.selected_label.setObjectName("hint")
        # gives way to the buttons in a narrow window (its tooltip keeps the whole title)
        self.selected_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.action_buttons: dict[RowAction, QPushButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.selected_label, 1)
        for name in RowAction:
            text, tip = BUTTONS[name]
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, name=name: self._act_on_selected(name))
            button.hide()
            self.action_buttons[name] = button
            if name in AT_END:
                bar.addSpacing(16)
            bar.addWidget(button)
        self.actions_bar = QWidget()
        self.actions_bar.setLayout(bar)
        self.actions_bar.hide()
        self.content.insertLayout(0, top)
        self.content.insertWidget(1, self.message)
        self.content.insertWidget(2, self.actions_bar)
        self.content.insertWidget(3, self.view, 1)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._show_actions())
        self.model.rowsInserted.connect(lambda *_: self._select_first_if_none())
        self.model.modelReset.connect(self._select_first_if_none)
        self.model.dataChanged.connect(self._selected_changed)
        self._order_tabs()

        self.clock = QTimer(self)
        self.clock.setInterval(1000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        self.queue.changed.connect(self._job_changed)
        self.queue.progress.connect(self._progress)
        self.queue.finished.connect(self._finished)
        self.queue.running_changed.connect(self._show_running)
        self.renders.refused.connect(self.say)
        self.queue.problem_changed.connect(self._queue_problem)
        session.connection_changed.connect(self.reload)
        self.reload()

    # --- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        self.run(self._reload(), "load renders")

    async def _reload(self) -> None:
        folder = await self.renders.output_dir()
        self.folder_label.setText(f"Finished videos are saved in {folder}")
        account = self.session.connection.account_id if self.session.connection else None
        jobs = await self.queue.listed(account) if account else []
        known = {item.job.id for item in self.model.items()}
        self.model.replace_all(list(jobs))
        for job in jobs:
            if job.id not in known:
                self._learn_about(job)
        self._update_empty()

    def _show(self, job: RenderJob) -> None:
        old = self.model.item(job.id)
        downloaded = old is not None and job.status == JobStatus.DOWNLOADED and old.job.status != JobStatus.DOWNLOADED
        self.model.upsert(job)
        if old is None:
            self._learn_about(job)
        elif downloaded:  # the video's own thumbnail is on disk now
            self.run(self._thumbnail(job), "render thumbnail")

    def _learn_about(self, job: RenderJob) -> None:
        """Its picture, and for a render not finished, how long HeyGen is expected to take."""
        self.run(self._thumbnail(job), "render thumbnail")
        if not job.status.is_final:
            self.run(self._estimate(job), "render estimate")

    def _drop(self, job_id: int) -> None:
        self.model.remove(job_id)

    def _update_empty(self) -> None:
        has_jobs = self.model.rowCount() > 0
        self.clear_button.setEnabled(any(item.job.status.is_final for item in self.model.items()))
        self.view.setVisible(has_jobs)
        self.actions_bar.setVisible(has_jobs)
        # The panel's closing stretch centres the empty card; with jobs, the list takes all the height.
        self.content.setStretch(self.content.count() - 1, 0 if has_jobs else 1)
        if self.empty_card is not None:
            self.empty_card.setVisible(not has_jobs)

    async def _thumbnail(self, job: RenderJob) -> None:
        """The video's own thumbnail when it was downloaded beside the video, else the look's picture."""
        if job.file_path:
            image = await asyncio.to_thread(_small_image, Path(job.file_path).with_suffix(".jpg"))
            if not image.isNull():
                self.model.set_thumbnail(job.id, QPixmap.fromImage(image))
                return
        if job.look_thumbnail_url:
            fetching = self._pictures.get(job.look_thumbnail_url)
            if fetching is None:  # one request for every render of this look (a batch has hundreds)
                fetching = asyncio.ensure_future(self._look_picture(job.look_thumbnail_url))
                self._pictures[job.look_thumbnail_url] = fetching
            picture = await asyncio.shield(fetching)
            if picture is not None:
                self.model.set_thumbnail(job.id, picture)

    async def _look_picture(self, url: str) -> QPixmap | None:
        import httpx  # with the first picture, not at start

        if self._http is None:
            self._http = httpx.AsyncClient(timeout=20.0, follow_redirects=True, verify=tls_context())
        try:
            response = await self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPError as error:
            log.debug("No thumbnail at %s: %r", url, error)
            self._pictures.pop(url, None)  # asked again by the next render of that look
            return None
        image = await asyncio.to_thread(_small_image_from, response.content)
        return None if image.isNull() else QPixmap.fromImage(image)

    async def aclose(self) -> None:
        """Stop the panel's tasks and close the client that fetched the looks' thumbnails."""
        await super().aclose()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _estimate(self, job: RenderJob) -> None:
        self.model.set_expected(job.id, await self.queue.render_estimate(job))

    # --- queue events ----------------------------------------------------------------------------

    def _job_changed(self, job_id: int) -> None:
        self.run(self._refresh(job_id), "refresh render")

    async def _refresh(self, job_id: int) -> None:
        job = await self.queue.get(job_id)
        current = self.session.connection.account_id if self.session.connection else None
        if job is not None and job.removed_at is not None:
            self._drop(job_id)
            self._update_empty()
        elif job is not None and job.account == current:
            self._show(job)
            self._update_empty()

    def _progress(self, job_id: int, done: int, total: int) -> None:
        self.model.set_download(job_id, done, total)

    def _finished(self, job_id: int) -> None:
        self.run(self._announce(job_id), "announce render")

    async def _announce(self, job_id: int) -> None:
        job = await self.queue.get(job_id)
        if job is None:
            return
        if job.status == JobStatus.DOWNLOADED:
            notify("Your video is ready", f"“{job.title}” was saved to {Path(job.file_path or '').parent}.")
        elif job.status == JobStatus.FAILED:
            notify("A render failed", f"“{job.title}”: {job.error}", failed=True)

    def say(self, message: str, tone: Tone = Tone.BAD) -> None:
        """Say `message` above the list in `tone`: bad (red) for refusals and errors, kept until the next
        action; good (green) or plain news clears itself after a few seconds."""
        set_tone(self.message, tone, message)
        self.message.show()
        if tone is Tone.BAD:
            self.message_timer.stop()
        else:
            self.message_timer.start()

    def _queue_problem(self, text: str) -> None:
        """What holds every render up (HeyGen out of reach, a full disk): shown until it is over."""
        if text:
            self.say(text)
        elif self.message.isVisible() and self.message.text() == self._shown_problem:
            self._clear_message()
        self._shown_problem = text

    def _clear_message(self) -> None:
        self.message_timer.stop()
        self.message.hide()
        self.message.clear()

    def _show_running(self, _count: int) -> None:
        self.step_text_changed.emit()

    def step_text(self) -> str:
        """“Renders (2)” while two renders are running."""
        count = self.queue.running
        return f"{self.title} ({count})" if count else self.title

    def _tick(self) -> None:
        if self.isVisible():
            self.model.tick()

    # --- the selected render ---------------------------------------------------------------------

    def selected_job(self) -> RenderJob | None:
        index = self.view.currentIndex()
        return self.model.job_at(index.row()) if index.isValid() else None

    def select(self, job_id: int) -> None:
        """Make `job_id` the selected render (its actions show in the bar above the list)."""
        row = self.model.row_of(job_id)
        if row is not None:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.view.scrollTo(self.model.index(row))

    def _select_first_if_none(self) -> None:
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.selectionModel().setCurrentIndex(
                self.model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self._show_actions()

    def _selected_changed(self, top: QModelIndex, bottom: QModelIndex, roles: list[int] | None = None) -> None:
        current = self.view.currentIndex()
        if not roles and current.isValid() and top.row() <= current.row() <= bottom.row():
            self._show_actions()  # the selected job itself changed (the clock's repaints carry roles)

    def _show_actions(self) -> None:
        """The bar offers what can be done with the selected render now, and names it."""
        job = self.selected_job()
        offered = set(actions_for(job)) if job is not None else set()
        self.selected_label.setText(f"“{job.title}”" if job is not None else NOTHING_SELECTED)
        self.selected_label.setToolTip(self.selected_label.text())
        for name, button in self.action_buttons.items():
            button.setVisible(name in offered)

    def _act_on_selected(self, name: RowAction) -> None:
        job = self.selected_job()
        if job is not None:
            self._act(name, job.id)

    def _activated(self, index: QModelIndex) -> None:
        job = self.model.job_at(index.row())
        if job is not None and RowAction.PLAY in actions_for(job):
            self._act(RowAction.PLAY, job.id)

    def _context_menu(self, where: QPoint) -> None:
        index = self.view.indexAt(where)
        job = self.model.job_at(index.row()) if index.isValid() else None
        if job is None:
            return
        self.select(job.id)
        menu = QMenu(self)
        for name in actions_for(job):
            action = menu.addAction(BUTTONS[name][0])
            action.triggered.connect(partial(self._act, name, job.id))
        menu.popup(self.view.viewport().mapToGlobal(where))

    # --- actions ---------------------------------------------------------------------------------

    def _act(self, name: RowAction, job_id: int) -> None:
        item = self.model.item(job_id)
        if item is None:
            return
        self._clear_message()  # what was said about the last action is done with
        job = item.job
        if name in (RowAction.OPEN, RowAction.FOLDER, RowAction.PLAY):
            self._act_on_file(name, job)
        elif name is RowAction.CANCEL:
            self.run(self._cancel(job), "cancel render", per_connection=False)
        elif name is RowAction.STOP:
            confirm_stop(
                self, job, lambda delete: self.run(self._stop(job, delete), "stop render", per_connection=False)
            )
        elif name is RowAction.REMOVE:
            self.run(self._remove([job]), "remove render from list", per_connection=False)
        elif name is RowAction.RETRY:
            self._retry(item, name, lambda: self.queue.retry(job_id))
        elif name is RowAction.RESUBMIT:
            self._retry(item, name, lambda: self.queue.decide(job_id, submit_again=True))
        elif name is RowAction.GIVE_UP:
            self.run(self.queue.decide(job_id, submit_again=False), "give up render", per_connection=False)
        elif name is RowAction.COPY:
            self.run(self._copy_link(job_id), "copy render link", per_connection=False)
        elif name is RowAction.ERROR:
            self._show_error(job)
        elif name is RowAction.DELETE:
            confirm_delete(
                self, job, lambda: self.run(self.queue.delete_remote(job.id), "delete render", per_connection=False)
            )

    def _act_on_file(self, name: RowAction, job: RenderJob) -> None:
        """Open, Show in folder and Play: what the downloaded video is handed to."""
        if not job.file_path:
            return
        file = Path(job.file_path)
        if name is RowAction.OPEN:
            self.run(self._open(file, file), "open render file")
        elif name is RowAction.FOLDER:
            self.run(self._open(file.parent, file), "show render folder")
        else:
            self._play(file, job.title)

    def _show_error(self, job: RenderJob) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "What went wrong", job.error or "", parent=self)
        if job.request_id:
            box.setInformativeText(f"HeyGen request id: {job.request_id}")
            box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()

    def _retry(self, item: RenderItem, name: RowAction, send: Callable[[], Coroutine[Any, Any, object]]) -> None:
        """Send a render again (`send`) at today's price, asking first when the balance, asked afresh, no longer
        covers it. Its button is off until then, so a double click sends one render, not two."""
        button = self.action_buttons[name]
        button.setEnabled(False)

        async def check_then_send() -> None:
            try:
                await self._send_if_it_fits(item.job, send)
            finally:
                with contextlib.suppress(RuntimeError):  # the panel closed meanwhile
                    button.setEnabled(True)

        self.run(check_then_send(), f"{name} render", per_connection=False)

    async def _send_if_it_fits(self, job: RenderJob, send: Callable[[], Coroutine[Any, Any, object]]) -> None:
        refresh = self.session.refresh_balance()
        if refresh is not None:
            await refresh
        cost = await self.queue.retry_price(job.id)
        balance = self.session.balance
        missing = None if cost is None or balance is None else balance.shortfall(cost)
        if cost is None or missing is None or balance is None:
            await send()
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Not enough money for this render",
            f"Trying “{job.title}” again costs {cost}: {missing} more than your account has ({balance.describe()}).",
            parent=self,
        )
        box.setInformativeText(
            "HeyGen will refuse the render until you add money to your HeyGen account. Add it first, or send it anyway."
        )
        anyway = box.addButton("Try again anyway", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.buttonClicked.connect(
            lambda button: self.run(send(), "retry render", per_connection=False) if button is anyway else None
        )
        box.open()

    async def _copy_link(self, job_id: int) -> None:
        link = await self.queue.fresh_link(job_id)
        if link:
            QGuiApplication.clipboard().setText(link)
            self.say("Link copied. HeyGen's links work for 7 days.", tone=Tone.GOOD)

    async def _cancel(self, job: RenderJob) -> None:
        if not await self.queue.cancel(job.id):
            self.say(
                f"“{job.title}” had just been sent to HeyGen, so it could not be cancelled here. "
                "Use Stop… once HeyGen has it.",
                tone=Tone.PLAIN,
            )

    async def _stop(self, job: RenderJob, delete_at_heygen: bool) -> None:
        try:
            stopped = await self.queue.stop_following(job.id, delete_at_heygen)
        except HeyGenError as error:
            self.say(
                f"Stopped following “{job.title}”, but HeyGen did not delete it: {error} "
                "You can delete it later with Delete on HeyGen."
            )
            return
        if stopped is None:
            self.say(f"“{job.title}” had already finished at HeyGen, so it was not stopped.", tone=Tone.PLAIN)
        elif stopped.remote_deleted_at:
            self.say(f"Stopped “{job.title}” and deleted it from your HeyGen account.", tone=Tone.GOOD)
        else:
            self.say(f"Stopped following “{job.title}”. It stays in your HeyGen account.", tone=Tone.GOOD)

    async def _remove(self, jobs: list[RenderJob]) -> None:
        removed = await self.queue.remove_from_list(job.id for job in jobs)
        gone = [job for job in jobs if job.id in removed]
        files = [job.file_path for job in gone if job.file_path]
        if len(gone) == 1:
            kept = f" Its video stays at {files[0]}." if files else ""
            self.say(f"Removed “{gone[0].title}” from the list.{kept}", tone=Tone.GOOD)
        elif gone:
            kept = " Their videos stay on disk." if files else ""
            self.say(f"Removed {len(gone)} renders from the list.{kept}", tone=Tone.GOOD)

    def _clear_finished(self) -> None:
        self._clear_message()
        finished = [item.job for item in self.model.items() if item.job.status.is_final]
        self.run(self._remove(finished), "clear finished renders", per_connection=False)

    async def _open(self, target: Path, video: Path) -> None:
        """Hand the video (or its folder) to the desktop; say so, with the path to copy, when that cannot be done."""
        if not await asyncio.to_thread(video.exists):
            self._cannot_open(
                video,
                f"“{video.name}” is no longer in its folder: it was moved, renamed or deleted since it was downloaded.",
            )
        elif not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            what = (
                f"No program on this computer is set up to open {video.suffix or 'these'} files."
                if target == video
                else "No file manager on this computer could show the folder."
            )
            self._cannot_open(target, f"{what} Copy the path to open it yourself.")

    def _cannot_open(self, path: Path, message: str) -> None:
        log.warning("Could not open %s: %s", path, message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Could not open", message, parent=self)
        box.setInformativeText(str(path))
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        copy = box.addButton("Copy path", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.buttonClicked.connect(lambda button: self._copy_path(path) if button is copy else None)
        box.open()

    def _copy_path(self, path: Path) -> None:
        QGuiApplication.clipboard().setText(str(path))
        self.say(f"Copied {path}", tone=Tone.GOOD)

    def _order_tabs(self) -> None:
        """Tab goes through the top buttons, the list (arrow keys choose a render), then the selected one's actions."""
        chain: list[QWidget] = [*self._top_buttons, self.view, *self.action_buttons.values()]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _play(self, file: Path, title: str) -> None:
        if self._player is None:  # Qt Multimedia loads on the first video played, not when the app starts
            from heygen_studio.ui.widgets.render_player import RenderPlayer

            self._player = RenderPlayer(self)
        self._player.play(file, title)

    def _choose_folder(self) -> None:
        self._clear_message()
        dialog = QFileDialog(self, "Save finished videos in")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.fileSelected.connect(lambda folder: self.run(self._set_folder(Path(folder)), "set render folder"))
        dialog.open()

    async def _set_folder(self, folder: Path) -> None:
        await self.renders.set_output_dir(folder)
        self.folder_label.setText(f"Finished videos are saved in {folder}")


def _small_image(path: Path) -> QImage:
    """The picture at `path` at the list's thumbnail size (null when there is none). Blocking."""
    return _fit(QImage(str(path)))


def _small_image_from(data: bytes) -> QImage:
    return _fit(QImage.fromData(data))


def _fit(image: QImage) -> QImage:
    """Scaled once, here, so painting a row never scales a picture."""
    if image.isNull():
        return image
    return image.scaled(
        THUMB, THUMB * 9 // 16, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
