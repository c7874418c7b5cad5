"""Photo checks and fixes for HeyGen's photo rules (Pillow and OpenCV, no Qt).

Names are imported from their modules when first used, so `photos.kept` (the remembered Photos page) loads
without Pillow and OpenCV: the window paints before they are needed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from heygen_studio.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from heygen_studio.domain.photo_rules import FixError
    from heygen_studio.photos.check import check_photo
    from heygen_studio.photos.fixes import fix_photo

_HOMES = {
    "check_photo": "check",
    "FixError": "fixes",  # defined in domain.photo_rules (no Pillow); fixes raises it
    "fix_photo": "fixes",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES)

__all__ = ["FixError", "check_photo", "fix_photo"]
