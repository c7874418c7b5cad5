"""Project files: atomic saves, recovery after a crash, the recent list, and refusals that change nothing."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from heygen_studio.domain.project import LookRef, Project, ProjectFileError, Scene
from heygen_studio.services.projects import Autosaver, ProjectStore
from heygen_studio.storage import atomic_files


def project(script: str = "Hello there.") -> Project:
    return Project(title="Launch", look=LookRef("look_1", "Eileen"), scenes=(Scene(script=script, id="s1"),))


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_save_replaces_the_file_atomically_and_round_trips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProjectStore(tmp_path / "data")
    target = tmp_path / "videos" / "launch"
    saved = run(store.save(project(), target))
    assert saved.name == "launch.hgproj"
    before = saved.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic_files.os, "replace", crash)
    with pytest.raises(OSError):
        run(store.save(project("Changed."), saved))
    assert saved.read_bytes() == before  # the old file is intact
    assert [p.name for p in saved.parent.iterdir()] == ["launch.hgproj"]  # no temp file left
    monkeypatch.undo()
    assert run(store.open(saved)) == project()


def test_recent_lists_newest_first_without_missing_files(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data")
    a = run(store.save(project(), tmp_path / "a.hgproj"))
    b = run(store.save(Project(title="Second"), tmp_path / "b.hgproj"))
    run(store.open(a))
    assert [r.path.name for r in run(store.recent())] == ["a.hgproj", "b.hgproj"]
    b.unlink()
    assert [(r.path.name, r.title) for r in run(store.recent())] == [("a.hgproj", "Launch")]


def test_recovery_is_offered_only_when_newer_than_the_saved_file(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data")
    assert run(store.find_recovery()) is None
    run(store.write_recovery(project("Never saved."), None))
    found = run(store.find_recovery())
    assert found is not None and found.saved_path is None and found.project.scenes[0].script == "Never saved."

    saved = run(store.save(project(), tmp_path / "a.hgproj"))
    assert run(store.find_recovery()) is None  # saving discards the copy
    run(store.write_recovery(project(), saved))  # an autosave that fired after the save: same content
    assert run(store.find_recovery()) is None
    run(store.write_recovery(project("Edited after saving."), saved))
    found = run(store.find_recovery())
    assert found is not None and found.saved_path == saved
    assert found.project.scenes[0].script == "Edited after saving."


def test_a_damaged_recovery_copy_is_ignored(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data")
    store.recovery_file.parent.mkdir(parents=True)
    store.recovery_file.write_text("{broken")
    assert run(store.find_recovery()) is None


def test_autosave_waits_for_a_pause_in_editing(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "data")
    writes: list[Project] = []

    async def scenario() -> None:
        tasks: list[asyncio.Task[None]] = []

        def spawn(coro, name):  # type: ignore[no-untyped-def]
            tasks.append(asyncio.get_running_loop().create_task(coro))

        saver = Autosaver(store, spawn, delay_s=0.05)
        for n in range(5):
            saver.changed(project(f"draft {n}"), None)
            await asyncio.sleep(0.01)
        assert not store.recovery_file.exists()
        await asyncio.sleep(0.1)
        await asyncio.gather(*tasks)
        writes.extend([json.loads(store.recovery_file.read_text())])

    run(scenario())
    assert len(writes) == 1 and writes[0]["project"]["scenes"][0]["script"] == "draft 4"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{damaged", "damaged"),
        (b"\xff\xfe\x00garbage", "not a HeyGen Studio project"),
        (json.dumps(project().to_json() | {"schema_version": 7}).encode(), "newer HeyGen Studio"),
    ],
)
def test_refused_files_stay_byte_identical(tmp_path: Path, content: bytes, message: str) -> None:
    store = ProjectStore(tmp_path / "data")
    path = tmp_path / "bad.hgproj"
    path.write_bytes(content)
    mtime = os.stat(path).st_mtime_ns
    with pytest.raises(ProjectFileError, match=message) as caught:
        run(store.open(path))
    assert "bad.hgproj" in str(caught.value)
    assert path.read_bytes() == content and os.stat(path).st_mtime_ns == mtime
    assert run(store.recent()) == []
