"""Fixtures for the HeyGen client tests: a client over httpx.MockTransport that records what it sent."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from client_support import SECRET, Handler, Recorder

from heygen_studio.api import RetryPolicy, Transport, V2Api, V3Api
from heygen_studio.api.base import HeyGenApi


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
