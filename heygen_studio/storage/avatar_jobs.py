"""Avatar jobs (upload, create the group, add looks, train) kept in SQLite so a restart resumes them."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from enum import StrEnum

from heygen_studio.storage.database import Database


class JobState(StrEnum):
    """Where a job stands; each is written before the step it names is attempted."""

    UPLOADING = "uploading"
    CREATING = "creating"  # the create request may have gone out: look for its group before re-sending
    ADDING = "adding"
    TRAINING = "training"
    POLLING = "polling"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


@dataclass
class AvatarJob:
    """One "Create avatar" request: its photos (by content hash and file), and how far it got."""

    id: int
    account: str
    generation: str
    name: str
    photo_hashes: list[str]
    paths: list[str]
    state: JobState
    group_id: str | None = None
    refs: dict[str, str] = field(default_factory=dict)  # content hash -> uploaded asset ref
    looks_added: int = 0  # photos after the first already added as looks
    create_sent: bool = False  # the create request went out (it may have worked)
    message: str = ""  # why it failed, in plain words
    needs_consent: bool = False  # done, but HeyGen waits for the person's consent
    created_at: float = 0.0


class AvatarJobs:
    """The avatar_jobs table: write a job before any request, update it after every step."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, account: str, generation: str, name: str, photo_hashes: list[str], paths: list[str]) -> AvatarJob:
        now = time.time()
        job = AvatarJob(0, account, generation, name, photo_hashes, paths, JobState.UPLOADING, created_at=now)
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO avatar_jobs (account, generation, name, photo_hashes, state, group_id, detail,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (account, generation, name, json.dumps(photo_hashes), job.state.value, None, _detail(job), now, now),
            )
            job.id = int(cursor.lastrowid or 0)
        return job

    def save(self, job: AvatarJob) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE avatar_jobs SET state=?, group_id=?, detail=?, updated_at=? WHERE id=?",
                (job.state.value, job.group_id, _detail(job), time.time(), job.id),
            )

    def get(self, job_id: int) -> AvatarJob | None:
        row = self._db.connection().execute("SELECT * FROM avatar_jobs WHERE id=?", (job_id,)).fetchone()
        return _job(row) if row else None

    def unfinished(self, account: str, generation: str) -> list[AvatarJob]:
        """Jobs of this account and API generation that stopped before done or failed, oldest first."""
        rows = (
            self._db.connection()
            .execute(
                "SELECT * FROM avatar_jobs WHERE account=? AND generation=? AND state NOT IN (?, ?) ORDER BY id",
                (account, generation, JobState.DONE.value, JobState.FAILED.value),
            )
            .fetchall()
        )
        return [_job(row) for row in rows]


def _detail(job: AvatarJob) -> str:
    return json.dumps(
        {
            "paths": job.paths,
            "refs": job.refs,
            "looks_added": job.looks_added,
            "create_sent": job.create_sent,
            "message": job.message,
            "needs_consent": job.needs_consent,
        }
    )


def _job(row: sqlite3.Row) -> AvatarJob:
    detail = json.loads(row["detail"] or "{}")
    return AvatarJob(
        id=row["id"],
        account=row["account"],
        generation=row["generation"],
        name=row["name"],
        photo_hashes=json.loads(row["photo_hashes"]),
        paths=detail.get("paths", []),
        state=JobState(row["state"]),
        group_id=row["group_id"],
        refs=detail.get("refs", {}),
        looks_added=detail.get("looks_added", 0),
        create_sent=detail.get("create_sent", False),
        message=detail.get("message", ""),
        needs_consent=detail.get("needs_consent", False),
        created_at=row["created_at"],
    )
