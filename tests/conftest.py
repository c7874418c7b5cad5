"""Test-wide settings: Qt offscreen unless a test session chose a real display; how Qt tests time out."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

QT_TEST_DIRS = (Path(__file__).parent / "ui", Path(__file__).parent / "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Qt tests time out with the thread method: a signal's error would be swallowed by the event loop."""
    for item in items:
        if any(item.path.is_relative_to(folder) for folder in QT_TEST_DIRS):
            own = item.get_closest_marker("timeout")  # a longer limit the test set for itself stays
            limit = own.args[0] if own and own.args else (own.kwargs.get("timeout") if own else None)
            item.add_marker(pytest.mark.timeout(limit, method="thread"))
