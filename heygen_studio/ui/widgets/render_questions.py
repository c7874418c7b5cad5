"""Questions asked before a paid render goes (another copy of one rendering, more than the balance), never blocking."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

ALREADY_RENDERING = "This video is already rendering — render another copy?"


def ask(parent: QWidget, title: str, text: str, details: str, go_text: str, go: Callable[[], None]) -> QMessageBox:
    """Open a question with `go_text` and Cancel (the default); `go()` runs only if the user clicks `go_text`.

    Opened with `open()`, so the loop keeps running; keep the returned box alive until it is answered."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(details)
    go_button = box.addButton(go_text, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.finished.connect(lambda _result: go() if box.clickedButton() is go_button else None)
    box.open()
    return box
