"""The SQLite database survives restarts, refuses newer schemas and remembers uploads."""

import sqlite3
import threading
from pathlib import Path

import pytest

from heygen_studio.storage.database import MIGRATIONS, Database
from heygen_studio.storage.uploaded_assets import UploadedAssets, content_hash


def test_new_database_is_wal_and_fully_migrated(tmp_path: Path) -> None:
    db = Database(tmp_path / "studio.sqlite3")
    assert db.schema_version() == len(MIGRATIONS)
    mode = db.connection().execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_reopening_keeps_data_and_does_not_remigrate(tmp_path: Path) -> None:
    path = tmp_path / "studio.sqlite3"
    UploadedAssets(Database(path)).remember("h", "acct", "v3", "asset_1", "http://x/1.png")
    again = UploadedAssets(Database(path)).find("h", "acct", "v3")
    assert again is not None and again.ref == "asset_1"


def test_database_from_a_newer_app_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "studio.sqlite3"
    Database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer HeyGen Studio"):
        Database(path)


def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    db = Database(tmp_path / "studio.sqlite3")
    with pytest.raises(ValueError):
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO uploaded_assets VALUES ('h', 'a', 'v3', 'r', NULL, 0)"
            )
            raise ValueError("boom")
    assert UploadedAssets(db).find("h", "a", "v3") is None


def test_uploads_are_per_account_and_generation(tmp_path: Path) -> None:
    assets = UploadedAssets(Database(tmp_path / "studio.sqlite3"))
    digest = content_hash(b"photo bytes")
    assets.remember(digest, "work", "v3", "asset_w", None)
    assert assets.find(digest, "work", "v3") is not None
    assert assets.find(digest, "personal", "v3") is None
    assert assets.find(digest, "work", "v2") is None


def test_each_thread_gets_its_own_connection(tmp_path: Path) -> None:
    db = Database(tmp_path / "studio.sqlite3")
    seen: list[sqlite3.Connection] = []
    thread = threading.Thread(target=lambda: seen.append(db.connection()))
    thread.start()
    thread.join()
    assert seen[0] is not db.connection()
