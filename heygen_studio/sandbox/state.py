"""The one account both API generations share: entities, job clocks, money, renders, idempotency."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from heygen_studio.domain.money import Money, to_decimal
from heygen_studio.sandbox import media, renders
from heygen_studio.sandbox.billing import Account, exact
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.entities import Asset, Batch, Generation, Group, Lazy, Look, Video, Voice
from heygen_studio.sandbox.errors import ApiError
from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.sandbox.media_faults import MediaRequest
from heygen_studio.sandbox.persistence import StateFile

MEDIA_LOG_SIZE = 1000
VIDEO_STAGES = ("waiting", "pending", "processing", "completed")
TRAIN_STAGES = ("pending", "processing", "ready")
GENERATION_STAGES = ("pending", "processing", "success")
IDEMPOTENCY_SECONDS = 24 * 3600  # how long HeyGen replays an Idempotency-Key's first answer


def new_id() -> str:
    """A fresh opaque id, like HeyGen's 32 hex digits."""
    return uuid.uuid4().hex


def stage(started: float, now: float, stages: Sequence[str], job_seconds: float) -> str:
    """Which of `stages` a job started at `started` is in at `now`, one stage per `job_seconds`."""
    if job_seconds <= 0:
        return stages[-1]
    index = int((now - started) // job_seconds)
    return stages[min(max(index, 0), len(stages) - 1)]


class SandboxState:
    """Everything the sandbox remembers. Guard reads and writes with `lock`."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.counts: Counter[str] = Counter()
        self.faults = FaultPlan()
        self.media_requests: deque[MediaRequest] = deque(maxlen=MEDIA_LOG_SIZE)  # the latest, oldest first
        self.account = Account.fresh(config.billing, config.balance, config.credits)
        self.assets: dict[str, Asset] = {}
        self.groups: dict[str, Group] = {}
        self.looks: dict[str, Look] = {}
        self.generations: dict[str, Generation] = {}
        self.videos: dict[str, Video] = {}
        self.voices: dict[str, Voice] = {}
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sandbox-media")
        self._renders: dict[tuple[str, bool], Future[bytes]] = {}  # (video id, captions burned in) -> its file
        self.store = StateFile(config.state_file) if config.state_file else None
        self.idempotent_records: dict[
            tuple[str, str], tuple[float, int, dict[str, Any]]
        ] = {}  # (scope, key) -> when, answer
        self.idempotent_pending: set[tuple[str, str]] = set()  # keys whose first request is still being processed
        self.batches: dict[str, Batch] = {}  # video batches by id (sandbox/batch_routes.py)
        self.settle_hooks: list[Callable[[float], None]] = []  # run first by settle (batch items taking free slots)

    # --- time and job status ---------------------------------------------------------------------

    def now(self) -> float:
        return time.time()

    def look_status(self, look: Look, now: float) -> str:
        if now < look.ready_at:
            return "processing"
        return "failed" if look.failure else "completed"

    def train_status(self, group: Group, now: float) -> str | None:
        if group.trained_at is None:
            return None
        return stage(group.trained_at, now, TRAIN_STAGES, self.config.job_seconds)

    def generation_status(self, generation: Generation, now: float) -> str:
        return stage(generation.created_at, now, GENERATION_STAGES, self.config.job_seconds)

    def video_status(self, video: Video, now: float) -> str:
        if now < video.start_at:
            return "waiting"
        return stage(video.start_at, now, VIDEO_STAGES, self.config.job_seconds)

    def video_done_at(self, video: Video) -> float:
        return video.start_at + self.config.job_seconds * (len(VIDEO_STAGES) - 1)

    def in_flight(self, now: float) -> list[Video]:
        """Videos not yet completed, queued ones included."""
        return [video for video in self.videos.values() if self.video_done_at(video) > now]

    def queue_start(self, now: float) -> float:
        """When a new legacy render gets a slot: FIFO over `legacy_concurrency` equal-length slots."""
        ends = sorted(self.video_done_at(video) for video in self.in_flight(now))
        slots = self.config.legacy_concurrency
        return now if len(ends) < slots else max(now, ends[len(ends) - slots])

    # --- money -----------------------------------------------------------------------------------

    def video_cost(self, video: Video) -> Money:
        """What `video` costs, in the unit of the pool it is billed to."""
        return Money(to_decimal(video.cost), self.account.pool(video.legacy).amount.currency)

    def settle(self, now: float) -> None:
        """Charge every video that completed by `now` and start rendering its MP4."""
        with self.lock:
            for hook in self.settle_hooks:
                hook(now)
            for video in self.videos.values():
                if not video.charged and self.video_done_at(video) <= now:
                    video.charged = True
                    self.account.pool(video.legacy).take(self.video_cost(video))
                    self.counts["videos_completed"] += 1
                    self.render(video)
                    if video.burn_captions:
                        self.render(video, burned=True)

    def available(self, legacy: bool, now: float) -> Money:
        """What the v3 account (or the v2 pool) may still spend once every render still in flight is paid."""
        self.settle(now)
        purse = self.account.pool(legacy)
        reserved = sum(
            (self.video_cost(video) for video in self.videos.values() if video.legacy == legacy and not video.charged),
            Money.zero(purse.amount.currency),
        )
        return purse.available(reserved)

    def afford(self, cost: Money, legacy: bool, now: float) -> Money:
        """`cost` as it is booked, or 402 insufficient_credit when the account cannot pay it."""
        cost = exact(cost)
        available = self.available(legacy, now)
        if cost > available:
            left = max(available, Money.zero(cost.currency))
            raise ApiError(
                402,
                "insufficient_credit",
                f"This request costs {cost}; the account has {left} left.",
                legacy_code=400599,
            )
        return cost

    def spend(self, cost: Money, legacy: bool, now: float) -> None:
        """Take `cost` for an instant job (an avatar, a photo generation, training) or answer 402."""
        with self.lock:
            self.account.pool(legacy).take(self.afford(cost, legacy, now))

    # --- lookups ---------------------------------------------------------------------------------

    def asset_by_key(self, key: str) -> Asset | None:
        """An asset by v3 asset_id or legacy image_key."""
        asset = self.assets.get(key)
        if asset is not None:
            return asset
        return next((asset for asset in self.assets.values() if asset.image_key == key), None)

    def add_asset(
        self,
        data: Lazy,
        mime_type: str,
        size_bytes: int,
        now: float,
        width: int | None = None,
        height: int | None = None,
    ) -> Asset:
        asset_id = new_id()
        asset = Asset(asset_id, f"image/{asset_id}/original", mime_type, size_bytes, now, data, width, height)
        self.assets[asset_id] = asset
        return asset

    def add_group(self, name: str, ownership: str, now: float, **fields: Any) -> Group:
        """A new group; `fields` are Group's optional fields by name."""
        group = Group(new_id(), name, ownership, now, **fields)
        self.groups[group.id] = group
        self.counts["groups_created"] += 1
        return group

    def add_look(self, group: Group, name: str, asset: Asset, now: float, **fields: Any) -> Look:
        """A new look of `group`, ready after the job delay unless public; `fields` are Look's optional fields."""
        ready_at = now if group.ownership == "public" else now + self.config.job_seconds
        look = Look(new_id(), group.id, name, asset.id, now, ready_at, group.ownership, gender=group.gender, **fields)
        self.looks[look.id] = look
        group.look_ids.append(look.id)
        self.counts["avatars_created"] += 1
        return look

    def delete_group(self, group: Group) -> None:
        for look_id in group.look_ids:
            self.looks.pop(look_id, None)
        del self.groups[group.id]

    def delete_look(self, look: Look) -> None:
        del self.looks[look.id]
        group = self.groups.get(look.group_id)
        if group is not None and look.id in group.look_ids:
            group.look_ids.remove(look.id)

    # --- media -----------------------------------------------------------------------------------

    def derive(self, source: Asset | None, seed: str, count: int, now: float) -> list[Asset]:
        """`count` new image assets derived from `source` (or from nothing), made in a worker thread."""

        def make() -> list[bytes]:
            return media.derive_images(source.data.get() if source else None, seed, count)

        job = self.executor.submit(make)
        return [self.add_asset(Lazy(job, index), "image/png", 0, now, 768, 768) for index in range(count)]

    def render(self, video: Video, burned: bool = False) -> Future[bytes]:
        """The video file of `video` (with its captions burned in when `burned`), rendered once in a worker thread
        and cached."""
        with self.lock:
            job = self._renders.get((video.id, burned))
            if job is None:
                job = self.executor.submit(renders.video_file, self, video, burned)
                self._renders[(video.id, burned)] = job
            return job

    def captions(self, video: Video) -> list[media.Caption]:
        return renders.captions(self, video)

    def thumbnail(self, video: Video) -> bytes:
        return renders.thumbnail(self, video)

    # --- idempotency -----------------------------------------------------------------------------

    async def idempotent(
        self, scope: str, key: str | None, create: Callable[[], Awaitable[tuple[int, dict[str, Any]]]]
    ) -> tuple[int, dict[str, Any]]:
        """Run `create` once per Idempotency-Key, as HeyGen does.

        A repeat within 24 hours (sandbox clock) answers the first success again, whatever its body; a repeat
        while the first is still being processed is 409 request_in_progress; after 24 hours the key is
        forgotten and a repeat creates (and bills) again. Only successes are remembered, so a request refused
        with 429 or 400 can be retried under its key.
        """
        if not key:
            return await create()
        with self.lock:
            now = self.now()
            for expired in [k for k, (at, _, _) in self.idempotent_records.items() if now - at >= IDEMPOTENCY_SECONDS]:
                del self.idempotent_records[expired]
            remembered = self.idempotent_records.get((scope, key))
            if remembered is not None:
                self.counts["idempotent_replays"] += 1
                return remembered[1], remembered[2]
            if (scope, key) in self.idempotent_pending:
                raise ApiError(
                    409,
                    "request_in_progress",
                    "A request with this Idempotency-Key is still being processed; retry in a moment.",
                    param="Idempotency-Key",
                )
            self.idempotent_pending.add((scope, key))
        try:
            status, payload = await create()
        finally:
            with self.lock:
                self.idempotent_pending.discard((scope, key))
        if status < 300:
            with self.lock:
                self.idempotent_records[(scope, key)] = (self.now(), status, payload)
        return status, payload

    # --- persistence -----------------------------------------------------------------------------

    def load(self) -> bool:
        """Take the account from the state file: True if there was a usable one."""
        return self.store is not None and self.store.load(self)

    def save(self) -> None:
        """Write the account to the state file, if there is one. Not while holding `lock`."""
        if self.store is not None:
            self.store.save(self)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
