"""Batch submission for the render queue: a group's queued renders go to HeyGen in calls of up to 100 (v3)."""

from __future__ import annotations

import asyncio
import functools
import logging
import operator
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from heygen_studio.api import (
    ConflictError,
    HeyGenApi,
    HeyGenError,
    InvalidRequestError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    ServerError,
)
from heygen_studio.api.models import MAX_BATCH_VIDEOS, BatchItem, Status, VideoSpec
from heygen_studio.domain.money import Money
from heygen_studio.storage.render_jobs import JobStatus, RenderJob

if TYPE_CHECKING:
    from heygen_studio.services.render_queue import RenderQueue

log = logging.getLogger(__name__)

_ITEM = re.compile(r"videos\[(\d+)\]")
MAYBE_SENT = (OutcomeUnknownError, NetworkError, ServerError, ConflictError)
DECISION_MESSAGE = (
    "This render went to HeyGen in a batch whose answer was lost, and HeyGen has not listed its video for a "
    "long time. Submit it again only if it is not in your videos on heygen.com, or mark it as failed."
)


@dataclass(frozen=True)
class BatchProgress:
    """How a batch group stands: renders downloaded, failed (or stopped), still to come, and what the made ones cost."""

    done: int
    failed: int
    left: int
    spent: Money | None
    """The quoted price of the renders HeyGen made (None when none was priced)."""

    @property
    def total(self) -> int:
        return self.done + self.failed + self.left


def batch_progress(jobs: Sequence[RenderJob]) -> BatchProgress:
    """The counts of one group's jobs."""
    done = sum(1 for job in jobs if job.status == JobStatus.DOWNLOADED)
    failed = sum(1 for job in jobs if job.status in (JobStatus.FAILED, JobStatus.CANCELLED))
    made = [job.cost for job in jobs if job.status in (JobStatus.COMPLETED, JobStatus.DOWNLOADED)]
    costs = [cost for cost in made if cost is not None]
    spent = functools.reduce(operator.add, costs) if costs else None
    return BatchProgress(done=done, failed=failed, left=len(jobs) - done - failed, spent=spent)


def refused_item(error: HeyGenError) -> int | None:
    """Which video of a refused batch HeyGen named (`videos[3].script` → 3), if it named one."""
    field = error.field if isinstance(error, InvalidRequestError) else None
    found = _ITEM.match(field or "")
    return int(found.group(1)) if found else None


@dataclass
class _Due:
    next_at: float
    interval: float


class BatchSubmitter:
    """Sends, recovers and follows the render queue's batch calls; every step is written down before the next.

    A call's jobs are moved to `submitting` under one call id before it leaves, and get HeyGen's batch id the
    moment it answers (then `waiting` until their item has a video id, which the queue then follows like any
    render). HeyGen honours no Idempotency-Key on batches, so a call whose answer never came is never re-sent:
    each job's video is looked up by its title token first. When some are found the batch arrived, and the rest
    are items HeyGen has not made yet (it makes them as the plan's concurrency frees up): they are looked up
    again until found. When none is found, twice, the call is taken not to have arrived and its jobs go out again.
    """

    def __init__(self, queue: RenderQueue) -> None:
        self.queue = queue
        self._batches: dict[str, _Due] = {}  # batch id -> when to read it next
        self._lookups: dict[str, _Due] = {}  # call id -> when to look its jobs up next
        self._not_found_once: set[str] = set()  # calls whose jobs were all looked up once and none was found
        self._looking_since: dict[str, float] = {}  # call id -> when its jobs were first looked up

    async def tick(self, api: HeyGenApi, account: str, jobs: Sequence[RenderJob]) -> bool:
        """One round: recover calls with no answer, follow batches, send what is queued. False when the
        account can take no more now (rate limited, or HeyGen's answer was unclear)."""
        calls: dict[str, list[RenderJob]] = defaultdict(list)
        batches: dict[str, list[RenderJob]] = defaultdict(list)
        for job in jobs:
            if job.status == JobStatus.SUBMITTING and job.batch_call and not job.needs_decision:
                calls[job.batch_call].append(job)
            elif job.status == JobStatus.WAITING and job.batch_id and not job.remote_id:
                batches[job.batch_id].append(job)
        self._forget_all_but(calls, batches)
        for call, members in calls.items():
            if self._due(self._lookups, call):
                await self._recover(api, call, members)
        for batch_id, members in batches.items():
            if self._due(self._batches, batch_id):
                await self._follow(api, batch_id, members)
        if not any(job.status == JobStatus.QUEUED and job.batch_group for job in jobs):
            return True
        while members := await asyncio.to_thread(
            self.queue.jobs.claim_batch_call, account, self.queue.owner, MAX_BATCH_VIDEOS, uuid.uuid4().hex
        ):
            if not await self._send(api, members):
                return False
        return True

    # --- sending ---------------------------------------------------------------------------------

    async def _send(self, api: HeyGenApi, jobs: list[RenderJob]) -> bool:
        """One batch call for `jobs` (saved as `submitting` under their call); False when nothing more should go now."""
        specs: list[VideoSpec] = []
        sendable: list[RenderJob] = []
        for job in jobs:
            spec = self.queue.sendable_spec(job)
            if isinstance(spec, str):
                await self.queue._fail(job, HeyGenError(spec))
            else:
                specs.append(spec)
                sendable.append(job)
        if not sendable:
            return True
        try:
            batch_id = await api.submit_video_batch(specs, title=jobs[0].batch_group)
        except RateLimitedError as error:
            await self._unsend(sendable)
            self.queue._rate_limited(error)
            return False
        except MAYBE_SENT as error:  # maybe made: the jobs stay `submitting` under their call; recovery looks
            log.warning("Batch of %d renders: no clear answer (%r); will look them up", len(sendable), error)
            self.queue._backoff(error)
            return False
        except HeyGenError as error:  # refused, so nothing was made
            await self._refused(sendable, error)
            return True
        saved = await asyncio.to_thread(
            self.queue.jobs.record_batch,
            self.queue.owner,
            sendable[0].batch_call or "",
            batch_id,
            [job.id for job in sendable],
        )
        log.info("Batch %s: %d renders sent in one call", batch_id, len(saved))
        self.queue._reached()
        for job in saved:
            self.queue._changed(job)
        self._batches[batch_id] = _Due(
            time.monotonic() + self.queue.timing.poll_first_s, self.queue.timing.poll_first_s
        )
        return True

    async def _refused(self, jobs: list[RenderJob], error: HeyGenError) -> None:
        """A refused call: the video HeyGen named fails alone and the rest go in the next call; a refusal that
        names none (no credits, a key or plan problem) fails them all, as it would fail each on its own."""
        index = refused_item(error)
        if index is None or index >= len(jobs):
            for job in jobs:
                await self.queue._fail(job, error)
            return
        log.info("Batch call refused because of render %d (%s); sending the others", jobs[index].id, error)
        await self.queue._fail(jobs[index], error)
        await self._unsend([job for position, job in enumerate(jobs) if position != index])

    async def _unsend(self, jobs: list[RenderJob]) -> None:
        for job in await asyncio.to_thread(self.queue.jobs.unsend, self.queue.owner, [job.id for job in jobs]):
            self.queue._changed(job)

    # --- after a call with no answer -------------------------------------------------------------

    async def _recover(self, api: HeyGenApi, call: str, jobs: list[RenderJob]) -> None:
        """Find each job's video by its title token before anything of this call is sent again."""
        found: dict[int, list[str]] = {}
        try:
            for job in jobs:
                found[job.id] = [video.video_id for video in await self.queue._find_by_token(api, job.title_token)]
        except HeyGenError as error:
            log.warning(
                "Batch call %s: HeyGen's list of videos could not be read (%r); looking again later", call, error
            )
            self.queue._backoff(error)
            return
        self.queue._reached()
        arrived = any(found.values()) or await asyncio.to_thread(self.queue.jobs.call_arrived, call)
        for job in jobs:
            videos = found[job.id]
            if len(videos) == 1:
                log.info("Render %d: found on HeyGen by its title token; adopting %s", job.id, videos[0])
                await self.queue._adopt(job, videos[0], Status.WAITING)
            elif len(videos) > 1:
                await self.queue._ask(
                    job,
                    f"HeyGen lists {len(videos)} videos named like this render. "
                    "Check your videos on heygen.com, then submit again or mark it as failed.",
                    None,
                )
        missing = [job for job in jobs if not found[job.id]]
        since = self._looking_since.setdefault(call, time.monotonic())
        if not missing or arrived:  # the rest are items HeyGen has not made yet: look again later
            self._not_found_once.discard(call)
            if missing and time.monotonic() - since > self.queue.timing.lookup_patience_s:
                for job in missing:  # an item that failed before HeyGen made its video never shows up
                    await self.queue._ask(job, DECISION_MESSAGE, None)
            return
        if call not in self._not_found_once:  # HeyGen makes a batch's videos asynchronously: look once more
            self._not_found_once.add(call)
            return
        self._not_found_once.discard(call)
        self._lookups.pop(call, None)
        self._looking_since.pop(call, None)
        log.info("Batch call %s: none of its %d renders is on HeyGen; sending them again", call, len(missing))
        await self._unsend(missing)

    # --- following a batch -----------------------------------------------------------------------

    async def _follow(self, api: HeyGenApi, batch_id: str, jobs: list[RenderJob]) -> None:
        """Give each job its item's video id as HeyGen makes it (an item that failed before it had one fails)."""
        items: dict[int, BatchItem] = {}
        token: str | None = None
        try:
            while True:
                page = await api.video_batch(batch_id, token)
                items.update((item.index, item) for item in page.items)
                if not page.has_more:
                    break
                token = page.next_token
        except NotFoundError:
            log.warning("Batch %s: HeyGen no longer knows it; looking its renders up by their titles", batch_id)
            self._batches.pop(batch_id, None)
            forgotten = await asyncio.to_thread(self.queue.jobs.forget_batch, self.queue.owner, [j.id for j in jobs])
            for job in forgotten:
                self.queue._changed(job)
            return
        self.queue._reached()
        for job in jobs:
            item = items.get(job.batch_index if job.batch_index is not None else -1)
            if item is None:
                continue
            if item.status == Status.FAILED:
                reason = item.error_message or "HeyGen could not make this video."
                await self.queue._fail(job, HeyGenError(reason, code=item.error_code))
            elif item.video_id:
                await self.queue._adopt(job, item.video_id, item.status)

    def _forget_all_but(self, calls: dict[str, list[RenderJob]], batches: dict[str, list[RenderJob]]) -> None:
        """Drop what is remembered about calls and batches with no job left to look up or follow."""
        for schedule, wanted in ((self._lookups, calls), (self._looking_since, calls), (self._batches, batches)):
            for key in set(schedule) - set(wanted):
                del schedule[key]
        self._not_found_once &= set(calls)

    def _due(self, schedule: dict[str, _Due], key: str) -> bool:
        """Whether `key` should be looked at now; if so, when next (slowing down like the queue's polling)."""
        timing = self.queue.timing
        now = time.monotonic()
        due = schedule.setdefault(key, _Due(now, timing.poll_first_s))
        if due.next_at > now:
            return False
        due.next_at = now + due.interval
        due.interval = min(timing.poll_max_s, due.interval * timing.poll_factor)
        return True
