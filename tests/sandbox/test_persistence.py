"""A sandbox with a state file: the account survives a restart, and a damaged file is set aside."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sandbox_helpers import KEY, eventually, photo_bytes, wallet_balance
from test_v2_flow import legacy_done, upload_v1, v2
from test_v3_flow import SCRIPT, make_avatar, mp4_duration, upload, video_done

from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer

JOB_SECONDS = 0.4  # long enough that a render submitted just before a restart is still rendering after it


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "sandbox" / "state.json"


@pytest.fixture
def sandbox(state_file: Path) -> Callable[[], AsyncIterator[httpx.AsyncClient]]:
    """Starts a sandbox on loopback over `state_file`; each use is one run of the sandbox process."""

    @asynccontextmanager
    async def run() -> AsyncIterator[httpx.AsyncClient]:
        server = SandboxServer(SandboxConfig(keys=frozenset({KEY}), job_seconds=JOB_SECONDS, state_file=state_file))
        try:
            async with httpx.AsyncClient(base_url=server.start(), headers={"X-Api-Key": KEY}, timeout=30) as client:
                yield client
        finally:
            server.stop()

    return run


async def public_ids(client: httpx.AsyncClient) -> list[str]:
    return [group["id"] for group in (await client.get("/v3/avatars", params={"ownership": "public"})).json()["data"]]


async def counts(client: httpx.AsyncClient) -> dict[str, int]:
    return (await client.get("/_sandbox/counts")).json()


async def test_a_restarted_sandbox_resumes_renders_avatars_assets_and_idempotency(sandbox, state_file: Path) -> None:
    video_body = {"type": "avatar", "avatar_id": "", "script": SCRIPT, "voice_id": "demo-en-us-ava", "title": "Resumed"}
    async with sandbox() as client:
        public_groups = await public_ids(client)
        asset_id = await upload(client)
        created = await make_avatar(client, "Before the crash")
        group, look = created["avatar_group"], created["avatar_item"]
        await eventually(
            lambda: client.get(f"/v3/avatars/looks/{look['id']}"),
            lambda response: response.json()["data"]["status"] == "completed",
        )
        consent = await client.post(f"/v3/avatars/{group['id']}/consent", json={})
        assert (await client.get(consent.json()["data"]["url"])).status_code == 200
        image_key = await upload_v1(client)
        legacy_group = await v2(
            client, "/v2/photo_avatar/avatar_group/create", {"name": "Legacy", "image_key": image_key}
        )
        await v2(client, "/v2/photo_avatar/train", {"group_id": legacy_group["id"]})
        generation_id = (
            await v2(
                client,
                "/v2/photo_avatar/photo/generate",
                {
                    "name": "Nova",
                    "age": "Young Adult",
                    "gender": "Woman",
                    "ethnicity": "Unspecified",
                    "orientation": "square",
                    "pose": "half_body",
                    "style": "Realistic",
                    "appearance": "smiling",
                },
            )
        )["generation_id"]
        video_body["avatar_id"] = look["id"]
        submitted = await client.post("/v3/videos", json=video_body, headers={"Idempotency-Key": "render-1"})
        video_id = submitted.json()["data"]["video_id"]
        before = await counts(client)
        balance_before = await wallet_balance(client)
        video_before = (await client.get(f"/v3/videos/{video_id}")).json()["data"]
    assert video_before["status"] != "completed"

    async with sandbox() as client:
        video = (await client.get(f"/v3/videos/{video_id}")).json()["data"]
        assert video["created_at"] == video_before["created_at"] and video["title"] == "Resumed"
        done = await video_done(client, video_id)
        assert mp4_duration((await client.get(done["video_url"])).content) > 1

        replay = await client.post("/v3/videos", json=video_body, headers={"Idempotency-Key": "render-1"})
        assert replay.json()["data"]["video_id"] == video_id
        after = await counts(client)
        assert after["videos_created"] == before["videos_created"] and after["idempotent_replays"] == 1

        assert (await client.get(f"/_media/assets/{asset_id}")).content == photo_bytes()
        again = await client.post(
            "/v3/avatars",
            json={
                "type": "photo",
                "name": "Same photo",
                "avatar_group_id": group["id"],
                "file": {"type": "asset_id", "asset_id": asset_id},
            },
        )
        assert again.status_code == 200, again.text
        mine = (await client.get(f"/v3/avatars/{group['id']}")).json()["data"]
        assert mine["name"] == "Before the crash" and mine["consent_status"] == "approved" and mine["looks_count"] == 2
        assert (await client.get(f"/v3/avatars/looks/{look['id']}")).json()["data"]["status"] == "completed"
        assert await public_ids(client) == public_groups

        await v2(
            client,
            "/v2/photo_avatar/avatar_group/add",
            {"group_id": legacy_group["id"], "image_keys": [image_key], "name": "Same key"},
        )
        await eventually(
            lambda: client.get(f"/v2/photo_avatar/train/status/{legacy_group['id']}"),
            lambda response: response.json()["data"]["status"] == "ready",
        )
        generated = await eventually(
            lambda: client.get(f"/v2/photo_avatar/generation/{generation_id}"),
            lambda response: response.json()["data"]["status"] == "success",
        )
        image_url = generated.json()["data"]["image_url_list"][3]
        assert (await client.get(image_url)).content.startswith(b"\x89PNG")

        spent = Decimal(repr(done["duration"])) * Decimal("0.05") + Decimal("1.00")  # the video, then one more photo
        assert balance_before - await wallet_balance(client) == spent
    assert list((state_file.parent / "blobs").iterdir())


async def test_a_legacy_render_queued_before_a_restart_completes_after_it(sandbox) -> None:
    async with sandbox() as client:
        image_key = await upload_v1(client)
        group = await v2(client, "/v2/photo_avatar/avatar_group/create", {"name": "Queued", "image_key": image_key})
        await eventually(
            lambda: client.get(f"/v2/photo_avatar/{group['id']}"),
            lambda response: response.json()["data"]["status"] == "completed",
        )
        video_ids = [
            (
                await v2(
                    client,
                    "/v2/video/av4/generate",
                    {"image_key": group["id"], "voice_id": "demo-en-us-noah", "script": SCRIPT},
                )
            )["video_id"]
            for _ in range(4)
        ]
        statuses = [
            (await client.get("/v1/video_status.get", params={"video_id": video_id})).json()["data"]["status"]
            for video_id in video_ids
        ]
    assert statuses[-1] == "waiting"

    async with sandbox() as client:
        for video_id in video_ids:
            assert (await legacy_done(client, video_id))["video_url"]


def damage_state_file(state_file: Path, damage: str) -> bytes:
    """Damage the sandbox's saved state as `damage` says; the damaged file's bytes."""
    if damage == "garbage":
        state_file.write_text('{"format": "heygen-studio-sandbox-state", "vers')
    elif damage == "other version":
        state_file.write_text(json.dumps({**json.loads(state_file.read_text()), "version": 99}))
    else:
        for blob in (state_file.parent / "blobs").iterdir():
            blob.unlink()
    return state_file.read_bytes()


@pytest.mark.parametrize("damage", ["garbage", "other version", "missing blob"])
async def test_a_damaged_state_file_is_set_aside_and_the_sandbox_starts_fresh(
    sandbox, state_file: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with sandbox() as client:
        asset_id = await upload(client)
    damaged = await asyncio.to_thread(damage_state_file, state_file, damage)

    with caplog.at_level(logging.WARNING, logger="heygen_studio.sandbox"):
        async with sandbox() as client:
            assert (await client.get(f"/_media/assets/{asset_id}")).status_code == 404
            assert await public_ids(client), "demo content"
    [aside] = state_file.parent.glob("state.json.damaged-*")
    assert aside.read_bytes() == damaged
    assert "could not be used" in caplog.text and str(aside) in caplog.text
    assert json.loads(await asyncio.to_thread(state_file.read_text))["version"] == 1


def test_the_sandbox_command_keeps_its_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"

    def serve() -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "heygen_studio.sandbox",
                "--port",
                "0",
                "--key",
                KEY,
                "--no-demo",
                "--state-file",
                str(state_file),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        url = re.search(r"listening on (\S+)", process.stdout.readline())
        assert url, "the sandbox did not start"
        return process, url.group(1)

    process, url = serve()
    try:
        with httpx.Client(base_url=url, headers={"X-Api-Key": KEY}) as client:
            uploaded = client.post("/v3/assets", files={"file": ("a.png", photo_bytes(), "image/png")})
            asset_id = uploaded.json()["data"]["asset_id"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)

    process, url = serve()
    try:
        with httpx.Client(base_url=url) as client:
            assert client.get(f"/_media/assets/{asset_id}").content == photo_bytes()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
