"""Anything unexpected ends in a readable, non-blocking dialog and a log entry without the key."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from heygen_studio.logging_setup import register_secret
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.crash_reporter import CrashReporter

KEY = "hg-live-key-7f3a9c21d4e8b6"


@pytest.fixture
def reporter(log_file: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot) -> CrashReporter:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    register_secret(KEY)
    crash_reporter = CrashReporter(log_file)
    crash_reporter.install()
    yield crash_reporter
    if crash_reporter.dialog is not None:
        crash_reporter.dialog.close()


def log_text(log_file: Path) -> str:
    import logging

    for handler in logging.getLogger().handlers:
        handler.flush()
    return log_file.read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_error_in_a_qt_slot_shows_a_non_modal_dialog_and_logs_without_the_key(
    reporter: CrashReporter, log_file: Path, qtbot: QtBot
) -> None:
    def broken_slot() -> None:
        raise ValueError(f"upload refused for X-Api-Key: {KEY}")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    dialog = reporter.dialog
    assert dialog is not None
    assert not dialog.isModal()
    assert "Something went wrong" in dialog.windowTitle()
    assert str(log_file) in dialog.log_label.text()
    details = dialog.details_text()
    assert "ValueError: upload refused" in details and "broken_slot" in details
    assert KEY not in details

    dialog.copy_button.click()
    assert QApplication.clipboard().text() == details

    text = log_text(log_file)
    assert "Traceback" in text and "ValueError: upload refused" in text
    assert KEY not in text


@pytest.mark.qt_no_exception_capture
def test_a_second_error_is_added_to_the_open_dialog(reporter: CrashReporter, qtbot: QtBot) -> None:
    for message in ("first failure", "second failure"):
        QTimer.singleShot(0, lambda m=message: (_ for _ in ()).throw(RuntimeError(m)))
        qtbot.waitUntil(lambda m=message: reporter.dialog is not None and m in reporter.dialog.details_text())
    assert (
        len(
            [
                w
                for w in QApplication.topLevelWidgets()
                if w is reporter.dialog or type(w) is type(reporter.dialog) and w.isVisible()
            ]
        )
        == 1
    )


def test_failed_background_task_reaches_the_dialog(
    reporter: CrashReporter, log_file: Path, qloop: asyncio.AbstractEventLoop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    qloop.set_exception_handler(reporter.loop_handler)
    tasks = TaskRegistry()

    async def fetch_thumbnails() -> None:
        raise ConnectionError(f"api_key={KEY} rejected")

    async def scenario() -> None:
        tasks.spawn(fetch_thumbnails(), "thumbnails")
        await wait_until(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        await tasks.aclose()

    qloop.run_until_complete(scenario())
    assert reporter.dialog is not None
    details = reporter.dialog.details_text()
    assert "'thumbnails' failed" in details and "ConnectionError" in details
    assert KEY not in details and KEY not in log_text(log_file)


def test_closing_the_registry_cancels_running_work(qloop: asyncio.AbstractEventLoop) -> None:
    tasks = TaskRegistry()
    started = asyncio.Event()
    cancelled: list[bool] = []

    async def poll_forever() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def scenario() -> None:
        tasks.spawn(poll_forever(), "poll")
        await started.wait()
        await tasks.aclose()

    qloop.run_until_complete(scenario())
    assert cancelled == [True] and len(tasks) == 0


def test_a_failed_start_explains_itself(reporter: CrashReporter, log_file: Path) -> None:
    from heygen_studio.ui.dialogs.error_dialog import STARTUP_ADVICE

    try:
        raise OSError(f"port in use (key {KEY})")
    except OSError as error:
        dialog = reporter.fatal(error, STARTUP_ADVICE)
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.log_label)))
    assert "could not start" in texts
    assert "OSError: port in use" in dialog.details_text() and KEY not in dialog.details_text()
    assert "OSError: port in use" in log_text(log_file) and KEY not in log_text(log_file)
