"""Opening a client for one API generation, and what each generation accepts."""

from __future__ import annotations

from typing import Literal

import httpx

from heygen_studio.api.base import HeyGenApi
from heygen_studio.api.errors import AuthError
from heygen_studio.api.transport import RetryPolicy, Transport
from heygen_studio.api.v2 import V2Api
from heygen_studio.api.v3 import V3Api

_CLIENTS: dict[str, type[HeyGenApi]] = {"v3": V3Api, "v2": V2Api}


def open_client(
    generation: Literal["v3", "v2"],
    api_key: str,
    *,
    base_url: str = "https://api.heygen.com",
    upload_url: str = "https://upload.heygen.com",
    transport: httpx.AsyncBaseTransport | None = None,
    max_retry_wait_s: float = 30.0,
    timeout_s: float = 30.0,
    retry: RetryPolicy | None = None,
) -> HeyGenApi:
    """A client for one API generation; use it as `async with open_client(...) as api:`.

    For the sandbox pass upload_url = base_url. `retry` overrides attempts and backoff
    (its max_retry_wait_s is replaced by the argument of the same name).
    """
    if generation not in _CLIENTS:
        raise ValueError(f"Unknown HeyGen API generation {generation!r}; use 'v3' or 'v2'.")
    if not api_key or not api_key.strip():
        raise AuthError("No HeyGen API key is set. Add one in Settings → Accounts.")
    policy = retry or RetryPolicy()
    policy = RetryPolicy(
        max_attempts=policy.max_attempts,
        base_delay_s=policy.base_delay_s,
        max_delay_s=policy.max_delay_s,
        max_retry_wait_s=max_retry_wait_s,
    )
    wire = Transport(
        api_key.strip(),
        base_url=base_url,
        upload_url=upload_url,
        transport=transport,
        retry=policy,
        timeout_s=timeout_s,
    )
    return _CLIENTS[generation](wire)
