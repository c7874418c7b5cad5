"""Upload bodies that report how many bytes have been sent, for a progress bar."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable

UploadProgress = Callable[[int, int], None]
"""Called with (bytes sent so far, total bytes) while an upload is being sent."""

CHUNK_SIZE = 64 * 1024


class ProgressBody:
    """Raw bytes sent in chunks; iterable again for a retry, which starts the count afresh."""

    def __init__(self, data: bytes, progress: UploadProgress) -> None:
        self._data = data
        self._progress = progress

    async def __aiter__(self) -> AsyncIterator[bytes]:
        total = len(self._data)
        for start in range(0, total, CHUNK_SIZE):
            chunk = self._data[start : start + CHUNK_SIZE]
            yield chunk
            self._progress(start + len(chunk), total)


class ProgressFile(io.BytesIO):
    """A file for a multipart upload whose reads report progress (httpx rewinds it for a retry)."""

    def __init__(self, data: bytes, progress: UploadProgress) -> None:
        super().__init__(data)
        self._total = len(data)
        self._progress = progress

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if chunk:
            self._progress(self.tell(), self._total)
        return chunk
