"""The sandbox bills like HeyGen: a $25.00 USD wallet by default, the other billing types on request, 402 before
anything is made, and the v2 endpoints' own credit quota."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_helpers import (
    JOB_SECONDS,
    KEY,
    ContractRecorder,
    ai_photo_request,
    eventually,
    sandbox_state,
    spoken,
    wallet_balance,
)
from test_v2_flow import legacy_done, upload_v1, v2
from test_v3_flow import make_avatar, upload, video_done

from heygen_studio.domain.money import Money
from heygen_studio.sandbox.app import create_app
from heygen_studio.sandbox.billing import Billing
from heygen_studio.sandbox.config import SandboxConfig

MINUTE = " ".join(["word"] * 210)  # about 59 seconds as the sandbox's voice says it: two 30-second steps on v2
HALF_MINUTE_AND_A_BIT = " ".join(["word"] * 115)  # about 32 seconds: two 30-second steps on v2
MINUTE_S = Decimal(repr(round(spoken(MINUTE), 3)))  # what a video of MINUTE lasts and is billed for


def minute_at(per_second: str) -> Decimal:
    """What a video of MINUTE costs at `per_second` dollars a second."""
    return MINUTE_S * Decimal(per_second)


Sandbox = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def sandbox() -> Sandbox:
    """A sandbox with the given config options, each v3 answer checked against HeyGen's schemas."""

    @asynccontextmanager
    async def run(**options: Any) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(SandboxConfig(keys=frozenset({KEY}), job_seconds=JOB_SECONDS, **options))
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://sandbox.test",
                headers={"X-Api-Key": KEY},
                event_hooks={"response": [ContractRecorder()]},
                timeout=30,
            ) as client:
                yield client
        finally:
            sandbox_state(app).close()

    return run


async def me(client: httpx.AsyncClient) -> dict[str, Any]:
    return (await client.get("/v3/users/me")).json()["data"]


async def private_look(client: httpx.AsyncClient) -> str:
    return (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]


async def render(client: httpx.AsyncClient, script: str = MINUTE, **options: Any) -> httpx.Response:
    return await client.post(
        "/v3/videos",
        json={
            "type": "avatar",
            "avatar_id": await private_look(client),
            "script": script,
            "voice_id": "demo-en-us-ava",
            **options,
        },
    )


async def rendered(client: httpx.AsyncClient, script: str = MINUTE, **options: Any) -> dict[str, Any]:
    response = await render(client, script, **options)
    assert response.status_code == 200, response.text
    return await video_done(client, response.json()["data"]["video_id"])


async def quota(client: httpx.AsyncClient) -> int:
    return (await client.get("/v2/user/remaining_quota")).json()["data"]["remaining_quota"]


# --- the default USD wallet --------------------------------------------------------------------


async def test_the_default_account_is_a_prepaid_usd_wallet_of_25_dollars(client: httpx.AsyncClient) -> None:
    account = await me(client)
    assert account["billing_type"] == "wallet"
    assert account["wallet"]["currency"] == "usd" and account["wallet"]["remaining_balance"] == 25.0
    assert account["wallet"]["auto_reload"]["enabled"] is False
    assert account["usage_based"] is None and account["subscription"] is None


async def test_a_minute_of_photo_avatar_at_1080p_takes_five_cents_a_second_once_rendered(
    client: httpx.AsyncClient,
) -> None:
    assert 55 < MINUTE_S <= 60
    submitted = await render(client, resolution="1080p")
    assert submitted.status_code == 200, submitted.text
    assert await wallet_balance(client) == Decimal(25)  # reserved while it renders, not taken yet
    done = await video_done(client, submitted.json()["data"]["video_id"])
    assert Decimal(repr(done["duration"])) == MINUTE_S  # as long as its speech
    assert await wallet_balance(client) == Decimal(25) - minute_at("0.05")


@pytest.mark.parametrize(
    ("options", "per_second"),
    [
        ({"engine": {"type": "avatar_iii"}}, "0.0167"),
        ({"resolution": "4k"}, "0.0667"),  # Avatar IV photo avatar at 4K
    ],
)
async def test_the_engine_and_the_resolution_set_the_rate(
    client: httpx.AsyncClient, options: dict[str, Any], per_second: str
) -> None:
    await rendered(client, **options)
    assert Decimal(25) - await wallet_balance(client) == minute_at(per_second)


async def test_a_studio_avatar_costs_more_a_second_than_a_photo_avatar(client: httpx.AsyncClient) -> None:
    looks = await client.get("/v3/avatars/looks", params={"ownership": "public", "avatar_type": "studio_avatar"})
    response = await client.post(
        "/v3/videos",
        json={
            "type": "avatar",
            "avatar_id": looks.json()["data"][0]["id"],
            "script": MINUTE,
            "voice_id": "demo-en-us-ava",
        },
    )
    assert response.status_code == 200, response.text
    await video_done(client, response.json()["data"]["video_id"])
    assert Decimal(25) - await wallet_balance(client) == minute_at("0.0667")  # on Avatar IV


async def test_a_render_costing_more_than_the_balance_is_refused_and_nothing_is_made(sandbox: Sandbox) -> None:
    async with sandbox(balance=2.5) as client:
        refused = await render(client)
        assert refused.status_code == 402
        error = refused.json()["error"]
        assert error["code"] == "insufficient_credit" and "$2.50" in error["message"]
        assert str(Money.usd(minute_at("0.05"))) in error["message"]
        assert (await client.get("/v3/videos")).json()["data"] == []
        assert await wallet_balance(client) == Decimal("2.5")


async def test_a_render_in_flight_holds_its_price_until_it_is_done(sandbox: Sandbox) -> None:
    async with sandbox(balance=5) as client:
        first = await render(client)
        assert first.status_code == 200
        assert (await render(client)).status_code == 402  # about $2.95 is held for the first: $2.05 is free
        await video_done(client, first.json()["data"]["video_id"])
        assert await wallet_balance(client) == Decimal(5) - minute_at("0.05")
        assert (await render(client)).status_code == 402


async def test_each_avatar_call_costs_a_dollar_and_a_replayed_key_costs_nothing(client: httpx.AsyncClient) -> None:
    group_id = (await make_avatar(client))["avatar_group"]["id"]
    assert await wallet_balance(client) == Decimal(24)
    await make_avatar(client, "Another photo", group_id)
    body = {"type": "prompt", "name": "Beach", "prompt": "at the beach", "avatar_group_id": group_id}
    first = await client.post("/v3/avatars", json=body, headers={"Idempotency-Key": "look-1"})
    again = await client.post("/v3/avatars", json=body, headers={"Idempotency-Key": "look-1"})
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert await wallet_balance(client) == Decimal(22)


async def test_an_avatar_call_the_wallet_cannot_pay_makes_no_avatar(sandbox: Sandbox) -> None:
    async with sandbox(balance=0.5) as client:
        before = (await client.get("/v3/avatars", params={"ownership": "private"})).json()["data"]
        photo = {"type": "asset_id", "asset_id": await upload(client)}  # uploading is free
        for body in (
            {"type": "photo", "name": "Me", "file": photo},
            {"type": "prompt", "name": "P", "prompt": "a painter"},
        ):
            refused = await client.post("/v3/avatars", json=body)
            assert refused.status_code == 402 and refused.json()["error"]["code"] == "insufficient_credit"
        assert (await client.get("/v3/avatars", params={"ownership": "private"})).json()["data"] == before
        assert await wallet_balance(client) == Decimal("0.5")


# --- the other billing types -------------------------------------------------------------------


async def test_an_enterprise_wallet_counts_api_credits(sandbox: Sandbox) -> None:
    async with sandbox(billing=Billing.CREDITS) as client:
        wallet = (await me(client))["wallet"]
        assert (wallet["currency"], wallet["remaining_balance"]) == ("credits", 600.0)
        await rendered(client)  # a minute of Avatar IV: 6 API credits
        await client.post("/v3/avatars", json={"type": "prompt", "name": "P", "prompt": "a painter"})  # 1 credit
        assert (await me(client))["wallet"]["remaining_balance"] == 593.0


async def test_a_subscription_spends_premium_credits(sandbox: Sandbox) -> None:
    async with sandbox(billing=Billing.SUBSCRIPTION, balance=100) as client:
        account = await me(client)
        assert account["billing_type"] == "subscription" and account["wallet"] is None
        assert account["subscription"]["credits"]["premium_credits"]["remaining"] == 100
        await rendered(client)  # about 1 premium credit per 3 seconds: 20 for a minute
        assert (await me(client))["subscription"]["credits"]["premium_credits"]["remaining"] == 80


async def test_usage_based_spending_rises_and_may_not_pass_its_cap(sandbox: Sandbox) -> None:
    async with sandbox(billing=Billing.USAGE_BASED, balance=5) as client:
        usage = (await me(client))["usage_based"]
        assert (usage["spending_cap_usd"], usage["spending_current_usd"]) == (5.0, 0.0)
        await rendered(client)
        assert (await me(client))["usage_based"]["spending_current_usd"] == float(minute_at("0.05"))
        refused = await render(client)
        left = Money.usd(Decimal(5) - minute_at("0.05"))
        assert refused.status_code == 402 and f"{left} left" in refused.json()["error"]["message"]


# --- the v2 credit quota -----------------------------------------------------------------------


async def test_v2_renders_take_their_own_credits_in_30_second_steps(client: httpx.AsyncClient) -> None:
    assert await quota(client) == 600 * 60
    look_id = await private_look(client)
    av4 = await v2(
        client, "/v2/video/av4/generate", {"image_key": look_id, "voice_id": "demo-en-us-ava", "script": MINUTE}
    )
    classic = await v2(
        client,
        "/v2/video/generate",
        {
            "video_inputs": [
                {
                    "character": {"type": "talking_photo", "talking_photo_id": look_id},
                    "voice": {"type": "text", "input_text": HALF_MINUTE_AND_A_BIT, "voice_id": "demo-en-us-ava"},
                }
            ]
        },
    )
    for video in (av4, classic):
        await legacy_done(client, video["video_id"])
    assert await quota(client) == (600 - 6 - 1) * 60  # Avatar IV 6 a minute; classic 1 a minute, two half steps
    assert await wallet_balance(client) == Decimal(25)  # the v3 wallet is another purse


async def test_v2_paid_calls_take_their_credits(client: httpx.AsyncClient) -> None:
    image_key = await upload_v1(client)
    group = await v2(client, "/v2/photo_avatar/avatar_group/create", {"name": "Me", "image_key": image_key})
    assert await quota(client) == 600 * 60  # making the group is free
    await v2(
        client,
        "/v2/photo_avatar/photo/generate",
        ai_photo_request(),
    )
    assert await quota(client) == 599 * 60
    await v2(client, "/v2/photo_avatar/train", {"group_id": group["id"]})
    assert await quota(client) == 595 * 60
    await eventually(
        lambda: client.get(f"/v2/photo_avatar/train/status/{group['id']}"),
        lambda response: response.json()["data"]["status"] == "ready",
    )
    await v2(
        client,
        "/v2/photo_avatar/look/generate",
        {
            "group_id": group["id"],
            "prompt": "at the beach",
            "orientation": "square",
            "pose": "close_up",
            "style": "Realistic",
        },
    )
    await v2(client, "/v2/photo_avatar/add_motion", {"id": group["id"]})
    await v2(client, "/v2/photo_avatar/add_sound_effect", {"id": group["id"]})
    assert await quota(client) == 593 * 60  # a look 1, motion 1, a sound effect nothing


async def test_v2_refuses_what_its_quota_cannot_pay_as_heygen_does(sandbox: Sandbox) -> None:
    async with sandbox(credits=3) as client:
        look_id = await private_look(client)
        group = await v2(
            client, "/v2/photo_avatar/avatar_group/create", {"name": "Me", "image_key": await upload_v1(client)}
        )
        refused = await client.post("/v2/photo_avatar/train", json={"group_id": group["id"]})
        assert refused.status_code == 402
        assert refused.json()["data"] is None and refused.json()["error"]["code"] == "insufficient_credit"
        status = (await client.get(f"/v2/photo_avatar/train/status/{group['id']}")).json()["data"]["status"]
        assert status == "pending" and await quota(client) == 3 * 60
        video = await client.post(
            "/v2/video/av4/generate", json={"image_key": look_id, "voice_id": "demo-en-us-ava", "script": MINUTE}
        )
        assert video.status_code == 402 and (await client.get("/v1/video.list")).json()["data"]["videos"] == []


async def test_the_state_file_keeps_both_balances(sandbox: Sandbox, tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    async with sandbox(state_file=state_file) as client:
        await make_avatar(client)
        await v2(
            client,
            "/v2/photo_avatar/photo/generate",
            ai_photo_request(),
        )
    async with sandbox(state_file=state_file) as client:
        assert await wallet_balance(client) == Decimal(24) and await quota(client) == 599 * 60
    async with sandbox(state_file=state_file, billing=Billing.USAGE_BASED) as client:
        usage = (await me(client))["usage_based"]  # another billing type starts its own account
        assert usage["spending_current_usd"] == 0.0 and await quota(client) == 599 * 60


def test_the_command_line_chooses_the_billing_type_and_the_amount() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "heygen_studio.sandbox",
            "--port",
            "0",
            "--key",
            KEY,
            "--billing",
            "usage-based",
            "--balance",
            "40",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"listening on (\S+)", process.stdout.readline())
        assert url, "the sandbox did not start"
        usage = httpx.get(f"{url.group(1)}/v3/users/me", headers={"X-Api-Key": KEY}).json()["data"]["usage_based"]
        assert usage["spending_cap_usd"] == 40.0
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    refused = subprocess.run(
        [sys.executable, "-m", "heygen_studio.sandbox", "--balance", "-5"], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "give a number, 0 or more" in refused.stderr
