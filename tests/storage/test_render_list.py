"""The render list in SQLite: prices kept with each job, renders removed from the list but never forgotten."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from heygen_studio.domain.money import Money
from heygen_studio.storage.database import MIGRATIONS, Database
from heygen_studio.storage.render_jobs import JobStatus, NewJob, RenderJobs, cost_columns

PRICES_AND_REMOVALS = 6  # the migration that added cost_amount, cost_currency and removed_at


def new_job(token: str, cost: Money | None = None) -> NewJob:
    return NewJob(
        account="acct",
        generation="v3",
        title="Welcome",
        title_token=token,
        idempotency_key=f"key-{token}",
        spec="{}",
        look_thumbnail_url=None,
        estimated_seconds=60.0,
        estimated_credits=20.0,
        output_dir="/videos",
        **cost_columns(cost),
    )


def test_a_database_from_before_prices_keeps_its_renders_and_their_old_estimate(tmp_path: Path) -> None:
    path = tmp_path / "studio.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[: PRICES_AND_REMOVALS - 1]:
        for statement in filter(str.strip, script.split(";")):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {PRICES_AND_REMOVALS - 1}")
    now = time.time()
    conn.execute(
        "INSERT INTO render_jobs (account, generation, title, title_token, idempotency_key, spec, "
        "estimated_seconds, estimated_credits, output_dir, status, created_at, updated_at) "
        "VALUES ('acct', 'v3', 'Old one', 'hs-old', 'key-old', '{}', 60, 20, '/videos', 'downloaded', ?, ?)",
        (now, now),
    )
    conn.commit()
    conn.close()

    jobs = RenderJobs(Database(path))
    [old] = jobs.listed("acct")
    assert old.title == "Old one" and old.estimated_credits == 20 and old.cost is None and old.removed_at is None


def test_a_price_is_kept_exactly_and_only_finished_renders_leave_the_list(tmp_path: Path) -> None:
    jobs = RenderJobs(Database(tmp_path / "studio.sqlite3"))
    done = jobs.add(new_job("done", Money.usd("3.00")))
    waiting = jobs.add(new_job("waiting", Money.credits(6)))
    assert done.cost == Money.usd("3.00") and waiting.cost == Money.credits(6)
    jobs.update(done.id, status=JobStatus.DOWNLOADED)

    assert jobs.remove([done.id, waiting.id]) == [done.id]  # a render still under way stays on the list
    assert [job.id for job in jobs.listed("acct")] == [waiting.id]
    assert jobs.remove([done.id]) == []  # already off the list
    kept = jobs.get(done.id)
    assert kept is not None and kept.removed_at is not None and kept.cost == Money.usd("3.00")
    assert {job.id for job in jobs.all("acct")} == {done.id, waiting.id}  # the record of what was sent stays
