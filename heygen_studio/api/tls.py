"""One TLS context for every HTTPS client of the app: building one loads the CA bundle (40-100 ms)."""

from __future__ import annotations

import asyncio
import functools
import ssl
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The shared context (certifi's CAs, or SSL_CERT_FILE / SSL_CERT_DIR as httpx reads them)."""
    import httpx  # with the first client, not at start

    return httpx.create_ssl_context()


def download_client() -> httpx.AsyncClient:
    """A client for fetching files HeyGen links to (thumbnails, speech): redirects followed, the shared context."""
    import httpx  # with the first download, not at start

    return httpx.AsyncClient(timeout=30.0, follow_redirects=True, verify=tls_context())


async def prepare_tls() -> None:
    """Build the shared context in a worker thread if it isn't yet, so the event loop never waits on it."""
    if tls_context.cache_info().currsize == 0:
        await asyncio.to_thread(tls_context)
