"""Which render job each row of a batch became, so a run again never sends a row twice."""

from __future__ import annotations

import time
from dataclasses import dataclass

from heygen_studio.storage.database import Database


@dataclass(frozen=True)
class BatchRow:
    """A row of a batch that was (or was being) sent: its job id, None when the job may not have been saved."""

    batch_id: str
    row_key: str
    row_number: int
    job_id: int | None
    reserved_at: float


class BatchRows:
    """The batch_rows table. Blocking calls: run them through asyncio.to_thread on the UI thread."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def of_batch(self, batch_id: str) -> dict[str, BatchRow]:
        """The batch's rows that were sent, by row key."""
        rows = self._db.connection().execute("SELECT * FROM batch_rows WHERE batch_id=?", (batch_id,))
        return {row["row_key"]: BatchRow(**dict(row)) for row in rows}

    def reserve_many(self, batch_id: str, rows: list[tuple[str, int]], now: float | None = None) -> None:
        """Write that these rows (key, row number) are about to be queued, before their jobs are, forgetting any
        failed job they had."""
        now = time.time() if now is None else now
        with self._db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO batch_rows (batch_id, row_key, row_number, job_id, reserved_at) "
                "VALUES (?, ?, ?, NULL, ?)",
                [(batch_id, key, number, now) for key, number in rows],
            )

    def link_many(self, batch_id: str, jobs: list[tuple[str, int]]) -> None:
        """The rows' render jobs (key, job id), once they are saved."""
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE batch_rows SET job_id=? WHERE batch_id=? AND row_key=?",
                [(job_id, batch_id, key) for key, job_id in jobs],
            )

    def link(self, batch_id: str, row_key: str, job_id: int) -> None:
        self.link_many(batch_id, [(row_key, job_id)])
