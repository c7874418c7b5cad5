"""Which photos HeyGen animates directly (a quick video, v3 `type: "image"`), and the copy that makes one fit."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from heygen_studio.domain import photo_rules as rules
from heygen_studio.resources import sample_photo
from heygen_studio.services import photo_checks
from heygen_studio.services.photo_checks import CONVERT, SMALLER, UPSCALE, Verdict


def astronaut(side: int) -> Image.Image:
    with Image.open(sample_photo("astronaut.png")) as image:
        return image.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)


def codes(photo: photo_checks.CheckedPhoto, max_bytes: int = rules.IMAGE_VIDEO_MAX_BYTES) -> list[str]:
    return [issue.code for issue in photo.image_video_issues(max_bytes)]


def test_a_good_portrait_can_be_animated_as_it_is() -> None:
    photo = photo_checks.check(sample_photo("astronaut.png"))
    assert photo.image_video_issues() == [] and photo.image_video_fixes() == []


def test_a_phone_sized_photo_fine_for_an_avatar_is_too_large_to_animate_and_a_smaller_copy_fits(
    tmp_path: Path,
) -> None:
    big = tmp_path / "portrait.jpg"
    astronaut(2600).save(big, quality=90)
    original = big.read_bytes()
    photo = photo_checks.check(big)
    assert photo.verdict is Verdict.PASS  # an avatar would take it
    [issue] = photo.image_video_issues()
    assert issue.code == rules.IMAGE_TOO_LARGE
    assert "2600×2600" in issue.message and "2048" in issue.message and "Make a smaller copy" in issue.message
    assert photo.image_video_fixes() == [SMALLER]

    copy = photo_checks.apply_fix(big, SMALLER, tmp_path / "fixed")
    smaller = photo_checks.check(copy)
    assert (smaller.report.width, smaller.report.height) == (2048, 2048)
    assert smaller.image_video_issues() == [] and smaller.verdict is Verdict.PASS
    assert big.read_bytes() == original  # the user's photo is never overwritten


def test_a_file_over_the_upload_limit_says_its_size_and_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "portrait.png"
    astronaut(1024).save(path)
    photo = photo_checks.check(path)
    size = path.stat().st_size
    assert codes(photo, max_bytes=size) == []  # "up to": a file of exactly the limit is taken
    [issue] = photo.image_video_issues(max_bytes=size - 1)
    assert issue.code == rules.IMAGE_FILE_SIZE and f"{size / 1e6:.1f} MB" in issue.message
    assert photo.image_video_fixes(max_bytes=size - 1) == [SMALLER]


def test_a_photo_without_a_face_has_nothing_to_animate_and_no_fix() -> None:
    photo = photo_checks.check(sample_photo("chelsea.png"))  # a cat, 451×300
    small, faceless = photo.image_video_issues()
    assert small.code == rules.RESOLUTION and "451×300" in small.message
    assert faceless.code == rules.IMAGE_NO_FACE and "portrait photo" in faceless.message
    assert photo.image_video_fixes() == []


def test_a_photo_under_512_pixels_is_refused_as_for_an_avatar_and_can_be_enlarged(tmp_path: Path) -> None:
    path = tmp_path / "small.png"
    astronaut(420).save(path)
    photo = photo_checks.check(path)
    [issue] = photo.image_video_issues()
    assert issue.code == rules.RESOLUTION and "420×420" in issue.message
    assert photo.image_video_fixes() == [UPSCALE]


def test_a_webp_is_converted_and_a_file_that_is_no_image_is_refused_without_a_fix(tmp_path: Path) -> None:
    webp = tmp_path / "portrait.webp"
    astronaut(512).save(webp, "WEBP")
    photo = photo_checks.check(webp)
    assert codes(photo) == [rules.FORMAT] and photo.image_video_fixes() == [CONVERT]

    notes = tmp_path / "notes.jpg"
    notes.write_text("not a photo\n")
    broken = photo_checks.check(notes)
    assert codes(broken) == [rules.UNREADABLE] and broken.image_video_fixes() == []
