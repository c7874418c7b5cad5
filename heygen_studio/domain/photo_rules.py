"""HeyGen's photo rules, the issues a photo can raise and the plain messages that explain them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ACCEPTED_FORMATS = ("JPEG", "PNG")
MIN_SIDE = 512  # pixels, both sides, after EXIF orientation
MAX_BYTES = 10_000_000  # "under 10 MB": a file must be smaller than this
MAX_PIXELS = 60_000_000  # larger headers are refused before decoding (decompression bombs)

# A quick video (v3 `type: "image"`) animates the photo itself, with rules of its own.
IMAGE_VIDEO_MAX_SIDE = 2048  # "under 2K": at most this many pixels on each side, after EXIF orientation
IMAGE_VIDEO_MAX_BYTES = 50_000_000  # "up to 50 MB"; the photo travels as an upload first, whose limit may be lower

# Hard errors: a photo with any of these is refused.
UNREADABLE = "unreadable"
FORMAT = "format"
RESOLUTION = "resolution"
FILE_SIZE = "file_size"
TOO_MANY_PIXELS = "too_many_pixels"
ANIMATED = "animated"

# Advice: warnings about photos HeyGen accepts but may animate badly.
NO_FACE = "no_face"
SEVERAL_FACES = "several_faces"
FACE_TOO_SMALL = "face_too_small"
FACE_OFF_CENTRE = "face_off_centre"
FACE_TURNED = "face_turned"
BLURRY = "blurry"
TOO_DARK = "too_dark"
TOO_BRIGHT = "too_bright"
LOW_CONTRAST = "low_contrast"
TRANSPARENT = "transparent"

# Quick videos only: a photo with any of these can't be animated directly.
IMAGE_TOO_LARGE = "image_too_large"
IMAGE_FILE_SIZE = "image_file_size"
IMAGE_NO_FACE = "image_no_face"
_IMAGE_VIDEO_ERRORS = frozenset({UNREADABLE, FORMAT, ANIMATED, TOO_MANY_PIXELS, RESOLUTION})  # as for an avatar

TRANSPARENT_MESSAGE = (
    "This photo has transparent parts, so the avatar would have no background there. "
    "Click 'Put on a white background' to fill them in."
)
UPSCALE_WARNING = (
    "Enlarging cannot add detail: the face may look soft or blurry in the video. "
    "A larger original photo gives a better avatar."
)


@dataclass(frozen=True)
class Box:
    """A rectangle in the photo's pixel coordinates as displayed (after EXIF orientation)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class Issue:
    """One problem with a photo: a stable code, a message telling the user what to do, and the faces it concerns."""

    code: str
    message: str
    boxes: tuple[Box, ...] = ()


@dataclass
class PhotoReport:
    """Everything check_photo found out about one file. `ok` is False when any error applies."""

    path: Path
    format: str | None = None  # "JPEG", "PNG", "WEBP", ... by content, not by extension
    width: int | None = None  # after EXIF orientation
    height: int | None = None
    bytes: int | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    faces: list[Box] = field(default_factory=list)  # frontal faces found, largest first
    analysed: bool = False  # the pixels were decoded and looked at (faces, sharpness, light)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_codes(self) -> set[str]:
        return {issue.code for issue in self.errors}

    def warning_codes(self) -> set[str]:
        return {issue.code for issue in self.warnings}


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def unreadable(reason: str) -> Issue:
    """`reason` is a complete sentence saying what went wrong and what to do."""
    return Issue(UNREADABLE, reason)


def format_issue(found: str) -> Issue:
    return Issue(FORMAT, f"This is a {found} image; HeyGen accepts JPEG or PNG. Click 'Convert to JPEG'.")


def resolution_issue(width: int, height: int) -> Issue:
    return Issue(
        RESOLUTION,
        f"This photo is {width}×{height} pixels; HeyGen needs at least {MIN_SIDE}×{MIN_SIDE}. Use a larger "
        f"photo, or click 'Enlarge to {MIN_SIDE} pixels' (the face may look soft).",
    )


def file_size_issue(size: int) -> Issue:
    return Issue(
        FILE_SIZE,
        f"This file is {_megabytes(size)}; HeyGen needs photos under {_megabytes(MAX_BYTES)}. "
        "Click 'Shrink to under 10 MB'.",
    )


def too_many_pixels_issue(width: int | None, height: int | None) -> Issue:
    """`width`/`height` are None when the header was too extreme for Pillow to even report them."""
    claimed = f"{width}×{height} pixels ({width * height / 1e6:.0f} megapixels)" if width and height else "enormous"
    return Issue(
        TOO_MANY_PIXELS,
        f"This image claims to be {claimed}, too large to open safely; the limit is "
        f"{MAX_PIXELS / 1e6:.0f} megapixels. Resize it in a photo editor first.",
    )


def animated_issue(found: str) -> Issue:
    return Issue(
        ANIMATED,
        f"This is an animated {found}; HeyGen needs a still photo. Click 'Convert to JPEG' to keep the first frame.",
    )


def crop_box_around(face: Box, width: int, height: int) -> Box:
    """A square crop around `face`: 2.6 face heights wide, shifted down to keep the shoulders,
    grown to MIN_SIDE when the photo allows, and kept inside the photo."""
    short = min(width, height)
    side = min(short, max(MIN_SIDE, round(max(face.width, face.height) * 2.6)))
    cx, cy = face.centre
    cy += face.height * 0.25
    x = min(max(0, round(cx - side / 2)), width - side)
    y = min(max(0, round(cy - side / 2)), height - side)
    return Box(x, y, side, side)


def image_video_issues(report: PhotoReport, max_bytes: int = IMAGE_VIDEO_MAX_BYTES) -> list[Issue]:
    """Why HeyGen would refuse to animate this photo directly (a quick video); empty when it would not.
    `max_bytes` is the smaller of the image limit and the upload limit of the account's API."""
    issues = [issue for issue in report.errors if issue.code in _IMAGE_VIDEO_ERRORS]
    if report.width and report.height and max(report.width, report.height) > IMAGE_VIDEO_MAX_SIDE:
        issues.append(
            Issue(
                IMAGE_TOO_LARGE,
                f"This photo is {report.width}×{report.height} pixels; a quick video needs one of at most "
                f"{IMAGE_VIDEO_MAX_SIDE} pixels on each side. Click 'Make a smaller copy'.",
            )
        )
    if report.bytes is not None and report.bytes > max_bytes:
        issues.append(
            Issue(
                IMAGE_FILE_SIZE,
                f"This file is {_megabytes(report.bytes)}; a quick video takes photos up to "
                f"{_megabytes(max_bytes)}. Click 'Make a smaller copy'.",
            )
        )
    if report.analysed and NO_FACE in report.warning_codes():
        issues.append(
            Issue(
                IMAGE_NO_FACE,
                "A quick video makes the face in the photo talk, and we couldn't find a front-facing face in "
                "this one. Use a portrait photo of one person looking at the camera.",
            )
        )
    return issues


class FixError(Exception):
    """A photo that no fix can make acceptable; str() is a plain message for the user."""
