"""Media links that misbehave like a CDN: bodies cut or stalled part-way, links that expire, Range still answered."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sandbox_helpers import sandbox_state
from starlette.applications import Starlette
from waiting import until

from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.sandbox.server import SandboxServer

WAV = "/_media/voices/demo-en-us-ava.wav"  # 48 KB, no render needed


def read_until_dropped(client: httpx.Client, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """The status and every body byte that arrived before the server hung up."""
    got = b""
    with pytest.raises(httpx.RemoteProtocolError), client.stream("GET", url, headers=headers) as response:
        status = response.status_code
        for chunk in response.iter_raw():
            got += chunk
    return status, got


def log(server: SandboxServer) -> list[dict]:
    return httpx.get(f"{server.url}/_sandbox/media-requests").json()


def test_a_cut_body_stops_at_its_byte_and_the_rest_comes_with_range(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        whole = client.get(WAV).content
        client.post("/_sandbox/faults", json={"media_cut_next": 2, "media_fault_at_bytes": 1000})
        assert read_until_dropped(client, WAV) == (200, whole[:1000])
        assert read_until_dropped(client, WAV, {"Range": "bytes=1000-"}) == (206, whole[1000:2000])
        rest = client.get(WAV, headers={"Range": "bytes=2000-"})
    assert rest.status_code == 206 and rest.content == whole[2000:]
    assert [(entry["range"], entry["status"], entry["sent_bytes"], entry["ended"]) for entry in log(server)] == [
        (None, 200, len(whole), "complete"),
        (None, 200, 1000, "cut"),
        ("bytes=1000-", 206, 1000, "cut"),
        ("bytes=2000-", 206, len(whole) - 2000, "complete"),
    ]


def test_answers_without_a_long_enough_body_leave_the_cut_for_the_next(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        size = len(client.get(WAV).content)
        client.post("/_sandbox/faults", json={"media_cut_next": 1, "media_fault_at_bytes": 100})
        past_end = client.get(WAV, headers={"Range": f"bytes={size}-"})
        assert past_end.status_code == 416 and past_end.headers["content-range"] == f"bytes */{size}"
        assert client.get(WAV, headers={"Range": "bytes=0-49"}).status_code == 206  # 50 bytes: not reached
        assert client.get("/_media/voices/nobody.wav").status_code == 404
        assert read_until_dropped(client, WAV, {"Range": "bytes=-300"})[0] == 206
        assert client.get(WAV).status_code == 200  # the one cut is used up


async def test_a_stalled_body_pauses_then_arrives_whole(client: httpx.AsyncClient, app: Starlette) -> None:
    whole = (await client.get(WAV)).content
    sandbox_state(app).faults = FaultPlan(media_stall_next=1, media_stall_s=0.3, media_fault_at_bytes=5000)
    started = time.monotonic()
    stalled = await client.get(WAV, headers={"Range": "bytes=10-"})
    assert time.monotonic() - started >= 0.3
    assert stalled.status_code == 206 and stalled.content == whole[10:]
    entry = sandbox_state(app).media_requests[-1]
    assert (entry.stalled, entry.ended, entry.range_start) == (True, "complete", 10)
    started = time.monotonic()
    assert (await client.get(WAV)).content == whole and time.monotonic() - started < 0.3


def test_a_client_that_gives_up_in_a_stall_is_logged_as_gone(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        client.post("/_sandbox/faults", json={"media_stall_next": 1, "media_stall_s": 30, "media_fault_at_bytes": 0})
        with pytest.raises(httpx.ReadTimeout):
            client.get(WAV, timeout=0.3)
    asyncio.run(until(lambda: log(server)[-1]["ended"] == "abandoned", "the stall is logged as gone"))
    assert log(server)[-1]["stalled"] is True


async def test_a_stalled_and_cut_body_pauses_then_drops(server: SandboxServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        await client.post(
            "/_sandbox/faults",
            json={"media_cut_next": 1, "media_stall_next": 1, "media_stall_s": 0.3, "media_fault_at_bytes": 700},
        )
        started = time.monotonic()
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(WAV)
    assert time.monotonic() - started >= 0.3
    assert server.state.media_requests[-1].ended == "cut" and server.state.media_requests[-1].sent_bytes == 700


async def test_links_given_out_with_a_lifetime_expire_and_a_fresh_one_works(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    old = (await client.get("/v3/voices")).json()["data"][0]["preview_audio_url"]
    assert "?" not in old  # by default links never expire
    sandbox_state(app).faults = FaultPlan(media_link_ttl_s=0.2)
    link = (await client.get("/v3/voices")).json()["data"][0]["preview_audio_url"]
    assert "Expires=" in link
    assert (await client.get(link, headers={"Range": "bytes=4-9"})).status_code == 206
    await asyncio.sleep(0.25)
    refused = await client.get(link, headers={"Range": "bytes=4-9"})
    assert refused.status_code == 403 and "expired" in refused.text
    assert (await client.get(link.replace("Expires=", "Expires=x"))).status_code == 403
    fresh = (await client.get("/v3/voices")).json()["data"][0]["preview_audio_url"]
    assert (await client.get(fresh)).status_code == 200
    assert (await client.get(old)).status_code == 200  # a link given out without a lifetime keeps working
    assert [entry.status for entry in sandbox_state(app).media_requests] == [206, 403, 403, 200, 200]
