"""Photo checks and fixes for HeyGen's photo rules (Pillow and OpenCV, no Qt)."""

from heygen_studio.domain.photo_rules import Box, Issue, PhotoReport
from heygen_studio.photos.check import check_photo
from heygen_studio.photos.fixes import FixError, fix_photo

__all__ = ["Box", "FixError", "Issue", "PhotoReport", "check_photo", "fix_photo"]
