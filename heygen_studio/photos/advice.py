"""Advice on a decodable photo: faces (OpenCV Haar cascades), sharpness and exposure, as warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cv2
import cv2.data
import numpy as np
from PIL import Image

from heygen_studio.domain import photo_rules as rules
from heygen_studio.domain.photo_rules import Box, Issue

# Thresholds, calibrated on resources/sample_photos and synthetic variants of them (see tests/photos).
DETECT_NEIGHBOURS = 5  # cascade votes a face needs: 3 sees a "profile" in the cat photo, 5 does not
MIN_FACE_FRACTION = 0.04  # faces smaller than this share of the short side are not looked for
SMALL_FACE_FRACTION = 0.10  # warn when the face's height is under this share of the short side
CENTRE_BAND_X = (0.25, 0.75)  # the face's centre should lie in this band of the width ...
CENTRE_BAND_Y = (0.10, 0.70)  # ... and of the height (portraits keep the face in the upper part)
BLUR_SIDE = 512  # sharpness is measured with the long side resized to exactly this
BLUR_MIN_VARIANCE = 40.0  # Laplacian variance below this is blurry (samples: 195-1133; sigma-2 blur: 4-11)
DARK_MEAN = 60.0  # mean luminance below this is too dark (samples: 115-129)
BRIGHT_MEAN = 195.0  # mean luminance above this is too bright
CLIPPED_WHITE_SHARE = 0.30  # or when this share of the face (or photo) is blown out (>= 250)
FLAT_STD = 25.0  # luminance standard deviation below this is low contrast (samples: 32-75)
MIN_OPAQUE_SHARE = 0.05  # light is judged only when at least this share of the photo is opaque


@dataclass
class Advice:
    """Warnings about a photo and the frontal faces found, in upright original-image pixels."""

    warnings: list[Issue] = field(default_factory=list)
    faces: list[Box] = field(default_factory=list)


@cache
def _cascade(name: str) -> cv2.CascadeClassifier:
    classifier = cv2.CascadeClassifier(str(Path(cv2.data.haarcascades) / name))
    if classifier.empty():
        raise RuntimeError(f"OpenCV's {name} is missing from this installation")
    return classifier


def _detect(gray: np.ndarray, name: str, min_side: int) -> list[tuple[int, int, int, int]]:
    found = _cascade(name).detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=DETECT_NEIGHBOURS, minSize=(min_side, min_side)
    )
    return [(int(x), int(y), int(w), int(h)) for x, y, w, h in found]


def _to_original(boxes: list[tuple[int, int, int, int]], scale: float) -> list[Box]:
    ordered = sorted(boxes, key=lambda box: box[2] * box[3], reverse=True)
    return [Box(round(x / scale), round(y / scale), round(w / scale), round(h / scale)) for x, y, w, h in ordered]


def _profiles(gray: np.ndarray, min_side: int) -> list[tuple[int, int, int, int]]:
    """Faces turned either way: the cascade knows one side, so look at the mirror image too."""
    width = gray.shape[1]
    flipped = _detect(cv2.flip(gray, 1), "haarcascade_profileface.xml", min_side)
    mirrored = [(width - x - w, y, w, h) for x, y, w, h in flipped]
    return _detect(gray, "haarcascade_profileface.xml", min_side) + mirrored


def _face_advice(gray: np.ndarray, scale: float, width: int, height: int) -> Advice:
    min_side = max(20, round(min(gray.shape) * MIN_FACE_FRACTION))
    faces = _to_original(_detect(gray, "haarcascade_frontalface_alt2.xml", min_side), scale)
    advice = Advice(faces=faces)
    if not faces:
        turned = _to_original(_profiles(gray, min_side), scale)
        if turned:
            advice.warnings.append(
                Issue(
                    rules.FACE_TURNED,
                    "The face seems turned away from the camera. HeyGen animates a face looking straight at the "
                    "camera best: use a front-facing photo.",
                    tuple(turned),
                )
            )
        else:
            advice.warnings.append(
                Issue(
                    rules.NO_FACE,
                    "We couldn't find a front-facing face in this photo. HeyGen needs one clear face looking at the "
                    "camera: use a portrait photo.",
                )
            )
        return advice
    if len(faces) > 1:
        advice.warnings.append(
            Issue(
                rules.SEVERAL_FACES,
                f"We found {len(faces)} faces; HeyGen animates one. Click 'Crop to face' to keep the largest, "
                "or use a photo of one person.",
                tuple(faces),
            )
        )
    face = faces[0]
    short = min(width, height)
    if face.height < SMALL_FACE_FRACTION * short:
        advice.warnings.append(
            Issue(
                rules.FACE_TOO_SMALL,
                f"The face is small ({face.height} pixels tall in a {width}×{height} photo). Click 'Crop to face' "
                "or use a closer photo.",
                (face,),
            )
        )
    cx, cy = face.centre
    if not (CENTRE_BAND_X[0] <= cx / width <= CENTRE_BAND_X[1] and CENTRE_BAND_Y[0] <= cy / height <= CENTRE_BAND_Y[1]):
        advice.warnings.append(
            Issue(
                rules.FACE_OFF_CENTRE,
                "The face is near the edge of the photo. Click 'Crop to face' to centre it.",
                (face,),
            )
        )
    return advice


def sharpness(gray: np.ndarray) -> float:
    """Variance of the Laplacian with the long side resized to BLUR_SIDE, so sizes compare fairly."""
    factor = BLUR_SIDE / max(gray.shape)
    size = (max(1, round(gray.shape[1] * factor)), max(1, round(gray.shape[0] * factor)))
    resized = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)
    return float(cv2.Laplacian(resized, cv2.CV_64F).var())


def _glare_area(gray: np.ndarray, lit: np.ndarray, face: Box | None, scale: float) -> np.ndarray:
    """Where blown-out white counts: on the face when there is one (a white wall behind is not glare)."""
    if face is None:
        return lit
    x, y = round(face.x * scale), round(face.y * scale)
    return gray[y : y + max(1, round(face.height * scale)), x : x + max(1, round(face.width * scale))]


def _image_advice(gray: np.ndarray, opaque: np.ndarray | None, face: Box | None, scale: float) -> list[Issue]:
    """Sharpness of the whole picture; light and contrast of its opaque pixels only (a transparent
    background is not a bright one), glare on the face."""
    warnings: list[Issue] = []
    if sharpness(gray) < BLUR_MIN_VARIANCE:
        warnings.append(Issue(rules.BLURRY, "This photo looks blurry. Use a sharper photo with the face in focus."))
    lit = gray[opaque] if opaque is not None else gray
    if lit.size < MIN_OPAQUE_SHARE * gray.size:
        return warnings  # almost nothing to judge the light by
    mean, std = float(lit.mean()), float(lit.std())
    if mean < DARK_MEAN:
        warnings.append(Issue(rules.TOO_DARK, "This photo is dark. Use a photo taken in better light."))
    elif mean > BRIGHT_MEAN or float((_glare_area(gray, lit, face, scale) >= 250).mean()) > CLIPPED_WHITE_SHARE:
        warnings.append(Issue(rules.TOO_BRIGHT, "This photo is overexposed. Use a photo with less glare or flash."))
    elif std < FLAT_STD:
        warnings.append(
            Issue(
                rules.LOW_CONTRAST, "This photo looks flat and washed out. Use a photo with clearer light and shadow."
            )
        )
    return warnings


def advise(preview: Image.Image, scale: float, width: int, height: int, opaque: Image.Image | None = None) -> Advice:
    """Warnings for an upright luminance `preview` of a `width`×`height` photo, `scale` preview pixels per pixel;
    `opaque` (mode "1", the preview's size) marks the pixels that are not see-through."""
    gray = np.asarray(preview, dtype=np.uint8)
    advice = _face_advice(gray, scale, width, height)
    mask = np.asarray(opaque, dtype=bool) if opaque is not None else None
    advice.warnings.extend(_image_advice(gray, mask, advice.faces[0] if advice.faces else None, scale))
    return advice
