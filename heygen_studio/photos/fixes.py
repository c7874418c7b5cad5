"""Fixes for photos HeyGen refuses: upright, JPEG/PNG, opaque, under 10 MB, cropped, enlarged; always a new file."""

from __future__ import annotations

import io
import math
import os
import re
import warnings
from pathlib import Path

from PIL import Image, ImageOps

from heygen_studio.domain import photo_rules as rules
from heygen_studio.domain.photo_rules import Box, FixError, PhotoReport
from heygen_studio.photos.check import check_photo
from heygen_studio.photos.decode import has_alpha

_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png"}
_JPEG_QUALITIES = (92, 85, 78, 70)
_SHRINK_MARGIN = 0.95  # aim a little under the limit when downscaling
_FIXED = ".fixed"
_EARLIER_FIX = re.compile(r"\.fixed(-\d+)?$")
BACKGROUND = (255, 255, 255, 255)  # what transparent parts are filled with


def fixed_name(source: Path, extension: str, attempt: int) -> str:
    """`photo.jpg` -> `photo.fixed.jpg`, then `photo.fixed-2.jpg`, ...; a fixed copy's fix is numbered,
    not re-suffixed."""
    stem = _EARLIER_FIX.sub("", source.stem)
    counter = "" if attempt == 1 else f"-{attempt}"
    return f"{stem}{_FIXED}{counter}{extension}"


def _write_new(source: Path, folder: Path, extension: str, data: bytes) -> Path:
    """Write `data` to the first free fixed name in `folder`: an existing file is never replaced."""
    for attempt in range(1, 10_000):
        target = folder / fixed_name(source, extension, attempt)
        try:
            with open(target, "xb") as file:
                file.write(data)
        except FileExistsError:
            continue
        return target
    raise FixError(f"{folder} already holds too many fixed copies of {source.name}. Tidy it up and try again.")


def _refuse_unfixable(report: PhotoReport, upscale: bool) -> None:
    for issue in report.errors:
        if issue.code in (rules.UNREADABLE, rules.TOO_MANY_PIXELS):
            raise FixError(issue.message)
    if report.width is None or report.height is None:
        raise FixError("This photo could not be read. Pick another JPEG or PNG photo.")
    if min(report.width, report.height) < rules.MIN_SIDE and not upscale:
        raise FixError(
            f"This photo is {report.width}×{report.height} pixels; HeyGen needs at least "
            f"{rules.MIN_SIDE}×{rules.MIN_SIDE}. Use a larger photo, or enlarge it (the face may look soft)."
        )


def _face_to_crop_around(report: PhotoReport) -> Box:
    if report.faces:
        return report.faces[0]
    turned = [box for issue in report.warnings for box in issue.boxes]
    if turned:
        return max(turned, key=lambda box: box.width * box.height)
    raise FixError("We couldn't find a face to crop around. Use a portrait photo with one clear face.")


def _upright_first_frame(path: Path) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            image.seek(0)
            image.load()
            upright = ImageOps.exif_transpose(image)
    if has_alpha(upright):
        rgba = upright.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, BACKGROUND)
        return Image.alpha_composite(backdrop, rgba).convert("RGB")
    return upright.convert("L" if upright.mode in ("1", "L", "I;16", "I") else "RGB")


def _encode(image: Image.Image, fmt: str, quality: int, icc_profile: bytes | None) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if fmt == "JPEG":
        options.update(quality=quality, optimize=True)
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _encode_under(image: Image.Image, fmt: str, max_bytes: int) -> bytes:
    """Encode, lowering JPEG quality and then the size until the file is under `max_bytes`; never below MIN_SIDE."""
    icc_profile = image.info.get("icc_profile")
    qualities = _JPEG_QUALITIES if fmt == "JPEG" else (0,)
    while True:
        for quality in qualities:
            data = _encode(image, fmt, quality, icc_profile)
            if len(data) < max_bytes:
                return data
        factor = math.sqrt(max_bytes / len(data)) * _SHRINK_MARGIN
        width, height = round(image.width * factor), round(image.height * factor)
        if min(width, height) < rules.MIN_SIDE:
            raise FixError(
                f"We couldn't make this photo smaller than {max_bytes / 1e6:.0f} MB and keep it "
                f"{rules.MIN_SIDE}×{rules.MIN_SIDE}. Try saving it as JPEG."
            )
        image = image.resize((width, height), Image.Resampling.LANCZOS)
        image.info["icc_profile"] = icc_profile


def _enlarged(image: Image.Image) -> Image.Image:
    """`image` scaled up so that its short side is MIN_SIDE (unchanged when it already is at least that)."""
    short = min(image.width, image.height)
    if short >= rules.MIN_SIDE:
        return image
    factor = rules.MIN_SIDE / short
    size = (max(rules.MIN_SIDE, math.ceil(image.width * factor)), max(rules.MIN_SIDE, math.ceil(image.height * factor)))
    enlarged = image.resize(size, Image.Resampling.LANCZOS)
    enlarged.info = dict(image.info)
    return enlarged


def _fitted(image: Image.Image, max_side: int) -> Image.Image:
    """`image` scaled down to fit `max_side` on each side (unchanged when it already does)."""
    if max(image.width, image.height) <= max_side:
        return image
    fitted = image.copy()
    fitted.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    fitted.info = dict(image.info)
    return fitted


def fix_photo(
    path: str | os.PathLike[str],
    *,
    to_format: str | None = None,
    crop_face: bool = False,
    upscale: bool = False,
    max_side: int | None = None,
    folder: str | os.PathLike[str] | None = None,
    max_bytes: int = rules.MAX_BYTES,
) -> Path:
    """Write a fixed copy of the photo and return its path; the original is never touched.

    The copy is upright (EXIF rotation applied), opaque (transparent parts on white), a still JPEG or PNG
    (`to_format`; by default PNG stays PNG and everything else becomes JPEG), cropped square around the face
    when `crop_face`, enlarged to MIN_SIDE when `upscale` (softer, but accepted), made to fit `max_side` pixels
    on each side when it is given, and under `max_bytes`.
    It lands next to the original unless `folder` is given. Raises FixError with a plain message when no fix
    helps (unreadable, too small without `upscale`, or no face to crop around).
    """
    source = Path(path)
    report = check_photo(source)
    _refuse_unfixable(report, upscale)
    fmt = to_format or ("PNG" if report.format == "PNG" else "JPEG")
    if fmt not in _EXTENSIONS:
        raise ValueError(f"to_format must be one of {sorted(_EXTENSIONS)}")
    try:
        image = _upright_first_frame(source)
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise FixError("This photo could not be read. Pick another JPEG or PNG photo.") from error
    if crop_face:
        box = rules.crop_box_around(_face_to_crop_around(report), image.width, image.height)
        image = image.crop((box.x, box.y, box.x + box.width, box.y + box.height))
    if upscale:
        image = _enlarged(image)
    if max_side is not None:
        image = _fitted(image, max_side)
    data = _encode_under(image, fmt, max_bytes)
    return _write_new(source, Path(folder) if folder is not None else source.parent, _EXTENSIONS[fmt], data)
