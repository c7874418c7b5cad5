"""The "Something went wrong" dialog: what happened in plain words, what to do, and copyable details."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

HELP = "To get help, click “Copy details” and paste them into your message to support. They never contain your API key."
ADVICE = (
    "HeyGen Studio ran into a problem it did not expect. You can close this message and keep "
    "working. If it happens again, restart the app.\n\n" + HELP
)
STARTUP_ADVICE = (
    "HeyGen Studio could not start. Try starting it again; if it keeps happening, "
    "restarting your computer can help.\n\n" + HELP
)
CLOSING_ADVICE = (
    "HeyGen Studio ran into a problem while closing. Start it again to carry on; "
    "renders already sent to HeyGen are not affected.\n\n" + HELP
)


class ErrorDialog(QDialog):
    """Non-modal: the app keeps running behind it; later errors are appended, not stacked."""

    def __init__(
        self, details: str, log_file: Path | None, parent: QWidget | None = None, *, advice: str = ADVICE
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong — HeyGen Studio")
        self.setModal(False)
        self.resize(560, 260)

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        headline = QLabel("Something went wrong")
        font = headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        headline.setFont(font)
        advice_label = QLabel(advice)
        advice_label.setWordWrap(True)
        text = QVBoxLayout()
        text.addWidget(headline)
        text.addWidget(advice_label)
        self.log_label = QLabel()
        if log_file is not None:
            self.log_label.setText(f"A record of this was saved in the log file:\n{log_file}")
            self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.log_label.setWordWrap(True)
            text.addWidget(self.log_label)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)

        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setVisible(False)

        buttons = QDialogButtonBox()
        self.copy_button = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        self.toggle_button = QPushButton("Show details")
        self.toggle_button.setCheckable(True)
        self.toggle_button.toggled.connect(self._toggle_details)
        buttons.addButton(self.toggle_button, QDialogButtonBox.ButtonRole.ActionRole)
        if log_file is not None:
            folder = buttons.addButton("Open log folder", QDialogButtonBox.ButtonRole.ActionRole)
            folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file.parent))))
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def add_details(self, details: str) -> None:
        """Append another error's details; the dialog comes back to the front."""
        self.details.appendPlainText("\n" + "-" * 60 + "\n" + details)
        self.raise_()
        self.activateWindow()

    def details_text(self) -> str:
        return self.details.toPlainText()

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle_button.setText("Hide details" if shown else "Show details")
        self.resize(self.width(), 520 if shown else 260)
