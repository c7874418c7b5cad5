"""One render in the Renders panel: thumbnail, title, status, date, times, price, progress and its actions."""

from __future__ import annotations

import functools
import time
from datetime import datetime, timedelta
from enum import StrEnum

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.nav_icons import nav_icon

STATUS_WORDS = {
    JobStatus.QUEUED: "Waiting its turn on this computer",
    JobStatus.SUBMITTING: "Sending to HeyGen…",
    JobStatus.WAITING: "Queued at HeyGen",
    JobStatus.PENDING: "Starting at HeyGen",
    JobStatus.PROCESSING: "HeyGen is making the video",
    JobStatus.COMPLETED: "Downloading…",
    JobStatus.DOWNLOADED: "Ready to watch",
    JobStatus.FAILED: "Failed",
    JobStatus.CANCELLED: "Cancelled",
}
THUMB = 96
PLACEHOLDER_FILL = QColor("#eceef4")
PLACEHOLDER_ICON = QColor("#a5a9c4")
BAR_STEPS = 1000
RENDER_BAR_CAP = 0.95  # the bar waits here until HeyGen says the video is done
ALMOST_DONE = 0.8  # share of the expected time after which a render is "almost done"
OVERDUE = 1.5  # past this share of the expected time, the render is taking longer than usual
USUAL_RENDER = "HeyGen usually takes 5–15 min"


class RowAction(StrEnum):
    """What a render row's buttons do, in the order they are shown."""

    RESUBMIT = "resubmit"
    GIVE_UP = "give_up"
    PLAY = "play"
    OPEN = "open"
    FOLDER = "folder"
    COPY = "copy"
    CANCEL = "cancel"
    STOP = "stop"
    RETRY = "retry"
    ERROR = "error"
    DELETE = "delete"
    REMOVE = "remove"


BUTTONS: dict[RowAction, tuple[str, str]] = {  # button text, tooltip
    RowAction.RESUBMIT: ("Submit again", "Send this render to HeyGen again (only if it is not in your HeyGen videos)"),
    RowAction.GIVE_UP: ("Mark as failed", "Stop waiting for this render"),
    RowAction.PLAY: ("Play", "Watch the video here"),
    RowAction.OPEN: ("Open file", "Open the video in your video player"),
    RowAction.FOLDER: ("Show in folder", "Open the folder the video was saved in"),
    RowAction.COPY: ("Copy link", "Copy HeyGen's link to the video"),
    RowAction.CANCEL: ("Cancel", "Remove this render before it is sent to HeyGen"),
    RowAction.STOP: ("Stop…", "Stop following this render, and delete it at HeyGen if you like"),
    RowAction.RETRY: ("Try again", "Render the same project again as a new job, at today's price"),
    RowAction.ERROR: ("Details", "Show what went wrong, with HeyGen's request id"),
    RowAction.DELETE: ("Delete on HeyGen", "Delete the video from your HeyGen account"),
    RowAction.REMOVE: ("Remove from list", "Take this render off the list; the video file stays on disk"),
}
TITLE_LINE = frozenset({RowAction.REMOVE})  # at the end of the title line, so the buttons below keep their width
STOPPED = "Stopped by you"  # a render cancelled after HeyGen had it


def minutes(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return (
        f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else f"{seconds // 3600} h {seconds % 3600 // 60} min"
    )


def time_left(elapsed: float, expected: float) -> str:
    """What to say about a render `elapsed` seconds into the `expected`: "about 20 s left", "almost done"..."""
    if elapsed >= expected * OVERDUE:
        return "taking longer than usual"
    if elapsed >= expected * ALMOST_DONE:
        return "almost done"
    left = expected - elapsed
    if left < 60:
        return f"about {max(5, round(left / 5) * 5)} s left"
    return f"about {round(left / 60)} min left"


class RenderRow(QFrame):
    """Emits `action(RowAction, job_id)` when one of its buttons is clicked."""

    action = Signal(object, int)
    buttons_added = Signal()
    """A status needed a button this row had not made yet: the panel puts it in the Tab order."""

    def __init__(self, job: RenderJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("renderRow")
        self.job = job
        self.expected_s: float | None = None
        self._download_reported = False
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB, THUMB * 9 // 16)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setPixmap(placeholder_thumbnail())
        self.title = QLabel()
        self.title.setObjectName("renderTitle")
        self.title.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.details = QLabel()
        self.details.setObjectName("hint")
        self.details.setWordWrap(True)  # a narrow window wraps the line instead of scrolling sideways
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.progress.setRange(0, BAR_STEPS)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(6)
        self._buttons: dict[RowAction, QPushButton] = {}  # made when a status first needs them: rows are many
        self.buttons.addStretch(1)
        self.title_line = QHBoxLayout()
        self.title_line.addWidget(self.title, 1)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addLayout(self.title_line)
        text.addWidget(self.status)
        text.addWidget(self.details)
        text.addWidget(self.progress)
        text.addLayout(self.buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        self.update_job(job)

    def set_thumbnail(self, pixmap: QPixmap) -> None:
        self.thumb.setPixmap(
            pixmap.scaled(
                self.thumb.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    def update_job(self, job: RenderJob) -> None:
        self.job = job
        self.title.setText(job.title)
        status = (
            "Needs your decision"
            if job.needs_decision
            else (STOPPED if job.status == JobStatus.CANCELLED and job.submitted_at else STATUS_WORDS[job.status])
        )
        paused = job.status == JobStatus.COMPLETED and bool(job.error)  # a download that waits says why
        self.status.setText(job.error if paused and job.error else status)
        tone = (
            Tone.BAD
            if job.status == JobStatus.FAILED or job.needs_decision or paused
            else (Tone.GOOD if job.status == JobStatus.DOWNLOADED else Tone.PLAIN)
        )
        set_tone(self.status, tone)
        if job.status == JobStatus.COMPLETED and not self._download_reported:
            self.progress.setRange(0, 0)  # busy until the download reports its first bytes
        self.progress.setVisible(job.status.rendering or job.status == JobStatus.COMPLETED)
        on_heygen = bool(job.remote_id) and not job.remote_deleted_at
        visible = {
            RowAction.RESUBMIT: job.needs_decision,
            RowAction.GIVE_UP: job.needs_decision,
            RowAction.PLAY: job.status == JobStatus.DOWNLOADED,
            RowAction.OPEN: job.status == JobStatus.DOWNLOADED,
            RowAction.FOLDER: job.status == JobStatus.DOWNLOADED,
            RowAction.COPY: on_heygen and job.status in (JobStatus.COMPLETED, JobStatus.DOWNLOADED),
            RowAction.CANCEL: job.status == JobStatus.QUEUED,
            RowAction.STOP: bool(job.remote_id)
            and job.status in (JobStatus.WAITING, JobStatus.PENDING, JobStatus.PROCESSING, JobStatus.COMPLETED),
            RowAction.RETRY: job.status in (JobStatus.FAILED, JobStatus.CANCELLED),
            RowAction.ERROR: bool(job.error) and (job.status == JobStatus.FAILED or job.needs_decision),
            RowAction.DELETE: on_heygen and job.status.is_final,
            RowAction.REMOVE: job.status.is_final,
        }
        made = len(self._buttons)
        for name, shown in visible.items():
            if shown:
                self.button(name).show()
            elif name in self._buttons:
                self._buttons[name].hide()
        if len(self._buttons) != made:
            self.buttons_added.emit()
        self.tick()

    def focus_chain(self) -> list[QPushButton]:
        """The row's buttons left to right, the one on the title line last (hidden ones are skipped by Tab)."""
        names = sorted((name for name in RowAction if name in self._buttons), key=lambda name: name in TITLE_LINE)
        return [self._buttons[name] for name in names]

    def button(self, name: RowAction) -> QPushButton:
        """The action button `name`, made on first use and placed in RowAction's order."""
        if name not in self._buttons:
            text, tip = BUTTONS[name]
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False: self.action.emit(name, self.job.id))
            self._buttons[name] = button
            if name in TITLE_LINE:
                self.title_line.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
                return button
            order = list(RowAction)
            before = sum(
                1 for other in self._buttons if other not in TITLE_LINE and order.index(other) < order.index(name)
            )
            self.buttons.insertWidget(before, button)
        return self._buttons[name]

    def set_download(self, done: int, total: int) -> None:
        self._download_reported = True
        self.progress.setRange(0, BAR_STEPS if total else 0)
        if total:
            self.progress.setValue(int(done * BAR_STEPS / total))

    def tick(self) -> None:
        """Refresh the times and the rendering bar (called every second while the panel shows)."""
        job = self.job
        cost = job.cost
        price = cost.format() if cost is not None else "price unknown"  # rows from before prices were kept
        parts = [added_on(job.created_at), f"about {job.estimated_seconds:.0f} s of video", price]
        if job.submitted_at:
            parts.append(render_time(job, job.submitted_at))
            if job.status.rendering:
                elapsed = time.time() - job.submitted_at
                parts.append(time_left(elapsed, self.expected_s) if self.expected_s else USUAL_RENDER)
        elif job.status.is_final:
            parts.append("not started at HeyGen")  # cancelled or failed before HeyGen took it: no time to tell
        else:
            parts.append(f"added {minutes(time.time() - job.created_at)} ago")
        if job.remote_deleted_at:
            parts.append("deleted from your HeyGen account")
        self.details.setText(" · ".join(parts))
        if job.status.rendering:
            self._show_rendering()

    def _show_rendering(self) -> None:
        """The bar while HeyGen renders: the share of the expected time gone, or busy without an expectation."""
        if not (self.expected_s and self.job.submitted_at):
            self.progress.setRange(0, 0)
            return
        share = (time.time() - self.job.submitted_at) / self.expected_s
        self.progress.setRange(0, BAR_STEPS)
        self.progress.setValue(int(min(share, RENDER_BAR_CAP) * BAR_STEPS))


@functools.cache
def placeholder_thumbnail() -> QPixmap:
    """A grey rounded frame with the app's video icon, for a render whose look has no picture (yet);
    painted once and shared by every row (QPixmap is implicitly shared)."""
    width, height = THUMB, THUMB * 9 // 16
    pixmap = QPixmap(width, height)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(PLACEHOLDER_FILL)
    painter.drawRoundedRect(QRectF(0, 0, width, height), 8, 8)
    side = height // 2
    icon = nav_icon("renders", PLACEHOLDER_ICON, PLACEHOLDER_ICON).pixmap(side, side)
    painter.drawPixmap((width - side) // 2, (height - side) // 2, side, side, icon)
    painter.end()
    return pixmap


def added_on(created_at: float, now: float | None = None) -> str:
    """When a render was added, so rows of one title can be told apart: "Today 21:05", "Yesterday 09:30",
    "28 Nov 2026, 14:02" (in this computer's time zone)."""
    when = datetime.fromtimestamp(created_at)
    today = datetime.fromtimestamp(time.time() if now is None else now).date()
    clock = f"{when:%H:%M}"
    if when.date() == today:
        return f"Today {clock}"
    if when.date() == today - timedelta(days=1):
        return f"Yesterday {clock}"
    return f"{when.day} {when:%b %Y}, {clock}"


def render_time(job: RenderJob, submitted_at: float) -> str:
    """How long HeyGen has been at it since `submitted_at`: "rendering for 1:20", then "took 2:05" or "stopped
    after 0:40"."""
    if job.status in (JobStatus.COMPLETED, JobStatus.DOWNLOADED):
        verb = "took"
    elif job.status.is_final:
        verb = "stopped after"
    else:
        return f"rendering for {minutes(time.time() - submitted_at)}"
    return f"{verb} {minutes((job.finished_at or time.time()) - submitted_at)}"
