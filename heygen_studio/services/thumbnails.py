"""Lazy thumbnails: newest request first, a few at a time, disk cache by content, pixmap LRU by (hash, dpr)."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from heygen_studio.api.tls import download_client
from heygen_studio.storage.thumbnail_cache import ThumbnailCache
from heygen_studio.tasks import TaskRegistry

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = QSize(150, 150)
MAX_WAITING = 300  # requests beyond this many (scrolled far away) are forgotten; painting asks again


def decode(data: bytes, size: QSize) -> QImage:
    """Decode image bytes and scale them to fit `size` (runs in a worker thread). Null image if unreadable."""
    image = QImage.fromData(data)
    if image.isNull():
        return image
    return image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def pixmap_bytes(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(pixmap.depth(), 8) // 8


class Thumbnails(QObject):
    """Ask with `request(url, dpr)`; `ready(url)` fires when `pixmap(url, dpr)` has it."""

    ready = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        cache: ThumbnailCache,
        tasks: TaskRegistry,
        *,
        size: QSize = THUMBNAIL_SIZE,
        concurrency: int = 4,
        memory_bytes: int = 96 * 1024 * 1024,
        client_factory: Callable[[], httpx.AsyncClient] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache = cache
        self._tasks = tasks
        self.size = size
        self.concurrency = concurrency
        self.memory_bytes = memory_bytes
        self._client_factory = client_factory or download_client
        self._client: httpx.AsyncClient | None = None
        self._waiting: OrderedDict[tuple[str, float], None] = OrderedDict()  # newest last (LIFO)
        self._running: set[tuple[str, float]] = set()
        self._hashes: dict[str, str] = {}
        self._pixmaps: OrderedDict[tuple[str, float], QPixmap] = OrderedDict()
        self._held = 0
        self._failed: set[str] = set()
        self._epoch = 0

    # --- what the delegate calls ---------------------------------------------------------------

    def pixmap(self, url: str, dpr: float) -> QPixmap | None:
        """The thumbnail if it is in memory (marked recently used); None on a miss."""
        digest = self._hashes.get(url)
        if digest is None:
            return None
        pixmap = self._pixmaps.get((digest, dpr))
        if pixmap is not None:
            self._pixmaps.move_to_end((digest, dpr))
        return pixmap

    def has_failed(self, url: str) -> bool:
        return url in self._failed

    def request(self, url: str, dpr: float) -> None:
        """Queue `url`; the most recent request is served first. Repeats only move it to the top."""
        key = (url, dpr)
        if url in self._failed or key in self._running:
            return
        self._waiting[key] = None
        self._waiting.move_to_end(key)
        while len(self._waiting) > MAX_WAITING:
            self._waiting.popitem(last=False)
        self._pump()

    def reset(self) -> None:
        """Forget queued requests; results of work already running are dropped when they arrive."""
        self._epoch += 1
        self._waiting.clear()
        self._running.clear()
        self._failed.clear()

    @property
    def held_bytes(self) -> int:
        """Bytes of pixel data the memory LRU holds."""
        return self._held

    @property
    def pending(self) -> int:
        return len(self._waiting) + len(self._running)

    # --- whole images (previews, uploads) ------------------------------------------------------

    async def fetch(self, url: str) -> bytes:
        """The bytes behind `url`, from the disk cache or the network (then cached)."""
        hit = await asyncio.to_thread(self.cache.get, url)
        if hit is not None:
            self._hashes[url] = hit[0]
            return hit[1]
        if self._client is None:
            self._client = self._client_factory()
        response = await self._client.get(url)
        response.raise_for_status()
        data = response.content
        self._hashes[url] = await asyncio.to_thread(self.cache.put, url, data)
        return data

    async def image(self, url: str, size: QSize) -> QImage:
        """A decoded image of `url` fitting `size` (decoded in a worker thread)."""
        return await asyncio.to_thread(decode, await self.fetch(url), size)

    async def aclose(self) -> None:
        self.reset()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # --- the workers ---------------------------------------------------------------------------

    def _pump(self) -> None:
        while self._waiting and len(self._running) < self.concurrency:
            key, _ = self._waiting.popitem(last=True)
            self._running.add(key)
            try:
                self._tasks.spawn(self._load(key, self._epoch), f"thumbnail {key[0]}")
            except RuntimeError:  # shutting down
                self._running.discard(key)
                return

    async def _load(self, key: tuple[str, float], epoch: int) -> None:
        import httpx  # loaded by then: fetching opened the client

        url, dpr = key
        try:
            image = await asyncio.to_thread(decode, await self.fetch(url), self.size * dpr)
        except (httpx.HTTPError, OSError) as error:
            log.info("Thumbnail %s not loaded: %r", url, error)
            image = QImage()
        finally:
            if epoch == self._epoch:
                self._running.discard(key)
        if epoch != self._epoch:
            return  # a reset happened meanwhile: stale
        if image.isNull():
            self._failed.add(url)
            self.failed.emit(url)
        else:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(dpr)
            self._remember((self._hashes[url], dpr), pixmap)
            self.ready.emit(url)
        self._pump()

    def _remember(self, key: tuple[str, float], pixmap: QPixmap) -> None:
        old = self._pixmaps.pop(key, None)
        if old is not None:
            self._held -= pixmap_bytes(old)
        self._pixmaps[key] = pixmap
        self._held += pixmap_bytes(pixmap)
        while self._held > self.memory_bytes and len(self._pixmaps) > 1:
            _, evicted = self._pixmaps.popitem(last=False)
            self._held -= pixmap_bytes(evicted)
