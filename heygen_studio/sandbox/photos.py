"""Uploaded files: type by content, size limits, and storing images as assets."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from heygen_studio.sandbox.entities import Asset, Lazy
from heygen_studio.sandbox.errors import ApiError, invalid
from heygen_studio.sandbox.state import SandboxState

PHOTO_MAX_BYTES = 10 * 1024 * 1024
ASSET_MAX_BYTES = 32 * 1024 * 1024
MIN_PHOTO_SIDE = 512

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"ID3", "audio/mpeg"),
    (b"\xff\xfb", "audio/mpeg"),
    (b"%PDF", "application/pdf"),
    (b"\x1a\x45\xdf\xa3", "video/webm"),
)


def sniff(data: bytes) -> str | None:
    """The MIME type of `data` judged by its first bytes (never by its name or header)."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    return None


def too_large(limit: int) -> ApiError:
    return ApiError(
        413, "payload_too_large", f"File is larger than {limit // (1024 * 1024)} MB.", legacy_code=400175, param="file"
    )


def check_photo(data: bytes, param: str = "file") -> str:
    """The MIME type of a photo for an avatar: PNG or JPEG by content, under 10 MB; else 400/413."""
    if len(data) > PHOTO_MAX_BYTES:
        raise too_large(PHOTO_MAX_BYTES)
    mime = sniff(data)
    if mime not in ("image/png", "image/jpeg"):
        raise invalid(param, "The photo must be a JPEG or PNG image.")
    return mime


def store(state: SandboxState, data: bytes, mime: str, now: float) -> Asset:
    """`data` kept as a new asset, with its pixel size when it is a readable image."""
    width = height = None
    if mime.startswith("image/"):
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except (UnidentifiedImageError, OSError):
            raise invalid("file", "The image cannot be read.") from None
    with state.lock:
        state.counts["uploads"] += 1
        return state.add_asset(Lazy(data), mime, len(data), now, width, height)


def photo_problem(asset: Asset) -> str | None:
    """Why HeyGen's avatar processing would fail on this photo, if it would."""
    if asset.width is None or asset.height is None:
        return "The photo cannot be read."
    if min(asset.width, asset.height) < MIN_PHOTO_SIDE:
        return f"The photo is {asset.width}x{asset.height}; at least {MIN_PHOTO_SIDE}x{MIN_PHOTO_SIDE} is needed."
    return None
