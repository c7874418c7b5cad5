"""Retries under the sandbox's injected faults (429 storms, 500s, dropped or stalled answers), in-process and on TCP."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from waiting import until_value

from heygen_studio.api import (
    HeyGenApi,
    OutcomeUnknownError,
    RateLimitedError,
    RetryPolicy,
    SceneSpec,
    ServerError,
    Status,
    VideoSpec,
    open_client,
)
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.app import create_app
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.sandbox.server import SandboxServer

FAST_RETRY = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=0.05)
DEMO_VOICE = "demo-en-us-ava"


async def demo_look(api: HeyGenApi) -> str:
    """A ready look of the sandbox's demo avatar."""
    groups = await api.list_groups("private")
    ready = next(g for g in groups.items if g.status == Status.COMPLETED)
    return (await api.list_looks(ready.id)).items[0].id


def spec_for(look_id: str) -> VideoSpec:
    return VideoSpec(look_id, (SceneSpec("Retries never make two videos.", DEMO_VOICE),), title="Fault test")


@pytest.fixture
def sandbox():
    app = create_app(SandboxConfig(job_seconds=0.2))
    yield app.state.sandbox, httpx.ASGITransport(app=app)
    app.state.sandbox.close()


def client(
    generation: str,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: str = "http://sandbox.test",
    timeout_s: float = 30.0,
) -> HeyGenApi:
    return open_client(
        generation,
        "sandbox",
        base_url=base_url,
        upload_url=base_url,
        transport=transport,
        retry=FAST_RETRY,
        max_retry_wait_s=1.0,
        timeout_s=timeout_s,
    )


async def test_rate_limited_v3_render_is_retried_and_made_once(sandbox):
    state, transport = sandbox
    async with client("v3", transport) as api:
        look = await demo_look(api)
        state.faults = FaultPlan(
            rate_limit_next=2, retry_after_s=0.05, path_prefix="/v3/videos", methods=frozenset({"POST"})
        )
        before = state.counts["requests"]
        submitted = await api.submit_video(spec_for(look), "render-429")
    assert submitted.video_id
    assert state.counts["videos_created"] == 1
    assert state.counts["requests"] - before == 3


async def test_dropped_answer_to_a_v3_render_is_resent_with_its_key_and_made_once(sandbox):
    state, transport = sandbox
    async with client("v3", transport) as api:
        look = await demo_look(api)
        state.faults = FaultPlan(drop_next=1, path_prefix="/v3/videos", methods=frozenset({"POST"}))
        submitted = await api.submit_video(spec_for(look), "render-drop")
        assert (await api.video_status(submitted.video_id)).video_id == submitted.video_id
    assert state.counts["videos_created"] == 1
    assert state.counts["idempotent_replays"] == 1


async def test_dropped_answer_to_a_legacy_render_is_not_resent(sandbox):
    state, transport = sandbox
    async with client("v2", transport) as api:
        look = await demo_look(api)
        state.faults = FaultPlan(drop_next=1, path_prefix="/v2/video/av4/generate")
        with pytest.raises(OutcomeUnknownError) as caught:
            await api.submit_video(spec_for(look), "unused")
    assert "may have gone through" in str(caught.value)
    # HeyGen did make it: re-sending would have made (and charged) a second one.
    assert state.counts["videos_created"] == 1


async def test_server_errors_retry_reads_but_not_legacy_creates(sandbox):
    state, transport = sandbox
    async with client("v2", transport) as api:
        look = await demo_look(api)
        state.faults = FaultPlan(error_rate=1.0, path_prefix="/v2/video/av4/generate")
        before = state.counts["requests"]
        with pytest.raises(ServerError):
            await api.submit_video(spec_for(look), "unused")
        assert state.counts["requests"] - before == 1
        state.faults = FaultPlan(error_rate=1.0, path_prefix="/v1/video_status.get")
        before = state.counts["requests"]
        with pytest.raises(ServerError) as caught:
            await api.video_status("anything")
        assert state.counts["requests"] - before == FAST_RETRY.max_attempts
        assert caught.value.status == 500
    assert state.counts["videos_created"] == 0


async def test_v3_create_survives_flaky_server_errors(sandbox):
    state, transport = sandbox
    async with client("v3", transport) as api:
        look = await demo_look(api)
        state.faults = FaultPlan(error_rate=1.0, path_prefix="/v3/videos", methods=frozenset({"POST"}))
        with pytest.raises(ServerError):
            await api.submit_video(spec_for(look), "render-500")
        state.faults = FaultPlan()
        submitted = await api.submit_video(spec_for(look), "render-500")
    assert submitted.video_id
    assert state.counts["videos_created"] == 1


async def test_endless_rate_limit_gives_up_with_the_wait(sandbox):
    state, transport = sandbox
    async with client("v3", transport) as api:
        state.faults = FaultPlan(rate_limit_next=50, retry_after_s=0.02)
        with pytest.raises(RateLimitedError) as caught:
            await api.account()
    assert caught.value.retry_after_s == pytest.approx(0.02)
    assert caught.value.status == 429


# --- real HTTP on loopback -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    running = SandboxServer(SandboxConfig(job_seconds=0.2))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def loopback(server: SandboxServer) -> Iterator[SandboxServer]:
    server.state.faults = FaultPlan()
    yield server
    server.state.faults = FaultPlan()


@pytest.mark.parametrize("generation", ["v3", "v2"])
async def test_photo_to_finished_video_over_loopback(loopback, generation):
    async with client(generation, base_url=loopback.url) as api:
        photo = await api.upload_photo(sample_photo("astronaut.png").read_bytes(), "image/png", "astronaut.png")
        created = await api.create_photo_avatar(f"Loop {generation}", photo.ref)
        look_id = created.look.id
        await until_value(lambda: api.get_look(look_id), lambda look: look.status.is_final, every=0.05)
        submitted = await api.submit_video(spec_for(look_id), f"loop-{generation}")
        status = await until_value(
            lambda: api.video_status(submitted.video_id), lambda answer: answer.status.is_final, every=0.1
        )
    assert status.status == Status.COMPLETED
    async with httpx.AsyncClient() as plain:
        video = await plain.get(status.video_url)
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"


async def test_stalled_read_times_out_and_is_retried_over_loopback(loopback):
    loopback.state.faults = FaultPlan(stall_next=1, stall_s=3.0, path_prefix="/v3/users/me")
    started = time.monotonic()
    async with client("v3", base_url=loopback.url, timeout_s=0.4) as api:
        account = await api.account()
    assert account.balance is not None
    assert time.monotonic() - started < 3.0


async def test_stalled_legacy_create_is_outcome_unknown_over_loopback(loopback):
    async with client("v2", base_url=loopback.url, timeout_s=0.4) as api:
        look = await demo_look(api)
        loopback.state.faults = FaultPlan(stall_next=1, stall_s=1.0, path_prefix="/v2/video/av4/generate")
        before = loopback.state.counts["requests"]
        with pytest.raises(OutcomeUnknownError):
            await api.submit_video(spec_for(look), "unused")
    assert loopback.state.counts["requests"] - before == 1


async def test_dropped_connection_on_v3_render_makes_one_video_over_loopback(loopback):
    async with client("v3", base_url=loopback.url) as api:
        look = await demo_look(api)
        before = loopback.state.counts["videos_created"]
        loopback.state.faults = FaultPlan(drop_next=1, path_prefix="/v3/videos", methods=frozenset({"POST"}))
        submitted = await api.submit_video(spec_for(look), "loop-drop")
        listed = await api.video_statuses([submitted.video_id])
    assert listed[submitted.video_id].status != Status.NOT_FOUND
    assert loopback.state.counts["videos_created"] - before == 1
