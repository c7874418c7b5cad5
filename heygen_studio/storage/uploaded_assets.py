"""Which photos (by content hash) were already uploaded to which account, and their asset refs."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from heygen_studio.storage.database import Database


def content_hash(data: bytes) -> str:
    """The SHA-256 of a photo's bytes: the same photo under any name has the same hash."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class UploadedAsset:
    content_hash: str
    ref: str
    url: str | None


class UploadedAssets:
    """Asset refs per (photo content, account, API generation)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def find(self, digest: str, account: str, generation: str) -> UploadedAsset | None:
        row = (
            self._db.connection()
            .execute(
                "SELECT ref, url FROM uploaded_assets WHERE content_hash=? AND account=? AND generation=?",
                (digest, account, generation),
            )
            .fetchone()
        )
        return UploadedAsset(digest, row["ref"], row["url"]) if row else None

    def remember(self, digest: str, account: str, generation: str, ref: str, url: str | None) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO uploaded_assets VALUES (?, ?, ?, ?, ?, ?)",
                (digest, account, generation, ref, url, time.time()),
            )
