"""A render's row in the Renders panel: a bar and an honest time left while HeyGen renders, then the download."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime

from pytestqt.qtbot import QtBot

from heygen_studio.services.render_queue import expected_render_s
from heygen_studio.storage.render_jobs import JobStatus, RenderJob
from heygen_studio.ui.widgets.render_row import RenderRow, added_on


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


def show(qtbot: QtBot, render: RenderJob, expected_s: float | None) -> RenderRow:
    row = RenderRow(render)
    qtbot.addWidget(row)
    row.expected_s = expected_s
    row.tick()
    row.show()
    return row


def bar(row: RenderRow) -> float | None:
    """How full the bar is (0..1), or None while it only says "busy"."""
    if row.progress.maximum() == 0:
        return None
    return row.progress.value() / row.progress.maximum()


def test_a_short_render_counts_down_and_is_almost_done_only_near_its_end(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.PENDING, rendering_for=1.0), expected_s=15.0)
    assert row.progress.isVisible()
    assert "about 15 s left" in row.details.text()
    assert "almost done" not in row.details.text()
    assert 0.0 < bar(row) < 0.2  # type: ignore[operator]

    row.update_job(job(JobStatus.PROCESSING, rendering_for=8.0))
    assert "about 5 s left" in row.details.text()
    assert 0.5 < bar(row) < 0.6  # type: ignore[operator]

    row.update_job(job(JobStatus.PROCESSING, rendering_for=13.0))
    assert "almost done" in row.details.text()


def test_a_long_render_says_minutes_left_and_the_bar_waits_short_of_full_until_heygen_is_done(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.PROCESSING, rendering_for=60.0), expected_s=600.0)
    assert "about 9 min left" in row.details.text()

    row.update_job(job(JobStatus.PROCESSING, rendering_for=1200.0))
    assert "taking longer than usual" in row.details.text()
    assert bar(row) == 0.95


def test_the_first_render_has_no_made_up_countdown_just_a_busy_bar(qtbot: QtBot) -> None:
    render = job(JobStatus.PROCESSING, rendering_for=20.0)
    expected = expected_render_s(render, history=[])
    assert expected is None
    row = show(qtbot, render, expected_s=expected)
    assert row.progress.isVisible() and bar(row) is None
    assert "left" not in row.details.text() and "almost done" not in row.details.text()
    assert "HeyGen usually takes 5–15 min" in row.details.text()
    # after one finished render, the next one has an expectation scaled to its length
    assert expected_render_s(render, history=[(10.0, 20.0)]) == 24.0


def test_the_bar_then_shows_the_download_and_hides_when_the_video_is_ready(qtbot: QtBot) -> None:
    rendering = job(JobStatus.PROCESSING, rendering_for=10.0)
    row = show(qtbot, rendering, expected_s=12.0)
    row.update_job(replace(rendering, status=JobStatus.COMPLETED))
    assert row.progress.isVisible() and bar(row) is None  # busy until the first bytes
    row.set_download(250, 1000)
    assert bar(row) == 0.25
    row.update_job(replace(rendering, status=JobStatus.COMPLETED))
    assert bar(row) == 0.25
    row.update_job(replace(rendering, status=JobStatus.DOWNLOADED, finished_at=time.time()))
    assert not row.progress.isVisible()
    assert row.status.text() == "Ready to watch"


def test_a_render_waiting_its_turn_on_this_computer_has_no_bar(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.QUEUED), expected_s=None)
    assert not row.progress.isVisible()


def test_a_render_that_never_reached_heygen_says_so_instead_of_a_time(qtbot: QtBot) -> None:
    waiting = show(qtbot, job(JobStatus.QUEUED), expected_s=None)
    assert "added 1:00 ago" in waiting.details.text()
    for status in (JobStatus.FAILED, JobStatus.CANCELLED):
        row = show(qtbot, replace(job(status), finished_at=time.time()), expected_s=None)
        assert row.details.text().endswith("not started at HeyGen")
        assert "ago" not in row.details.text() and "after" not in row.details.text()  # no time it rendered for
    sent = show(qtbot, replace(job(JobStatus.FAILED, rendering_for=40.0), finished_at=time.time()), expected_s=None)
    assert "stopped after 0:40" in sent.details.text() and "not started" not in sent.details.text()


def test_a_render_without_a_picture_shows_a_drawn_placeholder_not_an_emoji(qtbot: QtBot) -> None:
    row = show(qtbot, job(JobStatus.QUEUED), expected_s=None)
    assert row.thumb.text() == "" and not row.thumb.pixmap().isNull()


def test_rows_say_when_they_were_added_so_renders_of_one_title_can_be_told_apart(qtbot: QtBot) -> None:
    noon = datetime(2026, 12, 1, 12, 30).timestamp()
    assert added_on(noon - 3 * 3600, now=noon) == "Today 09:30"
    assert added_on(noon - 24 * 3600, now=noon) == "Yesterday 12:30"
    assert added_on(datetime(2026, 11, 28, 14, 2).timestamp(), now=noon) == "28 Nov 2026, 14:02"
    older = show(qtbot, replace(job(JobStatus.DOWNLOADED), created_at=datetime(2026, 11, 28, 14, 2).timestamp()), None)
    newer = show(qtbot, job(JobStatus.DOWNLOADED), None)
    assert older.title.text() == newer.title.text()
    assert older.details.text().startswith("28 Nov 2026, 14:02 · ") and newer.details.text().startswith("Today ")


def test_a_download_that_waits_says_why_instead_of_downloading(qtbot: QtBot) -> None:
    paused = replace(
        job(JobStatus.COMPLETED, rendering_for=30.0),
        error="Paused: the disk holding /videos is full. Free some space there; the download carries on by itself.",
    )
    row = show(qtbot, paused, expected_s=None)
    assert row.status.text().startswith("Paused: the disk holding /videos is full")
    row.update_job(replace(paused, error=None))
    assert row.status.text() == "Downloading…"
