"""The render queue: submits renders, follows them, downloads the results, and never pays twice."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import math
import os
import random
import sqlite3
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

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
from heygen_studio.api.models import PENDING_UPLOAD, Status, VideoSpec, VideoStatus, VideoSummary
from heygen_studio.domain.estimates import avatar_iv_credits
from heygen_studio.domain.money import Balance, BillingType, Money
from heygen_studio.domain.project import Project, video_spec
from heygen_studio.domain.quotes import quote_spec, spec_seconds
from heygen_studio.services.batch_submit import BatchProgress, BatchSubmitter, batch_progress
from heygen_studio.services.downloads import (
    CAPTIONED,
    DownloadError,
    LinkExpired,
    captioned_path,
    download,
    free_stem,
    part_path,
    safe_filename,
    video_suffix,
)
from heygen_studio.services.render_inputs import RenderInputError, files_of, fill_uploads
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import (
    JobStatus,
    NewJob,
    RenderJob,
    RenderJobs,
    RenderSettings,
    cost_columns,
    process_owner,
    spec_to_json,
)
from heygen_studio.storage.uploaded_assets import UploadedAssets

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]

V3_CONCURRENCY = 10
LEGACY_CONCURRENCY = 3  # HeyGen's Pro plan; Free has 1, Scale 6
MAX_TITLE_LOOKUP_PAGES = 20
KEY_TRUSTED_S = 23 * 3600.0  # HeyGen replays a key's first answer for 24 hours; an hour's margin for clocks
FILE_SUFFIXES = (".mp4", ".webm", ".jpg", ".srt", ".ass", f"{CAPTIONED}.mp4", f"{CAPTIONED}.webm")
"""A video's name is free only when its thumbnail's, captions' and captioned copy's are (whichever it has)."""
DECISION_MESSAGE = (
    "HeyGen may or may not have received this render: the connection was lost before it "
    "answered, and its list of videos could not tell. Submit it again only if it is not in "
    "your videos on heygen.com, or mark it as failed."
)


class LeaseLost(Exception):
    """Another process took this job over after our lease on it ran out: we must leave it alone."""

    def __init__(self, job_id: int) -> None:
        super().__init__(f"render {job_id} is now worked by another process")
        self.job_id = job_id


class NotSaved(Exception):
    """A render could not be written to the queue, so nothing was sent; the message says why and what to do."""


@dataclass(frozen=True)
class QueueTiming:
    """How often to ask and how long to wait; tests shrink these."""

    poll_first_s: float = 5.0  # first status check after a submission
    poll_max_s: float = 60.0  # polling slows down to this
    poll_factor: float = 1.5
    error_backoff_max_s: float = 120.0
    lease_s: float = 30.0  # a job claimed by a process that stops renewing it is free again after this;
    # a live process renews its leases every lease_s / 3, whatever step it is in
    idle_s: float = 5.0  # how often an idle queue looks for work other processes added
    lookup_patience_s: float = 600.0  # a title look-up that keeps failing (5xx, no connection) is retried this
    # long before the user is asked whether to send the render again
    disk_retry_s: float = 30.0  # a download paused by a full disk or an unwritable folder tries again after this


def concurrency_for(generation: str, legacy_limit: int = LEGACY_CONCURRENCY) -> int:
    return V3_CONCURRENCY if generation == "v3" else legacy_limit


def default_output_dir() -> Path:
    """A "HeyGen Studio" folder in the user's Videos folder."""
    from PySide6.QtCore import QStandardPaths

    movies = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    if not movies:
        import platformdirs

        movies = platformdirs.user_videos_dir()
    return Path(movies) / "HeyGen Studio"


def free_video_file(folder: Path, stem: str, transparent: bool, taken: set[str]) -> Path:
    """folder/stem plus the video's suffix, numbered (“stem (2)”) until no file of the video (its thumbnail,
    captions, captioned copy) is there and no other unfinished render holds the name (`taken`, case-folded)."""
    # compared as .mp4 names: an .mp4 and a .webm render of one title would share a thumbnail and captions
    # (string work, not Paths: a batch of 1,000 rows names its files against each other's names)
    stems = {os.path.splitext(name)[0] + FILE_SUFFIXES[0] for name in taken}
    return folder / f"{free_stem(folder, stem, FILE_SUFFIXES, stems)}{video_suffix(transparent)}"


def jitter(seconds: float, rng: random.Random) -> float:
    """`seconds` give or take 20%, so many clients never ask in lockstep."""
    return seconds * rng.uniform(0.8, 1.2)


def unusable_number(spec: VideoSpec) -> str | None:
    """What to fix when a number in `spec` is infinite or not a number (HeyGen's JSON cannot carry it)."""
    labels = {"speed": "voice speed", "pitch": "voice pitch", "width": "width", "height": "height"}
    parts = [(f"Scene {number}'s", asdict(scene)) for number, scene in enumerate(spec.scenes, start=1)]
    parts.append(("The video's", asdict(spec.dimension) if spec.dimension else {}))
    for owner, values in parts:
        for name, value in values.items():
            if isinstance(value, float) and not math.isfinite(value):
                return (
                    f"{owner} {labels.get(name, name.replace('_', ' '))} is {value}, which is not a number "
                    "HeyGen can use. Set a real number in the Scenes editor (speed 1.0 is normal), "
                    "then render again."
                )
    return None


def saving_problem(error: OSError, folder: Path) -> str:
    """Why a video could not be written into `folder`, and what the user can do about it."""
    carries_on = "the download carries on by itself once it can write there."
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Paused: the disk holding {folder} is full. Free some space there; the download carries on by itself."
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return (
            f"Cannot save into {folder}: part of that path is a file, not a folder. Move that file away, "
            f"or choose another folder for new renders; {carries_on}"
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"Cannot save into {folder}: the folder cannot be written (read-only or not yours). Fix that; {carries_on}"
        )
    return f"Cannot save into {folder}: {error.strerror or error}. Fix that; {carries_on}"


def expected_render_s(job: RenderJob, history: list[tuple[float, float]]) -> float | None:
    """How long HeyGen will likely take for this job, from this account's recent renders (None: no history)."""
    ratios = [took / max(seconds, 1.0) for seconds, took in history if took > 0]
    if not ratios:
        return None
    return statistics.median(ratios) * max(job.estimated_seconds, 1.0)


@dataclass
class _Follow:
    """In-memory polling state of one job."""

    next_at: float
    interval: float


class RenderQueue(QObject):
    """Runs the queue of one account at a time; every job lives in SQLite first."""

    changed = Signal(int)
    """This job's row changed (status, remote id, error...)."""
    progress = Signal(int, int, int)
    """Download of this job: bytes done, bytes in all (0 when unknown)."""
    finished = Signal(int)
    """This job is downloaded or failed."""
    running_changed = Signal(int)
    """How many of the account's renders are in flight now."""
    problem_changed = Signal(str)
    """What holds the whole queue up right now, in plain words; "" once it works again."""

    def __init__(
        self,
        db: Database,
        spawn: Spawn,
        *,
        timing: QueueTiming | None = None,
        output_dir: Path | None = None,
        legacy_concurrency: int = LEGACY_CONCURRENCY,
        concurrency: int | None = None,
        owner: str | None = None,
        rng: random.Random | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__()
        self.jobs = RenderJobs(db)
        self._assets = UploadedAssets(db)  # files uploaded for renders, so none is uploaded twice
        self.timing = timing or QueueTiming()
        self.output_dir = output_dir
        self.legacy_concurrency = legacy_concurrency
        self.concurrency = concurrency  # overrides the account's usual limit (benchmarks, bigger plans)
        self.owner = owner or process_owner()
        self._spawn = spawn
        self._rng = rng or random.Random()
        self._api: HeyGenApi | None = None
        self._account: str | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._follow: dict[int, _Follow] = {}
        self._downloads: dict[int, asyncio.Task[None]] = {}
        self._not_before = 0.0  # Retry-After / error backoff for every request of this account
        self._errors_in_row = 0
        self._http = http  # downloads the videos (closed with the queue); made on first use when None
        self._running = 0
        self._lookup_failing: dict[int, float] = {}  # job id -> when its title look-ups started failing
        self.problem = ""
        self._problem_kind = ""
        self.unreachable_since: float | None = None  # monotonic time HeyGen stopped answering (None: it answers)
        self.billing_type: BillingType | None = None  # the account's, kept current by SessionRenders: prices renders
        self.batches = BatchSubmitter(self)

    # --- public interface ------------------------------------------------------------------------

    @property
    def account(self) -> str | None:
        return self._account

    @property
    def generation(self) -> str | None:
        return self._api.generation if self._api else None

    def attach(self, api: HeyGenApi | None, account: str | None) -> None:
        """Work the queue of `account` through `api` (None stops); jobs of other accounts wait for theirs."""
        self._stop_loop()
        self._api, self._account = api, account
        self._follow.clear()
        self._not_before = 0.0
        if api is not None and account is not None:
            self._loop_task = self._spawn(self._run(), f"render queue ({account})")
            self._heartbeat_task = self._spawn(self._heartbeat(account), f"render leases ({account})")

    async def enqueue(self, project: Project, output_dir: Path | None = None) -> RenderJob:
        """Save a render of `project` to the queue (nothing is sent until it is saved). Raises
        domain.project.NotReadyToRender or api InvalidRequestError for a project HeyGen would refuse."""
        [job] = await self._save_new([project], output_dir, None)
        return job

    async def enqueue_batch(
        self, projects: Sequence[Project], group: str, output_dir: Path | None = None
    ) -> list[RenderJob]:
        """Save a render of each project (one batch run's rows) in `group`, all or none: each is an ordinary
        render with its own title token, key and file, and on v3 the group's queued renders go out in
        `POST /v3/videos/batches` calls of up to 100 (singly on v2). Raises like `enqueue` for the first
        project HeyGen would refuse, saving none."""
        return await self._save_new(projects, output_dir, group)

    async def batch_jobs(self, group: str) -> list[RenderJob]:
        """The renders of `group` in the order they were queued (a run's rows, also after a restart)."""
        return await asyncio.to_thread(self.jobs.in_group, group)

    async def batch_progress(self, group: str) -> BatchProgress:
        """How the renders of `group` stand: downloaded, failed, left, and what the made ones cost."""
        return batch_progress(await self.batch_jobs(group))

    def _new_job(self, project: Project, output_dir: Path | None, group: str | None) -> NewJob:
        api, account = self._require()
        spec = video_spec(project, api.generation)
        problem = unusable_number(spec)
        if problem:
            raise InvalidRequestError(problem, field="speed")
        api.check_video_spec(spec)
        token = f"hs-{uuid.uuid4().hex[:8]}"
        title = project.title.strip() or "Untitled video"
        spec = replace(spec, title=f"{title} [{token}]")
        seconds = sum(spec_seconds(spec))
        folder = output_dir or self.output_dir or default_output_dir()
        files = files_of(project)
        return NewJob(
            account=account,
            generation=api.generation,
            title=title,
            title_token=token,
            idempotency_key=str(uuid.uuid4()),
            spec=spec_to_json(spec),
            look_thumbnail_url=project.look.preview_image_url if project.look else None,
            estimated_seconds=seconds,
            estimated_credits=avatar_iv_credits(seconds),
            output_dir=str(folder),
            **cost_columns(self.price(spec, api.generation)),
            **asdict(files),
            upload_key=str(uuid.uuid4()) if files.audio_path or files.photo_path else None,
            batch_group=group,
        )

    async def _save_new(
        self, projects: Sequence[Project], output_dir: Path | None, group: str | None
    ) -> list[RenderJob]:
        """A job for each project, checked, priced and saved in a worker thread (a batch run has thousands)."""

        def save() -> list[RenderJob]:
            return self.jobs.add_many([self._new_job(project, output_dir, group) for project in projects])

        try:
            jobs = await asyncio.to_thread(save)
        except sqlite3.Error as error:
            raise NotSaved(_database_problem(error, queued=False)) from error
        for job in jobs:
            self._changed(job)
        self._wake.set()
        return jobs

    async def all_jobs(self, account: str | None = None) -> list[RenderJob]:
        """Every job, newest first; only `account`'s when it is given."""
        return await asyncio.to_thread(self.jobs.all, account)

    async def get(self, job_id: int) -> RenderJob | None:
        return await asyncio.to_thread(self.jobs.get, job_id)

    async def cancel(self, job_id: int) -> bool:
        """Cancel a job nothing was sent for yet; False once it has left (HeyGen can't stop a render)."""
        job = await asyncio.to_thread(
            self.jobs.transition, job_id, JobStatus.QUEUED, status=JobStatus.CANCELLED, finished_at=time.time()
        )
        if job is not None:
            self._changed(job)
        return job is not None

    async def retry(self, job_id: int) -> RenderJob:
        """A failed (or cancelled) job again as a new job with new tokens: the old one stays as it was."""
        old = await self.get(job_id)
        if old is None or old.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise ValueError("Only a failed or cancelled render can be tried again.")
        api, account = self._require()
        token = f"hs-{uuid.uuid4().hex[:8]}"
        spec = replace(old.video_spec(), title=f"{old.title} [{token}]")
        job = await asyncio.to_thread(
            self.jobs.add,
            NewJob(
                account=account,
                generation=api.generation,
                title=old.title,
                title_token=token,
                idempotency_key=str(uuid.uuid4()),
                spec=spec_to_json(spec),
                look_thumbnail_url=old.look_thumbnail_url,
                estimated_seconds=old.estimated_seconds,
                estimated_credits=old.estimated_credits,
                output_dir=old.output_dir,
                **cost_columns(self.price(spec, api.generation)),
                audio_path=old.audio_path,
                photo_path=old.photo_path,
                upload_key=str(uuid.uuid4()) if old.upload_key else None,
            ),
        )
        self._changed(job)
        self._wake.set()
        return job

    async def decide(self, job_id: int, submit_again: bool) -> None:
        """The user's answer for a job whose fate is unknown: send it again, or mark it failed."""
        job = await self.get(job_id)
        if job is None or not job.needs_decision:
            return
        if submit_again:
            job = await asyncio.to_thread(
                self.jobs.update,
                job_id,
                needs_decision=False,
                error=None,
                status=JobStatus.QUEUED,
                idempotency_key=str(uuid.uuid4()),
                key_sent_at=None,
            )
        else:
            job = await asyncio.to_thread(
                self.jobs.update,
                job_id,
                needs_decision=False,
                status=JobStatus.FAILED,
                finished_at=time.time(),
                error="Marked as failed by you: HeyGen's answer to this render was lost.",
            )
            self.finished.emit(job_id)
        self._changed(job)
        self._wake.set()

    async def delete_remote(self, job_id: int) -> None:
        """Delete the video on HeyGen (its downloaded files stay)."""
        job = await self.get(job_id)
        if job is None or not job.remote_id:
            return
        api, _ = self._require()
        with contextlib.suppress(NotFoundError):
            await api.delete_video(job.remote_id)
        self._changed(
            await asyncio.to_thread(
                self.jobs.update,
                job_id,
                video_url=None,
                remote_deleted_at=time.time(),
                error=job.error if job.status == JobStatus.FAILED else None,
            )
        )

    async def fresh_link(self, job_id: int) -> str | None:
        """The video's current link (HeyGen's links expire after 7 days; asking again renews them)."""
        job = await self.get(job_id)
        if job is None or not job.remote_id:
            return None
        api, _ = self._require()
        status = await api.video_status(job.remote_id)
        if status.video_url:
            await asyncio.to_thread(self.jobs.update, job_id, video_url=status.video_url)
        return status.video_url

    async def render_estimate(self, job: RenderJob) -> float | None:
        """Seconds HeyGen likely needs in all for `job`; None before the account's first finished render."""
        history = await asyncio.to_thread(self.jobs.render_history, job.account)
        return expected_render_s(job, history)

    async def aclose(self) -> None:
        """Stop working and give up our leases, so another process can carry on at once."""
        self._stop_loop()
        tasks = [t for t in (self._loop_task, self._heartbeat_task, *self._downloads.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._loop_task = self._heartbeat_task = None
        self._downloads.clear()
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.jobs.release, self.owner)

    # --- the loop --------------------------------------------------------------------------------

    def _require(self) -> tuple[HeyGenApi, str]:
        if self._api is None or self._account is None:
            from heygen_studio.session import NotConnected

            raise NotConnected()
        return self._api, self._account

    def _stop_loop(self) -> None:
        for task in (self._loop_task, self._heartbeat_task):
            if task is not None:
                task.cancel()
        self._loop_task = self._heartbeat_task = None
        for task in self._downloads.values():
            task.cancel()
        self._downloads.clear()

    async def _run(self) -> None:
        api, account = self._require()
        while True:
            self._wake.clear()  # before the round: an enqueue during it wakes the next one at once
            try:
                delay = await self._tick(api, account)
                self._solved("database")
            except RateLimitedError as error:
                delay = self._rate_limited(error)
            except HeyGenError as error:
                delay = self._backoff(error)
            except LeaseLost as lost:
                self._let_go(lost.job_id)
                delay = 0.0
            except sqlite3.Error as error:
                self._set_problem("database", _database_problem(error))
                delay = self._backoff(error)
            except Exception as error:  # a bug in one step must not stop every render for good
                log.exception("Render queue: unexpected error; carrying on")
                delay = self._backoff(error)
            with contextlib.suppress(TimeoutError):  # not wait_for: on 3.11 it can swallow a cancel (cpython#86296)
                async with asyncio.timeout(max(0.01, delay)):
                    await self._wake.wait()

    async def _tick(self, api: HeyGenApi, account: str) -> float:
        """One round: claim, recover, submit, poll, download. Returns how long to sleep."""
        jobs = await asyncio.to_thread(self.jobs.claim_active, account, self.owner, self.timing.lease_s)
        self._set_running(sum(1 for job in jobs if job.status.rendering))
        now = time.monotonic()
        if now < self._not_before:
            self._start_downloads(api, jobs)
            return self._not_before - now
        for job in jobs:
            if job.status == JobStatus.SUBMITTING and not job.needs_decision and not job.batch_call:
                await self._recover(api, job)
        batches = api.generation == "v3"  # v2 has no batches: a group's renders go one by one like any other
        sending = not batches or await self.batches.tick(api, account, jobs)
        while sending and (
            claimed := await asyncio.to_thread(
                self.jobs.claim_next_submission,
                account,
                self.owner,
                self.concurrency or concurrency_for(api.generation, self.legacy_concurrency),
                batches,
            )
        ):
            self._changed(claimed)
            if api.generation == "v3" and (claimed.key_age_s or 0.0) >= KEY_TRUSTED_S:  # queued again after
                await self._recover(api, claimed)  # a 429 that followed a lost answer a day ago: look it up
            elif not await self._submit(api, claimed):
                break
        jobs = await asyncio.to_thread(self.jobs.claim_active, account, self.owner, self.timing.lease_s)
        self._set_running(sum(1 for job in jobs if job.status.rendering))
        await self._poll(
            api,
            [
                job
                for job in jobs
                if job.remote_id and job.status in (JobStatus.WAITING, JobStatus.PENDING, JobStatus.PROCESSING)
            ],
        )
        self._start_downloads(api, jobs)
        return self._next_delay()

    async def _heartbeat(self, account: str) -> None:
        """Renew our leases every lease_s / 3 even while the loop is stuck in one long step (a submission
        retried for minutes) or a big file downloads; let go of jobs another process took meanwhile."""
        while True:
            await asyncio.sleep(self.timing.lease_s / 3)
            try:
                lost = await asyncio.to_thread(
                    self.jobs.renew, account, self.owner, self.timing.lease_s, {*self._downloads, *self._follow}
                )
            except sqlite3.Error as error:  # a busy database: the next beat tries again, well within the lease
                log.warning("Render queue: could not renew leases: %r", error)
                continue
            for job_id in lost:
                self._let_go(job_id)

    def _let_go(self, job_id: int) -> None:
        """Another process works `job_id` now: stop following and downloading it here."""
        log.warning("Render %d: our lease ran out and another process took it over; leaving it to that one", job_id)
        self._follow.pop(job_id, None)
        task = self._downloads.pop(job_id, None)
        if task is not None:
            task.cancel()

    def _next_delay(self) -> float:
        due = [follow.next_at for follow in self._follow.values()]
        wait = min(due) - time.monotonic() if due else self.timing.idle_s
        return max(0.0, min(wait, self.timing.idle_s, self.timing.lease_s / 3))

    # --- submitting and recovering ---------------------------------------------------------------

    def sendable_spec(self, job: RenderJob) -> VideoSpec | str:
        """The request to send for `job`, or why it cannot even be written down as one."""
        try:
            spec = job.video_spec()
        except (ValueError, KeyError, TypeError) as error:
            return f"This render's saved settings are damaged ({error!r}). Render the project again."
        return unusable_number(spec) or spec

    async def _submit(self, api: HeyGenApi, job: RenderJob) -> bool:
        """Send one job (already saved as `submitting`); False when the account can take no more now."""
        spec = self.sendable_spec(job)
        if isinstance(spec, str):  # never sent
            await self._fail(job, HeyGenError(spec))
            return True
        try:
            spec = await self._uploaded(api, job, spec)
            submitted = await api.submit_video(spec, job.idempotency_key)
        except RenderInputError as error:  # a file it needs is gone or unusable: nothing was sent
            await self._fail(job, HeyGenError(str(error)))
            return True
        except RateLimitedError as error:
            await self._save(job.id, status=JobStatus.QUEUED)
            self._rate_limited(error)
            return False
        except (OutcomeUnknownError, NetworkError, ServerError, ConflictError) as error:
            # Sent or maybe sent: the job stays `submitting`; recovery finds out (never a blind resend).
            log.warning("Render %d: no clear answer to the submission (%r); will check", job.id, error)
            self._backoff(error)
            return False
        except HeyGenError as error:  # refused, so nothing was made: a used-up quota, no credits, a bad field
            await self._fail(job, error)
            return True
        except Exception as error:  # noqa: BLE001  (a bug: HeyGen may have it, so ask, never resend blindly)
            log.exception("Render %d: unexpected error while sending", job.id)
            await self._ask(
                job,
                f"Something unexpected went wrong while sending this render ({error!r}). "
                "HeyGen may or may not have it: submit it again only if it is not in your "
                "videos on heygen.com, or mark it as failed.",
                None,
            )
            return True
        await self._adopt(job, submitted.video_id, submitted.status)
        return True

    async def _uploaded(self, api: HeyGenApi, job: RenderJob, spec: VideoSpec) -> VideoSpec:
        """`spec` with the files it needs uploaded, saved with the job at once so no retry uploads them again."""
        if PENDING_UPLOAD not in (spec.audio_asset_id, spec.image_asset_id):
            return spec
        spec = await fill_uploads(api, job, self._assets)
        await self._save(job.id, spec=spec_to_json(spec))
        return spec

    async def _recover(self, api: HeyGenApi, job: RenderJob) -> None:
        """A job that was being sent when we lost track (a crash, a lost answer): find out, never guess."""
        if api.generation == "v3" and (job.key_age_s or 0.0) < KEY_TRUSTED_S:
            # The same Idempotency-Key answers the first result again instead of making a second video.
            log.info("Render %d: re-sending with its Idempotency-Key", job.id)
            await self._submit(api, job)
            return
        # v2 has no keys, and HeyGen forgets a v3 key after 24 hours: re-sending it would make a second video
        try:
            found = await self._find_by_token(api, job.title_token)
        except HeyGenError as error:
            since = self._lookup_failing.setdefault(job.id, time.monotonic())
            passing = isinstance(error, (ServerError, NetworkError, RateLimitedError))
            if passing and time.monotonic() - since < self.timing.lookup_patience_s:
                log.warning(
                    "Render %d: HeyGen's list of videos could not be read (%r); looking again later", job.id, error
                )
                self._backoff(error)
                return
            self._lookup_failing.pop(job.id, None)
            await self._ask(job, f"{DECISION_MESSAGE} ({error})", getattr(error, "request_id", None))
            return
        self._lookup_failing.pop(job.id, None)
        self._reached()
        if len(found) == 1:
            log.info("Render %d: found on HeyGen by its title token; adopting %s", job.id, found[0].video_id)
            await self._adopt(job, found[0].video_id, found[0].status)
        elif not found:
            log.info("Render %d: HeyGen has no video with its title token; sending it", job.id)
            if api.generation == "v3":  # a key of our own again, not the one HeyGen has forgotten
                job = await self._save(job.id, idempotency_key=str(uuid.uuid4()), key_sent_at=time.time())
            await self._submit(api, job)
        else:
            await self._ask(
                job,
                f"HeyGen lists {len(found)} videos named like this render. "
                "Check your videos on heygen.com, then submit again or mark it as failed.",
                None,
            )

    async def _find_by_token(self, api: HeyGenApi, token: str) -> Sequence[VideoSummary]:
        found: list[VideoSummary] = []
        page_token: str | None = None
        for _ in range(MAX_TITLE_LOOKUP_PAGES):
            page = await api.list_videos(title=token, token=page_token)
            found.extend(video for video in page.items if token in (video.title or ""))
            if not page.has_more:
                return found
            page_token = page.next_token
        raise HeyGenError("HeyGen's list of videos is too long to search.")

    async def _adopt(self, job: RenderJob, video_id: str, status: Status) -> None:
        """Write the remote id the moment it is known."""
        self._reached()
        saved = await self._save(
            job.id,
            remote_id=video_id,
            status=_job_status(status),
            submitted_at=time.time(),
            needs_decision=False,
            error=None,
        )
        self._follow[saved.id] = _Follow(
            time.monotonic() + jitter(self.timing.poll_first_s, self._rng), self.timing.poll_first_s
        )

    async def _ask(self, job: RenderJob, message: str, request_id: str | None) -> None:
        await self._save(job.id, needs_decision=True, error=message, request_id=request_id)

    # --- polling ---------------------------------------------------------------------------------

    async def _poll(self, api: HeyGenApi, jobs: Sequence[RenderJob]) -> None:
        now = time.monotonic()
        for job in jobs:
            self._follow.setdefault(job.id, _Follow(now, self.timing.poll_first_s))
        due = [job for job in jobs if self._follow[job.id].next_at <= now]
        if not due:
            return
        statuses = await api.video_statuses([job.remote_id for job in due if job.remote_id])
        self._reached()
        for job in due:
            status = statuses.get(job.remote_id or "")
            if status is not None:
                await self._apply(job, status)
            follow = self._follow.get(job.id)
            if follow is not None:
                follow.interval = min(self.timing.poll_max_s, follow.interval * self.timing.poll_factor)
                follow.next_at = time.monotonic() + jitter(follow.interval, self._rng)

    async def _apply(self, job: RenderJob, status: VideoStatus) -> None:
        if status.status == Status.COMPLETED:
            self._follow.pop(job.id, None)
            await self._save(job.id, status=JobStatus.COMPLETED, finished_at=time.time(), video_url=status.video_url)
        elif status.status in (Status.FAILED, Status.NOT_FOUND):
            self._follow.pop(job.id, None)
            reason = (
                status.error_message or "HeyGen could not make this video."
                if status.status == Status.FAILED
                else "HeyGen no longer has this video; it was deleted."
            )
            await self._fail(job, HeyGenError(reason, code=status.error_code))
        elif _job_status(status.status) != job.status:
            await self._save(job.id, status=_job_status(status.status))

    # --- downloading -----------------------------------------------------------------------------

    def _start_downloads(self, api: HeyGenApi, jobs: Sequence[RenderJob]) -> None:
        for job in jobs:
            if job.status == JobStatus.COMPLETED and job.id not in self._downloads:
                task = self._spawn(self._download_while_held(api, job), f"download render {job.id}")
                self._downloads[job.id] = task
                task.add_done_callback(functools.partial(self._download_ended, job.id))

    def _download_ended(self, job_id: int, _task: asyncio.Task[None]) -> None:
        self._downloads.pop(job_id, None)

    async def _download_while_held(self, api: HeyGenApi, job: RenderJob) -> None:
        try:
            await self._download(api, job)
        except LeaseLost:
            log.warning("Render %d: another process took it over; stopped downloading it here", job.id)
        except sqlite3.Error as error:  # the next round starts this download again
            self._set_problem("database", _database_problem(error))
            await asyncio.sleep(jitter(self.timing.disk_retry_s, self._rng))
            self._wake.set()

    async def _download(self, api: HeyGenApi, job: RenderJob) -> None:
        import httpx  # loaded with the first download, not at start

        from heygen_studio.api.tls import tls_context

        if self._http is None:
            self._http = httpx.AsyncClient(
                follow_redirects=True, timeout=httpx.Timeout(60.0, connect=15.0), verify=tls_context()
            )
        folder = Path(job.output_dir)
        if not job.file_path:
            job = await self._reserve_name(job, folder)
        mp4 = Path(job.file_path or "")
        status: VideoStatus | None = None
        job_id = job.id

        def report(done: int, total: int | None) -> None:
            self.progress.emit(job_id, done, total or 0)

        def held() -> Awaitable[None]:
            return self._still_held(job_id)

        try:
            for attempt in range(3):
                url = job.video_url
                if url is None or attempt:
                    status = await api.video_status(job.remote_id or "")
                    url = status.video_url
                    job = await self._save(job.id, video_url=url)
                if url is None:
                    raise DownloadError("HeyGen gave no link to the finished video.")
                try:
                    mp4 = await download(self._http, url, mp4, report, before_write=held)
                    break
                except LinkExpired:
                    log.info("Render %d: download link expired; asking HeyGen for a fresh one", job.id)
            else:
                raise DownloadError("HeyGen's download link kept being refused.")
            self._solved("disk")
            status = status or await api.video_status(job.remote_id or "")
            await self._extras(api, job, status, mp4)
        except (DownloadError, HeyGenError) as error:
            log.warning("Render %d: download failed: %s", job.id, error)
            if isinstance(error, NetworkError) or isinstance(error.__cause__, httpx.TransportError):
                self._unreachable(error)
            await self._save(job.id, error=f"Downloading: {error}")
            await asyncio.sleep(jitter(min(30.0, self.timing.poll_first_s * 2), self._rng))
            self._wake.set()
            return
        except OSError as error:  # a full disk, a folder that is a file or read-only: the .part is kept
            message = saving_problem(error, folder)
            log.warning("Render %d: %s (%r)", job.id, message, error)
            self._set_problem("disk", message)
            await self._save(job.id, error=message)
            await asyncio.sleep(jitter(self.timing.disk_retry_s, self._rng))
            self._wake.set()
            return
        saved = await self._save(job.id, status=JobStatus.DOWNLOADED, error=None, file_path=str(mp4))
        log.info("Render %d downloaded to %s", saved.id, mp4)
        self.finished.emit(saved.id)

    async def _reserve_name(self, job: RenderJob, folder: Path) -> RenderJob:
        """Give the job its file name in `folder`, reserved so no other render takes it (LeaseLost if not ours)."""
        free = functools.partial(free_video_file, folder, safe_filename(job.title), job.video_spec().transparent)
        reserved = await asyncio.to_thread(self.jobs.reserve_file, job.id, self.owner, free)
        if reserved is None:
            raise LeaseLost(job.id)
        self._changed(reserved)
        return reserved

    async def _still_held(self, job_id: int) -> None:
        """LeaseLost unless we still hold `job_id`: checked before each write into its files, so a process
        that was frozen past its lease never writes into the .part the process that took over is filling."""
        job = await asyncio.to_thread(self.jobs.get, job_id)
        if job is None or job.lease_owner != self.owner:
            raise LeaseLost(job_id)

    async def _extras(self, api: HeyGenApi, job: RenderJob, status: VideoStatus, mp4: Path) -> None:
        """The thumbnail, the captions and the copy with captions burned in next to the video (never over a file
        that is there); failures are only logged, as the video itself is saved. v2's captions are an .ass file,
        v3's SubRip."""
        assert self._http is not None
        captions = ".ass" if job.generation == "v2" else ".srt"
        for url, suffix in ((status.thumbnail_url, ".jpg"), (status.caption_url, captions)):
            if url:
                try:
                    await download(
                        self._http, url, mp4.with_suffix(suffix), before_write=lambda: self._still_held(job.id)
                    )
                except (DownloadError, LinkExpired, OSError) as error:
                    log.warning("Could not download %s: %s", mp4.with_suffix(suffix).name, error)
        if job.video_spec().burn_captions:
            await self._captioned_copy(api, job, status, mp4)

    async def _captioned_copy(self, api: HeyGenApi, job: RenderJob, status: VideoStatus, video: Path) -> None:
        """The copy with captions burned in, beside `video` (a fresh link once if the first has expired)."""
        assert self._http is not None
        target = captioned_path(video)
        for attempt in range(2):
            if attempt:
                status = await api.video_status(job.remote_id or "")
            if not status.captioned_video_url:
                log.warning("Render %d: HeyGen gave no link to the copy with captions", job.id)
                return
            try:
                await download(
                    self._http, status.captioned_video_url, target, before_write=lambda: self._still_held(job.id)
                )
                return
            except LinkExpired:
                continue
            except (DownloadError, OSError) as error:
                log.warning("Could not download %s: %s", target.name, error)
                return

    # --- bookkeeping -----------------------------------------------------------------------------

    async def _fail(self, job: RenderJob, error: HeyGenError) -> None:
        self._follow.pop(job.id, None)
        await self._save(
            job.id,
            status=JobStatus.FAILED,
            error=str(error),
            request_id=error.request_id,
            finished_at=time.time(),
            needs_decision=False,
        )
        self.finished.emit(job.id)

    async def _save(self, job_id: int, **values: Any) -> RenderJob:
        """Write what the worker learnt about a job it holds; LeaseLost if another process holds it now."""
        job = await asyncio.to_thread(self.jobs.update_held, job_id, self.owner, **values)
        if job is None:
            raise LeaseLost(job_id)
        self._changed(job)
        return job

    def _changed(self, job: RenderJob) -> None:
        self.changed.emit(job.id)

    @property
    def running(self) -> int:
        """How many renders are rendering at HeyGen now (`running_changed` says when it changes)."""
        return self._running

    def _set_running(self, count: int) -> None:
        if count != self._running:
            self._running = count
            self.running_changed.emit(count)

    def _rate_limited(self, error: RateLimitedError) -> float:
        wait = jitter(error.retry_after_s or self.timing.poll_first_s, self._rng)
        self._not_before = max(self._not_before, time.monotonic() + wait)
        log.info("HeyGen asked to wait %.1f s before the next request", wait)
        return wait

    def _backoff(self, error: Exception) -> float:
        self._errors_in_row += 1
        wait = jitter(
            min(self.timing.error_backoff_max_s, self.timing.poll_first_s * 2 ** (self._errors_in_row - 1)), self._rng
        )
        self._not_before = max(self._not_before, time.monotonic() + wait)
        log.warning("Render queue: %r; trying again in %.1f s", error, wait)
        if isinstance(error, NetworkError):
            self._unreachable(error)
        return wait

    def _unreachable(self, error: Exception) -> None:
        if self.unreachable_since is None:
            self.unreachable_since = time.monotonic()
        self._set_problem("network", f"HeyGen cannot be reached ({error}). The queue keeps trying.")

    def _reached(self) -> None:
        """HeyGen answered: errors in a row and an unreachable HeyGen are over."""
        self._errors_in_row = 0
        self.unreachable_since = None
        self._solved("network")

    def _set_problem(self, kind: str, text: str) -> None:
        if text != self.problem:
            self.problem, self._problem_kind = text, kind
            self.problem_changed.emit(text)

    def _solved(self, kind: str) -> None:
        if self._problem_kind == kind:
            self._set_problem("", "")

    # --- ways out of a render (the Renders panel) ------------------------------------------------

    async def listed(self, account: str) -> Sequence[RenderJob]:
        """The account's renders the Renders list shows, newest first (those the user removed are left out)."""
        return await asyncio.to_thread(self.jobs.listed, account)

    async def stop_following(self, job_id: int, delete_at_heygen: bool) -> RenderJob | None:
        """Stop a render: one not sent yet is cancelled; one HeyGen is making (or made, and is being
        downloaded) is marked cancelled here, so no process polls or downloads it again (its partial download
        is removed), and is deleted at HeyGen when asked. None when it had already finished (or is being
        sent: its fate is not known yet). Raises HeyGenError when HeyGen refused the deletion; the render
        stays stopped."""
        for _ in range(3):  # its status may move on (pending → processing) between reading and writing
            job = await self.get(job_id)
            if job is None or job.status not in STOPPABLE:
                return None
            if job.status == JobStatus.QUEUED:
                await self.cancel(job_id)
                return await self.get(job_id)
            self._follow.pop(job_id, None)
            # Taking the lease away makes any worker still holding it (here or in another process) let go.
            stopped = await asyncio.to_thread(
                self.jobs.transition,
                job_id,
                job.status,
                status=JobStatus.CANCELLED,
                finished_at=time.time(),
                lease_owner=None,
                lease_until=None,
            )
            if stopped is not None:
                log.info(
                    "Render %d: the user stopped following it%s",
                    job_id,
                    " and deleted it at HeyGen" if delete_at_heygen else "",
                )
                self._changed(stopped)
                await self._drop_download(stopped)
                if delete_at_heygen:
                    await self.delete_remote(job_id)
                return await self.get(job_id)
        return None

    async def _drop_download(self, job: RenderJob) -> None:
        """Stop this process's download of a stopped render and remove its partial file (ours, never a user's)."""
        task = self._downloads.pop(job.id, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if job.file_path:
            await asyncio.to_thread(part_path(Path(job.file_path)).unlink, missing_ok=True)

    async def remove_from_list(self, job_ids: Iterable[int]) -> set[int]:
        """Take finished, failed and cancelled renders off the Renders list; their files stay on disk."""
        removed = set(await asyncio.to_thread(self.jobs.remove, job_ids))
        for job_id in removed:
            self.changed.emit(job_id)
        return removed

    def price(self, spec: VideoSpec, generation: str) -> Money | None:
        """What a render of `spec` costs at today's rates in the account's unit; None where HeyGen publishes none."""
        quote = quote_spec(spec, generation, self.billing_type)
        return None if quote is None else quote.total

    async def retry_price(self, job_id: int) -> Money | None:
        """What trying `job_id` again would cost today (rates or the account's billing may have changed)."""
        job = await self.get(job_id)
        api, _ = self._require()
        return None if job is None else self.price(job.video_spec(), api.generation)


STOPPABLE = frozenset(
    {JobStatus.QUEUED, JobStatus.WAITING, JobStatus.PENDING, JobStatus.PROCESSING, JobStatus.COMPLETED}
)
"""A render can be stopped before it is sent, while HeyGen makes it or while it downloads; not while it is
being sent."""


def _database_problem(error: sqlite3.Error, *, queued: bool = True) -> str:
    """What a database error means for the renders, in plain words."""
    full = "full" in str(error)
    why = "the disk holding the app's database is full" if full else f"the app's database could not be used ({error})"
    fix = "Free some disk space" if full else "Try again shortly"
    if queued:
        return f"Renders are paused: {why}. {fix}; they carry on by themselves."
    return f"The render was not queued (nothing was sent): {why}. {fix}, then render again."


def _job_status(status: Status) -> JobStatus:
    return {
        Status.WAITING: JobStatus.WAITING,
        Status.PENDING: JobStatus.PENDING,
        Status.COMPLETED: JobStatus.COMPLETED,
        Status.FAILED: JobStatus.FAILED,
    }.get(status, JobStatus.PROCESSING)


class SessionRenders(QObject):
    """The session's render queue: follows the connection, takes render requests, reports finishes."""

    refused = Signal(str)
    """A render request could not be queued; the message says what to do."""

    def __init__(self, session: Any, queue: RenderQueue | None = None) -> None:
        super().__init__()
        self.session = session
        self.queue = queue or RenderQueue(session.db, session.tasks.spawn)
        session.connection_changed.connect(self._follow_connection)
        session.render_requested.connect(self.request)
        session.balance_changed.connect(self._follow_balance)
        self.queue.finished.connect(lambda _job_id: session.render_finished.emit())
        self._follow_connection()

    def request(self, project: Project) -> None:
        """Queue `project` in the background; a refusal is reported through `refused`."""
        self.session.tasks.spawn(self._enqueue(project), "queue render")

    async def _enqueue(self, project: Project) -> None:
        try:
            await self.queue.enqueue(project, await self.output_dir())
        except (ValueError, HeyGenError, NotSaved) as error:  # NotReadyToRender, InvalidRequestError, NotConnected
            self.refused.emit(str(error))

    async def output_dir(self) -> Path:
        """Where new renders are saved: the folder the user chose, else Videos/HeyGen Studio."""
        chosen = await asyncio.to_thread(RenderSettings(self.session.db).get, RenderSettings.OUTPUT_DIR)
        return Path(chosen) if chosen else (self.queue.output_dir or default_output_dir())

    async def set_output_dir(self, folder: Path) -> None:
        await asyncio.to_thread(RenderSettings(self.session.db).set, RenderSettings.OUTPUT_DIR, str(folder))

    def _follow_balance(self, balance: Balance | None) -> None:
        self.queue.billing_type = balance.billing_type if balance else None

    def _follow_connection(self) -> None:
        connection = self.session.connection
        self.queue.billing_type = self.session.balance.billing_type if self.session.balance else None
        self.queue.attach(self.session.api, connection.account_id if connection else None)

    async def aclose(self) -> None:
        await self.queue.aclose()
