"""Renders: the videos being made by HeyGen and the finished ones to watch or save."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api import HeyGenError
from heygen_studio.api.tls import tls_context
from heygen_studio.services.downloads import DownloadError
from heygen_studio.services.notifications import notify
from heygen_studio.services.render_queue import NotSaved, SessionRenders
from heygen_studio.session import Session
from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.render_confirm import confirm_delete, confirm_stop
from heygen_studio.ui.widgets.render_row import RenderRow, RowAction

if TYPE_CHECKING:
    from heygen_studio.ui.widgets.render_player import RenderPlayer

log = logging.getLogger(__name__)
NEWS_SHOWN_MS = 6000  # good news above the list clears itself after this; an error stays until the next action


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
        self.rows: dict[int, RenderRow] = {}
        self._player: RenderPlayer | None = None
        self._http: httpx.AsyncClient | None = None
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
        self._tab_timer = QTimer(self)  # one Tab-order pass after a burst of new rows or buttons
        self._tab_timer.setSingleShot(True)
        self._tab_timer.setInterval(0)
        self._tab_timer.timeout.connect(self._order_tabs)
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
        self.list_widget = QWidget()
        self.list_layout = QVBoxLayout(self.list_widget)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.list_widget)
        self.scroll_area.hide()
        self.content.insertLayout(0, top)
        self.content.insertWidget(1, self.message)
        self.content.insertWidget(2, self.scroll_area, 1)

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
        for job_id in set(self.rows) - {job.id for job in jobs}:
            self._drop(job_id)
        for job in reversed(jobs):
            self._show(job)
        self._update_empty()

    def _show(self, job: RenderJob) -> None:
        row = self.rows.get(job.id)
        if row is None:
            row = RenderRow(job)
            row.action.connect(self._act)
            row.buttons_added.connect(self._tab_timer.start)
            self.rows[job.id] = row
            # Newest on top: a row goes above every row of an older job.
            self.list_layout.insertWidget(sum(1 for other in self.rows if other > job.id), row)
            self._tab_timer.start()
            self.run(self._thumbnail(row), "render thumbnail")
            self.run(self._estimate(row), "render estimate")
        else:
            downloaded = job.status == JobStatus.DOWNLOADED and row.job.status != JobStatus.DOWNLOADED
            row.update_job(job)
            if downloaded:  # the video's own thumbnail is on disk now
                self.run(self._thumbnail(row), "render thumbnail")

    def _drop(self, job_id: int) -> None:
        row = self.rows.pop(job_id, None)
        if row is not None:
            self.list_layout.removeWidget(row)
            row.hide()
            row.deleteLater()

    def _update_empty(self) -> None:
        has_jobs = bool(self.rows)
        self.clear_button.setEnabled(any(row.job.status.is_final for row in self.rows.values()))
        self.scroll_area.setVisible(has_jobs)
        # The panel's closing stretch centres the empty card; with jobs, the list takes all the height.
        self.content.setStretch(self.content.count() - 1, 0 if has_jobs else 1)
        if self.empty_card is not None:
            self.empty_card.setVisible(not has_jobs)

    async def _thumbnail(self, row: RenderRow) -> None:
        """The video's own thumbnail when it was downloaded beside the video, else the look's picture."""
        job = row.job
        if job.file_path:
            image = await asyncio.to_thread(QImage, str(Path(job.file_path).with_suffix(".jpg")))
            if not image.isNull():
                row.set_thumbnail(QPixmap.fromImage(image))
                return
        if job.look_thumbnail_url:
            await self._look_thumbnail(row, job.look_thumbnail_url)

    async def _look_thumbnail(self, row: RenderRow, url: str) -> None:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=20.0, follow_redirects=True, verify=tls_context())
        try:
            response = await self._http.get(url)
            response.raise_for_status()
        except httpx.HTTPError as error:
            log.debug("No thumbnail for render %d: %r", row.job.id, error)
            return
        image = await asyncio.to_thread(QImage.fromData, response.content)
        if not image.isNull():
            row.set_thumbnail(QPixmap.fromImage(image))

    async def aclose(self) -> None:
        """Stop the panel's tasks and close the client that fetched the looks' thumbnails."""
        await super().aclose()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def _estimate(self, row: RenderRow) -> None:
        row.expected_s = await self.queue.render_estimate(row.job)
        row.tick()

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
        row = self.rows.get(job_id)
        if row is not None:
            row.set_download(done, total)

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
            for row in self.rows.values():
                if not row.job.status.is_final:
                    row.tick()

    # --- actions ---------------------------------------------------------------------------------

    def _act(self, name: RowAction, job_id: int) -> None:
        row = self.rows.get(job_id)
        if row is None:
            return
        self._clear_message()  # what was said about the last action is done with
        job = row.job
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
            self._retry(row, name, lambda: self.queue.retry(job_id))
        elif name is RowAction.RESUBMIT:
            self._retry(row, name, lambda: self.queue.decide(job_id, submit_again=True))
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

    def _retry(self, row: RenderRow, name: RowAction, send: Callable[[], Coroutine[Any, Any, object]]) -> None:
        """Send a render again (`send`) at today's price, asking first when the balance, asked afresh, no longer
        covers it. Its button is off until then, so a double click sends one render, not two."""
        button = row.button(name)
        button.setEnabled(False)

        async def check_then_send() -> None:
            try:
                await self._send_if_it_fits(row.job, send)
            finally:
                with contextlib.suppress(RuntimeError):  # the row was removed meanwhile
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
        finished = [row.job for row in self.rows.values() if row.job.status.is_final]
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
        """Tab goes through the top buttons, then the rows as shown, top to bottom, each left to right."""
        items = [self.list_layout.itemAt(i) for i in range(self.list_layout.count())]
        rows = [item.widget() for item in items if item is not None]
        chain: list[QWidget] = [*self._top_buttons]
        chain += [
            button
            for row in rows
            if isinstance(row, RenderRow) and row.job.id in self.rows
            for button in row.focus_chain()
        ]
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
