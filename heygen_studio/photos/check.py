"""check_photo: the one call that says whether HeyGen will take a photo, and what would make it better."""

from __future__ import annotations

import os
from pathlib import Path

from heygen_studio.domain import photo_rules as rules
from heygen_studio.domain.photo_rules import PhotoReport
from heygen_studio.photos.decode import decode


def check_photo(path: str | os.PathLike[str]) -> PhotoReport:
    """Check one file against HeyGen's photo rules. Never raises: unreadable files get an `unreadable` error."""
    report = PhotoReport(path=Path(path))
    try:
        decoded = decode(report.path)
    except Exception:  # noqa: BLE001  (decode already turns file problems into errors; this is the last safety net)
        report.errors.append(rules.unreadable("This file could not be checked. Pick another JPEG or PNG photo."))
        return report
    report.format, report.width, report.height = decoded.format, decoded.width, decoded.height
    report.bytes = decoded.bytes
    report.errors.extend(decoded.errors)
    report.warnings.extend(decoded.warnings)
    if decoded.preview is not None and decoded.width and decoded.height:
        try:
            # OpenCV and NumPy load here, on the first check (a worker thread), not when the app starts.
            from heygen_studio.photos.advice import advise

            advice = advise(decoded.preview, decoded.scale, decoded.width, decoded.height, decoded.opaque)
        except Exception:  # noqa: BLE001  (advice is optional: a broken OpenCV install must not block the hard checks)
            return report
        report.warnings.extend(advice.warnings)
        report.faces.extend(advice.faces)
        report.analysed = True
    return report
