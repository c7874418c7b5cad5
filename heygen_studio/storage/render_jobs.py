"""Render jobs in SQLite: written before any request leaves, claimed by one process at a time through a lease."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from heygen_studio.api.models import (
    AspectRatio,
    Dimension,
    Emotion,
    Expressiveness,
    Resolution,
    SceneSpec,
    TalkingStyle,
    VideoKind,
    VideoSpec,
)
from heygen_studio.domain.money import Currency, Money
from heygen_studio.domain.pricing import AvatarType, Engine
from heygen_studio.storage.database import Database


class JobStatus(StrEnum):
    QUEUED = "queued"  # saved here; nothing sent yet
    SUBMITTING = "submitting"  # the create request may have left; no remote id yet
    WAITING = "waiting"  # HeyGen accepted it and queued it
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"  # HeyGen finished; the files are being downloaded
    DOWNLOADED = "downloaded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL

    @property
    def rendering(self) -> bool:
        """Counts against the account's concurrency: sent (or being sent) and not finished."""
        return self in IN_FLIGHT


IN_FLIGHT = frozenset({JobStatus.SUBMITTING, JobStatus.WAITING, JobStatus.PENDING, JobStatus.PROCESSING})
FINAL = frozenset({JobStatus.DOWNLOADED, JobStatus.FAILED, JobStatus.CANCELLED})
ACTIVE = tuple(status.value for status in JobStatus if status not in FINAL)


@dataclass(frozen=True)
class NewJob:
    """What the queue writes for a new render (the row id and times are added on insert)."""

    account: str
    generation: str
    title: str
    title_token: str
    idempotency_key: str
    spec: str
    look_thumbnail_url: str | None
    estimated_seconds: float
    estimated_credits: float
    output_dir: str
    cost_amount: str | None = field(default=None, kw_only=True)
    """The quoted price (a decimal number as text) in `cost_currency`; None for rows from before prices."""
    cost_currency: str | None = field(default=None, kw_only=True)
    audio_path: str | None = field(default=None, kw_only=True)
    """The user's own recording, uploaded just before the render is sent (services.render_inputs)."""
    photo_path: str | None = field(default=None, kw_only=True)
    """The photo an image video animates, uploaded just before the render is sent."""
    upload_key: str | None = field(default=None, kw_only=True)
    """The Idempotency-Key those uploads carry (one suffix per file), so none is ever uploaded twice."""
    batch_group: str | None = field(default=None, kw_only=True)
    """The group a caller queued this render in (a batch run): on v3 its queued renders go out in batch calls."""


@dataclass(frozen=True)
class RenderJob(NewJob):
    """One row of the queue: what was asked for, and how far it got."""

    id: int
    status: JobStatus
    needs_decision: bool
    remote_id: str | None
    error: str | None
    request_id: str | None
    video_url: str | None
    file_path: str | None
    created_at: float
    submitted_at: float | None
    finished_at: float | None
    updated_at: float
    lease_owner: str | None
    lease_until: float | None
    remote_deleted_at: float | None = None  # the user deleted the video from their HeyGen account
    removed_at: float | None = None  # the user removed it from the Renders list (its files stay)
    key_sent_at: float | None = None  # when a request with `idempotency_key` first left (None: not yet)
    batch_call: str | None = None  # the batch call that carries it, written before the call leaves
    batch_id: str | None = None  # HeyGen's id of that batch, written the moment it answers
    batch_index: int | None = None  # its place in that batch's list of videos

    @property
    def key_age_s(self) -> float | None:
        """How long ago the key was first sent (from when the job was saved, for jobs older than the column)."""
        if self.status == JobStatus.QUEUED and self.key_sent_at is None:
            return None
        return time.time() - (self.key_sent_at or self.created_at)

    @classmethod
    def from_row(cls, row: Any) -> RenderJob:
        values = dict(row)
        values["status"] = JobStatus(values["status"])
        values["needs_decision"] = bool(values["needs_decision"])
        return cls(**values)

    def video_spec(self) -> VideoSpec:
        return spec_from_json(self.spec)

    @property
    def is_draft(self) -> bool:
        """A cheap look at the video (Avatar III, 720p), shown as Draft in Renders."""
        return bool(self._spec_field("draft"))

    @property
    def kind(self) -> VideoKind:
        """An avatar video, or a photo animated directly (no avatar created)."""
        try:
            return VideoKind(self._spec_field("kind") or VideoKind.AVATAR)
        except ValueError:  # a kind a newer app wrote
            return VideoKind.AVATAR

    def _spec_field(self, name: str) -> Any:
        try:
            return json.loads(self.spec).get(name)
        except (ValueError, AttributeError):  # damaged settings: _submit reports them
            return None

    @property
    def cost(self) -> Money | None:
        """What this render was quoted at, in the account's unit (None for rows from before prices)."""
        if self.cost_amount is None or self.cost_currency is None:
            return None
        return Money(Decimal(self.cost_amount), Currency(self.cost_currency))


def cost_columns(cost: Money | None) -> dict[str, str | None]:
    """The NewJob fields that store `cost`."""
    return {
        "cost_amount": None if cost is None else str(cost.amount),
        "cost_currency": None if cost is None else cost.currency.value,
    }


def spec_to_json(spec: VideoSpec) -> str:
    return json.dumps(asdict(spec), ensure_ascii=False, sort_keys=True)


def spec_from_json(text: str) -> VideoSpec:
    data = json.loads(text)
    scenes = tuple(
        replace(
            SceneSpec(**scene),
            emotion=Emotion(scene["emotion"]) if scene.get("emotion") else None,
            talking_style=TalkingStyle(scene["talking_style"]) if scene.get("talking_style") else None,
            expressiveness=Expressiveness(scene["expressiveness"]) if scene.get("expressiveness") else None,
        )
        for scene in data.pop("scenes")
    )
    dimension = data.pop("dimension")
    return VideoSpec(
        **{
            **data,
            "aspect_ratio": AspectRatio(data["aspect_ratio"]),
            "resolution": Resolution(data["resolution"]),
            "engine": Engine(data.get("engine", Engine.AVATAR_IV)),
            "avatar_type": AvatarType(data["avatar_type"]) if data.get("avatar_type") else None,
            "kind": VideoKind(data.get("kind", VideoKind.AVATAR)),
            "supported_engines": tuple(Engine(name) for name in data.get("supported_engines", ())),
        },
        scenes=scenes,
        dimension=Dimension(**dimension) if dimension else None,
    )


def process_owner() -> str:
    """Names this process in lease columns: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(4).hex()}"


def owner_alive(owner: str) -> bool:
    """False only when `owner` is a process on this host that no longer exists."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_COLUMNS = {f.name for f in fields(RenderJob)}


class RenderJobs:
    """The render_jobs table. Blocking calls: run them through asyncio.to_thread on the UI thread."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, job: NewJob, now: float | None = None) -> RenderJob:
        now = time.time() if now is None else now
        values = {**asdict(job), "status": JobStatus.QUEUED.value, "created_at": now, "updated_at": now}
        with self._db.transaction() as conn:
            cursor = conn.execute(
                f"INSERT INTO render_jobs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                tuple(values.values()),
            )
            job_id = int(cursor.lastrowid or 0)
        found = self.get(job_id)
        assert found is not None
        return found

    def add_many(self, jobs: Sequence[NewJob], now: float | None = None) -> list[RenderJob]:
        """Several jobs in one transaction: all of them are saved, or none."""
        now = time.time() if now is None else now
        ids = []
        with self._db.transaction() as conn:
            for job in jobs:
                values = {**asdict(job), "status": JobStatus.QUEUED.value, "created_at": now, "updated_at": now}
                cursor = conn.execute(
                    f"INSERT INTO render_jobs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                    tuple(values.values()),
                )
                ids.append(int(cursor.lastrowid or 0))
        return [saved for job_id in ids if (saved := self.get(job_id)) is not None]

    def get(self, job_id: int) -> RenderJob | None:
        row = self._db.connection().execute("SELECT * FROM render_jobs WHERE id=?", (job_id,)).fetchone()
        return RenderJob.from_row(row) if row else None

    def all(self, account: str | None = None) -> list[RenderJob]:
        """Newest first; one account's when `account` is given."""
        if account is None:
            rows = self._db.connection().execute("SELECT * FROM render_jobs ORDER BY id DESC")
        else:
            rows = self._db.connection().execute(
                "SELECT * FROM render_jobs WHERE account=? ORDER BY id DESC", (account,)
            )
        return [RenderJob.from_row(row) for row in rows]

    def listed(self, account: str) -> list[RenderJob]:
        """The account's jobs the Renders list shows (all but those the user removed), newest first."""
        rows = self._db.connection().execute(
            "SELECT * FROM render_jobs WHERE account=? AND removed_at IS NULL ORDER BY id DESC", (account,)
        )
        return [RenderJob.from_row(row) for row in rows]

    def remove(self, job_ids: Iterable[int], now: float | None = None) -> list[int]:
        """Take finished, failed and cancelled jobs off the list (rows and files stay); the ids it removed."""
        ids = tuple(job_ids)
        if not ids:
            return []
        now = time.time() if now is None else now
        final = tuple(status.value for status in FINAL)
        with self._db.transaction() as conn:
            rows = conn.execute(
                f"UPDATE render_jobs SET removed_at=?, updated_at=? WHERE id IN ({', '.join('?' * len(ids))}) "
                f"AND status IN ({', '.join('?' * len(final))}) AND removed_at IS NULL RETURNING id",
                (now, now, *ids, *final),
            ).fetchall()
        return sorted(int(row[0]) for row in rows)

    def update(self, job_id: int, **values: Any) -> RenderJob:
        """Change some columns of a job and return it as it now is."""
        unknown = set(values) - _COLUMNS
        if unknown:
            raise ValueError(f"unknown render_jobs columns: {sorted(unknown)}")
        values = {k: (v.value if isinstance(v, StrEnum) else v) for k, v in values.items()}
        values["updated_at"] = time.time()
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE render_jobs SET {', '.join(f'{k}=?' for k in values)} WHERE id=?",
                (*values.values(), job_id),
            )
        found = self.get(job_id)
        assert found is not None
        return found

    def update_held(self, job_id: int, owner: str, **values: Any) -> RenderJob | None:
        """`update` only while `owner` holds the job's lease (None once another process took it)."""
        return self._update_where(job_id, "lease_owner=?", owner, values)

    def transition(self, job_id: int, expected: JobStatus, **values: Any) -> RenderJob | None:
        """Update only while the job is still in `expected` status (None if it moved on meanwhile)."""
        return self._update_where(job_id, "status=?", expected.value, values)

    def _update_where(self, job_id: int, condition: str, argument: str, values: dict[str, Any]) -> RenderJob | None:
        unknown = set(values) - _COLUMNS
        if unknown:
            raise ValueError(f"unknown render_jobs columns: {sorted(unknown)}")
        values = {k: (v.value if isinstance(v, StrEnum) else v) for k, v in values.items()}
        values["updated_at"] = time.time()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                f"UPDATE render_jobs SET {', '.join(f'{k}=?' for k in values)} WHERE id=? AND {condition}",
                (*values.values(), job_id, argument),
            )
            changed = cursor.rowcount == 1
        return self.get(job_id) if changed else None

    def claim_active(self, account: str, owner: str, lease_s: float, now: float | None = None) -> list[RenderJob]:
        """Lease every unfinished job of `account` that no live process holds; renew ours. Oldest first."""
        now = time.time() if now is None else now
        marks = ", ".join("?" * len(ACTIVE))
        with self._db.transaction() as conn:
            held = conn.execute(
                f"SELECT DISTINCT lease_owner FROM render_jobs WHERE account=? AND status IN ({marks}) "
                "AND lease_owner IS NOT NULL AND lease_owner<>? AND lease_until>=?",
                (account, *ACTIVE, owner, now),
            ).fetchall()
            dead = [row[0] for row in held if not owner_alive(row[0])]
            if dead:
                conn.execute(
                    f"UPDATE render_jobs SET lease_owner=NULL, lease_until=NULL "
                    f"WHERE lease_owner IN ({', '.join('?' * len(dead))})",
                    dead,
                )
            conn.execute(
                f"UPDATE render_jobs SET lease_owner=?, lease_until=? WHERE account=? AND status IN ({marks}) "
                "AND (lease_owner IS NULL OR lease_owner=? OR lease_until<?)",
                (owner, now + lease_s, account, *ACTIVE, owner, now),
            )
            rows = conn.execute(
                f"SELECT * FROM render_jobs WHERE account=? AND status IN ({marks}) AND lease_owner=? ORDER BY id",
                (account, *ACTIVE, owner),
            ).fetchall()
        return [RenderJob.from_row(row) for row in rows]

    def claim_next_submission(
        self, account: str, owner: str, limit: int, singles_only: bool = False
    ) -> RenderJob | None:
        """Move the oldest queued job we hold to `submitting` if the account has a free render slot.

        Counted and changed in one immediate transaction, so two processes never both take the last
        slot. Jobs queued earlier go first even when another process holds them: order is kept.
        `singles_only` leaves batch groups' jobs to claim_batch_call.
        """
        in_flight = tuple(status.value for status in IN_FLIGHT)
        with self._db.transaction() as conn:
            busy = conn.execute(
                f"SELECT COUNT(*) FROM render_jobs WHERE account=? AND status IN ({', '.join('?' * len(in_flight))})",
                (account, *in_flight),
            ).fetchone()[0]
            if busy >= limit:
                return None
            row = conn.execute(
                "SELECT * FROM render_jobs WHERE account=? AND status=? "
                f"{'AND batch_group IS NULL ' if singles_only else ''}ORDER BY id LIMIT 1",
                (account, JobStatus.QUEUED.value),
            ).fetchone()
            if row is None or row["lease_owner"] != owner:
                return None
            now = time.time()
            conn.execute(
                "UPDATE render_jobs SET status=?, updated_at=?, key_sent_at=COALESCE(key_sent_at, ?) WHERE id=?",
                (JobStatus.SUBMITTING.value, now, now, row["id"]),
            )
        return self.get(int(row["id"]))

    def claim_batch_call(self, account: str, owner: str, size: int, call: str) -> list[RenderJob]:
        """Up to `size` queued jobs of the oldest queued batch group, moved to `submitting` under `call` in one
        transaction (the intent, written before the call leaves); none while another process holds that group's
        oldest queued job."""
        queued = JobStatus.QUEUED.value
        with self._db.transaction() as conn:
            first = conn.execute(
                "SELECT batch_group, lease_owner FROM render_jobs WHERE account=? AND status=? "
                "AND batch_group IS NOT NULL ORDER BY id LIMIT 1",
                (account, queued),
            ).fetchone()
            if first is None or first["lease_owner"] != owner:
                return []
            ids = [
                int(row[0])
                for row in conn.execute(
                    "SELECT id FROM render_jobs WHERE account=? AND status=? AND batch_group=? AND lease_owner=? "
                    "ORDER BY id LIMIT ?",
                    (account, queued, first["batch_group"], owner, size),
                )
            ]
            now = time.time()
            conn.executemany(
                "UPDATE render_jobs SET status=?, batch_call=?, updated_at=?, key_sent_at=COALESCE(key_sent_at, ?) "
                "WHERE id=?",
                [(JobStatus.SUBMITTING.value, call, now, now, job_id) for job_id in ids],
            )
        return [job for job_id in ids if (job := self.get(job_id)) is not None]

    def record_batch(self, owner: str, call: str, batch_id: str, job_ids: Sequence[int]) -> list[RenderJob]:
        """HeyGen took the call: each job (in the order sent) gets the batch id and its place, and is `waiting`."""
        now = time.time()
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE render_jobs SET batch_id=?, batch_index=?, status=?, submitted_at=?, updated_at=? "
                "WHERE id=? AND lease_owner=? AND batch_call=?",
                [
                    (batch_id, index, JobStatus.WAITING.value, now, now, job_id, owner, call)
                    for index, job_id in enumerate(job_ids)
                ],
            )
        return [job for job_id in job_ids if (job := self.get(job_id)) is not None]

    def unsend(self, owner: str, job_ids: Iterable[int]) -> list[RenderJob]:
        """Jobs of a batch call that made nothing (refused, or not received) back to `queued` for the next call."""
        ids = tuple(job_ids)
        now = time.time()
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE render_jobs SET status=?, batch_call=NULL, key_sent_at=NULL, updated_at=? "
                "WHERE id=? AND lease_owner=? AND status=?",
                [(JobStatus.QUEUED.value, now, job_id, owner, JobStatus.SUBMITTING.value) for job_id in ids],
            )
        return [job for job_id in ids if (job := self.get(job_id)) is not None]

    def forget_batch(self, owner: str, job_ids: Iterable[int]) -> list[RenderJob]:
        """Jobs whose batch HeyGen no longer knows back to `submitting` under their call, to be looked up by title."""
        ids = tuple(job_ids)
        now = time.time()
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE render_jobs SET status=?, batch_id=NULL, batch_index=NULL, updated_at=? "
                "WHERE id=? AND lease_owner=? AND remote_id IS NULL",
                [(JobStatus.SUBMITTING.value, now, job_id, owner) for job_id in ids],
            )
        return [job for job_id in ids if (job := self.get(job_id)) is not None]

    def call_arrived(self, call: str) -> bool:
        """Whether HeyGen is known to have had batch call `call`: it answered, or made a video of one of its jobs."""
        row = (
            self._db.connection()
            .execute(
                "SELECT 1 FROM render_jobs WHERE batch_call=? "
                "AND (remote_id IS NOT NULL OR batch_id IS NOT NULL) LIMIT 1",
                (call,),
            )
            .fetchone()
        )
        return row is not None

    def in_group(self, batch_group: str) -> list[RenderJob]:
        """The jobs queued in `batch_group`, oldest first."""
        rows = self._db.connection().execute(
            "SELECT * FROM render_jobs WHERE batch_group=? ORDER BY id", (batch_group,)
        )
        return [RenderJob.from_row(row) for row in rows]

    def reserve_file(self, job_id: int, owner: str, choose: Callable[[set[str]], Path]) -> RenderJob | None:
        """Record the job's file name in one immediate transaction, so no other render (in this process or
        another) can take it: `choose` gets the names (case-folded) other unfinished renders hold and returns
        a free one. None if `owner` no longer holds the job."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE render_jobs SET file_path=?, updated_at=? WHERE id=? AND lease_owner=?",
                (str(choose(_taken_names(conn, job_id))), time.time(), job_id, owner),
            )
            changed = cursor.rowcount == 1
        return self.get(job_id) if changed else None

    def name_files(self, choices: Sequence[tuple[int, Callable[[set[str]], Path]]]) -> list[RenderJob]:
        """`reserve_file` for jobs nothing has named yet (a batch's rows, each its own file name, given as they
        are queued), all in one transaction, each `choose` seeing the names given before it; the jobs named."""
        named = []
        with self._db.transaction() as conn:
            taken, now = _taken_names(conn, None), time.time()
            for job_id, choose in choices:
                path = str(choose(taken))
                cursor = conn.execute(
                    "UPDATE render_jobs SET file_path=?, updated_at=? WHERE id=? AND file_path IS NULL AND status<>?",
                    (path, now, job_id, JobStatus.DOWNLOADED.value),
                )
                if cursor.rowcount == 1:
                    taken.add(path.casefold())
                    named.append(job_id)
        return [job for job_id in named if (job := self.get(job_id)) is not None]

    def renew(
        self, account: str, owner: str, lease_s: float, job_ids: Iterable[int], now: float | None = None
    ) -> set[int]:
        """Extend every lease `owner` holds on unfinished jobs of `account`; return those of `job_ids`
        it no longer holds (another process took them after our lease ran out)."""
        now = time.time() if now is None else now
        ids = tuple(job_ids)
        marks = ", ".join("?" * len(ACTIVE))
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE render_jobs SET lease_until=? WHERE account=? AND status IN ({marks}) AND lease_owner=?",
                (now + lease_s, account, *ACTIVE, owner),
            )
            if not ids:
                return set()
            rows = conn.execute(
                f"SELECT id FROM render_jobs WHERE id IN ({', '.join('?' * len(ids))}) "
                "AND (lease_owner IS NULL OR lease_owner<>?)",
                (*ids, owner),
            ).fetchall()
        return {int(row[0]) for row in rows}

    def release(self, owner: str) -> None:
        """Give up every lease `owner` holds (a clean shutdown), so another process may go on at once."""
        with self._db.transaction() as conn:
            conn.execute("UPDATE render_jobs SET lease_owner=NULL, lease_until=NULL WHERE lease_owner=?", (owner,))

    def render_history(self, account: str, limit: int = 20) -> list[tuple[float, float]]:
        """(estimated seconds, seconds HeyGen took) of the account's latest finished renders."""
        rows = (
            self._db.connection()
            .execute(
                "SELECT estimated_seconds, finished_at - submitted_at FROM render_jobs WHERE account=? "
                "AND status IN (?, ?) AND submitted_at IS NOT NULL AND finished_at IS NOT NULL "
                "ORDER BY id DESC LIMIT ?",
                (account, JobStatus.COMPLETED.value, JobStatus.DOWNLOADED.value, limit),
            )
            .fetchall()
        )
        return [(float(row[0]), float(row[1])) for row in rows]


class RenderSettings:
    """The few choices the Renders panel remembers (the output folder), in the render_settings table."""

    OUTPUT_DIR = "output_dir"

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> str | None:
        row = self._db.connection().execute("SELECT value FROM render_settings WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set(self, key: str, value: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO render_settings VALUES (?, ?)", (key, value))


def _taken_names(conn: sqlite3.Connection, job_id: int | None) -> set[str]:
    """The file names (case-folded) unfinished renders hold, but for `job_id`'s."""
    finals = tuple(status.value for status in FINAL)
    rows = conn.execute(
        f"SELECT file_path FROM render_jobs WHERE file_path IS NOT NULL AND id<>? "
        f"AND status NOT IN ({', '.join('?' * len(finals))})",
        (-1 if job_id is None else job_id, *finals),
    )
    return {str(row[0]).casefold() for row in rows}
