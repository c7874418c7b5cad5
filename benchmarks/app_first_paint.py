"""Benchmark launcher: runs HeyGen Studio (`app ARGS…`) or a bare PySide6 window (`bare`) and prints
the CLOCK_MONOTONIC time of its first painted main window as JSON, then closes the window.
benchmarks/run_all.py spawns it and subtracts its own time.monotonic() from just before the spawn;
set HEYGEN_STUDIO_HOME to a scratch folder when running the app mode."""

from __future__ import annotations

import json
import sys
import time

from PySide6 import QtWidgets
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget


class FirstPaint(QObject):
    """Sees every event; after the first paint inside a main window has been flushed, reports and closes it."""

    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self.done
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and isinstance(watched.window(), QMainWindow)
        ):
            self.done = True
            window = watched.window()
            QTimer.singleShot(0, lambda: self._report(window))  # runs after this repaint is flushed
        return False

    def _report(self, window: QMainWindow) -> None:
        print(json.dumps({"first_paint_monotonic": time.monotonic()}), flush=True)
        window.close()


class TimedApplication(QtWidgets.QApplication):
    """QApplication that watches for the first paint from the moment it exists."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.first_paint = FirstPaint()
        self.installEventFilter(self.first_paint)


def bare() -> int:
    app = TimedApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare PySide6")
    window.setCentralWidget(QLabel("Hello"))
    window.resize(1280, 800)
    window.show()
    return app.exec()


def studio(argv: list[str]) -> int:
    """The app as `heygen-studio ARGS`, keys kept in memory: the user's keychain is never opened."""
    import keyring

    from heygen_studio.__main__ import main
    from heygen_studio.storage.keyring_backends import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    QtWidgets.QApplication = TimedApplication  # type: ignore[misc]  # the app creates it by this name

    return main(argv)


if __name__ == "__main__":
    mode, *rest = sys.argv[1:] or ["bare"]
    sys.exit(bare() if mode == "bare" else studio(rest))
