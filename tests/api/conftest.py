"""Fixtures for the HeyGen client tests: a client over httpx.MockTransport that records what it sent, and clients
of both generations talking to the in-process sandbox through a contract-checking wire."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from client_support import FAST_RETRY, SECRET, ContractChecking, Handler, Recorder
from starlette.applications import Starlette

from heygen_studio.api import RetryPolicy, Transport, V2Api, V3Api, open_client
from heygen_studio.api.base import HeyGenApi
from heygen_studio.sandbox.app import create_app
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.state import SandboxState


@pytest.fixture
def make_client() -> Callable[..., tuple[HeyGenApi, Recorder]]:
    """make_client(generation, handler, **retry) -> (client, recorder) over httpx.MockTransport."""

    def make(
        generation: str, handler: Handler, *, max_attempts: int = 4, max_retry_wait_s: float = 30.0, key: str = SECRET
    ) -> tuple[HeyGenApi, Recorder]:
        recorder = Recorder()

        def record(request: httpx.Request) -> httpx.Response:
            recorder.requests.append(request)
            return handler(request)

        transport = Transport(
            key,
            base_url="https://api.heygen.com",
            upload_url="https://upload.heygen.com",
            transport=httpx.MockTransport(record),
            retry=RetryPolicy(max_attempts=max_attempts, max_retry_wait_s=max_retry_wait_s),
            sleep=recorder.sleep,
        )
        cls = V3Api if generation == "v3" else V2Api
        return cls(transport), recorder

    return make


@pytest.fixture
def sandbox() -> Iterator[Starlette]:
    """The sandbox HeyGen in-process, its renders taking 0.2 s."""
    app = create_app(SandboxConfig(job_seconds=0.2))
    yield app
    app.state.sandbox.close()


@pytest.fixture
def state(sandbox: Starlette) -> SandboxState:
    state: SandboxState = sandbox.state.sandbox
    return state


@pytest.fixture
def wire(sandbox: Starlette) -> ContractChecking:
    """The wire every `connect` client uses: checks v3 traffic against the contract and remembers it."""
    return ContractChecking(httpx.ASGITransport(app=sandbox))


@pytest.fixture
def connect(wire: ContractChecking) -> Callable[..., HeyGenApi]:
    """connect(generation, key="sandbox") -> a client of that generation talking to the sandbox over `wire`."""

    def make(generation: str, key: str = "sandbox") -> HeyGenApi:
        return open_client(
            generation,
            key,
            base_url="http://sandbox.test",
            upload_url="http://sandbox.test",
            transport=wire,
            retry=FAST_RETRY,
            max_retry_wait_s=1.0,
        )

    return make


@pytest.fixture
async def v3(connect: Callable[..., HeyGenApi]) -> AsyncIterator[HeyGenApi]:
    async with connect("v3") as api:
        yield api


@pytest.fixture
async def v2(connect: Callable[..., HeyGenApi]) -> AsyncIterator[HeyGenApi]:
    async with connect("v2") as api:
        yield api
