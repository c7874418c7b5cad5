"""Helpers for render-queue tests: a loopback sandbox, a queue on a private database, a ready project."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from heygen_studio.api import HeyGenApi, open_client
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.sandbox.state import SandboxState
from heygen_studio.services.render_queue import QueueTiming, RenderQueue
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import RenderJob
from heygen_studio.tasks import TaskRegistry

FAST = QueueTiming(
    poll_first_s=0.05,
    poll_max_s=0.2,
    error_backoff_max_s=0.5,
    lease_s=5.0,
    idle_s=0.1,
    lookup_patience_s=1.0,
    disk_retry_s=0.2,
)
VOICE = "demo-en-us-ava"


@dataclass
class Rig:
    """One running queue: its database, client, tasks; `restart()` is a fresh process on the same files."""

    db_path: Path
    out: Path
    url: str
    generation: str
    state: SandboxState
    timing: QueueTiming = FAST
    tasks: TaskRegistry | None = None
    api: HeyGenApi | None = None
    db: Database | None = None
    queue: RenderQueue | None = None

    def open(self) -> None:
        """The process's database, client and tasks, with no queue working yet."""
        self.tasks = TaskRegistry()
        self.db = Database(self.db_path)
        self.api = open_client(
            self.generation,
            "sandbox",
            base_url=self.url,
            upload_url=self.url,  # type: ignore[arg-type]
            max_retry_wait_s=0.2,
        )

    def start(self, owner: str | None = None) -> RenderQueue:
        if self.tasks is None or self.tasks._closed:
            self.open()
        assert self.db is not None and self.tasks is not None
        self.queue = RenderQueue(self.db, self.tasks.spawn, timing=self.timing, output_dir=self.out, owner=owner)
        self.queue.attach(self.api, "sandbox")
        return self.queue

    async def kill(self) -> None:
        """Like the process dying: tasks cancelled mid-step, nothing released politely."""
        assert self.tasks is not None and self.api is not None and self.db is not None
        await self.tasks.aclose()
        await self.api.aclose()
        self.db.close()

    async def stop(self) -> None:
        assert self.queue
        await self.queue.aclose()
        await self.kill()

    async def project(self, title: str = "Hello", words: int = 5) -> Project:
        assert self.api
        looks = await self.api.list_looks()
        look = next(look for look in looks.items if look.status is None or look.status.value == "completed")
        return Project(
            title=title,
            look=LookRef(look.id, look.name, look.group_id, look.preview_image_url),
            voice=VoiceRef(VOICE, "Ava"),
            scenes=(Scene(script=" ".join(["word"] * words)),),
        )

    def jobs(self) -> list[RenderJob]:
        assert self.queue
        return self.queue.jobs.all()

    def remote_titles(self) -> list[str]:
        return [video.title or "" for video in self.state.videos.values()]


def faults(url: str, **plan: object) -> None:
    httpx.post(f"{url}/_sandbox/faults", json=plan).raise_for_status()


def counts(url: str) -> dict[str, int]:
    return dict(httpx.get(f"{url}/_sandbox/counts").json())


def never_run(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Future[Any]:
    """A spawn for a queue that only saves jobs: the coroutine is dropped and its task never finishes."""
    coro.close()
    return asyncio.get_running_loop().create_future()


def rig_for(server: SandboxServer, tmp_path: Path, generation: str = "v3") -> Rig:
    """A rig on `server` keeping its database and videos under `tmp_path`."""
    return Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, generation, server.state)
