"""Disk caches of the Library: thumbnail bytes by sha256 (URL index, LRU size bound) and the last listings."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

DEFAULT_MAX_BYTES = 200 * 1024 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, size INTEGER NOT NULL, used_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS urls (url TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS listings (key TEXT PRIMARY KEY, body TEXT NOT NULL, saved_at REAL NOT NULL);
"""


class ThumbnailCache:
    """Image bytes stored once per content hash under `folder`; an index maps URLs to hashes.

    Thread-safe and blocking: call it through `asyncio.to_thread` from the UI. Least recently
    used blobs are evicted once the total passes `max_bytes`.
    """

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        (folder / "blobs").mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(folder / "index.sqlite3", check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)

    def _blob(self, digest: str) -> Path:
        return self.folder / "blobs" / digest[:2] / digest

    def hash_of(self, url: str) -> str | None:
        """The content hash cached for `url`, if its bytes are on disk."""
        with self._lock:
            row = self._conn.execute("SELECT hash FROM urls WHERE url=?", (url,)).fetchone()
        return row[0] if row else None

    def get(self, url: str) -> tuple[str, bytes] | None:
        """(hash, bytes) for `url`, marking them recently used; None on a miss."""
        digest = self.hash_of(url)
        if digest is None:
            return None
        try:
            data = self._blob(digest).read_bytes()
        except FileNotFoundError:
            with self._lock:
                self._conn.execute("DELETE FROM urls WHERE hash=?", (digest,))
                self._conn.execute("DELETE FROM blobs WHERE hash=?", (digest,))
            return None
        with self._lock:
            self._conn.execute("UPDATE blobs SET used_at=? WHERE hash=?", (time.time(), digest))
        return digest, data

    def put(self, url: str, data: bytes) -> str:
        """Store `data` fetched from `url`; returns its sha256. Evicts old blobs past the size bound."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._blob(digest)
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            temp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            temp.write_bytes(data)
            os.replace(temp, path)
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", (digest, len(data), time.time()))
            self._conn.execute("INSERT OR REPLACE INTO urls VALUES (?, ?)", (url, digest))
        self._evict()
        return digest

    def total_bytes(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COALESCE(SUM(size), 0) FROM blobs").fetchone()[0])

    def _evict(self) -> None:
        with self._lock:
            total = int(self._conn.execute("SELECT COALESCE(SUM(size), 0) FROM blobs").fetchone()[0])
            if total <= self.max_bytes:
                return
            doomed: list[str] = []
            for digest, size in self._conn.execute("SELECT hash, size FROM blobs ORDER BY used_at"):
                if total <= self.max_bytes:
                    break
                doomed.append(digest)
                total -= size
            for digest in doomed:
                self._conn.execute("DELETE FROM blobs WHERE hash=?", (digest,))
                self._conn.execute("DELETE FROM urls WHERE hash=?", (digest,))
        for digest in doomed:
            self._blob(digest).unlink(missing_ok=True)

    # --- the last listing of each view, shown at once on the next start ------------------------

    def save_listing(self, key: str, body: Any) -> None:
        """Remember a JSON-able listing under `key` (e.g. account + ownership + group)."""
        text = json.dumps(body)
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO listings VALUES (?, ?, ?)", (key, text, time.time()))

    def load_listing(self, key: str) -> Any | None:
        with self._lock:
            row = self._conn.execute("SELECT body FROM listings WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
