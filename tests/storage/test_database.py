"""The SQLite database survives restarts, refuses newer schemas and remembers uploads."""

import sqlite3
import threading
from pathlib import Path

import pytest

from heygen_studio.storage.database import MIGRATIONS, Database, NewerDatabaseError
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
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer HeyGen Studio .*Update HeyGen Studio to open it"):
        Database(path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.glob("*.damaged-*")] == []


def _filled(path: Path) -> None:
    db = Database(path)
    assets = UploadedAssets(db)
    for number in range(300):
        assets.remember(f"hash{number}", "acct", "v3", f"asset_{number}" * 20, None)
    db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "scribbled pages"])
def test_a_damaged_database_is_moved_aside_untouched_and_a_fresh_one_started(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "studio.sqlite3"
    if damage == "garbage":
        path.write_bytes(b"this is not a database " * 300)
    else:
        _filled(path)
        data = bytearray(path.read_bytes())
        if damage == "truncated":
            data = data[: len(data) // 2 + 100]
        else:
            data[4096 * 2 : 4096 * 4] = b"\xa5" * 8192
        path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    Path(f"{path}-wal").write_bytes(b"journal of the damaged file")

    db = Database(path)
    moved = db.moved_aside
    assert moved is not None and moved.aside.name.startswith("studio.sqlite3.damaged-20")
    assert moved.aside.read_bytes() == damaged
    assert Path(f"{moved.aside}-wal").read_bytes() == b"journal of the damaged file"
    assert str(moved.aside) in moved.message and "a fresh one was started" in moved.message
    assert db.schema_version() == len(MIGRATIONS) and UploadedAssets(db).find("hash1", "acct", "v3") is None
    db.close()
    assert Database(path).moved_aside is None  # the fresh one is fine next time


def test_a_database_that_cannot_be_opened_for_other_reasons_is_left_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "studio.sqlite3"
    path.mkdir()  # not damage: nothing to move aside, the error says what happened
    with pytest.raises(sqlite3.OperationalError):
        Database(path)
    assert path.is_dir() and [p.name for p in tmp_path.iterdir()] == ["studio.sqlite3"]


def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    db = Database(tmp_path / "studio.sqlite3")
    with pytest.raises(ValueError):
        with db.transaction() as conn:
            conn.execute("INSERT INTO uploaded_assets VALUES ('h', 'a', 'v3', 'r', NULL, 0)")
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
