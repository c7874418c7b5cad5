"""Where the bundled resources (sample photos, icons, desktop files) live on disk."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The top-level `resources/` folder, in a source checkout or a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def sample_photo(name: str) -> Path:
    """A sample photo shipped for the sandbox's demo content, tests and screenshots."""
    return resources_dir() / "sample_photos" / name
