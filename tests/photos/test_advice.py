"""Advice on accepted photos: faces (with boxes to draw), sharpness and exposure, calibrated on the samples."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from photo_samples import astronaut, blurred, brightened, cut_out, darkened, flattened
from PIL import Image

from heygen_studio.photos import check_photo
from heygen_studio.resources import sample_photo

FACE_WARNINGS = {"no_face", "several_faces", "face_too_small", "face_off_centre", "face_turned"}


def test_astronaut_has_one_clear_face_and_no_warnings() -> None:
    report = check_photo(sample_photo("astronaut.png"))
    assert report.warnings == []
    assert len(report.faces) == 1
    face = report.faces[0]
    assert 150 < face.x < 210 and 40 < face.y < 100 and 70 < face.width < 120  # her face, not the flag


def test_camera_man_warns_his_face_is_turned_and_shows_where() -> None:
    report = check_photo(sample_photo("camera.png"))
    assert report.ok and report.faces == []
    turned = [issue for issue in report.warnings if issue.code == "face_turned"]
    assert turned and turned[0].boxes
    box = turned[0].boxes[0]
    assert 150 < box.x + box.width / 2 < 300 and 80 < box.y + box.height / 2 < 220


def test_a_cat_has_no_face() -> None:
    report = check_photo(sample_photo("chelsea.png"))
    assert "no_face" in report.warning_codes() and report.faces == []


def test_face_boxes_are_in_original_pixels_even_when_analysed_smaller(save: Callable[..., Path]) -> None:
    report = check_photo(save(astronaut().resize((2048, 2048), Image.Resampling.LANCZOS), "big.png"))
    assert report.warning_codes() & FACE_WARNINGS == set()
    face = report.faces[0]
    assert abs(face.x - 4 * 178) < 40 and abs(face.y - 4 * 69) < 40 and abs(face.width - 4 * 92) < 60


def test_two_people_warn_several_faces_with_both_boxes(save: Callable[..., Path]) -> None:
    pair = Image.new("RGB", (1024, 512))
    pair.paste(astronaut(), (0, 0))
    pair.paste(astronaut(), (512, 0))
    issues = [issue for issue in check_photo(save(pair, "pair.png")).warnings if issue.code == "several_faces"]
    assert issues and len(issues[0].boxes) == 2
    assert sorted(box.x // 512 for box in issues[0].boxes) == [0, 1]


def test_a_distant_face_is_too_small(save: Callable[..., Path]) -> None:
    canvas = Image.new("RGB", (1400, 1400), (120, 120, 120))
    canvas.paste(astronaut(), (450, 300))
    report = check_photo(save(canvas, "distant.png"))
    assert "face_too_small" in report.warning_codes()


def test_a_face_at_the_edge_is_off_centre(save: Callable[..., Path]) -> None:
    canvas = Image.new("RGB", (1400, 700), (120, 120, 120))
    canvas.paste(astronaut(), (888, 100))
    report = check_photo(save(canvas, "edge.png"))
    assert report.warning_codes() & FACE_WARNINGS == {"face_off_centre"}


@pytest.mark.parametrize(
    ("make", "code"),
    [(blurred, "blurry"), (darkened, "too_dark"), (brightened, "too_bright"), (flattened, "low_contrast")],
)
def test_poor_photos_get_the_matching_warning_and_only_it(
    make: Callable[[Image.Image], Image.Image], code: str, save: Callable[..., Path]
) -> None:
    report = check_photo(save(make(astronaut()), f"{code}.png"))
    assert report.ok
    image_warnings = report.warning_codes() - FACE_WARNINGS
    assert image_warnings == {code}
    assert all(issue.message.endswith(".") for issue in report.warnings)


def test_a_photo_downscaled_from_a_large_original_is_not_called_blurry(save: Callable[..., Path]) -> None:
    report = check_photo(save(astronaut().resize((3000, 3000), Image.Resampling.LANCZOS), "large.jpg", quality=90))
    assert "blurry" not in report.warning_codes()


def test_a_transparent_png_is_called_transparent_not_overexposed(save: Callable[..., Path]) -> None:
    report = check_photo(save(cut_out(), "cut-out.png"))
    assert report.ok and report.analysed and len(report.faces) == 1
    assert report.warning_codes() == {"transparent"}
    assert "transparent parts" in report.warnings[0].message and "white background" in report.warnings[0].message


def test_an_alpha_channel_that_is_opaque_everywhere_is_not_transparent(save: Callable[..., Path]) -> None:
    report = check_photo(save(astronaut().convert("RGBA"), "opaque.png"))
    assert report.warning_codes() == set()
