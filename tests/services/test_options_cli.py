"""`heygen-studio quote`/`render` with the new choices, against the sandbox over loopback: --draft prices and
renders the cheapest way and is marked as a draft; a project with its own recording is priced on its length."""

from __future__ import annotations

import json
import wave
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from heygen_studio.cli import quote, render
from heygen_studio.config import app_paths
from heygen_studio.domain.project import LookRef, OwnAudio, Project, Scene, VoiceRef
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import JobStatus, RenderJobs

MINUTE = " ".join(["word"] * 150)  # 60 seconds at the normal 150 words a minute


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEYGEN_STUDIO_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def sandbox() -> Iterator[str]:
    server = SandboxServer(SandboxConfig(job_seconds=0.1, balance=100))
    url = server.start()
    yield url
    server.stop()


def project_file(tmp_path: Path, url: str, **fields: Any) -> Path:
    look = httpx.get(f"{url}/v3/avatars/looks", params={"ownership": "private"}, headers={"X-Api-Key": "sandbox"})
    item = look.json()["data"][0]
    path = tmp_path / "minute.hgproj"
    path.write_text(
        Project(
            title="A minute",
            look=LookRef(item["id"], "Eileen", avatar_type=item["avatar_type"]),
            voice=VoiceRef("demo-en-us-ava"),
            scenes=(Scene(script=MINUTE, motion_prompt="waves"),),
            **fields,
        ).dumps()
    )
    return path


def quoted(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert quote.main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_draft_is_quoted_on_avatar_iii_at_720p(sandbox: str, tmp_path: Path, capsys) -> None:
    path = str(project_file(tmp_path, sandbox))
    full = quoted(capsys, path, "--sandbox", sandbox)
    draft = quoted(capsys, path, "--sandbox", sandbox, "--draft")
    assert (full["engine"], full["resolution"], full["draft"], full["total"]["text"]) == (
        "avatar_iv",
        "1080p",
        False,
        "$3.00",
    )
    assert (draft["engine"], draft["resolution"], draft["draft"], draft["total"]["text"]) == (
        "avatar_iii",
        "720p",
        True,
        "$1.00",
    )
    assert quote.main([path, "--sandbox", sandbox, "--draft"]) == 0
    assert "(draft: Avatar III, photo avatar, 720p;" in capsys.readouterr().out


def test_a_project_with_its_own_recording_is_quoted_on_the_recordings_length(
    sandbox: str, tmp_path: Path, capsys
) -> None:
    audio = tmp_path / "me.wav"
    with wave.open(str(audio), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * 8000 * 20)
    path = str(project_file(tmp_path, sandbox, own_audio=OwnAudio(str(audio), 20.0, "me.wav")))
    result = quoted(capsys, path, "--sandbox", sandbox)
    assert result["seconds"] == 20.0 and result["total"]["text"] == "$1.00"  # 20 s at $0.05, not the minute


def test_render_draft_renders_the_cheap_way_and_the_job_says_draft(sandbox: str, tmp_path: Path, capsys) -> None:
    path = str(project_file(tmp_path, sandbox))
    status = render.main([path, "--sandbox", sandbox, "--out", str(tmp_path / "out"), "--draft", "--wait"])
    out = capsys.readouterr().out.splitlines()
    assert status == 0, out
    db = Database(app_paths().data_dir / "studio.sqlite3")
    (job,) = RenderJobs(db).all()
    assert job.status is JobStatus.DOWNLOADED and job.is_draft and Path(out[-1]).exists()
    spec = job.video_spec()
    assert (spec.engine.value, spec.resolution.value, spec.scenes[0].motion_prompt) == ("avatar_iii", "720p", None)
    db.close()


def test_a_recording_and_a_photo_named_beside_the_project_file_are_found_from_any_folder(tmp_path: Path) -> None:
    folder = tmp_path / "video"
    written = Project(photo_path="pictures/me.jpg", own_audio=OwnAudio("me.wav", 2.0), scenes=(Scene(),))
    found = render.files_beside(written, folder / "hello.hgproj")
    assert found.photo_path == str((folder / "pictures" / "me.jpg").resolve())
    assert found.own_audio is not None and found.own_audio.path == str((folder / "me.wav").resolve())
    absolute = Project(own_audio=OwnAudio("/recordings/me.wav", 2.0))
    assert render.files_beside(absolute, folder / "hello.hgproj") == absolute


def test_a_quick_video_is_quoted_at_the_photo_rate_with_what_it_saves(sandbox: str, tmp_path: Path, capsys) -> None:
    path = project_file(tmp_path, sandbox, photo_path="me.jpg")
    written = Project.loads(path.read_bytes())
    path.write_text(replace(written, look=None).dumps())
    result = quoted(capsys, str(path), "--sandbox", sandbox)
    assert (result["image_video"], result["avatar_type"], result["total"]["text"]) == (True, "photo_avatar", "$3.00")
    assert result["saves"]["text"] == "$1.00"
    assert quote.main([str(path), "--sandbox", sandbox]) == 0
    assert "Made straight from the photo: no avatar to create, which saves $1.00." in capsys.readouterr().out
    assert quoted(capsys, str(project_file(tmp_path, sandbox)), "--sandbox", sandbox)["saves"] is None
