"""Concurrency limits (v3 429, legacy queue), balance and credits (402) and Idempotency-Key on v3 POSTs."""

from __future__ import annotations

import httpx
import pytest
from sandbox_helpers import KEY, eventually, sandbox_state
from starlette.applications import Starlette
from test_v2_flow import SCRIPT, v2

from heygen_studio.sandbox.config import SandboxConfig


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig(
        keys=frozenset({KEY}), job_seconds=0.2, legacy_concurrency=1, v3_concurrency=2, balance=10, credits=10
    )


async def private_look(client: httpx.AsyncClient) -> str:
    return (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]


def video_body(look_id: str, script: str = SCRIPT) -> dict:
    return {"type": "avatar", "avatar_id": look_id, "script": script, "voice_id": "demo-en-us-ava"}


async def test_legacy_renders_beyond_the_plan_wait_their_turn(client: httpx.AsyncClient) -> None:
    body = {"image_key": await private_look(client), "voice_id": "demo-en-us-ava", "script": SCRIPT}
    first = (await v2(client, "/v2/video/av4/generate", body))["video_id"]
    second = (await v2(client, "/v2/video/av4/generate", body))["video_id"]

    async def both() -> tuple[str, str]:
        statuses = []
        for video_id in (first, second):
            data = (await client.get("/v1/video_status.get", params={"video_id": video_id})).json()["data"]
            statuses.append(data["status"])
        return statuses[0], statuses[1]

    while_first_renders = await eventually(both, lambda pair: pair[0] == "processing")
    assert while_first_renders[1] == "waiting"
    await eventually(both, lambda pair: pair == ("completed", "completed"))


async def test_v3_refuses_renders_beyond_its_concurrency_with_retry_after(client: httpx.AsyncClient) -> None:
    look_id = await private_look(client)
    for _ in range(2):
        assert (await client.post("/v3/videos", json=video_body(look_id))).status_code == 200
    refused = await client.post("/v3/videos", json=video_body(look_id))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limit_exceeded"
    assert 0 < float(refused.headers["Retry-After"]) <= 0.6
    await eventually(
        lambda: client.post("/v3/videos", json=video_body(look_id)), lambda response: response.status_code == 200
    )


async def test_a_video_costing_more_than_the_credits_left_is_refused(client: httpx.AsyncClient) -> None:
    long_script = " ".join(["word"] * 800)  # about 226 s at $0.05: $11.29, more than the $10.00 in the wallet
    refused = await client.post("/v3/videos", json=video_body(await private_look(client), long_script))
    assert refused.status_code == 402 and refused.json()["error"]["code"] == "insufficient_credit"
    legacy = await client.post(
        "/v2/video/av4/generate",
        json={
            "image_key": await private_look(client),
            "voice_id": "demo-en-us-ava",
            "script": " ".join(["1234567"] * 180),  # said in words: "one million two hundred...", each
        },
    )  # about 145 s in 1,439 characters: 5 steps of 3 credits, more than 10
    assert legacy.status_code == 402 and legacy.json()["error"]["code"] == "insufficient_credit"


async def test_the_same_idempotency_key_returns_the_first_video(client: httpx.AsyncClient, app: Starlette) -> None:
    body = video_body(await private_look(client))
    headers = {"Idempotency-Key": "order-42"}
    first = await client.post("/v3/videos", json=body, headers=headers)
    again = await client.post("/v3/videos", json=body, headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert sandbox_state(app).counts["videos_created"] == 1
    other = await client.post("/v3/videos", json={**body, "title": "changed"}, headers=headers)
    assert other.status_code == 200 and other.json() == first.json()  # HeyGen replays the original
    assert sandbox_state(app).counts["videos_created"] == 1
    fresh = await client.post("/v3/videos", json=body, headers={"Idempotency-Key": "order-43"})
    assert fresh.json()["data"]["video_id"] != first.json()["data"]["video_id"]


async def test_a_refused_request_can_be_retried_under_its_key(client: httpx.AsyncClient, app: Starlette) -> None:
    look_id = await private_look(client)
    for _ in range(2):
        await client.post("/v3/videos", json=video_body(look_id))
    headers = {"Idempotency-Key": "retry-me"}
    assert (await client.post("/v3/videos", json=video_body(look_id), headers=headers)).status_code == 429
    await eventually(
        lambda: client.post("/v3/videos", json=video_body(look_id), headers=headers),
        lambda response: response.status_code == 200,
    )
    assert sandbox_state(app).counts["videos_created"] == 3
