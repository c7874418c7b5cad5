"""Uploading photos to HeyGen once per account: the same bytes reuse the asset uploaded before."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from heygen_studio.api import HeyGenApi
from heygen_studio.api.errors import InvalidRequestError
from heygen_studio.api.upload_progress import UploadProgress
from heygen_studio.storage.database import Database
from heygen_studio.storage.uploaded_assets import UploadedAssets, content_hash

_MIME_BY_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@dataclass(frozen=True)
class Upload:
    """An uploaded photo: its content hash, the ref later requests name it by, and whether it was reused."""

    content_hash: str
    ref: str
    reused: bool


@dataclass(frozen=True)
class PhotoBytes:
    """A photo file read into memory, with its content hash."""

    path: Path
    data: bytes
    content_hash: str


def read_photo(path: Path) -> PhotoBytes:
    """Read `path` (blocking: call in a thread). Raises OSError when the file is gone or unreadable."""
    data = path.read_bytes()
    return PhotoBytes(path, data, content_hash(data))


def photo_mime(data: bytes) -> str:
    """image/png or image/jpeg judged by content; InvalidRequestError for anything else."""
    for magic, mime in _MIME_BY_MAGIC:
        if data.startswith(magic):
            return mime
    raise InvalidRequestError("HeyGen takes photos as PNG or JPEG. Click 'Convert to JPEG' first.", field="file")


class Uploader:
    """Uploads photos, remembering (content hash, account, generation) -> asset ref in the database."""

    def __init__(self, db: Database) -> None:
        self._assets = UploadedAssets(db)
        self._locks: dict[tuple[str, str, str], asyncio.Lock] = {}

    async def upload(
        self, api: HeyGenApi, account: str, photo: PhotoBytes, progress: UploadProgress | None = None
    ) -> Upload:
        """The photo's asset ref on this account: reused when these bytes were uploaded before, else uploaded."""
        key = (photo.content_hash, account, api.generation)
        async with self._locks.setdefault(key, asyncio.Lock()):  # the same photo twice at once: one upload
            known = await asyncio.to_thread(self._assets.find, *key)
            if known is not None:
                if progress is not None:
                    progress(len(photo.data), len(photo.data))
                return Upload(photo.content_hash, known.ref, reused=True)
            asset = await api.upload_photo(photo.data, photo_mime(photo.data), photo.path.name, progress=progress)
            await asyncio.to_thread(self._assets.remember, *key, asset.ref, asset.url)
            return Upload(photo.content_hash, asset.ref, reused=False)

    async def upload_file(
        self, api: HeyGenApi, account: str, path: Path, progress: UploadProgress | None = None
    ) -> Upload:
        """Read `path` off the UI thread and upload it (or reuse its earlier upload)."""
        return await self.upload(api, account, await asyncio.to_thread(read_photo, path), progress)
