"""A render's row in the Renders list: a bar and an honest time left while HeyGen renders, then the download;
the model keeps 1,000 rows newest first and repaints only what changed."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from PySide6.QtCore import QModelIndex, QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from heygen_studio.services.render_queue import expected_render_s
from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.ui.models.renders_model import RendersModel, Role
from heygen_studio.ui.widgets.render_delegate import ROW_HEIGHT, RenderDelegate
from heygen_studio.ui.widgets.render_texts import BAR_STEPS, BUSY, PLACEHOLDER_FILL, added_on


def job(status: JobStatus, rendering_for: float | None = None, video_s: float = 12.0) -> RenderJob:
    now = time.time()
    return RenderJob(
        id=1,
        account="sandbox:1",
        generation="v3",
        title="Welcome",
        title_token="t",
        idempotency_key="k",
        spec="{}",
        look_thumbnail_url=None,
        estimated_seconds=video_s,
        estimated_credits=10.0,
        output_dir="/tmp",
        status=status,
        needs_decision=False,
        remote_id="video-1" if rendering_for is not None else None,
        error=None,
        request_id=None,
        video_url=None,
        file_path=None,
        created_at=now - 60,
        submitted_at=now - rendering_for if rendering_for is not None else None,
        finished_at=None,
        updated_at=now,
        lease_owner=None,
        lease_until=None,
    )


class Shown:
    """One render in a real RendersModel, read the way the delegate reads it."""

    def __init__(self, render: RenderJob, expected_s: float | None) -> None:
        self.model = RendersModel()
        self.model.upsert(render)
        self.job_id = render.id
        self.model.set_expected(render.id, expected_s)

    def data(self, role: int) -> object:
        row = self.model.row_of(self.job_id)
        assert row is not None
        return self.model.index(row).data(role)

    def details(self) -> str:
        return str(self.data(Role.DETAILS))

    @property
    def status(self) -> str:
        return str(self.data(Role.STATUS))

    def has_bar(self) -> bool:
        return self.data(Role.BAR) is not None

    def update_job(self, render: RenderJob) -> None:
        self.model.upsert(render)

    def set_download(self, done: int, total: int) -> None:
        self.model.set_download(self.job_id, done, total)


def show(_qtbot: QtBot, render: RenderJob, expected_s: float | None) -> Shown:
    return Shown(render, expected_s)


def bar(row: Shown) -> float | None:
    """How full the bar is (0..1), or None while it only says "busy"."""
    value = row.data(Role.BAR)
    assert value is not None, "no bar"
    return None if value == BUSY else int(str(value)) / BAR_STEPS


def test_a_short_render_counts_down_and_is_almost_done_only_near_its_end(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.PENDING, rendering_for=1.0), expected_s=15.0)
    assert row.has_bar()
    assert "about 15 s left" in row.details()
    assert "almost done" not in row.details()
    assert 0.0 < bar(row) < 0.2  # type: ignore[operator]

    row.update_job(job(JobStatus.PROCESSING, rendering_for=8.0))
    assert "about 5 s left" in row.details()
    assert 0.5 < bar(row) < 0.6  # type: ignore[operator]

    row.update_job(job(JobStatus.PROCESSING, rendering_for=13.0))
    assert "almost done" in row.details()


def test_a_long_render_says_minutes_left_and_the_bar_waits_short_of_full_until_heygen_is_done(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.PROCESSING, rendering_for=60.0), expected_s=600.0)
    assert "about 9 min left" in row.details()

    row.update_job(job(JobStatus.PROCESSING, rendering_for=1200.0))
    assert "taking longer than usual" in row.details()
    assert bar(row) == 0.95


def test_the_first_render_has_no_made_up_countdown_just_a_busy_bar(qtbot: QtBot) -> None:
    render = job(JobStatus.PROCESSING, rendering_for=20.0)
    expected = expected_render_s(render, history=[])
    assert expected is None
    row = show(qtbot, render, expected_s=expected)
    assert row.has_bar() and bar(row) is None
    assert "left" not in row.details() and "almost done" not in row.details()
    assert "HeyGen usually takes 5–15 min" in row.details()
    # after one finished render, the next one has an expectation scaled to its length
    assert expected_render_s(render, history=[(10.0, 20.0)]) == 24.0


def test_the_bar_then_shows_the_download_and_hides_when_the_video_is_ready(qtbot: QtBot) -> None:
    rendering = job(JobStatus.PROCESSING, rendering_for=10.0)
    row = show(qtbot, rendering, expected_s=12.0)
    row.update_job(replace(rendering, status=JobStatus.COMPLETED))
    assert row.has_bar() and bar(row) is None  # busy until the first bytes
    row.set_download(250, 1000)
    assert bar(row) == 0.25
    row.update_job(replace(rendering, status=JobStatus.COMPLETED))
    assert bar(row) == 0.25
    row.update_job(replace(rendering, status=JobStatus.DOWNLOADED, finished_at=time.time()))
    assert not row.has_bar()
    assert row.status == "Ready to watch"


def test_a_render_waiting_its_turn_on_this_computer_has_no_bar(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.QUEUED), expected_s=None)
    assert not row.has_bar()


def test_a_render_that_never_reached_heygen_says_so_instead_of_a_time(qtbot: QtBot) -> None:
    waiting = show(qtbot, job(JobStatus.QUEUED), expected_s=None)
    assert "added 1:00 ago" in waiting.details()
    for status in (JobStatus.FAILED, JobStatus.CANCELLED):
        row = show(qtbot, replace(job(status), finished_at=time.time()), expected_s=None)
        assert row.details().endswith("not started at HeyGen")
        assert "ago" not in row.details() and "after" not in row.details()  # no time it rendered for
    sent = show(qtbot, replace(job(JobStatus.FAILED, rendering_for=40.0), finished_at=time.time()), expected_s=None)
    assert "stopped after 0:40" in sent.details() and "not started" not in sent.details()


def paint_row(model: RendersModel, row: int, width: int = 700) -> QImage:
    """What the delegate paints for `row`, on white."""
    view = QListView()
    view.setModel(model)
    image = QImage(width, ROW_HEIGHT, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, ROW_HEIGHT)
    option.font = view.font()
    option.widget = view
    painter = QPainter(image)
    RenderDelegate(view).paint(painter, option, model.index(row))
    painter.end()
    return image


def test_a_render_without_a_picture_shows_a_drawn_placeholder_not_an_emoji(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.QUEUED), expected_s=None)
    assert row.data(Role.THUMBNAIL) is None
    picture = paint_row(row.model, 0)
    assert QColor(picture.pixel(14, 14)) == PLACEHOLDER_FILL  # the grey frame, inside its rounded corner


def test_a_draft_says_so_beside_its_title(qtbot: QtBot) -> None:
    draft = replace(job(JobStatus.QUEUED), spec='{"draft": true}')
    row = show(qtbot, draft, expected_s=None)
    assert row.data(Role.TAGS) == ("Draft",)
    assert show(qtbot, job(JobStatus.QUEUED), expected_s=None).data(Role.TAGS) == ()
    painted, plain = paint_row(row.model, 0), paint_row(show(qtbot, job(JobStatus.QUEUED), None).model, 0)
    assert painted != plain  # the tag is drawn


def test_a_thousand_rows_stay_newest_first_and_a_change_repaints_only_its_own_row(qtbot: QtBot) -> None:
    model = RendersModel()
    base = job(JobStatus.QUEUED)
    model.replace_all([replace(base, id=n) for n in range(1, 1001)])
    assert [model.job_at(r).id for r in (0, 1, 999)] == [1000, 999, 1]  # type: ignore[union-attr]
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: changed.append((top.row(), bottom.row())))
    model.upsert(replace(base, id=500, status=JobStatus.FAILED))
    assert changed == [(500, 500)] and model.job_at(500).status is JobStatus.FAILED  # type: ignore[union-attr]
    model.upsert(replace(base, id=1001))
    assert model.rowCount() == 1001 and model.row_of(1001) == 0 and model.row_of(1) == 1000
    model.remove(1000)
    assert model.row_of(1000) is None and model.rowCount() == 1000
    assert model.rowCount(QModelIndex()) == 1000


def test_rows_say_when_they_were_added_so_renders_of_one_title_can_be_told_apart(qtbot: QtBot) -> None:
    noon = datetime(2026, 12, 1, 12, 30).timestamp()
    assert added_on(noon - 3 * 3600, now=noon) == "Today 09:30"
    assert added_on(noon - 24 * 3600, now=noon) == "Yesterday 12:30"
    assert added_on(datetime(2026, 11, 28, 14, 2).timestamp(), now=noon) == "28 Nov 2026, 14:02"
    older = show(qtbot, replace(job(JobStatus.DOWNLOADED), created_at=datetime(2026, 11, 28, 14, 2).timestamp()), None)
    newer = show(qtbot, job(JobStatus.DOWNLOADED), None)
    assert older.data(0) == newer.data(0) == "Welcome"
    assert older.details().startswith("28 Nov 2026, 14:02 · ") and newer.details().startswith("Today ")


def test_a_download_that_waits_says_why_instead_of_downloading(qtbot: QtBot) -> None:
    paused = replace(
        job(JobStatus.COMPLETED, rendering_for=30.0),
        error="Paused: the disk holding /videos is full. Free some space there; the download carries on by itself.",
    )
    row = show(qtbot, paused, expected_s=None)
    assert row.status.startswith("Paused: the disk holding /videos is full")
    row.update_job(replace(paused, error=None))
    assert row.status == "Downloading…"
