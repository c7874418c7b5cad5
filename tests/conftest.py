"""Test-wide settings: Qt offscreen unless a test session chose a real display."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
