"""The render_jobs table: one file name per unfinished render (also in databases from before the rule)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from heygen_studio.storage.database import MIGRATIONS, Database
from heygen_studio.storage.render_jobs import JobStatus, NewJob, RenderJobs


def new_job(number: int) -> NewJob:
    return NewJob(
        account="sandbox",
        generation="v3",
        title="Same",
        title_token=f"hs-{number:08d}",
        idempotency_key=f"key-{number}",
        spec="{}",
        look_thumbnail_url=None,
        estimated_seconds=3.0,
        estimated_credits=1.0,
        output_dir="/videos",
    )


def test_two_unfinished_renders_can_never_hold_one_file_name(tmp_path: Path) -> None:
    jobs = RenderJobs(Database(tmp_path / "studio.sqlite3"))
    first, second = jobs.add(new_job(1)), jobs.add(new_job(2))
    jobs.update(first.id, file_path="/videos/Same.mp4", lease_owner="me")
    with pytest.raises(sqlite3.IntegrityError):
        jobs.update(second.id, file_path="/videos/Same.mp4")
    jobs.update(second.id, lease_owner="me")
    reserved = jobs.reserve_file(
        second.id,
        "me",
        lambda taken: Path("/videos/Same (2).mp4" if "/videos/same.mp4" in taken else "/videos/Same.mp4"),
    )
    assert reserved is not None and reserved.file_path == "/videos/Same (2).mp4"
    assert jobs.reserve_file(second.id, "someone else", lambda taken: Path("/videos/Other.mp4")) is None
    jobs.update(first.id, status=JobStatus.DOWNLOADED)  # a finished render's file is on disk: checked there
    again = jobs.reserve_file(second.id, "me", lambda taken: Path(f"/videos/{len(taken)} taken.mp4"))
    assert again is not None and again.file_path == "/videos/0 taken.mp4"


def test_a_database_from_before_the_rule_keeps_the_first_holder_of_a_shared_name(tmp_path: Path) -> None:
    path = tmp_path / "studio.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, script in enumerate(MIGRATIONS[:5], start=1):
        for statement in filter(str.strip, script.split(";")):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    for number in (1, 2):
        conn.execute(
            "INSERT INTO render_jobs (account, generation, title, title_token, idempotency_key, spec, "
            "estimated_seconds, estimated_credits, output_dir, status, file_path, created_at, updated_at) "
            "VALUES ('sandbox', 'v3', 'Same', ?, ?, '{}', 3, 1, '/videos', 'completed', "
            "'/videos/Same.mp4', ?, ?)",
            (f"hs-{number}", f"key-{number}", time.time(), time.time()),
        )
    conn.close()

    jobs = RenderJobs(Database(path)).all()
    assert [(job.id, job.file_path) for job in jobs] == [(2, None), (1, "/videos/Same.mp4")]
    assert all(job.key_sent_at is None for job in jobs)
