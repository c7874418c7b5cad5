"""Photo makers shared by the photo tests: the astronaut, synthetic variants of it, a PNG header bomb."""

from __future__ import annotations

import struct
import zlib

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from heygen_studio.resources import sample_photo


def astronaut() -> Image.Image:
    with Image.open(sample_photo("astronaut.png")) as image:
        return image.convert("RGB")


def cut_out() -> Image.Image:
    """The astronaut with everything outside an oval around her made fully transparent (a cut-out portrait)."""
    picture = astronaut().convert("RGBA")
    mask = Image.new("L", picture.size, 0)
    ImageDraw.Draw(mask).ellipse((60, 0, 460, 512), fill=255)
    picture.putalpha(mask)
    return picture


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width`×`height` pixels (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def blurred(image: Image.Image) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(3))


def darkened(image: Image.Image) -> Image.Image:
    return ImageEnhance.Brightness(image).enhance(0.3)


def brightened(image: Image.Image) -> Image.Image:
    return ImageEnhance.Brightness(image).enhance(2.2)


def flattened(image: Image.Image) -> Image.Image:
    return ImageEnhance.Contrast(image).enhance(0.25)
