"""Sandbox test fixtures: a fast sandbox over ASGITransport whose every v3 answer is checked against the contract."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sandbox_helpers import JOB_SECONDS, KEY, ContractRecorder, sandbox_state
from starlette.applications import Starlette

from heygen_studio.sandbox.app import create_app
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer


@pytest.fixture
def config() -> SandboxConfig:
    return SandboxConfig(keys=frozenset({KEY}), job_seconds=JOB_SECONDS)


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """The sandbox as a real server on a loopback port (fast jobs), for what needs real sockets."""
    server = SandboxServer(SandboxConfig(keys=frozenset({KEY}), job_seconds=0.2))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(config: SandboxConfig) -> Iterator[Starlette]:
    app = create_app(config)
    yield app
    sandbox_state(app).close()


@pytest.fixture
def recorder() -> ContractRecorder:
    return ContractRecorder()


@pytest.fixture
async def client(app: Starlette, recorder: ContractRecorder) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://sandbox.test",
        headers={"X-Api-Key": KEY},
        event_hooks={"response": [recorder]},
        timeout=30,
    ) as client:
        yield client
