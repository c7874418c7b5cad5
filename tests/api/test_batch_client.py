"""The batch client: requests valid by HeyGen's contract, checked before they leave, never re-sent blindly
(HeyGen honours no Idempotency-Key on batches); v2 has no batches."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest
from client_support import validate_v3_request
from waiting import until_value

from heygen_studio.api import (
    HeyGenApi,
    InvalidRequestError,
    OutcomeUnknownError,
    SceneSpec,
    ServerError,
    Status,
    UnsupportedError,
    VideoBatch,
    VideoSpec,
)
from heygen_studio.domain.pricing import Engine
from heygen_studio.sandbox.state import SandboxState

VOICE = "demo-en-us-ava"


def spec(look_id: str, title: str, *scripts: str) -> VideoSpec:
    return VideoSpec(look_id, tuple(SceneSpec(script, VOICE) for script in scripts or ("Hello.",)), title=title)


async def private_look(api: HeyGenApi) -> str:
    return next(look.id for look in (await api.list_looks()).items if look.status == Status.COMPLETED)


async def whole_batch(api: HeyGenApi, batch_id: str) -> list[VideoBatch]:
    pages = [await api.video_batch(batch_id)]
    while pages[-1].has_more:
        pages.append(await api.video_batch(batch_id, pages[-1].next_token))
    return pages


async def test_one_call_and_each_item_becomes_its_own_video(v3: HeyGenApi, state: SandboxState) -> None:
    look = await private_look(v3)
    specs = [spec(look, f"Hi {n}") for n in range(11)] + [spec(look, "Two scenes", "One.", "Two.")]
    batch_id = await v3.submit_video_batch(specs, "Welcome")
    assert state.counts["video_batches_created"] == 1

    async def done() -> VideoBatch:
        return (await whole_batch(v3, batch_id))[0]

    batch = await until_value(done, lambda page: page.status.is_final, "the batch", within=20)
    assert batch.status == Status.COMPLETED and batch.total_items == 12 and batch.title == "Welcome"
    assert batch.counts["completed"] == 12
    assert [item.index for item in batch.items] == list(range(12))
    ids = [item.video_id or "" for item in batch.items]
    assert len(set(ids)) == 12
    statuses = await v3.video_statuses(ids)
    assert {status.status for status in statuses.values()} == {Status.COMPLETED}
    assert [state.videos[video_id].title for video_id in ids] == [s.title for s in specs]


async def test_a_queued_item_has_no_video_yet(v3: HeyGenApi) -> None:
    look = await private_look(v3)
    batch = await v3.video_batch(await v3.submit_video_batch([spec(look, f"Hi {n}") for n in range(12)]))
    assert batch.status == Status.PROCESSING
    assert [item.status for item in batch.items[10:]] == [Status.WAITING, Status.WAITING]
    assert [item.video_id for item in batch.items[10:]] == [None, None]


async def test_the_request_is_valid_by_the_contract_for_every_kind_of_video(v3: HeyGenApi) -> None:
    specs = [
        spec("look", "One scene"),
        replace(spec("look", "Two scenes", "One.", "Two."), caption=True, background_color="#102030"),
        replace(spec("look", "Cheap"), engine=Engine.AVATAR_III),
    ]
    body = v3.build_video_batch_request(specs, "Welcome")
    request = httpx.Request("POST", "https://api.heygen.com/v3/videos/batches", json=body)
    assert validate_v3_request(request)["operation"] == "VideoBatchesCreate"
    assert [video["title"] for video in body["videos"]] == ["One scene", "Two scenes", "Cheap"]
    assert body["videos"][1]["type"] == "studio"


async def test_a_bad_video_is_refused_before_anything_is_sent_naming_it(make_client: Callable) -> None:
    api, recorder = make_client("v3", lambda request: httpx.Response(500))
    specs = [spec("look", f"Hi {n}") for n in range(3)]
    specs[2] = spec("look", "Empty", "   ")
    with pytest.raises(InvalidRequestError) as refused:
        await api.submit_video_batch(specs)
    assert refused.value.field == "videos[2].script" and "Video 3 of the batch" in str(refused.value)
    with pytest.raises(InvalidRequestError) as too_many:
        await api.submit_video_batch([spec("look", "Hi")] * 101)
    assert too_many.value.field == "videos"
    assert recorder.requests == []


async def test_heygens_refusal_names_the_video(v3: HeyGenApi) -> None:
    look = await private_look(v3)
    specs = [spec(look, f"Hi {n}") for n in range(3)]
    specs[1] = replace(specs[1], engine=Engine.AVATAR_V)  # a photo avatar does not render on Avatar V
    with pytest.raises(InvalidRequestError) as refused:
        await v3.submit_video_batch(specs)
    assert refused.value.field == "videos[1].engine.type"


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (lambda request: httpx.Response(500, json={"error": {"code": "internal_error", "message": "x"}}), ServerError),
        (lambda request: (_ for _ in ()).throw(httpx.ReadError("lost", request=request)), OutcomeUnknownError),
    ],
)
async def test_a_call_that_may_have_made_the_videos_is_never_sent_again(
    make_client: Callable, answer: Callable[[httpx.Request], httpx.Response], error: type[Exception]
) -> None:
    api, recorder = make_client("v3", answer)
    with pytest.raises(error):
        await api.submit_video_batch([spec("look", "Hi")])
    assert len(recorder.requests) == 1
    assert "idempotency-key" not in recorder.requests[0].headers


async def test_a_rate_limited_call_is_sent_again_after_the_wait(make_client: Callable) -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "2"}, json={"error": {"code": "rate_limit_exceeded"}}),
        httpx.Response(200, json={"data": {"batch_id": "b1"}}),
    ]
    api, recorder = make_client("v3", lambda request: answers.pop(0))
    assert await api.submit_video_batch([spec("look", "Hi")], "T") == "b1"
    assert recorder.sleeps == [2.0] and len(recorder.requests) == 2
    assert json.loads(recorder.requests[1].content)["title"] == "T"


async def test_v2_has_no_batches(v2: HeyGenApi) -> None:
    with pytest.raises(UnsupportedError, match="one video per request"):
        await v2.submit_video_batch([spec("look", "Hi")])
    with pytest.raises(UnsupportedError):
        await v2.video_batch("b1")
