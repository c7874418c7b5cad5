"""The Photos step's HeyGen work, one piece at a time: uploading photos, or making an avatar (start, resume, stop)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from heygen_studio.api import HeyGenApi
from heygen_studio.services.avatar_builder import AvatarBuilder, JobFailed
from heygen_studio.storage.avatar_jobs import AvatarJob

Progress = Callable[[str, "float | None"], None]
"""What is happening in plain words, and the fraction done (None: no estimate)."""


class AvatarWork:
    """Runs the upload or avatar job the user asked for and tells `progress`, `finished` (a job ended well) and
    `failed` (HeyGen refused the avatar). HeyGen errors propagate with the job left resumable (`carry_on`).

    The caller owns the task running each coroutine: cancelling it pauses a job (it resumes next time), unless
    `stop()` was called first, which abandons it."""

    def __init__(
        self,
        builder: AvatarBuilder,
        progress: Progress,
        finished: Callable[[AvatarJob], None],
        failed: Callable[[str], None],
    ) -> None:
        self.builder = builder
        self._progress = progress
        self._finished = finished
        self._failed = failed
        self.job: AvatarJob | None = None  # the avatar job being made, or the last one that stopped
        self._stopping = False

    @property
    def resumable(self) -> bool:
        """True when the last avatar job stopped part-way and `carry_on` would finish it."""
        return self.job is not None and not self.job.state.finished

    def stop(self) -> None:
        """The user gave up: the job whose task is cancelled next is abandoned, not resumed."""
        self._stopping = True

    def forget(self) -> None:
        """Another account: its job is not this one's to show or carry on."""
        self.job = None

    async def upload(self, api: HeyGenApi, account: str, paths: Sequence[Path]) -> str:
        """Upload `paths` (a photo already on this account is not sent again); the summary to show."""
        self._stopping = False  # nothing to abandon: a stopped upload just stops
        reused = 0
        for number, path in enumerate(paths, start=1):
            text = f"Uploading {path.name} ({number} of {len(paths)})…"
            self._progress(text, (number - 1) / len(paths))

            def progress(sent: int, total: int, number: int = number, text: str = text) -> None:
                self._progress(text, ((number - 1) + sent / max(total, 1)) / len(paths))

            upload = await self.builder.uploader.upload_file(api, account, path, progress)
            reused += upload.reused
        again = f" ({reused} {'was' if reused == 1 else 'were'} already on HeyGen and not sent again)" if reused else ""
        return f"Uploaded {len(paths)} photo{'s' if len(paths) > 1 else ''}{again}."

    async def create(self, api: HeyGenApi, account: str, name: str, paths: Sequence[Path]) -> None:
        """Make the avatar `name` from `paths` (the first makes it, the others become looks)."""
        await self._attempt(self.builder.start(api, account, name, paths, self._report))

    async def carry_on(self, api: HeyGenApi) -> None:
        """Finish the job that stopped part-way."""
        if self.job is not None:
            await self._attempt(self.builder.run(api, self.job, self._report))

    async def unfinished(self, api: HeyGenApi, account: str) -> list[AvatarJob]:
        """The account's jobs a restart or a lost connection interrupted, oldest first."""
        return await self.builder.unfinished(account, api.generation)

    async def resume(self, api: HeyGenApi, jobs: Sequence[AvatarJob]) -> None:
        """Carry each of `jobs` on in turn (one HeyGen refused does not stop the others)."""
        for job in jobs:
            self.job = job
            await self._attempt(self.builder.run(api, job, self._report))

    async def _attempt(self, run: Awaitable[AvatarJob]) -> None:
        try:
            job = await run
        except JobFailed as failure:
            self._failed(str(failure))
            return
        except asyncio.CancelledError:
            if self._stopping and self.job is not None and not self.job.state.finished:
                await self.builder.abandon(self.job)
                self.job = None
            raise
        finally:
            self._stopping = False
        if job.state.finished:
            self._finished(job)

    def _report(self, job: AvatarJob, text: str, fraction: float | None) -> None:
        self.job = job
        self._progress(f"{job.name}: {text}", fraction)
