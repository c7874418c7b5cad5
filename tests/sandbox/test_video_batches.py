"""The sandbox's video batches: up to 100 videos a call, each checked like a single video, made as the plan's
concurrency allows, billed like single videos, and every answer valid by HeyGen's contract."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from sandbox_helpers import KEY, ContractRecorder, eventually, sandbox_state, wallet_balance
from test_billing import MINUTE, minute_at, private_look

from heygen_studio.domain.money import Money
from heygen_studio.sandbox.app import create_app
from heygen_studio.sandbox.config import SandboxConfig


def video(look_id: str, title: str, script: str = "Hello there, friend.", **fields: Any) -> dict[str, Any]:
    return {
        "type": "avatar",
        "avatar_id": look_id,
        "script": script,
        "voice_id": "demo-en-us-ava",
        "title": title,
        **fields,
    }


async def batch(client: httpx.AsyncClient, batch_id: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/v3/videos/batches/{batch_id}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def submit(client: httpx.AsyncClient, videos: list[dict[str, Any]], **headers: str) -> httpx.Response:
    return await client.post("/v3/videos/batches", json={"title": "Welcome", "videos": videos}, headers=headers)


async def test_a_batch_makes_each_video_once_no_more_at_a_time_than_the_plan_allows(
    client: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    look = await private_look(client)
    response = await submit(client, [video(look, f"Hi {n}") for n in range(25)])
    assert response.status_code == 200, response.text
    batch_id = response.json()["data"]["batch_id"]
    first = await batch(client, batch_id)
    assert first["total_items"] == 25 and first["status"] == "processing" and first["title"] == "Welcome"
    assert first["counts_by_status"] == {"queued": 15, "processing": 10, "completed": 0, "failed": 0}
    assert [item["video_id"] is None for item in first["items"]] == [False] * 10 + [True] * 15
    busiest = 0
    while (data := await batch(client, batch_id))["status"] == "processing":
        busiest = max(busiest, data["counts_by_status"]["processing"])
        await asyncio.sleep(0.05)
    assert busiest <= 10
    assert data["status"] == "completed" and data["counts_by_status"]["completed"] == 25
    ids = [item["video_id"] for item in data["items"]]
    assert [item["item_index"] for item in data["items"]] == list(range(25))
    assert len(set(ids)) == 25
    state = sandbox_state_of(client)
    assert [state.videos[video_id].title for video_id in ids] == [f"Hi {n}" for n in range(25)]
    assert state.counts["videos_created"] == 25
    assert {("VideoBatchesCreate", 200), ("VideoBatchesGet", 200)} <= recorder.seen


def sandbox_state_of(client: httpx.AsyncClient) -> Any:
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    return transport.app.state.sandbox  # type: ignore[attr-defined]


async def test_each_video_is_billed_as_a_single_one_when_it_is_done(client: httpx.AsyncClient) -> None:
    look = await private_look(client)
    before = await wallet_balance(client)
    response = await submit(client, [video(look, f"Minute {n}", MINUTE) for n in range(3)])
    data = await eventually(
        lambda: batch(client, response.json()["data"]["batch_id"]), lambda d: d["status"] != "processing"
    )
    assert data["status"] == "completed"
    assert before - await wallet_balance(client) == 3 * minute_at("0.05")  # three at $0.05/s, as single videos


async def test_a_batch_the_wallet_cannot_hold_is_refused_and_nothing_is_made(client: httpx.AsyncClient) -> None:
    look = await private_look(client)
    response = await submit(client, [video(look, f"Minute {n}", MINUTE) for n in range(9)])  # about $26.60 of $25.00
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_credit"
    assert sandbox_state_of(client).counts["videos_created"] == 0


async def test_one_bad_video_refuses_the_batch_and_the_error_names_it(client: httpx.AsyncClient) -> None:
    look = await private_look(client)
    good = [video(look, f"Hi {n}") for n in range(5)]
    cases = [
        ({**good[3], "script": "   "}, 3, 400, "videos[3].script"),
        ({**good[3], "script": "a" * 5001}, 3, 400, "videos[3].script"),
        ({**good[2], "avatar_id": "no-such-look"}, 2, 404, "videos[2].avatar_id"),
        (video(look, "Hi 1", voice_settings={"speed": 3.0}), 1, 400, "videos[1].voice_settings.speed"),
        ({key: value for key, value in good[4].items() if key != "avatar_id"}, 4, 400, "videos[4].avatar_id"),
    ]
    for bad, index, status, param in cases:
        videos = [*good[:index], bad, *good[index + 1 :]]
        response = await submit(client, videos)
        assert response.status_code == status, response.text
        assert response.json()["error"]["param"] == param
    assert sandbox_state_of(client).counts["videos_created"] == 0


async def test_a_batch_has_one_to_a_hundred_videos(client: httpx.AsyncClient) -> None:
    look = await private_look(client)
    for count in (0, 101):
        response = await submit(client, [video(look, f"Hi {n}") for n in range(count)])
        assert response.status_code == 400
        assert response.json()["error"]["param"] == "videos"
    assert (await submit(client, [video(look, f"Hi {n}") for n in range(100)])).status_code == 200


async def test_items_come_in_pages_in_order(client: httpx.AsyncClient) -> None:
    look = await private_look(client)
    batch_id = (await submit(client, [video(look, f"Hi {n}") for n in range(25)])).json()["data"]["batch_id"]
    indexes: list[int] = []
    token: str | None = None
    while True:
        data = await batch(client, batch_id, limit=10, **({"token": token} if token else {}))
        indexes += [item["item_index"] for item in data["items"]]
        assert data["total_items"] == 25 and sum(data["counts_by_status"].values()) == 25
        if not data["has_more"]:
            break
        token = data["next_token"]
    assert indexes == list(range(25))
    assert (await client.get(f"/v3/videos/batches/{batch_id}", params={"limit": 0})).status_code == 400


async def test_an_unknown_batch_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/v3/videos/batches/nope")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


async def test_an_idempotency_key_does_not_make_a_repeated_batch_safe(client: httpx.AsyncClient) -> None:
    """HeyGen honours keys on single videos, not on batches: the same call twice is two batches."""
    look = await private_look(client)
    first = await submit(client, [video(look, "Once")], **{"Idempotency-Key": "same-key"})
    second = await submit(client, [video(look, "Once")], **{"Idempotency-Key": "same-key"})
    assert first.json()["data"]["batch_id"] != second.json()["data"]["batch_id"]
    await eventually(lambda: batch(client, second.json()["data"]["batch_id"]), lambda d: d["status"] == "completed")
    assert sandbox_state_of(client).counts["videos_created"] == 2


async def test_an_item_the_wallet_cannot_pay_when_its_turn_comes_fails_alone() -> None:
    """Queued items are paid when they start: a single video made meanwhile may leave too little for the last."""
    app = create_app(SandboxConfig(keys=frozenset({KEY}), job_seconds=0.2, balance=10.0, v3_concurrency=1))
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://sandbox.test",
            headers={"X-Api-Key": KEY},
            event_hooks={"response": [ContractRecorder()]},
        ) as client:
            look = await private_look(client)
            response = await submit(client, [video(look, f"Minute {n}", MINUTE) for n in range(3)])  # about $8.87
            batch_id = response.json()["data"]["batch_id"]
            state = sandbox_state(app)
            with state.lock:  # someone else spends $3.00 from the account meanwhile
                state.account.pool(False).take(Money.usd("3.00"))
            data = await eventually(lambda: batch(client, batch_id), lambda d: d["status"] != "processing")
            assert [item["status"] for item in data["items"]] == ["completed", "completed", "failed"]
            assert data["items"][2]["error"]["code"] == "insufficient_credit"
            assert data["items"][2]["video_id"] is None
    finally:
        sandbox_state(app).close()


async def test_a_restarted_sandbox_keeps_its_batches_and_their_videos(tmp_path: Path) -> None:
    @asynccontextmanager
    async def run() -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(SandboxConfig(keys=frozenset({KEY}), job_seconds=0.2, state_file=tmp_path / "state.json"))
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://sandbox.test",
                headers={"X-Api-Key": KEY},
                event_hooks={"response": [ContractRecorder()]},
            ) as client:
                yield client
        finally:
            sandbox_state(app).close()

    async with run() as client:
        look = await private_look(client)
        batch_id = (await submit(client, [video(look, f"Hi {n}") for n in range(12)])).json()["data"]["batch_id"]
        before = await batch(client, batch_id)
    async with run() as client:
        after = await batch(client, batch_id)
        assert [item["video_id"] for item in after["items"][:10]] == [item["video_id"] for item in before["items"][:10]]
        done = await eventually(lambda: batch(client, batch_id), lambda data: data["status"] == "completed")
        assert len({item["video_id"] for item in done["items"]}) == 12
        assert sandbox_state_of(client).counts["videos_created"] == 12


async def test_bulk_statuses_expand_a_batch_into_its_items(client: httpx.AsyncClient) -> None:
    look = await private_look(client)
    batch_id = (await submit(client, [video(look, f"Hi {n}") for n in range(12)])).json()["data"]["batch_id"]
    response = await client.get("/v3/videos/statuses", params={"batch_ids": f"{batch_id},nope"})
    entries = response.json()["data"]
    assert [entry.get("item_index") for entry in entries] == [*range(12), None]
    assert [entry["status"] for entry in entries] == ["processing"] * 10 + ["queued"] * 2 + ["not_found"]
    assert [entry["video_id"] is None for entry in entries[9:12]] == [False, True, True]
