"""Photo fixtures: temporary files, synthetic photos and crafted nasty files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from photo_samples import png_claiming
from PIL import Image

from heygen_studio.resources import sample_photo


@pytest.fixture
def save(tmp_path: Path) -> Callable[..., Path]:
    """save(image, "name.ext", **options) -> path of the written file in a temporary folder."""

    def _save(image: Image.Image, name: str, **options: object) -> Path:
        path = tmp_path / name
        image.save(path, **options)
        return path

    return _save


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, bytes], Path]:
    def _write(name: str, data: bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture
def nasty_files(tmp_path: Path, write: Callable[[str, bytes], Path]) -> dict[str, Path]:
    """Files a user might drop on the app that no image library should be trusted with blindly."""
    png = (sample_photo("astronaut.png")).read_bytes()
    frames = [Image.new("RGB", (600, 600), colour) for colour in ("red", "blue")]
    gif = tmp_path / "two-frames.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100)
    folder = tmp_path / "a-folder.jpg"
    folder.mkdir()
    return {
        "truncated_png": write("truncated.png", png[: len(png) // 2]),
        "bomb_png": write("bomb.png", png_claiming(100_000, 100_000)),
        "two_frame_gif": gif,
        "text_as_jpg": write("notes.jpg", b"This is not a photo, just some text.\n" * 20),
        "empty": write("empty.jpg", b""),
        "random": write("random.png", bytes(range(256)) * 40),
        "directory": folder,
        "missing": tmp_path / "no-such-photo.jpg",
    }
