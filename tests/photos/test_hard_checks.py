"""HeyGen's hard rules: format by content, size after EXIF orientation, bytes, decodability, bombs, animation."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from photo_samples import astronaut, png_claiming
from PIL import Image

from heygen_studio.domain.photo_rules import MIN_SIDE
from heygen_studio.photos import check_photo
from heygen_studio.resources import sample_photo


def test_astronaut_passes_exactly_at_the_minimum() -> None:
    report = check_photo(sample_photo("astronaut.png"))
    assert report.ok and report.errors == []
    assert (report.format, report.width, report.height) == ("PNG", 512, 512)
    assert report.bytes == sample_photo("astronaut.png").stat().st_size


def test_chelsea_is_refused_for_resolution_with_a_message_saying_what_to_do() -> None:
    report = check_photo(sample_photo("chelsea.png"))
    assert not report.ok
    assert [issue.code for issue in report.errors] == ["resolution"]
    assert report.errors[0].message == (
        "This photo is 451×300 pixels; HeyGen needs at least 512×512. Use a larger photo, "
        "or click 'Enlarge to 512 pixels' (the face may look soft)."
    )


def test_format_is_judged_by_content_not_by_extension(save: Callable[..., Path]) -> None:
    webp_named_jpg = save(astronaut(), "portrait.jpg", format="WEBP")
    png_named_jpg = save(astronaut(), "portrait2.jpg", format="PNG")
    webp = check_photo(webp_named_jpg)
    assert webp.format == "WEBP" and webp.error_codes() == {"format"}
    assert "This is a WEBP image; HeyGen accepts JPEG or PNG. Click 'Convert to JPEG'." in webp.errors[0].message
    assert check_photo(png_named_jpg).ok


def test_dimensions_count_after_exif_orientation(save: Callable[..., Path]) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° when displayed
    stored = Image.new("RGB", (700, 500), "grey")
    report = check_photo(save(stored, "sideways.jpg", exif=exif))
    assert (report.width, report.height) == (500, 700)
    assert report.error_codes() == {"resolution"}
    assert "500×700" in report.errors[0].message


def test_files_of_10_mb_or_more_are_refused(save: Callable[..., Path]) -> None:
    path = save(astronaut(), "padded.jpg", quality=90)
    with open(path, "ab") as file:  # JPEG readers ignore what follows the end-of-image marker
        file.write(b"\0" * 10_000_000)
    report = check_photo(path)
    assert report.error_codes() == {"file_size"}
    assert "MB" in report.errors[0].message and report.format == "JPEG"


def test_too_many_pixels_is_refused_from_the_header_without_decoding(write: Callable[[str, bytes], Path]) -> None:
    report = check_photo(write("big.png", png_claiming(8_000, 8_000)))
    assert report.error_codes() == {"too_many_pixels"}
    assert (report.width, report.height) == (8000, 8000)
    assert "8000×8000" in report.errors[0].message


def test_animated_images_are_refused(save: Callable[..., Path]) -> None:
    frames = [Image.new("RGB", (600, 600), colour) for colour in ("red", "blue")]
    apng = save(frames[0], "moving.png", save_all=True, append_images=frames[1:], duration=100)
    webp = save(frames[0], "moving.webp", save_all=True, append_images=frames[1:], duration=100)
    assert check_photo(apng).error_codes() == {"animated"}
    assert check_photo(webp).error_codes() == {"format", "animated"}


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "CMYK", "I;16"])
def test_unusual_pixel_modes_are_checked_like_any_photo(mode: str, save: Callable[..., Path]) -> None:
    sixteen_bit = astronaut().convert("L").convert("I").point(lambda v: v * 257).convert("I;16")
    image = astronaut().convert(mode) if mode != "I;16" else sixteen_bit
    report = check_photo(save(image, f"mode.{'jpg' if mode == 'CMYK' else 'png'}"))
    assert report.ok
    assert "no_face" not in report.warning_codes()


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("truncated_png", {"unreadable"}),
        ("bomb_png", {"too_many_pixels"}),
        ("two_frame_gif", {"format", "animated"}),
        ("text_as_jpg", {"unreadable"}),
        ("empty", {"unreadable"}),
        ("random", {"unreadable"}),
        ("directory", {"unreadable"}),
        ("missing", {"unreadable"}),
    ],
)
def test_nasty_files_give_a_report_never_an_exception(name: str, codes: set[str], nasty_files: dict[str, Path]) -> None:
    report = check_photo(nasty_files[name])
    assert not report.ok
    assert report.error_codes() == codes
    assert all(issue.message.endswith(".") and len(issue.message) > 20 for issue in report.errors)


def test_a_truncated_jpeg_is_unreadable(save: Callable[..., Path], write: Callable[[str, bytes], Path]) -> None:
    data = save(astronaut().resize((1024, 1024)), "whole.jpg", quality=95).read_bytes()
    assert check_photo(write("cut.jpg", data[: len(data) * 2 // 3])).error_codes() == {"unreadable"}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_photo_we_may_not_read_is_unreadable(save: Callable[..., Path]) -> None:
    path = save(astronaut(), "locked.png")
    path.chmod(0)
    try:
        report = check_photo(path)
    finally:
        path.chmod(0o644)
    assert report.error_codes() == {"unreadable"} and "permission" in report.errors[0].message


def test_minimum_side_is_heygens() -> None:
    assert MIN_SIDE == 512
