"""A photo checked for the Photos panel: the report, pictures made off the UI thread, check lines and fixes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from heygen_studio.domain import photo_rules as rules
from heygen_studio.domain.photo_rules import PhotoReport
from heygen_studio.photos.kept import Stamp, stamp_of

if TYPE_CHECKING:
    from PIL import Image

PREVIEW_SIDE = 900
THUMBNAIL_SIDE = 160
_EXIF_ORIENTATION = 0x0112
_NOT_ANALYSED = {rules.UNREADABLE, rules.TOO_MANY_PIXELS}


class Verdict(StrEnum):
    """What HeyGen will make of a checked photo."""

    PASS = "pass"  # ready
    WARN = "warn"  # accepted, but may animate less naturally
    FAIL = "fail"  # refused until fixed


@dataclass(frozen=True)
class Fix:
    """A button that writes a fixed copy: its label and the fix_photo options it uses."""

    label: str
    tooltip: str
    to_format: str | None = None
    crop_face: bool = False
    upscale: bool = False
    max_side: int | None = None  # made smaller to fit this many pixels on each side
    caution: str = ""  # said again once the copy is saved


ROTATE = Fix("Rotate upright", "Save an upright copy; HeyGen may ignore the camera's rotation tag.")
CONVERT = Fix("Convert to JPEG", "Save a still JPEG copy of this picture.", to_format="JPEG")
SHRINK = Fix("Shrink to under 10 MB", "Save a copy under 10 MB, as large as HeyGen allows.")
CROP = Fix("Crop around the face", "Save a square copy centred on the face, with the shoulders.", crop_face=True)
FLATTEN = Fix("Put on a white background", "Save a copy with the transparent parts filled in white.")
UPSCALE = Fix(
    f"Enlarge to {rules.MIN_SIDE} pixels",
    f"Save a copy enlarged to {rules.MIN_SIDE} pixels on its short side. {rules.UPSCALE_WARNING}",
    upscale=True,
    caution=rules.UPSCALE_WARNING,
)

SMALLER = Fix(
    "Make a smaller copy",
    f"Save a copy at most {rules.IMAGE_VIDEO_MAX_SIDE} pixels on each side and under 10 MB, as a quick video needs.",
    max_side=rules.IMAGE_VIDEO_MAX_SIDE,
)
_TOO_BIG_TO_ANIMATE = frozenset({rules.IMAGE_TOO_LARGE, rules.IMAGE_FILE_SIZE})


@dataclass(frozen=True)
class CheckLine:
    """One line of the checklist: tone good, warn or bad, and what it means for the user."""

    tone: str
    text: str


@dataclass(frozen=True)
class _Rule:
    passed: str
    codes: frozenset[str]
    needs_analysis: bool  # only the pixels tell: the rule ran only when the photo was analysed


_RULES = (
    _Rule("A JPEG or PNG photo", frozenset({rules.FORMAT, rules.ANIMATED, rules.UNREADABLE}), False),
    _Rule("At least 512×512 pixels", frozenset({rules.RESOLUTION, rules.TOO_MANY_PIXELS}), False),
    _Rule("Under 10 MB", frozenset({rules.FILE_SIZE}), False),
    _Rule("One clear face, large enough", frozenset({rules.NO_FACE, rules.SEVERAL_FACES, rules.FACE_TOO_SMALL}), True),
    _Rule("Facing the camera, near the middle", frozenset({rules.FACE_TURNED, rules.FACE_OFF_CENTRE}), True),
    _Rule("Sharp and well lit", frozenset({rules.BLURRY, rules.TOO_DARK, rules.TOO_BRIGHT, rules.LOW_CONTRAST}), True),
)
_CROPPABLE = frozenset({rules.FACE_TOO_SMALL, rules.FACE_OFF_CENTRE, rules.SEVERAL_FACES})
_SIDEWAYS = "This photo is stored sideways with a note to turn it; HeyGen may show it sideways. Click 'Rotate upright'."


@dataclass(frozen=True)
class CheckedPhoto:
    """A checked photo; the QImages are made in the worker thread, QPixmaps later on the UI thread."""

    path: Path
    report: PhotoReport
    thumbnail: QImage
    preview: QImage
    sideways: bool  # EXIF says "turn me": the stored pixels are not upright
    stamp: Stamp | None = None  # the file's size and time when it was checked

    @property
    def verdict(self) -> Verdict:
        if self.report.errors:
            return Verdict.FAIL
        return Verdict.WARN if self.report.warnings or self.sideways else Verdict.PASS

    @property
    def preview_scale(self) -> float:
        """Preview pixels per photo pixel, for drawing face boxes."""
        return self.preview.width() / self.report.width if self.report.width and not self.preview.isNull() else 0.0

    def lines(self) -> list[CheckLine]:
        """Errors first, then warnings, then the rules this photo passes: only checks that really ran."""
        report = self.report
        bad = [CheckLine("bad", issue.message) for issue in report.errors]
        warn = [CheckLine("warn", issue.message) for issue in report.warnings]
        if self.sideways:
            warn.append(CheckLine("warn", _SIDEWAYS))
        found = report.error_codes() | report.warning_codes()
        if rules.UNREADABLE in found or report.format is None or not (report.width and report.height):
            return bad + warn  # not an image we could read: nothing about it was really checked
        faceless = rules.NO_FACE in found  # no face: "facing the camera" was never really checked
        good = [
            CheckLine("good", rule.passed)
            for rule in _RULES
            if not (rule.codes & found)
            and (report.analysed or not rule.needs_analysis)
            and not (faceless and rules.FACE_TURNED in rule.codes)
        ]
        return bad + warn + good

    def fixes(self) -> list[Fix]:
        """The fix buttons worth showing for this photo, in the order they help most."""
        codes = self.report.error_codes() | self.report.warning_codes()
        if codes & _NOT_ANALYSED:
            return []  # nothing to fix from
        if rules.RESOLUTION in codes:
            return [UPSCALE]  # the enlarged copy is also upright, opaque and a JPEG or PNG
        offered = []
        if codes & {rules.FORMAT, rules.ANIMATED}:
            offered.append(CONVERT)
        if rules.FILE_SIZE in codes:
            offered.append(SHRINK)
        if rules.TRANSPARENT in codes and not offered:  # any fix fills the transparent parts in
            offered.append(FLATTEN)
        if self.sideways and not offered:  # any fix writes an upright copy; one button is enough
            offered.append(ROTATE)
        has_face = bool(self.report.faces) or any(box for issue in self.report.warnings for box in issue.boxes)
        if has_face and codes & _CROPPABLE:
            offered.append(CROP)
        return offered

    def image_video_issues(self, max_bytes: int = rules.IMAGE_VIDEO_MAX_BYTES) -> list[rules.Issue]:
        """Why HeyGen would refuse to animate this photo directly (a quick video); empty when it would not."""
        return rules.image_video_issues(self.report, max_bytes)

    def image_video_fixes(self, max_bytes: int = rules.IMAGE_VIDEO_MAX_BYTES) -> list[Fix]:
        """The fix buttons that make a copy fit for a quick video (none when no fix helps)."""
        codes = {issue.code for issue in self.image_video_issues(max_bytes)}
        if codes & (_NOT_ANALYSED | {rules.IMAGE_NO_FACE}):
            return []  # nothing to fix from, or no copy would have a face to animate
        if rules.RESOLUTION in codes:
            return [UPSCALE]
        if codes & _TOO_BIG_TO_ANIMATE:
            return [SMALLER]  # the smaller copy is also a still JPEG or PNG
        return [CONVERT] if codes & {rules.FORMAT, rules.ANIMATED} else []


def _exif_orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_EXIF_ORIENTATION) or 1)
    except Exception:  # noqa: BLE001  (a malformed EXIF block only means we can't tell)
        return 1


def _to_qimage(image: Image.Image) -> QImage:
    rgb = image.convert("RGB")
    data = rgb.tobytes()
    return QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()


def _pictures(path: Path) -> tuple[QImage, QImage, bool]:
    """(thumbnail, preview, sideways); null images when the file can't be shown."""
    from PIL import Image, ImageOps  # Pillow and the checks load with the first photo, not at start

    from heygen_studio.photos.decode import has_alpha
    from heygen_studio.photos.fixes import BACKGROUND

    try:
        with Image.open(path) as image:
            orientation = _exif_orientation(image)
            if image.format == "JPEG":
                image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))
            image.seek(0)
            upright = ImageOps.exif_transpose(image)
            if has_alpha(upright):
                rgba = upright.convert("RGBA")
                upright = Image.alpha_composite(Image.new("RGBA", rgba.size, BACKGROUND), rgba)
            upright.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
            thumb = upright.copy()
            thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
            return _to_qimage(thumb), _to_qimage(upright), orientation != 1
    except Exception:  # noqa: BLE001  (the report already says why the file can't be read)
        return QImage(), QImage(), False


def check(path: Path, known: PhotoReport | None = None, stamp: Stamp | None = None) -> CheckedPhoto:
    """Check `path` and make its pictures; `known` is its report from before a restart, with the `stamp` the
    file had then (the checks are not run again). Blocking: run it with asyncio.to_thread."""
    from heygen_studio.photos import check_photo

    if known is None or stamp is None:
        stamp = stamp_of(path)
        known = check_photo(path)
    if known.error_codes() & _NOT_ANALYSED:
        return CheckedPhoto(path, known, QImage(), QImage(), False, stamp)
    thumbnail, preview, sideways = _pictures(path)
    return CheckedPhoto(path, known, thumbnail, preview, sideways, stamp)


def apply_fix(path: Path, fix: Fix, folder: Path) -> Path:
    """Write the fixed copy into `folder` and return it; the original is untouched. Raises FixError. Blocking."""
    from heygen_studio.photos import fix_photo

    folder.mkdir(parents=True, exist_ok=True)
    return fix_photo(
        path,
        to_format=fix.to_format,
        crop_face=fix.crop_face,
        upscale=fix.upscale,
        max_side=fix.max_side,
        folder=folder,
    )


def save_pasted(image: QImage, folder: Path) -> Path:
    """Save a pasted picture as a new PNG in `folder`. Blocking. Raises OSError when it can't be written."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H.%M.%S")
    for attempt in range(1, 1000):
        target = folder / (f"Pasted {stamp}.png" if attempt == 1 else f"Pasted {stamp} ({attempt}).png")
        if not target.exists():
            if not image.save(str(target)):  # PNG, from the name
                raise OSError(f"Couldn't save the pasted picture in {folder}.")
            return target
    raise OSError(f"{folder} holds too many pasted pictures from this second.")
