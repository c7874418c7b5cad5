"""The installed Qt binding keeps the reference counts of None, True and False (else the app aborts after a while)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal

CALLS = 500  # few enough that a broken binding fails this test without crashing the run


class Emitter(QObject):
    changed = Signal(str)


def references() -> tuple[int, int, int]:
    return sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)


def test_qt_calls_returning_nothing_leave_none_true_and_false_alone() -> None:
    """PySide6 6.12.0 on Python 3.11 took one reference per call; the process died with none_dealloc."""
    emitter = Emitter()
    emitter.changed.connect(lambda _: None)
    model = QStringListModel(["a look"])
    index = model.index(0)
    before = references()
    for _ in range(CALLS):
        emitter.setObjectName("emitter")  # a void method: returns None
        emitter.changed.emit("url")  # returns a bool
        index.data(Qt.ItemDataRole.DecorationRole)  # an empty QVariant: None
    after = references()
    lost = [max(0, start - end) for start, end in zip(before, after, strict=True)]
    assert max(lost) < CALLS // 10, f"references lost over {CALLS} calls (None, True, False): {lost}"
