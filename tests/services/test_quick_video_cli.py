"""`heygen-studio render` of a quick video (a project with a photo instead of a look) on the sandbox over loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from heygen_studio.domain.project import Project, Scene, VoiceRef
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer

CLI = [sys.executable, "-m", "heygen_studio"]


@pytest.fixture
def sandbox() -> Iterator[str]:
    server = SandboxServer(SandboxConfig(job_seconds=0.1))
    url = server.start()
    yield url
    server.stop()


def quick_video(folder: Path, photo_side: int) -> Path:
    """A project file beside its photo, which it names relative to itself (as a person writes one by hand)."""
    photos = folder / "pictures"
    photos.mkdir(parents=True)
    with Image.open(sample_photo("astronaut.png")) as image:
        image.convert("RGB").resize((photo_side, photo_side)).save(photos / "me.jpg", quality=90)
    project = folder / "hello.hgproj"
    project.write_text(
        Project(
            title="Hello from a photo",
            voice=VoiceRef("demo-en-us-ava"),
            scenes=(Scene(script="Hello! This photo talks without an avatar."),),
            photo_path="pictures/me.jpg",
        ).dumps()
    )
    return project


def render(project: Path, url: str, home: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(home)}
    return subprocess.run(
        [*CLI, "render", str(project), "--sandbox", url, *options],
        capture_output=True,
        text=True,
        env=env,
        cwd=home.parent,  # not the project's folder: its photo is found beside it all the same
        timeout=90,
    )


def test_a_photo_too_large_to_animate_fails_that_render_saying_why_and_nothing_is_uploaded(
    sandbox: str, tmp_path: Path
) -> None:
    project = quick_video(tmp_path / "video", 2600)
    done = render(project, sandbox, tmp_path / "home")
    assert done.returncode == 1, done.stderr
    assert "failed: The photo “me.jpg” is 2600×2600 pixels" in done.stderr and "2048" in done.stderr
    counts = httpx.get(f"{sandbox}/_sandbox/counts").json()
    assert counts.get("uploads", 0) == 0 and counts.get("videos_created", 0) == 0


def test_a_quick_video_renders_from_a_terminal_with_its_photo_beside_the_project_and_no_avatar(
    sandbox: str, tmp_path: Path
) -> None:
    project = quick_video(tmp_path / "video", 900)
    done = render(project, sandbox, tmp_path / "home", "--wait", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    video = Path(done.stdout.splitlines()[-1])
    assert video.parent == tmp_path / "out" and video.read_bytes()[4:8] == b"ftyp"
    counts = httpx.get(f"{sandbox}/_sandbox/counts").json()
    assert counts["uploads"] == 1 and counts["videos_created"] == 1 and counts.get("groups_created", 0) == 0
