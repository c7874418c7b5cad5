"""Library jobs in SQLite: training, AI photo and look generations, motion; written before polling starts."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from heygen_studio.storage.database import Database


class JobKind(StrEnum):
    TRAIN = "train"
    PHOTOS = "photos"
    LOOKS = "looks"
    MOTION = "motion"


class JobState(StrEnum):
    STARTING = "starting"  # written, request not answered yet
    RUNNING = "running"  # HeyGen accepted it; polling
    DONE = "done"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED)


@dataclass(frozen=True)
class LibraryJob:
    """One job of one account; `result` holds what it produced (image URLs and keys)."""

    id: int
    account: str
    generation: str
    kind: JobKind
    label: str
    state: JobState
    remote_id: str | None = None
    group_id: str | None = None
    detail: str | None = None
    result: dict[str, Any] = field(default_factory=dict)
    created_at: float = 0.0


class LibraryJobStore:
    """Blocking reads and writes: call through `asyncio.to_thread`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, account: str, generation: str, kind: JobKind, label: str, group_id: str | None) -> LibraryJob:
        now = time.time()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO library_jobs (account, generation, kind, label, group_id, state, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (account, generation, kind.value, label, group_id, JobState.STARTING.value, now, now),
            )
            job_id = int(cursor.lastrowid or 0)
        return self.get(job_id)

    def update(
        self,
        job_id: int,
        *,
        state: JobState,
        remote_id: str | None = None,
        detail: str | None = None,
        result: dict[str, Any] | None = None,
    ) -> LibraryJob:
        """Set the state (and remote id, detail, result when given)."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE library_jobs SET state=?, remote_id=COALESCE(?, remote_id), detail=?,"
                " result=COALESCE(?, result), updated_at=? WHERE id=?",
                (
                    state.value,
                    remote_id,
                    detail,
                    json.dumps(result) if result is not None else None,
                    time.time(),
                    job_id,
                ),
            )
        return self.get(job_id)

    def get(self, job_id: int) -> LibraryJob:
        row = self._db.connection().execute("SELECT * FROM library_jobs WHERE id=?", (job_id,)).fetchone()
        return _job(row)

    def recent(self, account: str, generation: str, limit: int = 20) -> list[LibraryJob]:
        """The account's latest jobs, newest first (unfinished ones included)."""
        rows = (
            self._db.connection()
            .execute(
                "SELECT * FROM library_jobs WHERE account=? AND generation=? ORDER BY id DESC LIMIT ?",
                (account, generation, limit),
            )
            .fetchall()
        )
        return [_job(row) for row in rows]

    def unfinished(self, account: str, generation: str) -> list[LibraryJob]:
        rows = (
            self._db.connection()
            .execute(
                "SELECT * FROM library_jobs WHERE account=? AND generation=? AND state IN (?, ?) ORDER BY id",
                (account, generation, JobState.STARTING.value, JobState.RUNNING.value),
            )
            .fetchall()
        )
        return [_job(row) for row in rows]


def _job(row: Any) -> LibraryJob:
    return LibraryJob(
        id=row["id"],
        account=row["account"],
        generation=row["generation"],
        kind=JobKind(row["kind"]),
        label=row["label"],
        state=JobState(row["state"]),
        remote_id=row["remote_id"],
        group_id=row["group_id"],
        detail=row["detail"],
        result=json.loads(row["result"]) if row["result"] else {},
        created_at=row["created_at"],
    )
