"""Fault injection, over ASGITransport and over real loopback with SandboxServer."""

from __future__ import annotations

import time

import httpx
import pytest
from sandbox_helpers import KEY, sandbox_state
from starlette.applications import Starlette

from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.sandbox.server import SandboxServer, main


def video_body(look_id: str) -> dict:
    return {"type": "avatar", "avatar_id": look_id, "script": "Hello.", "voice_id": "demo-en-us-ava"}


async def eileen_look(client: httpx.AsyncClient) -> str:
    return (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]


async def test_a_dropped_create_still_creates_and_the_client_sees_a_transport_error(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    look_id = await eileen_look(client)
    sandbox_state(app).faults = FaultPlan(drop_next=1, path_prefix="/v3/videos", methods=frozenset({"POST"}))
    with pytest.raises(httpx.TransportError):
        await client.post("/v3/videos", json=video_body(look_id))
    assert sandbox_state(app).counts["videos_created"] == 1
    assert (await client.post("/v3/videos", json=video_body(look_id))).status_code == 200


async def test_rate_limit_storm_then_recovery(client: httpx.AsyncClient, app: Starlette) -> None:
    sandbox_state(app).faults = FaultPlan(rate_limit_next=2, retry_after_s=2)
    for path in ("/v3/voices", "/v2/voices"):
        response = await client.get(path)
        assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert (await client.get("/v3/voices")).status_code == 200


async def test_errors_latency_and_stalls(client: httpx.AsyncClient, app: Starlette) -> None:
    state = sandbox_state(app)
    state.faults = FaultPlan(error_rate=1.0, path_prefix="/v1/")
    legacy = await client.get("/v1/video.list")
    assert legacy.status_code == 500 and legacy.json()["code"] == 500
    assert (await client.get("/v3/voices")).status_code == 200  # other paths untouched
    state.faults = FaultPlan(latency_s=0.1, stall_next=1, stall_s=0.3)
    started = time.monotonic()
    assert (await client.get("/v3/voices")).status_code == 200
    assert time.monotonic() - started >= 0.4
    state.faults = FaultPlan(latency_s=2.0, error_rate=1.0)
    started = time.monotonic()
    assert (await client.get("/_media/voices/demo-en-us-ava.wav")).status_code == 200  # media is never faulted
    assert time.monotonic() - started < 2.0


def test_real_loopback_controls_and_dropped_connection(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=10) as client:
        look_id = client.get("/v3/avatars/looks", params={"ownership": "private"}).json()["data"][0]["id"]
        plan = client.post("/_sandbox/faults", json={"drop_next": 1, "path_prefix": "/v3/videos", "methods": ["post"]})
        assert plan.json()["methods"] == ["POST"]
        with pytest.raises(httpx.TransportError):
            client.post("/v3/videos", json=video_body(look_id))
        assert client.get("/_sandbox/counts").json()["videos_created"] == 1
        client.post("/_sandbox/faults", json={"rate_limit_next": 5})
        assert client.get("/v3/voices").status_code == 429
        client.post("/_sandbox/reset-faults")
        response = client.get("/v3/voices")
        assert response.status_code == 200 and response.headers["X-Request-Id"]
        assert client.post("/_sandbox/faults", json={"explode": True}).status_code == 400


def test_the_command_refuses_other_hosts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--host", "0.0.0.0", "--port", "0"]) == 2
    assert "loopback" in capsys.readouterr().err
    with pytest.raises(ValueError):
        SandboxServer(host="192.168.1.10")
