"""Fixes write a new acceptable file next to the original (or in a chosen folder) and never touch the original."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from photo_samples import astronaut, cut_out
from PIL import Image

from heygen_studio.photos import FixError, check_photo, fix_photo
from heygen_studio.resources import sample_photo


def test_converting_webp_to_jpeg_writes_photo_fixed_jpg(save: Callable[..., Path]) -> None:
    original = save(astronaut().resize((800, 800)), "photo.webp")
    before = original.read_bytes()
    fixed = fix_photo(original)
    assert fixed == original.with_name("photo.fixed.jpg")
    assert original.read_bytes() == before
    report = check_photo(fixed)
    assert report.ok and report.format == "JPEG" and report.faces


def test_an_existing_fixed_file_is_never_overwritten(save: Callable[..., Path]) -> None:
    original = save(astronaut(), "photo.webp")
    squatter = original.with_name("photo.fixed.jpg")
    squatter.write_bytes(b"mine")
    fixed = fix_photo(original)
    assert fixed.name == "photo.fixed-2.jpg" and squatter.read_bytes() == b"mine"
    assert fix_photo(fixed).name == "photo.fixed-3.jpg"


def test_fixes_can_go_to_another_folder(save: Callable[..., Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert fix_photo(save(astronaut(), "photo.gif"), to_format="PNG", folder=out) == out / "photo.fixed.png"


def test_exif_rotation_is_applied_to_the_pixels(save: Callable[..., Path]) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = astronaut().resize((1024, 1024)).crop((0, 0, 1024, 700)).rotate(90, expand=True)
    fixed = fix_photo(save(stored, "sideways.jpg", exif=exif))
    with Image.open(fixed) as image:
        assert image.size == (1024, 700)
        assert image.getexif().get(0x0112) in (None, 1)
    assert check_photo(fixed).faces


def test_an_oversized_file_is_recompressed_under_10_mb(save: Callable[..., Path]) -> None:
    noise = np.random.default_rng(7).integers(0, 256, (2000, 2000, 3), dtype=np.uint8)
    original = save(Image.fromarray(noise), "noise.png")
    assert check_photo(original).error_codes() == {"file_size"}
    fixed = fix_photo(original)
    report = check_photo(fixed)
    assert report.format == "PNG" and "file_size" not in report.error_codes()
    assert fixed.stat().st_size < 10_000_000 and min(report.width, report.height) >= 512


def test_the_first_frame_of_an_animation_becomes_a_still(save: Callable[..., Path]) -> None:
    frames = [astronaut(), Image.new("RGB", (512, 512), "blue")]
    original = save(frames[0], "moving.gif", save_all=True, append_images=frames[1:], duration=100)
    report = check_photo(fix_photo(original))
    assert report.ok and report.format == "JPEG"


def test_crop_to_face_gives_a_square_of_at_least_512_around_the_face(save: Callable[..., Path]) -> None:
    canvas = Image.new("RGB", (1800, 1400), (120, 120, 120))
    canvas.paste(astronaut(), (1250, 100))
    fixed = fix_photo(save(canvas, "wide.jpg", quality=92), crop_face=True)
    report = check_photo(fixed)
    assert report.ok and report.width == report.height >= 512
    face = report.faces[0]
    assert 0.25 < (face.x + face.width / 2) / report.width < 0.75


def test_a_small_photo_is_enlarged_to_512_only_when_asked(tmp_path: Path) -> None:
    with pytest.raises(FixError, match="451×300.*or enlarge it"):
        fix_photo(sample_photo("chelsea.png"), folder=tmp_path)
    enlarged = fix_photo(sample_photo("chelsea.png"), upscale=True, folder=tmp_path)
    report = check_photo(enlarged)
    assert report.ok and (report.width, report.height) == (770, 512)  # the short side is 512, the shape kept


def test_a_transparent_png_is_put_on_white(save: Callable[..., Path]) -> None:
    original = save(cut_out(), "cut-out.png")
    flattened = fix_photo(original)
    with Image.open(flattened) as image:
        assert image.mode == "RGB" and image.getpixel((0, 0)) == (255, 255, 255)
    report = check_photo(flattened)
    assert report.ok and report.faces
    assert report.warning_codes() == set()  # neither transparent nor, for its white background, "overexposed"


def test_unreadable_files_and_photos_without_faces_say_why(
    nasty_files: dict[str, Path], save: Callable[..., Path]
) -> None:
    with pytest.raises(FixError, match="damaged or incomplete"):
        fix_photo(nasty_files["truncated_png"])
    with pytest.raises(FixError, match="couldn't find a face"):
        fix_photo(save(Image.new("RGB", (600, 600), "grey"), "wall.png"), crop_face=True)
