"""Create avatar: upload the photos, make the group from the first, add the rest as looks, train, wait."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from heygen_studio.api import HeyGenApi
from heygen_studio.api.models import Status
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import PaidAction, action_price
from heygen_studio.services.uploads import PhotoBytes, Uploader, read_photo
from heygen_studio.storage.avatar_jobs import AvatarJob, AvatarJobs, JobState
from heygen_studio.storage.database import Database

log = logging.getLogger(__name__)

StepReport = Callable[[AvatarJob, str, "float | None"], None]
"""Called with the job, what is happening in plain words, and the fraction done (None: no estimate)."""

_CLOCK_SLACK_S = 300  # a group HeyGen dates this much before the job is not the job's group


LOOK_NUMBER = " — look "


def look_name(avatar: str, number: int) -> str:
    """The name of an avatar's `number`th look made from a photo: "Alex — look 2" (the first is the avatar's own)."""
    return f"{avatar}{LOOK_NUMBER}{number}"


async def add_named_look(api: HeyGenApi, group_id: str, ref: str, avatar: str, number: int) -> None:
    """Add one photo to the group as its `number`th look, under its own name (one call per look, so
    each gets a name of its own: the legacy API names a whole batch alike and can't rename looks)."""
    await api.add_looks(group_id, [ref], look_name(avatar, number))


def avatar_price(prices: str, photos: int, *, trained: bool) -> Money | None:
    """What Create avatar costs with `photos` photos at the `prices` list ("v3" dollars, "v2" credits): the call
    that makes the avatar, one more call per extra photo, and the training the legacy API runs when `trained`
    (3 photos on v3: $3.00)."""
    first = action_price(PaidAction.CREATE_AVATAR, prices)
    more = action_price(PaidAction.ADD_PHOTO, prices, max(photos - 1, 0))
    if first is None or more is None:
        return None
    training = action_price(PaidAction.TRAINING, prices) if trained else None
    return first + more + (training or Money.zero(first.currency))


_BEFORE_TRAINING = frozenset({JobState.UPLOADING, JobState.CREATING, JobState.ADDING, JobState.TRAINING})


def price_left(job: AvatarJob, prices: str) -> Money | None:
    """What carrying `job` on still costs at the `prices` list: the avatar if it is not made yet, the looks
    not added yet, and the legacy training if it has not been asked for."""
    first = action_price(PaidAction.CREATE_AVATAR, prices)
    more = action_price(PaidAction.ADD_PHOTO, prices, max(len(job.photo_hashes) - 1 - job.looks_added, 0))
    if first is None or more is None:
        return None
    total = more + (first if job.group_id is None else Money.zero(first.currency))
    training = action_price(PaidAction.TRAINING, prices)
    if job.generation == "v2" and job.state in _BEFORE_TRAINING and training is not None:
        total = total + training
    return total


class JobFailed(Exception):
    """HeyGen refused or failed the avatar; str() is the plain reason, also saved on the job."""


class AvatarBuilder:
    """Runs avatar jobs step by step, saving each step to the database before attempting it."""

    def __init__(self, db: Database, uploader: Uploader | None = None, poll_s: float = 5.0) -> None:
        self.jobs = AvatarJobs(db)
        self.uploader = uploader or Uploader(db)
        self.poll_s = poll_s

    async def start(
        self, api: HeyGenApi, account: str, name: str, paths: Sequence[Path], report: StepReport | None = None
    ) -> AvatarJob:
        """Write a new job for `paths` (the first makes the group) and run it to the end."""
        photos = await asyncio.to_thread(lambda: [read_photo(Path(path)) for path in paths])
        job = await asyncio.to_thread(
            self.jobs.create,
            account,
            api.generation,
            name,
            [photo.content_hash for photo in photos],
            [str(photo.path) for photo in photos],
        )
        return await self.run(api, job, report, photos)

    async def unfinished(self, account: str, generation: str) -> list[AvatarJob]:
        return await asyncio.to_thread(self.jobs.unfinished, account, generation)

    async def run(
        self,
        api: HeyGenApi,
        job: AvatarJob,
        report: StepReport | None = None,
        photos: Sequence[PhotoBytes] | None = None,
    ) -> AvatarJob:
        """Carry `job` on from where it stopped. HeyGen errors propagate with the job left resumable;
        JobFailed means the job is over (saved as failed)."""
        say = report or (lambda job, text, fraction: None)
        try:
            if job.state is JobState.UPLOADING:
                await self._upload(api, job, say, photos)
            if job.state is JobState.CREATING:
                await self._create(api, job, say)
            if job.state is JobState.ADDING:
                await self._add_looks(api, job, say)
            if job.state is JobState.TRAINING:
                say(job, "Asking HeyGen to train your avatar…", None)
                await api.train(job.group_id or "")
                await self._advance(job, JobState.POLLING)
            if job.state is JobState.POLLING:
                await self._wait(api, job, say)
        except JobFailed as failure:
            job.message = str(failure)
            await self._advance(job, JobState.FAILED)
            say(job, job.message, None)
            raise
        say(job, "HeyGen needs the person's consent." if job.needs_consent else "Your avatar is ready.", 1.0)
        return job

    async def abandon(self, job: AvatarJob) -> None:
        """Stop resuming `job` (the user gave up on it)."""
        job.message = job.message or "Stopped."
        await self._advance(job, JobState.FAILED)

    async def _advance(self, job: AvatarJob, state: JobState) -> None:
        job.state = state
        await asyncio.to_thread(self.jobs.save, job)

    async def _upload(
        self, api: HeyGenApi, job: AvatarJob, say: StepReport, photos: Sequence[PhotoBytes] | None
    ) -> None:
        count = len(job.photo_hashes)
        for index, (digest, path) in enumerate(zip(job.photo_hashes, job.paths, strict=True)):
            if digest in job.refs:
                continue
            photo = photos[index] if photos is not None else await self._reread(path, digest)
            text = f"Uploading photo {index + 1} of {count}…"

            def progress(sent: int, total: int, index: int = index, text: str = text) -> None:
                say(job, text, (index + sent / max(total, 1)) / count * 0.4)

            say(job, text, index / count * 0.4)
            upload = await self.uploader.upload(api, job.account, photo, progress)
            job.refs[digest] = upload.ref
            await asyncio.to_thread(self.jobs.save, job)
        await self._advance(job, JobState.CREATING)

    async def _reread(self, path: str, digest: str) -> PhotoBytes:
        try:
            photo = await asyncio.to_thread(read_photo, Path(path))
        except OSError:
            raise JobFailed(
                f"The photo {path} is no longer there, so this avatar can't be finished. "
                "Add the photo again and click Create avatar."
            ) from None
        if photo.content_hash != digest:
            raise JobFailed(
                f"The photo {path} was changed since you clicked Create avatar. Add it again and click Create avatar."
            )
        return photo

    async def _create(self, api: HeyGenApi, job: AvatarJob, say: StepReport) -> None:
        say(job, "Creating your avatar on HeyGen…", 0.45)
        if job.group_id is None and job.create_sent:
            job.group_id = await self._find_group(api, job)
        if job.group_id is None:
            job.create_sent = True  # saved before sending: a restart looks for the group instead of re-sending
            await asyncio.to_thread(self.jobs.save, job)
            created = await api.create_photo_avatar(job.name, job.refs[job.photo_hashes[0]])
            job.group_id = created.group.id
        await self._advance(job, JobState.ADDING)

    async def _find_group(self, api: HeyGenApi, job: AvatarJob) -> str | None:
        """The group an earlier, unanswered create request made for this job, if HeyGen has it."""
        token: str | None = None
        while True:
            page = await api.list_groups("private", token)
            for group in page.items:
                recent = group.created_at is None or group.created_at >= job.created_at - _CLOCK_SLACK_S
                if group.name == job.name and recent:
                    log.info("Avatar job %d: found the group made before the restart", job.id)
                    return group.id
            token = page.next_token
            if not token:
                return None

    async def _add_looks(self, api: HeyGenApi, job: AvatarJob, say: StepReport) -> None:
        refs = [job.refs[digest] for digest in job.photo_hashes[1:]]
        while job.looks_added < len(refs):
            say(job, f"Adding look {job.looks_added + 1} of {len(refs)}…", 0.5 + 0.2 * job.looks_added / len(refs))
            await add_named_look(api, job.group_id or "", refs[job.looks_added], job.name, job.looks_added + 2)
            job.looks_added += 1
            await asyncio.to_thread(self.jobs.save, job)
        await self._advance(job, JobState.TRAINING if api.generation == "v2" else JobState.POLLING)

    async def _wait(self, api: HeyGenApi, job: AvatarJob, say: StepReport) -> None:
        started = time.monotonic()
        while True:
            status = await api.training_status(job.group_id or "")
            if status.status is Status.FAILED:
                raise JobFailed(
                    f"HeyGen couldn't make this avatar: {status.error or 'no reason given'}. Try other photos."
                )
            if status.status is Status.NOT_FOUND:
                raise JobFailed("This avatar was deleted on HeyGen before it was ready.")
            if status.status in (Status.COMPLETED, Status.PENDING_CONSENT):
                job.needs_consent = status.status is Status.PENDING_CONSENT
                await self._advance(job, JobState.DONE)
                return
            minutes = int((time.monotonic() - started) // 60)
            waited = f" ({minutes} min so far)" if minutes else ""
            say(job, f"HeyGen is preparing your avatar{waited}. This usually takes a few minutes.", 0.8)
            await asyncio.sleep(self.poll_s)
