"""What the Renders list says about a render: its status, date, times and price, its bar, and the actions it offers."""

from __future__ import annotations

import functools
import time
from datetime import datetime, timedelta
from enum import StrEnum

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap

from heygen_studio.api.models import VideoKind
from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.ui.style import Tone
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
    """What can be done with a render (the selected one's buttons), in the order they are shown."""

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


def render_time(job: RenderJob, submitted_at: float, now: float) -> str:
    """How long HeyGen has been at it since `submitted_at`: "rendering for 1:20", then "took 2:05" or "stopped
    after 0:40"."""
    if job.status in (JobStatus.COMPLETED, JobStatus.DOWNLOADED):
        verb = "took"
    elif job.status.is_final:
        verb = "stopped after"
    else:
        return f"rendering for {minutes(now - submitted_at)}"
    return f"{verb} {minutes((job.finished_at or now) - submitted_at)}"


BUSY = -1
"""`bar_of`: a bar that moves without a share (no expected time yet, a download not started)."""


def status_of(job: RenderJob) -> tuple[str, Tone]:
    """The status line and its tone: red for a failure, a question or a paused download, green when ready."""
    paused = job.status == JobStatus.COMPLETED and bool(job.error)  # a download that waits says why
    if paused and job.error:
        return job.error, Tone.BAD
    if job.needs_decision:
        return "Needs your decision", Tone.BAD
    if job.status == JobStatus.CANCELLED and job.submitted_at:
        return STOPPED, Tone.PLAIN
    if job.status == JobStatus.FAILED:
        return STATUS_WORDS[job.status], Tone.BAD
    return STATUS_WORDS[job.status], Tone.GOOD if job.status == JobStatus.DOWNLOADED else Tone.PLAIN


def tags_of(job: RenderJob) -> tuple[str, ...]:
    """The small labels beside the title: "Draft" for a cheap look, "Quick video" for a photo animated directly."""
    return tuple(tag for tag, shown in (("Draft", job.is_draft), ("Quick video", job.kind is VideoKind.IMAGE)) if shown)


def details_of(job: RenderJob, expected_s: float | None, now: float | None = None) -> str:
    """When it was added, its length and price, how long HeyGen has been at it (or took), what is left."""
    now = time.time() if now is None else now
    cost = job.cost
    price = cost.format() if cost is not None else "price unknown"  # rows from before prices were kept
    parts = [added_on(job.created_at, now), f"about {job.estimated_seconds:.0f} s of video", price]
    if job.submitted_at:
        parts.append(render_time(job, job.submitted_at, now))
        if job.status.rendering:
            parts.append(time_left(now - job.submitted_at, expected_s) if expected_s else USUAL_RENDER)
    elif job.status.is_final:
        parts.append("not started at HeyGen")  # cancelled or failed before HeyGen took it: no time to tell
    else:
        parts.append(f"added {minutes(now - job.created_at)} ago")
    if job.remote_deleted_at:
        parts.append("deleted from your HeyGen account")
    return " · ".join(parts)


def bar_of(
    job: RenderJob, expected_s: float | None, download: tuple[int, int] | None, now: float | None = None
) -> int | None:
    """The progress bar in steps of BAR_STEPS: None for no bar, BUSY for one without a share. While HeyGen
    renders, the share of the expected time gone (held at RENDER_BAR_CAP); while downloading, the bytes."""
    if job.status == JobStatus.COMPLETED:
        if download is None or not download[1]:
            return BUSY  # busy until the download reports its first bytes (or its size)
        return int(download[0] * BAR_STEPS / download[1])
    if not job.status.rendering:
        return None
    if not (expected_s and job.submitted_at):
        return BUSY
    share = ((time.time() if now is None else now) - job.submitted_at) / expected_s
    return int(min(share, RENDER_BAR_CAP) * BAR_STEPS)


def actions_for(job: RenderJob) -> tuple[RowAction, ...]:
    """What can be done with `job` now, in RowAction's order."""
    on_heygen = bool(job.remote_id) and not job.remote_deleted_at
    offered = {
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
    return tuple(action for action in RowAction if offered[action])
