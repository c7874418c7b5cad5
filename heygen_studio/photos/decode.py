"""Safe Pillow decoding of a photo file: hard checks first, then a small upright copy for analysis."""

from __future__ import annotations

import errno
import os
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from heygen_studio.domain import photo_rules as rules
from heygen_studio.domain.photo_rules import Issue

ANALYSIS_SIDE = 1024  # long side of the copy the advice looks at
TRANSPARENT_SHARE = 0.01  # a photo with at least this share of see-through pixels is "transparent"
OPAQUE_ALPHA = 128  # pixels at least this opaque are the picture; the rest is background
_SWAPPED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that turn the photo a quarter
_EXIF_ORIENTATION = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass
class Decoded:
    """What decoding found: the hard facts, the errors, and (when decodable) an upright analysis copy."""

    format: str | None = None
    width: int | None = None
    height: int | None = None
    bytes: int | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    preview: Image.Image | None = None  # upright, long side at most ANALYSIS_SIDE, mode "L"
    opaque: Image.Image | None = None  # for a transparent photo: mode "1", the preview's opaque pixels
    scale: float = 1.0  # preview pixels per upright original pixel


def _not_allowed(path: Path) -> Issue:
    return rules.unreadable(f"We are not allowed to read {path}. Check the file's permissions.")


def _damaged() -> Issue:
    return rules.unreadable("This image is damaged or incomplete, so it can't be opened. Export or download it again.")


def _stat_problem(path: Path) -> tuple[int | None, Issue | None]:
    """The file's size, or the reason it cannot be read at all."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None, rules.unreadable(f"There is no file at {path}. Check the name or pick the photo again.")
    except PermissionError:
        return None, _not_allowed(path)
    except OSError as error:
        return None, rules.unreadable(f"We couldn't read {path} ({error.strerror or error}). Pick another photo.")
    if stat.S_ISDIR(info.st_mode):
        return None, rules.unreadable(f"{path} is a folder, not a photo. Pick a JPEG or PNG file inside it.")
    if not stat.S_ISREG(info.st_mode):
        return None, rules.unreadable(f"{path} is not a regular file. Pick a JPEG or PNG photo.")
    if info.st_size == 0:
        return 0, rules.unreadable("This file is empty (0 bytes). Pick the photo again or export it anew.")
    if not os.access(path, os.R_OK):
        return info.st_size, _not_allowed(path)
    return info.st_size, None


def _format_name(image: Image.Image) -> str:
    # Phone cameras write MPO (a JPEG followed by a depth or preview JPEG): it is a JPEG file.
    return "JPEG" if image.format == "MPO" else (image.format or "unknown")


def _is_animated(image: Image.Image) -> bool:
    return image.format != "MPO" and bool(getattr(image, "is_animated", False))


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_EXIF_ORIENTATION) or 1)
    except Exception:  # noqa: BLE001  (a malformed EXIF block is not a reason to refuse the photo)
        return 1


def has_alpha(image: Image.Image) -> bool:
    """Whether the image carries transparency (an alpha channel or a transparent palette entry)."""
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _to_luminance(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    """The luminance on a white backdrop, and the alpha channel when the photo has one."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda value: value / 257).convert("L"), None
    if has_alpha(image):
        rgba = image.convert("RGBA")
        backdrop = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(backdrop, rgba).convert("L"), rgba.getchannel("A")
    return image.convert("L"), None


def _small_upright(image: Image.Image, orientation: int) -> Image.Image:
    image.thumbnail((ANALYSIS_SIDE, ANALYSIS_SIDE), Image.Resampling.BOX, reducing_gap=2.0)
    method = _TRANSPOSE.get(orientation)
    return image.transpose(method) if method is not None else image


def _preview(image: Image.Image, orientation: int) -> tuple[Image.Image, Image.Image | None]:
    """Fully decode `image` (JPEGs at a reduced DCT scale) into a small upright luminance copy, and the
    mask of its opaque pixels when enough of the photo is see-through to matter."""
    if image.format in ("JPEG", "MPO"):
        image.draft("RGB", (ANALYSIS_SIDE, ANALYSIS_SIDE))
    image.load()
    luminance, alpha = _to_luminance(image)
    preview = _small_upright(luminance, orientation)
    if alpha is None:
        return preview, None
    alpha = _small_upright(alpha, orientation)
    see_through = alpha.point(lambda value: 255 if value < 255 else 0).histogram()[255]
    if see_through < TRANSPARENT_SHARE * alpha.width * alpha.height:
        return preview, None
    return preview, alpha.point(lambda value: 255 if value >= OPAQUE_ALPHA else 0).convert("1")


def _decode_into(path: Path, result: Decoded) -> None:
    with Image.open(path) as header:
        result.format = _format_name(header)
        orientation = _orientation(header)
        width, height = header.size
        if orientation in _SWAPPED_ORIENTATIONS:
            width, height = height, width
        result.width, result.height = width, height
        if width * height > rules.MAX_PIXELS:
            result.errors.append(rules.too_many_pixels_issue(width, height))
            return
        if result.format not in rules.ACCEPTED_FORMATS:
            result.errors.append(rules.format_issue(result.format))
        if _is_animated(header):
            result.errors.append(rules.animated_issue(result.format))
        if width < rules.MIN_SIDE or height < rules.MIN_SIDE:
            result.errors.append(rules.resolution_issue(width, height))
        check_chunks = header.format == "PNG"
    if check_chunks:
        with Image.open(path) as chunks:
            chunks.verify()  # chunk CRCs: catches corruption a decode can miss
    with Image.open(path) as image:
        preview, opaque = _preview(image, orientation)
    result.preview, result.opaque = preview, opaque
    if opaque is not None:
        result.warnings.append(Issue(rules.TRANSPARENT, rules.TRANSPARENT_MESSAGE))
    result.scale = preview.width / width


def decode(path: Path) -> Decoded:
    """Check `path` against the hard rules and decode it. Never raises for any file."""
    result = Decoded()
    result.bytes, problem = _stat_problem(path)
    if problem:
        result.errors.append(problem)
        return result
    if result.bytes is not None and result.bytes >= rules.MAX_BYTES:
        result.errors.append(rules.file_size_issue(result.bytes))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _decode_into(path, result)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        result.errors.append(rules.too_many_pixels_issue(result.width, result.height))
    except UnidentifiedImageError:
        result.errors.append(rules.unreadable("This file is not an image we can read. Pick a JPEG or PNG photo."))
    except MemoryError:
        result.errors.append(rules.unreadable("This image is too large to open. Resize it in a photo editor first."))
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM):
            result.errors.append(_not_allowed(path))
        else:
            result.errors.append(_damaged())
    except Exception:  # noqa: BLE001  (Pillow plugins raise assorted errors (ValueError, SyntaxError, struct.error) on bad data)
        result.errors.append(_damaged())
    return result
