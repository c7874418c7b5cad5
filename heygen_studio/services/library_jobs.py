"""Training, AI photo and look generation, motion: started, stored, polled with backoff, resumed after a restart."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from heygen_studio.api import HeyGenApi, HeyGenError, Status
from heygen_studio.services.avatar_builder import LOOK_NUMBER, add_named_look
from heygen_studio.storage.library_jobs import JobKind, JobState, LibraryJob, LibraryJobStore

if TYPE_CHECKING:
    from heygen_studio.session import Session

log = logging.getLogger(__name__)

Starter = Callable[[HeyGenApi], Awaitable[str | None]]
LOOKS_BEFORE = "looks_before"  # in a v2 looks job's result: the group's looks named after its label before adding
INTERRUPTED = (
    "The app closed before HeyGen answered, so it was not sent again (that could charge twice). "
    "Check your avatars and start it again if it is missing."
)


class LibraryJobs(QObject):
    """`changed(job)` on every state change; finished training, looks and motion emit session.avatars_changed."""

    changed = Signal(object)

    def __init__(
        self, session: Session, poll_s: float = 2.0, max_poll_s: float = 30.0, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.store = LibraryJobStore(session.db)
        self.poll_s = poll_s
        self.max_poll_s = max_poll_s
        self._pollers: dict[int, asyncio.Task[None]] = {}

    def start(self, kind: JobKind, label: str, group_id: str | None, starter: Starter) -> asyncio.Task[None]:
        """Write the job, send its request with `starter(api)` (returns the id to poll), then poll it."""
        return self.session.tasks.spawn(self._start(kind, label, group_id, starter), f"library job {kind}")

    async def recent(self) -> list[LibraryJob]:
        connection = self.session.connection
        if connection is None:
            return []
        return await asyncio.to_thread(self.store.recent, connection.account_id, connection.generation)

    async def resume(self) -> None:
        """Stop polling for the previous account; poll this account's unfinished jobs again."""
        for task in self._pollers.values():
            task.cancel()
        self._pollers.clear()
        connection = self.session.connection
        if connection is None or self.session.api is None:
            return
        for job in await asyncio.to_thread(self.store.unfinished, connection.account_id, connection.generation):
            if job.state is JobState.STARTING:
                await self._set(job, JobState.FAILED, detail=INTERRUPTED)
            else:
                self._poll_later(job)

    async def _start(self, kind: JobKind, label: str, group_id: str | None, starter: Starter) -> None:
        api = self.session.require_api()
        connection = self.session.connection
        assert connection is not None
        job = await asyncio.to_thread(self.store.add, connection.account_id, api.generation, kind, label, group_id)
        self.changed.emit(job)
        try:
            remote_id = await starter(api)
        except HeyGenError as error:
            await self._set(job, JobState.FAILED, detail=str(error))
            return
        job = await self._set(job, JobState.RUNNING, remote_id=remote_id or group_id, detail="Started")
        self._poll_later(job)

    def _poll_later(self, job: LibraryJob) -> None:
        api = self.session.api
        if api is None:
            return
        task = self.session.tasks.spawn(self._poll(job, api), f"poll library job {job.id}")
        self._pollers[job.id] = task
        task.add_done_callback(lambda _: self._pollers.pop(job.id, None))

    async def _poll(self, job: LibraryJob, api: HeyGenApi) -> None:
        delay = self.poll_s
        while True:
            try:
                status, detail, result = await self._check(job, api)
            except HeyGenError as error:
                log.info("Polling job %s: %r", job.id, error)
                status, detail, result = Status.PROCESSING, f"Checking again soon ({error})", None
            if api is not self.session.api:
                return  # the account changed while asking: stale
            if status is Status.COMPLETED:
                try:
                    job = await self._finish(job, api, result or {})
                except HeyGenError as error:
                    await self._set(job, JobState.FAILED, detail=str(error), result=result)
                    return
                await self._set(job, JobState.DONE, detail="Done", result=result)
                if job.kind is not JobKind.PHOTOS or api.generation == "v3":
                    self.session.avatars_changed.emit()
                return
            if status.is_final:
                await self._set(job, JobState.FAILED, detail=detail or "HeyGen could not finish this job.")
                return
            if detail != job.detail:
                job = await self._set(job, JobState.RUNNING, detail=detail)
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 1.5, self.max_poll_s)

    async def _check(self, job: LibraryJob, api: HeyGenApi) -> tuple[Status, str, dict[str, list[str]] | None]:
        remote_id = job.remote_id or ""
        if job.kind is JobKind.TRAIN:
            training = await api.training_status(remote_id)
            return training.status, training.error or _words(training.status), None
        if job.kind is JobKind.MOTION:
            look = await api.get_look(remote_id)
            status = look.status or Status.COMPLETED
            return status, look.error or _words(status), None
        generation = await api.generation_status(remote_id)
        result = {"image_urls": list(generation.image_urls), "image_keys": list(generation.image_keys)}
        return generation.status, generation.message or _words(generation.status), result

    async def _finish(self, job: LibraryJob, api: HeyGenApi, result: dict[str, list[str]]) -> LibraryJob:
        """Looks generated on v2 are only images: add them to the group (v3 already made the look), once, each
        under its own name ("at the beach — look 3": the numbers go on from looks an earlier job named so).

        The group's looks named after the job are counted and saved before adding, so a job resumed after
        a restart adds only the images that are not in the group yet (they are added one by one, in order)."""
        keys = result.get("image_keys") or []
        if job.kind is not JobKind.LOOKS or api.generation != "v2" or not job.group_id or not keys:
            return job
        group_id = job.group_id
        named = await _looks_named(api, group_id, job.label)
        before = job.result.get(LOOKS_BEFORE)
        if before is None:
            before = named
            job = await self._set(
                job,
                JobState.RUNNING,
                detail="Adding the new looks to the avatar…",
                result={**result, LOOKS_BEFORE: before},
            )
        done = min(max(named - before, 0), len(keys))
        if done:
            log.info("Library job %d: %d of its looks were added before a restart", job.id, done)
        for index in range(done, len(keys)):
            await add_named_look(api, group_id, keys[index], job.label, before + index + 1)
        return job

    async def _set(
        self,
        job: LibraryJob,
        state: JobState,
        *,
        remote_id: str | None = None,
        detail: str | None = None,
        result: dict[str, Any] | None = None,
    ) -> LibraryJob:
        updated = await asyncio.to_thread(
            self.store.update, job.id, state=state, remote_id=remote_id, detail=detail, result=result
        )
        self.changed.emit(updated)
        return updated


async def _looks_named(api: HeyGenApi, group_id: str, label: str) -> int:
    """How many of the group's looks are named after `label` ("label — look 2", or plain "label")."""
    numbered = f"{label}{LOOK_NUMBER}"
    count, token = 0, None
    while True:
        page = await api.list_looks(group_id, token=token)
        count += sum(look.name == label or look.name.startswith(numbered) for look in page.items)
        token = page.next_token
        if not token:
            return count


def _words(status: Status) -> str:
    return {
        Status.PENDING: "Waiting to start",
        Status.WAITING: "Waiting to start",
        Status.PROCESSING: "Working on it…",
        Status.COMPLETED: "Done",
    }.get(status, status.value)
