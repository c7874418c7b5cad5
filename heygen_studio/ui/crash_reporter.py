"""Turns any unhandled exception (Qt slot, thread or asyncio task) into a log entry and an error dialog."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QApplication

from heygen_studio.logging_setup import redact
from heygen_studio.ui.dialogs.error_dialog import ErrorDialog

log = logging.getLogger(__name__)


class CrashReporter(QObject):
    """Install with `install()` before anything else; `loop_handler` goes on the asyncio loop."""

    _report = Signal(str)

    def __init__(self, log_file: Path | None) -> None:
        super().__init__()
        self.log_file = log_file
        self.dialog: ErrorDialog | None = None
        # Queued across threads: the dialog is always built on the UI thread.
        self._report.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_excepthook

    def excepthook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("Unhandled error", exc_info=(exc_type, exc, tb))
        self.report("".join(traceback.format_exception(exc_type, exc, tb)))

    def loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """asyncio's exception handler: a task or callback failed with nobody awaiting it."""
        message = context.get("message", "Unhandled error in a background task")
        error = context.get("exception")
        if error is None:
            log.error("%s (%s)", message, {k: v for k, v in context.items() if k != "message"})
            self.report(message)
            return
        log.error("%s", message, exc_info=(type(error), error, error.__traceback__))
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.report(f"{message}\n{details}")

    def report(self, details: str) -> None:
        """Show `details` (redacted) in the error dialog; callable from any thread."""
        details = redact(details)
        if QApplication.instance() is None:
            print(details, file=sys.stderr)
            return
        self._report.emit(details)

    def fatal(self, error: BaseException, advice: str) -> ErrorDialog:
        """Log an error that ended the app; the caller runs the returned dialog with exec()."""
        log.critical("The app stopped", exc_info=(type(error), error, error.__traceback__))
        details = redact("".join(traceback.format_exception(type(error), error, error.__traceback__)))
        self.dialog = ErrorDialog(details, self.log_file, advice=advice)
        return self.dialog

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _show(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_details(details)
            return
        self.dialog = ErrorDialog(details, self.log_file, QApplication.activeWindow())
        self.dialog.show()
        self.dialog.raise_()
