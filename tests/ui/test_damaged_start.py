"""Starting the app on damaged files: they are moved aside, the window says where once; a newer database stops it."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from heygen_studio.app import open_studio
from heygen_studio.config import Paths
from heygen_studio.storage.database import MIGRATIONS, Database, NewerDatabaseError


def _moved_aside_box() -> QMessageBox | None:
    from PySide6.QtWidgets import QApplication

    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "moved-aside" and w.isVisible()
    ]
    return boxes[0] if boxes else None


def test_damaged_settings_and_database_are_moved_aside_and_the_window_says_so_once(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    paths.settings_file.write_bytes(b'{"active_profile": "Caf\xe9", "last_panel": 2}')
    database = paths.data_dir / "studio.sqlite3"
    database.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)

    studio = open_studio(paths)

    async def scenario() -> str:
        window = await studio.start()
        qtbot.addWidget(window)
        box = _moved_aside_box()
        assert box is not None  # start() returned: the message does not wait for the user
        text = box.text()
        box.close()
        window.close()
        await studio.wait_closed()
        await studio.aclose()
        return text

    text = qloop.run_until_complete(scenario())
    [settings_aside] = paths.config_dir.glob("settings.json.damaged-*")
    [database_aside] = paths.data_dir.glob("studio.sqlite3.damaged-*")
    assert settings_aside.read_bytes() == b'{"active_profile": "Caf\xe9", "last_panel": 2}'
    assert database_aside.read_bytes().startswith(b"SQLite format 3\x00\xff")
    assert (
        f"settings.json could not be used (it is not UTF-8 text), so it was moved, untouched, to {settings_aside}"
        in text
    )
    assert "studio.sqlite3 could not be used" in text and str(database_aside) in text
    assert paths.settings_file.read_text(encoding="utf-8").startswith("{")  # fresh settings saved on the way out

    again = open_studio(paths)
    assert again.moved_aside == []  # said once: next start is quiet
    again.session.db.close()


def test_a_database_from_a_newer_app_stops_the_start_and_is_left_as_it_is(paths: Paths) -> None:
    database = paths.data_dir / "studio.sqlite3"
    Database(database).close()
    with sqlite3.connect(database) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    before = database.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer HeyGen Studio"):
        open_studio(paths)
    assert database.read_bytes() == before and not list(paths.data_dir.glob("*.damaged-*"))
