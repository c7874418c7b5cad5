"""The command line on a damaged or newer database: one plain line, never a traceback, never a lost file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from heygen_studio.storage.database import MIGRATIONS, Database

CLI = [sys.executable, "-m", "heygen_studio"]


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(home)}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=60)


def test_a_damaged_database_is_moved_aside_and_the_command_says_where_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "data" / "studio.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"\x00garbage, not SQLite\xff" * 500)

    listed = _run(tmp_path, "queue")
    assert listed.returncode == 0, listed.stderr
    [aside] = database.parent.glob("studio.sqlite3.damaged-*")
    assert aside.read_bytes() == b"\x00garbage, not SQLite\xff" * 500
    assert listed.stderr.strip().splitlines() == [
        "heygen-studio: studio.sqlite3 could not be used (it is not a database), so it was moved, untouched, "
        f"to {aside} and a fresh one was started."
    ]
    assert "No renders yet" in listed.stdout
    again = _run(tmp_path, "queue")
    assert again.returncode == 0 and again.stderr == ""  # said once; the fresh database is fine


def test_a_database_from_a_newer_app_is_refused_plainly_and_left_alone(tmp_path: Path) -> None:
    database = tmp_path / "data" / "studio.sqlite3"
    Database(database).close()
    with sqlite3.connect(database) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 3}")
    conn.close()
    before = database.read_bytes()

    for args in (["queue"], ["queue", "--wait", "--sandbox", "http://127.0.0.1:9"]):
        refused = _run(tmp_path, *args)
        assert refused.returncode == 2
        assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
        assert "newer HeyGen Studio" in refused.stderr and "Update HeyGen Studio" in refused.stderr
    assert database.read_bytes() == before
    assert not list(database.parent.glob("*.damaged-*"))


def test_damaged_settings_are_moved_aside_and_the_render_command_carries_on(tmp_path: Path) -> None:
    settings = tmp_path / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_bytes(b'{"active_profile": "Caf\xe9"}')
    project = tmp_path / "clip.hgproj"
    project.write_text('{"schema_version": 1, "scenes": [{"script": "Hi."}]}')

    result = _run(tmp_path, "render", str(project), "--profile", "Work")
    [aside] = settings.parent.glob("settings.json.damaged-*")
    assert aside.read_bytes() == b'{"active_profile": "Caf\xe9"}'
    assert result.stderr.strip().splitlines() == [
        "heygen-studio: settings.json could not be used (it is not UTF-8 text), so it was moved, untouched, "
        f"to {aside} and a fresh one was started.",
        "heygen-studio: There is no profile named 'Work'. Add it in the app's Settings.",
    ]
    assert result.returncode == 2
