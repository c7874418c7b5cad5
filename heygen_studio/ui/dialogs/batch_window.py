"""The Batch step: one video of the open project per row of a sheet, checked and priced, a sample row first."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api import HeyGenError
from heygen_studio.batch.catalogs import account_catalog
from heygen_studio.batch.plan import BatchError, BatchPlan, balance_covers, batch_id, plan_batch, total_of
from heygen_studio.batch.results import (
    ResultRow,
    RowState,
    result_of,
    results_of,
    results_path,
    state_of,
    write_results,
)
from heygen_studio.batch.rows import PlannedRow
from heygen_studio.batch.sending import jobs_of_rows, send_rows, unsent
from heygen_studio.batch.sheets import SheetError, read_sheet
from heygen_studio.domain.estimates import spoken_seconds
from heygen_studio.domain.pricing import AvatarType
from heygen_studio.domain.project import Project, format_duration
from heygen_studio.editor.totals import listen_price_text
from heygen_studio.services.batch_submit import batch_progress
from heygen_studio.services.render_queue import NotSaved
from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.ui.models.batch_rows_model import BatchRowsModel
from heygen_studio.ui.panels.scenes_listening import FETCHING, SceneListening
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.listen_bar import ListenBar
from heygen_studio.ui.widgets.paid_action import PRETEND, check_balance, priced
from heygen_studio.ui.widgets.photo_details import NOT_CONNECTED
from heygen_studio.ui.widgets.render_questions import ask

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from heygen_studio.session import Session

Runner = Callable[[Coroutine[Any, Any, None], str], object]

SHEET_FILTER = "Spreadsheets (*.csv *.xlsx *.xlsm *.tsv *.txt);;All files (*)"
CHOOSE_TO_HEAR = "Choose a row that can render to hear it."
REFRESH_MS = 250  # queue changes come in bursts (a batch call links up to 100 renders at once)


class BatchWindow(QDialog):
    """Open with `.show()` for a saved project: a sheet (Open or drop) is read and checked off the UI thread,
    one row is rendered first, then the rest; every row is an ordinary render of the session's queue (so it
    shows in Renders too). `navigate("Renders")` when the user wants to follow them there."""

    navigate = Signal(str)

    def __init__(
        self,
        session: Session,
        project: Project,
        project_path: Path,
        avatar_type: AvatarType | None,
        run: Runner,
        listening: SceneListening,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.project = project
        self.project_path = project_path
        self.avatar_type = avatar_type
        self._run = run
        self.listening = listening
        self.sheet_path: Path | None = None
        self.plan: BatchPlan | None = None
        self.batch = ""
        self.jobs: dict[int, RenderJob] = {}  # row number -> its render job
        self.refused: dict[int, str] = {}  # row number -> why the queue would not take it
        self.sample: int | None = None  # the row rendered first
        self.output_dir: Path | None = None
        self.results_files: list[Path] = []
        self.prompt: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self._busy = False
        self._closed = False
        self._job_ids: set[int] = set()  # the rows' render jobs, whose changes are followed
        self._passing = False  # the message says what goes on now (“in the render queue”), not what went wrong
        self._started: tuple[float, int] | None = None  # when the rest went, and how many rows had ended then
        self.setWindowTitle(f"Make one for each row – {project.title or 'Untitled video'}")
        self.setAcceptDrops(True)
        self.resize(960, 620)
        self._build()
        self._offer_listen()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(lambda: self._run(self._reload_jobs(), "batch: follow the rows"))
        queue = session.renders.queue
        queue.changed.connect(self._job_changed)
        queue.finished.connect(self._job_changed)
        session.balance_changed.connect(self._balance_changed)
        self._update()

    def _build(self) -> None:
        intro = QLabel(
            f"One video of <b>{self.project.title or 'this project'}</b> for each row of a spreadsheet (CSV or "
            "Excel): each {placeholder} in its title and scripts is filled from the column of that name. "
            "Open a sheet or drop it here; every row is checked and priced before anything is sent."
        )
        intro.setWordWrap(True)
        self.open_button = QPushButton("Open a sheet…")
        self.open_button.clicked.connect(self.choose_sheet)
        self.sheet_label = QLabel("No sheet yet.")
        self.sheet_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.sheet_label, 1)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = BatchRowsModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        header = self.table.horizontalHeader()
        for column, width in enumerate((48, 140, 300, 64, 72)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._row_chosen)
        self.total = QLabel()
        self.total.setWordWrap(True)
        self.listen = ListenBar()
        self.listen.listen_button.setToolTip("Hear the chosen row's scripts, filled in, in its voice and speed")
        self.listen.listen_clicked.connect(self.listen_to_row)
        self.listen.save_requested.connect(self.listening.choose_where_to_save)

        self.sample_button = QPushButton("Render this one first")
        self.sample_button.clicked.connect(self.render_sample)
        self.rest_button = QPushButton("Render the other rows")
        self.rest_button.setObjectName("primaryButton")
        self.rest_button.clicked.connect(self.render_rest)
        self.watch_button = QPushButton("Watch the first one")
        self.watch_button.clicked.connect(self.watch_sample)
        send = QHBoxLayout()
        send.addWidget(self.sample_button)
        send.addWidget(self.watch_button)
        send.addStretch(1)
        send.addWidget(self.rest_button)

        self.progress = QLabel()
        self.progress.setWordWrap(True)
        self.results_button = QPushButton("Open results sheet")
        self.results_button.clicked.connect(self.open_results)
        self.folder_button = QPushButton("Show videos in folder")
        self.folder_button.clicked.connect(self.show_folder)
        self.again_button = QPushButton("Send failed rows again")
        self.again_button.clicked.connect(self.send_failed_again)
        self.renders_button = QPushButton("Open Renders")
        self.renders_button.clicked.connect(lambda: self.navigate.emit("Renders"))
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        done = QHBoxLayout()
        done.addWidget(self.results_button)
        done.addWidget(self.folder_button)
        done.addWidget(self.again_button)
        done.addStretch(1)
        done.addWidget(self.renders_button)
        done.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.listen)
        layout.addLayout(send)
        layout.addWidget(self.progress)
        layout.addLayout(done)

    # --- the sheet ----------------------------------------------------------------------------------

    def choose_sheet(self) -> None:
        folder = self.sheet_path.parent if self.sheet_path else self.project_path.parent
        dialog = QFileDialog(self, "Open a sheet of rows", str(folder), SHEET_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda name: self.open_sheet(Path(name)))
        self.file_dialog = dialog
        dialog.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.open_sheet(Path(event.mimeData().urls()[0].toLocalFile()))
        event.acceptProposedAction()

    def open_sheet(self, path: Path) -> None:
        """Read, fill, check and price every row of `path` (in a thread); rows sent before show how they stand."""
        if self._busy:
            return
        if self.jobs and path != self.sheet_path and self._open_rows():
            self._say("Wait until this sheet's videos are made, or close this window, before opening another sheet.")
            return
        self._busy = True
        self._say(f"Reading {path.name}…")
        self._update()
        self._run(self._load(path), "batch: read the sheet")

    async def _load(self, path: Path, then_send: Sequence[int] = ()) -> None:
        try:
            plan = await self._checked(path)
            if self._closed:
                return
            if plan is None:
                if path != self.sheet_path:  # another sheet: the last one's rows are not shown as if they were its
                    self._forget_sheet()
                return
            if path != self.sheet_path:
                self.sheet_path, self.jobs, self.refused, self.sample, self._started = path, {}, {}, None, None
            self.plan, self.batch = plan, batch_id(self.project_path, path)
            self.jobs.update(await jobs_of_rows(self.session.db, self.batch, plan.rows))
            if self._closed:
                return
            self.model.set_plan(plan)
            self.sheet_label.setText(f"<b>{path.name}</b> — {len(plan.rows)} rows, {len(plan.refused)} can't render")
            self._say("")
            if then_send:
                await self._send([row for row in unsent(plan.rows, self.jobs) if row.number in then_send])
            else:
                self._select_first_good()
            await self._reload_jobs()
        finally:
            self._busy = False
            if not self._closed:
                self._update()

    def _forget_sheet(self) -> None:
        self.sheet_path, self.plan, self.batch, self.jobs, self.refused = None, None, "", {}, {}
        self.sample, self._started, self.results_files = None, None, []
        self.model.set_plan(None)
        self.sheet_label.setText("No sheet yet.")
        self._offer_listen()

    async def _checked(self, path: Path) -> BatchPlan | None:
        """The plan of `path` on this account (its looks, voices and balance); None with the reason said."""
        api = self.session.api
        if api is None:
            self._say(NOT_CONNECTED, Tone.BAD)
            return None
        balance = self.session.balance
        try:
            sheet = await asyncio.to_thread(read_sheet, path)
            catalog = await account_catalog(api, sheet)
            return await asyncio.to_thread(
                plan_batch,
                self.project,
                sheet,
                generation=api.generation,
                billing_type=balance.billing_type if balance else None,
                avatar_type=self.avatar_type,
                catalog=catalog,
                balance=balance,
            )
        except (SheetError, BatchError) as error:  # the core's own words; nothing is sent
            self._say(f"{error} Nothing was sent.", Tone.BAD)
        except HeyGenError as error:
            self._say(f"Could not get the account's looks and voices from HeyGen: {error}", Tone.BAD)
        return None

    def _select_first_good(self) -> None:
        first = (
            next((row for row in self.model.plan.good if row.number not in self.jobs), None)
            if self.model.plan
            else None
        )
        if first is not None:
            self.table.selectionModel().select(
                self.model.index(self.model.position(first.number), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    # --- sending ------------------------------------------------------------------------------------

    def selected_row(self) -> PlannedRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def rest(self) -> list[PlannedRow]:
        """The good rows never sent (failed ones go again with “Send failed rows again”)."""
        if self.plan is None:
            return []
        return [row for row in self.plan.good if row.number not in self.jobs and row.number not in self.refused]

    def render_sample(self) -> None:
        """Render the chosen row alone (asking first only when it costs more than is left)."""
        row = self.selected_row()
        if row is None or not row.ok or self._busy:
            return
        self.prompt = check_balance(
            self, self.session, row.cost, f"Row {row.number}", "Render anyway", lambda: self._go([row], sample=True)
        )

    def render_rest(self) -> None:
        """Render every other good row, after one question saying what they cost together."""
        todo = self.rest()
        cost = total_of(tuple(todo))
        if not todo or self._busy:
            return
        if cost is None or cost.is_zero:
            self._go(todo)
            return
        balance = self.session.balance
        if balance is not None and balance.shortfall(cost) is not None:  # asks, saying how much is missing
            self.prompt = check_balance(
                self, self.session, cost, f"Rendering these {len(todo)} videos", "Render anyway", lambda: self._go(todo)
            )
            return
        self.prompt = ask(
            self,
            f"Render {len(todo)} videos?",
            f"These {len(todo)} videos cost {cost} together "
            f"({format_duration(sum(row.seconds for row in todo))}).{self._pretend()}",
            (f"Balance: {balance.describe()}. " if balance else "")
            + "Each is saved as its own file and shows in Renders while it is made.",
            f"Render {len(todo)} videos",
            lambda: self._go(todo),
        )

    def _go(self, rows: list[PlannedRow], *, sample: bool = False) -> None:
        if self._closed or self._busy:
            return
        self._busy = True
        if sample:
            self.sample = rows[0].number
        else:
            self._started = (time.monotonic(), self._ended())
        self._say(f"Adding {len(rows)} {'video' if len(rows) == 1 else 'videos'} to the render queue…")
        self._update()
        self._run(self._send_now(rows), "batch: send rows")

    async def _send_now(self, rows: list[PlannedRow]) -> None:
        try:
            await self._send(rows)
            await self._reload_jobs()
        finally:
            self._busy = False
            if not self._closed:
                self._update()

    async def _send(self, rows: list[PlannedRow]) -> None:
        if not rows:
            return
        renders = self.session.renders
        try:
            self.output_dir = self.output_dir or await renders.output_dir()
            sent, refused = await send_rows(
                renders.queue.enqueue_batch, self.session.db, self.batch, rows, self.output_dir
            )
        except (ValueError, HeyGenError, NotSaved) as error:  # not connected, refused as a whole, no database
            if not self._closed:
                self._say(f"Not sent (nothing was charged): {error}", Tone.BAD)
            return
        self.jobs.update(sent)
        for number in sent:
            self.refused.pop(number, None)
        self.refused.update(refused)
        if not self._closed:
            queued = f"{len(sent)} {'video is' if len(sent) == 1 else 'videos are'} in the render queue"
            self._say(
                f"{queued}; each shows in Renders too." + (f" {len(refused)} could not be sent." if refused else ""),
                Tone.GOOD,
                passing=not refused,
            )

    def send_failed_again(self) -> None:
        """Read the sheet again (failed rows may have been fixed in it) and send only the rows that failed."""
        failed = self.failed_rows()
        if not failed or self._busy or self.sheet_path is None or self.plan is None:
            return
        rows = tuple(row for row in self.plan.rows if row.number in failed and row.ok)
        go = self._resend(failed)
        self.prompt = check_balance(
            self, self.session, total_of(rows), "Sending the failed rows again", "Send anyway", go
        )

    def _resend(self, failed: list[int]) -> Callable[[], None]:
        def go() -> None:
            if self._busy or self.sheet_path is None:
                return
            self._busy = True
            self._started = (time.monotonic(), self._ended())
            self._say("Reading the sheet again and sending the failed rows…")
            self._update()
            self._run(self._load(self.sheet_path, then_send=failed), "batch: send failed rows again")

        return go

    def failed_rows(self) -> list[int]:
        """The sheet's row numbers whose video failed (or was stopped, or the queue refused)."""
        return sorted(
            {number for number, job in self.jobs.items() if job.status in (JobStatus.FAILED, JobStatus.CANCELLED)}
            | set(self.refused)
        )

    # --- listening ------------------------------------------------------------------------------------

    def _row_chosen(self) -> None:
        self.listen.stop()
        self._offer_listen()
        self._update()

    def _offer_listen(self) -> None:
        """What hearing the chosen row costs (the Scenes editor's Listen, its speech cache and prices)."""
        row = self.selected_row()
        if row is None or row.project is None:
            self.listen.offer(CHOOSE_TO_HEAR, enabled=False)
            return
        why_not = self.listening._why_not(row.project)
        if why_not:
            self.listen.offer(why_not, enabled=False, tone=Tone.WARN)
            return
        unheard = self.listening.speech.unheard(request for _, request in self.listening._requests(row.project))
        seconds = sum(spoken_seconds(request.text, request.speed) for request in unheard)
        self.listen.offer(listen_price_text(seconds, heard=not unheard, sandbox=bool(self._pretend())))

    def listen_to_row(self) -> None:
        row = self.selected_row()
        if row is not None and row.project is not None:
            self._run(self._hear_then_play(row.project), "batch: listen to a row")

    async def _hear_then_play(self, project: Project) -> None:
        items = self.listening._requests(project)
        if self.listening.speech.unheard(request for _, request in items):
            self.listen.busy(FETCHING)
        try:
            heard = await self.listening.speech.hear_all([r for _, r in items], self.session.require_api)
        except HeyGenError as error:
            if not self._closed:
                self.listen.failed(str(error))
            return
        if not self._closed:
            self.listen.play([(f"scene {index + 1}", clip) for (index, _), clip in zip(items, heard, strict=True)])
            self._offer_listen()  # heard now: listening again is free

    # --- following ----------------------------------------------------------------------------------

    def _balance_changed(self, _balance: object) -> None:
        self._update()

    def _job_changed(self, job_id: int) -> None:
        """A render changed: the rows are read again at most every REFRESH_MS (not put off by a steady stream)."""
        if not self._closed and job_id in self._job_ids and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    async def _reload_jobs(self) -> None:
        """The rows' jobs as the queue has them now (one read for the whole batch), then the table and results."""
        if not self.batch or not self.jobs:
            self._update()
            return
        fresh = {job.id: job for job in await asyncio.to_thread(self.session.renders.queue.jobs.in_group, self.batch)}
        if self._closed:
            return
        self.jobs = {number: fresh.get(job.id, job) for number, job in self.jobs.items()}
        if self._passing and not self._open_rows():
            self._say("")
        self._write_results_later()
        self._update()

    def states(self) -> dict[int, tuple[RowState, str]]:
        """Each sent row's state and error, as the results sheet says them."""
        if self.plan is None:
            return {}
        shown = {}
        for row in self.plan.good:
            if row.number in self.refused:
                shown[row.number] = (RowState.REFUSED, self.refused[row.number])
            elif row.number in self.jobs:
                result = result_of(row, self.jobs[row.number])
                shown[row.number] = (result.state, result.error)
        return shown

    def _write_results_later(self) -> None:
        if self.plan is None or self.sheet_path is None or self.output_dir is None:
            return
        self.results_files = [results_path(self.output_dir, self.sheet_path)]
        if self.sheet_path.suffix.lower() in (".xlsx", ".xlsm"):
            self.results_files.append(results_path(self.output_dir, self.sheet_path, ".xlsx"))
        self._run(self._write_results(results_of(self.plan.rows, self.jobs, self.refused)), "batch: results sheet")

    async def _write_results(self, results: list[ResultRow]) -> None:
        for path in self.results_files:
            try:
                await asyncio.to_thread(write_results, path, results)
            except OSError as error:
                if not self._closed:
                    self._say(f"The results sheet could not be written to {path}: {error.strerror or error}.", Tone.BAD)
                return
        if not self._closed:
            self._update()  # Open results sheet, once there is one

    def _open_rows(self) -> bool:
        return any(not job.status.is_final for job in self.jobs.values())

    def _ended(self) -> int:
        return sum(job.status.is_final for job in self.jobs.values())

    # --- what the window shows ----------------------------------------------------------------------

    def _pretend(self) -> str:
        connection = self.session.connection
        return PRETEND if connection is not None and connection.sandbox else ""

    def _say(self, text: str, tone: Tone = Tone.PLAIN, *, passing: bool = False) -> None:
        """Show `text` above the table; a `passing` one goes once every sent row has finished."""
        self._passing = passing
        set_tone(self.message, tone, text)
        self.message.setVisible(bool(text))

    def _update(self) -> None:
        if self._closed:
            return
        self._job_ids = {job.id for job in self.jobs.values()}
        self.model.set_states(self.states())
        plan, busy = self.plan, self._busy
        self.open_button.setEnabled(not busy)
        self.total.setText(self._total_text())
        row = self.selected_row()
        sample_job = self.jobs.get(self.sample) if self.sample is not None else None
        can_sample = row is not None and row.ok and row.number not in self.jobs and not busy
        self.sample_button.setText(priced("Render this one first", row.cost if row is not None and row.ok else None))
        self.sample_button.setEnabled(can_sample)
        self.sample_button.setToolTip(
            "Render the chosen row alone and watch it before the others."
            if can_sample
            else "Choose a row that can render and was not sent yet."
        )
        self.watch_button.setVisible(sample_job is not None and sample_job.status is JobStatus.DOWNLOADED)
        todo = self.rest()
        sample_done = sample_job is not None and sample_job.status is JobStatus.DOWNLOADED
        cost = total_of(tuple(todo))
        self.rest_button.setText(
            priced(f"Looks good: render the other {len(todo)} {'row' if len(todo) == 1 else 'rows'}", cost)
        )
        self.rest_button.setVisible(bool(todo) or not self.jobs)  # gone once every row went
        self.rest_button.setEnabled(
            bool(todo) and (sample_done or self.sample is None and bool(self.jobs)) and not busy
        )
        self.rest_button.setToolTip(
            "" if sample_done else "Render one row first: when it looks right, the others follow."
        )
        self.progress.setText(self._progress_text())
        self.progress.setVisible(bool(self.jobs))
        finished = bool(self.jobs) and not self._open_rows()
        self.results_button.setEnabled(finished and any(path.exists() for path in self.results_files))
        self.folder_button.setEnabled(self.output_dir is not None and bool(self.jobs))
        failed = self.failed_rows()
        self.again_button.setText(f"Send failed rows again ({len(failed)})" if failed else "Send failed rows again")
        self.again_button.setEnabled(bool(failed) and not busy and plan is not None)
        self.again_button.setToolTip(
            "Fix these rows in the sheet (and save it), then send only them again; the others are not sent twice."
        )

    def _total_text(self) -> str:
        """The good rows' total (and, once some went, what is not sent yet) against the session's balance."""
        plan = self.plan
        if plan is None:
            return ""
        total, balance = plan.total, self.session.balance
        text = f"{len(plan.good)} of {len(plan.rows)} rows can render"
        if total is not None:
            text += f": <b>{total}</b> for {format_duration(plan.seconds)} of video"
        todo = tuple(self.rest())
        due = total_of(todo) if self.jobs else total
        if self.jobs and due is not None:
            text += f"; {len(todo)} not sent yet: {due}"
        if balance is not None:
            fits = balance_covers(balance, due) if due is not None else None
            missing = balance.shortfall(due) if fits is False and due is not None else None
            verdict = " — it fits" if fits else f" — {missing} more than is left" if missing else ""
            text += f". Balance: {balance.describe()}{verdict}"
        return text + "." + self._pretend()

    def _progress_text(self) -> str:
        progress = batch_progress(list(self.jobs.values()))
        text = f"Rows: {progress.done} done, {progress.failed} failed, {progress.left} left"
        if progress.spent is not None:
            text += f" · {progress.spent} spent"
        left = self._time_left(progress.left)
        if left:
            text += f" · {left}"
        sample = self.jobs.get(self.sample) if self.sample is not None else None
        if sample is not None and self._started is None:
            text += f". Row {self.sample} (rendered first): {state_of(sample).value}"
            if sample.status is JobStatus.DOWNLOADED:
                text += f", saved as {Path(sample.file_path or '').name}. Watch it; if it looks right, render the rest."
        return text + ("" if text.endswith(".") else ".")

    def _time_left(self, left: int) -> str:
        if not left:
            return ""
        if self._started is None or self._ended() <= self._started[1]:
            sample = self.jobs.get(self.sample) if self.sample is not None else None
            if sample is None or sample.finished_at is None:
                return "working out the time left"
            per_row = sample.finished_at - sample.created_at
        else:
            per_row = (time.monotonic() - self._started[0]) / (self._ended() - self._started[1])
        return f"about {format_duration(per_row * left)} left"

    # --- results ------------------------------------------------------------------------------------

    def open_results(self) -> None:
        shown = next((path for path in reversed(self.results_files) if path.exists()), None)
        if shown is not None:
            self._open(shown)

    def show_folder(self) -> None:
        if self.output_dir is not None:
            self._open(self.output_dir)

    def watch_sample(self) -> None:
        job = self.jobs.get(self.sample) if self.sample is not None else None
        if job is not None and job.file_path:
            self._open(Path(job.file_path))

    def _open(self, target: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self._say(f"No program here could open {target}: open it from your file manager.", Tone.BAD)

    def done(self, result: int) -> None:
        """Closing stops nothing: the queue keeps making the rows' videos (they show in Renders)."""
        self._closed = True
        self._refresh_timer.stop()
        super().done(result)
