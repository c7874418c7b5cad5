"""One TLS context for every HTTPS client of the app: building one loads the CA bundle (40-100 ms)."""

from __future__ import annotations

import asyncio
import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The shared context (certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR as httpx reads them)."""
    return httpx.create_ssl_context()


async def prepare_tls() -> None:
    """Build the shared context in a worker thread if it isn't yet, so the event loop never waits on it."""
    if tls_context.cache_info().currsize == 0:
        await asyncio.to_thread(tls_context)
