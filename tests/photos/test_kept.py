"""The Photos page's list kept across restarts: reports come back only for unchanged files; damage is moved aside."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from heygen_studio.photos import check_photo
from heygen_studio.photos.kept import KeptPhoto, PhotoList, stamp_of
from heygen_studio.resources import sample_photo


def test_reports_come_back_for_unchanged_files_only_and_gone_files_are_named(tmp_path: Path) -> None:
    names = ("astronaut.png", "camera.png", "chelsea.png")
    paths = [Path(shutil.copy(sample_photo(name), tmp_path / name)) for name in names]
    kept = PhotoList(tmp_path / "data" / "photos.json")
    checked = [KeptPhoto(path, check_photo(path), stamp_of(path)) for path in paths]
    kept.save([*checked, KeptPhoto(tmp_path / "new.png")])
    os.utime(paths[1], ns=(1, 1))  # camera.png touched since it was checked
    paths[2].unlink()

    restored = kept.load()
    assert [photo.path for photo in restored.photos] == [paths[0], paths[1]]  # new.png never existed either
    assert restored.missing == [paths[2], tmp_path / "new.png"] and restored.note == ""
    first, touched = restored.photos
    assert first.report == check_photo(paths[0]) and first.stamp == stamp_of(paths[0])  # faces, warnings, all
    assert touched.report is None  # checked again


def test_a_damaged_list_is_moved_aside_not_deleted(tmp_path: Path) -> None:
    file = tmp_path / "photos.json"
    file.write_text(json.dumps({"photos": [{"nopath": 1}]}), encoding="utf-8")
    restored = PhotoList(file).load()
    assert restored.photos == [] and "moved to" in restored.note
    [aside] = tmp_path.glob("photos.damaged-*.json")
    assert json.loads(aside.read_text(encoding="utf-8")) == {"photos": [{"nopath": 1}]}
    assert not file.exists()


def test_no_list_yet_is_an_empty_page(tmp_path: Path) -> None:
    restored = PhotoList(tmp_path / "photos.json").load()
    assert (restored.photos, restored.missing, restored.note) == ([], [], "")
