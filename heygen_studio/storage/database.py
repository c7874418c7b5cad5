"""The app's SQLite database: WAL journal, ordered migrations, one connection per thread; a damaged file is
moved aside and a fresh one started, a file from a newer app is refused and left as it is."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from heygen_studio.storage.damaged_files import MovedAside, move_aside

MIGRATIONS: tuple[str, ...] = (
    # 1: uploaded photos, so the same bytes are never uploaded twice to one account.
    """
    CREATE TABLE uploaded_assets (
        content_hash TEXT NOT NULL,
        account TEXT NOT NULL,
        generation TEXT NOT NULL,
        ref TEXT NOT NULL,
        url TEXT,
        uploaded_at REAL NOT NULL,
        PRIMARY KEY (content_hash, account, generation)
    );
    """,
    # 2: avatar jobs (create group, add looks, train), resumed after a restart.
    """
    CREATE TABLE avatar_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        generation TEXT NOT NULL,
        name TEXT NOT NULL,
        photo_hashes TEXT NOT NULL,
        state TEXT NOT NULL,
        group_id TEXT,
        detail TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
    # 3: Library jobs (training, AI photo and look generation, motion), polled again after a restart.
    """
    CREATE TABLE library_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        generation TEXT NOT NULL,
        kind TEXT NOT NULL,
        label TEXT NOT NULL,
        remote_id TEXT,
        group_id TEXT,
        state TEXT NOT NULL,
        detail TEXT,
        result TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
    # 4: the render queue: each job is written before its request leaves, its remote id as it comes back.
    """
    CREATE TABLE render_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        generation TEXT NOT NULL,
        title TEXT NOT NULL,
        title_token TEXT NOT NULL UNIQUE,
        idempotency_key TEXT NOT NULL UNIQUE,
        spec TEXT NOT NULL,
        look_thumbnail_url TEXT,
        estimated_seconds REAL NOT NULL,
        estimated_credits REAL NOT NULL,
        output_dir TEXT NOT NULL,
        status TEXT NOT NULL,
        needs_decision INTEGER NOT NULL DEFAULT 0,
        remote_id TEXT,
        error TEXT,
        request_id TEXT,
        video_url TEXT,
        file_path TEXT,
        created_at REAL NOT NULL,
        submitted_at REAL,
        finished_at REAL,
        updated_at REAL NOT NULL,
        lease_owner TEXT,
        lease_until REAL
    );
    CREATE INDEX render_jobs_account_status ON render_jobs (account, status);
    CREATE TABLE render_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)
    """,
    # 5: when the user deleted a render's video from their HeyGen account (the file here stays).
    """
    ALTER TABLE render_jobs ADD COLUMN remote_deleted_at REAL
    """,
    # 6: a render's quoted price in the account's unit (older rows keep estimated_credits), and when the user
    # removed it from the Renders list (the row stays: it remembers what was paid for and sent).
    """
    ALTER TABLE render_jobs ADD COLUMN cost_amount TEXT;
    ALTER TABLE render_jobs ADD COLUMN cost_currency TEXT;
    ALTER TABLE render_jobs ADD COLUMN removed_at REAL
    """,
    # 7: when a render's Idempotency-Key first left (HeyGen forgets keys after 24 hours), and one file name
    # per unfinished render: two renders of one title can never download into one file.
    """
    ALTER TABLE render_jobs ADD COLUMN key_sent_at REAL;
    UPDATE render_jobs SET file_path=NULL WHERE file_path IS NOT NULL
        AND status NOT IN ('downloaded', 'failed', 'cancelled') AND id NOT IN (
            SELECT MIN(id) FROM render_jobs WHERE file_path IS NOT NULL
            AND status NOT IN ('downloaded', 'failed', 'cancelled') GROUP BY file_path);
    CREATE UNIQUE INDEX render_jobs_reserved_file ON render_jobs (file_path)
        WHERE file_path IS NOT NULL AND status NOT IN ('downloaded', 'failed', 'cancelled')
    """,
    # 8: the files a render uploads just before it is sent (the user's own recording, the photo of an image
    # video) and the Idempotency-Key those uploads carry, so after a restart each is uploaded at most once.
    """
    ALTER TABLE render_jobs ADD COLUMN audio_path TEXT;
    ALTER TABLE render_jobs ADD COLUMN photo_path TEXT;
    ALTER TABLE render_jobs ADD COLUMN upload_key TEXT
    """,
    # 9: renders sent in HeyGen batches: the group a caller queued them in, the call that carries them (written
    # before it leaves), HeyGen's batch id (written the moment it answers) and the render's place in that batch.
    """
    ALTER TABLE render_jobs ADD COLUMN batch_group TEXT;
    ALTER TABLE render_jobs ADD COLUMN batch_call TEXT;
    ALTER TABLE render_jobs ADD COLUMN batch_id TEXT;
    ALTER TABLE render_jobs ADD COLUMN batch_index INTEGER;
    CREATE INDEX render_jobs_batch_group ON render_jobs (batch_group) WHERE batch_group IS NOT NULL
    """,
    # 10: which render job each row of a batch (a project and a sheet) became, by the row's content: a run
    # again sends only the rows not sent yet. A row is written before its job, its job id as it is queued.
    """
    CREATE TABLE batch_rows (
        batch_id TEXT NOT NULL,
        row_key TEXT NOT NULL,
        row_number INTEGER NOT NULL,
        job_id INTEGER,
        reserved_at REAL NOT NULL,
        PRIMARY KEY (batch_id, row_key)
    )
    """,
)


SQLITE_COMPANIONS = ("-wal", "-shm")  # the journal files that belong to a database file


class NewerDatabaseError(RuntimeError):
    """The database was written by a newer HeyGen Studio: nothing is opened and the file is left alone."""


class DamagedDatabase(sqlite3.DatabaseError):
    """SQLite's integrity check found damage in the file."""


class Database:
    """A SQLite file in WAL mode; each thread gets its own connection.

    A file that is not a database or fails SQLite's quick check is moved aside (with its journal) and a
    fresh database started; `moved_aside` then says where it went, for the user to be told once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.moved_aside: MovedAside | None = None
        try:
            self._check()
            self._migrate()
        except NewerDatabaseError:
            self.close()
            raise
        except sqlite3.DatabaseError as error:
            reason = _damage(error)
            if reason is None:
                raise
            self.close()
            self.moved_aside = move_aside(path, reason, SQLITE_COMPANIONS)
            self._migrate()

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate transaction: committed on success, rolled back on any exception."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def schema_version(self) -> int:
        return int(self.connection().execute("PRAGMA user_version").fetchone()[0])

    def _check(self) -> None:
        """Damage (SQLite's quick check) or a newer schema, seen on a read-only connection: it never
        checkpoints into, converts or deletes anything."""
        if not self.path.exists():
            return
        with contextlib.closing(sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
            found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if verdict != "ok":
            raise DamagedDatabase(verdict)
        self._refuse_newer(found)

    def _refuse_newer(self, found: int) -> None:
        if found > len(MIGRATIONS):
            raise NewerDatabaseError(
                f"{self.path.name} was written by a newer HeyGen Studio (database version {found}; "
                f"this one reads up to {len(MIGRATIONS)}). Update HeyGen Studio to open it; nothing was "
                f"changed in {self.path}."
            )

    def _migrate(self) -> None:
        with self.transaction() as conn:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            self._refuse_newer(current)  # another process may have upgraded it meanwhile
            for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version}")


def _damage(error: sqlite3.DatabaseError) -> str | None:
    """Why `error` means the file itself is damaged, or None for other trouble (locked, no permission, full)."""
    if isinstance(error, DamagedDatabase):
        return "SQLite's integrity check found damage"
    name = getattr(error, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return "it is not a database"
    if name.startswith("SQLITE_CORRUPT"):
        return "it is damaged"
    return None
