"""Python's cyclic garbage collector, run on the Qt main thread only: Qt objects are never destroyed from a worker."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250


class MainThreadGarbageCollector(QObject):
    """Turns automatic collection off and collects from a main-thread timer whenever gc's thresholds are passed.

    CPython collects in whichever thread crosses an allocation threshold: a photo check or a sandbox render in a
    worker thread would then run the destructors of Qt objects caught in reference cycles off the main thread,
    which crashes Qt (a segmentation fault in the event loop). Collecting here keeps the same thresholds.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)
        gc.disable()
        self._timer.start()

    def collect_if_due(self) -> int | None:
        """Collect the oldest generation whose count passed its threshold; the generation collected, or None."""
        due = [
            gen
            for gen, (count, limit) in enumerate(zip(gc.get_count(), self._thresholds, strict=True))
            if limit and count > limit
        ]
        if not due:
            return None
        gc.collect(due[-1])
        return due[-1]

    def stop(self) -> None:
        """Stop the timer and give collection back to Python (after one last collection here)."""
        self._timer.stop()
        gc.collect()
        gc.enable()
