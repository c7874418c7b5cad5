"""The exact request a render would send, shown read-only and easy to copy (the API key is never in it)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from heygen_studio.ui.style import hint_label


class RequestDialog(QDialog):
    """The exact JSON a render would send, read-only and easy to copy; the API key is never in it."""

    def __init__(self, text: str, generation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("The request a render sends")
        self.resize(640, 560)
        path = "POST /v3/videos" if generation == "v3" else "POST /v2/video/av4/generate"
        about = hint_label(f"{path} — your API key goes in a header and is not shown here.")
        self.text = QPlainTextEdit(text)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setStyleSheet("font-family: monospace;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self._copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def _copy(self) -> None:
        self.text.selectAll()
        self.text.copy()
