"""One httpx.AsyncClient for HeyGen: auth, User-Agent, timeouts, retries with backoff, typed errors, safe logging."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import dataclass
from typing import IO, Any

import httpx

from heygen_studio import __version__
from heygen_studio.api import errors
from heygen_studio.api.envelopes import error_info, is_quota_used_up, retry_after_seconds, to_exception
from heygen_studio.api.tls import tls_context

log = logging.getLogger("heygen_studio.api")

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_:.-]{1,255}")  # the characters HeyGen takes in a key
USER_AGENT = f"heygen-studio/{__version__}"
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE", "PATCH", "PUT"})
# Failures that happen before a request leaves this machine: safe to re-send for any method.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: attempts include the first try."""

    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_wait_s: float = 30.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with jitter (half fixed, half random) before retry number `attempt`."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** (attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class Transport:
    """Sends requests to HeyGen and returns the parsed JSON body of successful responses."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str,
        upload_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._key = api_key
        self.base_url = base_url.rstrip("/")
        self.upload_url = upload_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            headers={"X-Api-Key": api_key, "User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)),
            transport=transport,
            verify=tls_context(),
        )

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r}, upload_url={self.upload_url!r})"

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | AsyncIterable[bytes] | None = None,
        files: dict[str, tuple[str, bytes | IO[bytes], str]] | None = None,
        headers: dict[str, str] | None = None,
        upload: bool = False,
        http_timeout: httpx.Timeout | None = None,
        retry_safe: bool = False,
    ) -> dict[str, Any]:
        """Send with retries; return the JSON body of a success or raise a HeyGenError.

        GET/DELETE/PATCH/PUT, POSTs with an Idempotency-Key and calls marked `retry_safe` are
        re-sent after 5xx, timeouts and lost connections; other POSTs only after 429 or a failure
        to connect, and a lost answer to them raises OutcomeUnknownError. `http_timeout` replaces the
        client's connect/read timeouts for each attempt (uploads need longer ones).
        """
        method = method.upper()
        idempotent = retry_safe or method in _IDEMPOTENT_METHODS or IDEMPOTENCY_HEADER in (headers or {})
        url = f"{self.upload_url}{path}" if upload else path
        query = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            attempt += 1
            last_try = attempt >= self.retry.max_attempts
            started = time.monotonic()
            try:
                response = await self._client.request(
                    method,
                    url,
                    params=query or None,
                    json=json,
                    content=content,
                    files=files,
                    headers=headers,
                    timeout=http_timeout if http_timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TransportError as exc:
                log.debug(
                    "HeyGen %s %s failed after %.0f ms: %s (attempt %d)",
                    method,
                    path,
                    _ms(started),
                    type(exc).__name__,
                    attempt,
                )
                not_sent = isinstance(exc, _NOT_SENT)
                if (idempotent or not_sent) and not last_try:
                    await self._sleep(self.retry.backoff(attempt, self._rng))
                    continue
                raise _transport_error(exc, method, path, sent=not not_sent, idempotent=idempotent) from exc
            request_id = response.headers.get("x-request-id")
            log.log(  # a refusal (402 no money, 4xx, 5xx) is worth a line in the log at the default level
                logging.DEBUG if response.is_success else logging.WARNING,
                "HeyGen %s %s -> %d request_id=%s %.0f ms (attempt %d)",
                method,
                path,
                response.status_code,
                request_id or "-",
                _ms(started),
                attempt,
            )
            body = _json(response)
            if response.is_success and error_info(body) is None:
                return body if isinstance(body, dict) else {"data": body}
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
            status = response.status_code
            if status == 429 and not last_try and not is_quota_used_up(status, body):
                wait = retry_after if retry_after is not None else self.retry.backoff(attempt, self._rng)
                await self._sleep(min(wait, self.retry.max_retry_wait_s))
                continue
            if status == 409 and _in_progress(body) and not last_try:
                # The same Idempotency-Key is still being processed at HeyGen: wait a moment and ask again,
                # which then replays the first answer.
                wait = retry_after if retry_after is not None else self.retry.backoff(attempt, self._rng)
                await self._sleep(min(wait, self.retry.max_retry_wait_s))
                continue
            if status >= 500 and idempotent and not last_try:
                await self._sleep(self.retry.backoff(attempt, self._rng))
                continue
            raise to_exception(
                status,
                body,
                request_id=request_id,
                retry_after_s=retry_after,
                secret=self._key,
            )


def _transport_error(
    exc: httpx.TransportError, method: str, path: str, *, sent: bool, idempotent: bool
) -> errors.HeyGenError:
    if sent and not idempotent:
        return errors.OutcomeUnknownError(
            f"The connection to HeyGen was lost before it answered {method} {path}, so the request "
            "may have gone through. Check your videos and avatars on HeyGen before trying again, "
            "so nothing is made or charged twice."
        )
    if isinstance(exc, httpx.TimeoutException):
        return errors.RequestTimeout()
    return errors.NetworkError()


def _in_progress(body: Any) -> bool:
    """True for HeyGen's 409 request_in_progress: a repeat of a request it is still processing."""
    info = error_info(body)
    return info is not None and info.code == "request_in_progress"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
