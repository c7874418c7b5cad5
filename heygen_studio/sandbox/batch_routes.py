"""v3 video batches: up to 100 videos in one call, each checked as `POST /v3/videos` checks it, made as slots free."""

from __future__ import annotations

from collections import Counter

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from heygen_studio.domain.money import Money
from heygen_studio.sandbox import v3_json
from heygen_studio.sandbox.common import paginate, read_json, require, state_of
from heygen_studio.sandbox.entities import Batch, BatchItem
from heygen_studio.sandbox.errors import ApiError, invalid, not_found
from heygen_studio.sandbox.state import SandboxState, new_id
from heygen_studio.sandbox.v3_routes import check_video, ok, start_video, video_price
from heygen_studio.sandbox.validation import check_body, check_query

MAX_VIDEOS = 100
ITEM_STATUSES = ("queued", "processing", "completed", "failed")


class ItemStarter:
    """The state's settle hook: starts queued batch items, oldest batch first, the moment the account's
    concurrency has a free slot for them (worked out from when renders end, so it does not depend on how
    often anyone asks). An item the account cannot pay for (or that is refused) when its turn comes fails."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.busy = False  # starting a video settles the account, which calls this hook again

    def __call__(self, now: float) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            self._start_due(now)
        finally:
            self.busy = False

    def _start_due(self, now: float) -> None:
        state = self.state
        since = 0.0
        for batch in sorted(state.batches.values(), key=lambda batch: batch.created_at):
            for item in batch.items:
                if not item.queued:
                    continue
                at = self._free_slot(max(since, batch.created_at))
                if at > now:
                    return
                since = at
                try:
                    item.video_id = start_video(state, item.body, at).id
                except ApiError as error:
                    item.error = {"code": error.code, "message": error.message}

    def _free_slot(self, since: float) -> float:
        """When, from `since` on, fewer than `v3_concurrency` renders are in flight."""
        state = self.state
        ends = sorted(end for video in state.videos.values() if (end := state.video_done_at(video)) > since)
        slots = state.config.v3_concurrency
        return since if len(ends) < slots else ends[len(ends) - slots]


def install(state: SandboxState) -> None:
    """Let the account start queued batch items whenever it settles (every status, list and balance read)."""
    state.settle_hooks.append(ItemStarter(state))


def _for_item(error: ApiError, index: int) -> ApiError:
    """`error` about one video of the batch, naming it: `script` becomes `videos[3].script`."""
    param = f"videos[{index}]" + (f".{error.param}" if error.param else "")
    return ApiError(
        error.status, error.code, f"videos[{index}]: {error.message}", error.legacy_code, param, error.retry_after_s
    )


async def create_batch(request: Request) -> JSONResponse:
    """Every video checked first (one bad video refuses the batch, naming it) and the whole batch priced
    against the balance (402); then a batch id at once, its videos made asynchronously. HeyGen honours no
    Idempotency-Key here: a repeated call is a second batch."""
    body, _ = await read_json(request)
    check_body("VideoBatchesCreate", body)
    videos = body["videos"]
    require(
        1 <= len(videos) <= MAX_VIDEOS,
        invalid("videos", f"A batch has 1 to {MAX_VIDEOS} videos; this one has {len(videos)}."),
    )
    state = state_of(request)
    now = state.now()
    with state.lock:
        total = Money.zero(state.account.pool(False).amount.currency)
        for index, video in enumerate(videos):
            try:
                scenes, _ = check_video(state, video, now)
            except ApiError as error:
                raise _for_item(error, index) from None
            total += video_price(state, video, scenes)
        state.afford(total, False, now)
        batch = Batch(new_id(), body.get("title"), now, [BatchItem(video) for video in videos])
        state.batches[batch.id] = batch
        state.counts["video_batches_created"] += 1
    state.settle(now)
    return ok({"batch_id": batch.id, "status": "processing", "total_items": len(batch.items)})


def _aggregate(counts: Counter[str], total: int) -> str:
    if counts["queued"] or counts["processing"]:
        return "processing"
    return "failed" if counts["failed"] == total else "completed"


async def get_batch(request: Request) -> JSONResponse:
    query = check_query("VideoBatchesGet", request.query_params)
    state = state_of(request)
    now = state.now()
    state.settle(now)
    with state.lock:
        batch = state.batches.get(request.path_params["batch_id"])
        if batch is None:
            raise not_found("not_found", f"Batch {request.path_params['batch_id']}")
        statuses = [v3_json.batch_item_status(state, item, now) for item in batch.items]
        items = [
            {"item_index": index, "status": status, "video_id": item.video_id, "error": item.error}
            for index, (item, status) in enumerate(zip(batch.items, statuses, strict=True))
        ]
    counts = Counter(statuses)
    chunk, has_more, next_token = paginate(items, query.get("limit", MAX_VIDEOS), query.get("token"))
    return ok(
        {
            "batch_id": batch.id,
            "title": batch.title,
            "status": _aggregate(counts, len(items)),
            "total_items": len(items),
            "counts_by_status": {status: counts[status] for status in ITEM_STATUSES},
            "created_at": int(batch.created_at),
            "items": chunk,
            "has_more": has_more,
            "next_token": next_token,
        }
    )


ROUTES = [
    Route("/v3/videos/batches", create_batch, methods=["POST"]),
    Route("/v3/videos/batches/{batch_id}", get_batch, methods=["GET"]),
]
