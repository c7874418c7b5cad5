"""UI fixtures: a private app home, logging into it, and a qasync loop to drive coroutines on Qt."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from waiting import until

os.environ["QT_API"] = "pyside6"
import qasync  # noqa: E402  (after QT_API is set)
from PySide6.QtWidgets import QApplication  # noqa: E402

from heygen_studio import config  # noqa: E402
from heygen_studio.config import Paths, app_paths  # noqa: E402
from heygen_studio.logging_setup import setup_logging  # noqa: E402
from heygen_studio.ui.main_thread_gc import MainThreadGarbageCollector  # noqa: E402


@pytest.fixture(autouse=True)
def main_thread_gc(qapp: QApplication) -> Iterator[None]:
    """Garbage is collected on the Qt thread during UI tests, as in the app (see ui/main_thread_gc.py)."""
    collector = MainThreadGarbageCollector(qapp)
    yield
    collector.stop()
    collector.deleteLater()


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    """Every file the app writes goes under this test's tmp dir, never the real home."""
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path / "home"))
    return app_paths().ensure()


@pytest.fixture
def log_file(paths: Paths) -> Iterator[Path]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    path = setup_logging(paths.log_file, to_stderr=False)
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


class TestLoop(qasync.QEventLoop):
    """qasync's loop, kept marked as running wherever it runs tasks, and (for `loop_running`) between calls.

    qasync's `run_until_complete` processes Qt events once more after `run_forever` has cleared the
    running-loop mark, so a task stepped there finds no running loop (httpx's anyio then fails
    with NoEventLoopError: the flaky Settings tests). The mark is restored for that last pass and,
    when `keep_running_mark` is set, kept until the next call, as while the app runs.
    """

    keep_running_mark = False
    hang_s = 100.0
    """A run that has not finished after this long fails with TimeoutError (pytest-timeout's 120 s would end the
    whole run: a Qt test's timeout cannot be raised inside the loop). Seen twice in full runs on a loaded machine:
    the loop idle in Qt with a test's await never resolved; the test then runs once more (--only-rerun Timeout)."""

    def _after_run_forever(self) -> None:
        super()._after_run_forever()
        asyncio.events._set_running_loop(self)

    def run_until_complete(self, future):  # type: ignore[no-untyped-def]
        try:
            return super().run_until_complete(asyncio.wait_for(future, self.hang_s))
        finally:
            if not self.keep_running_mark:
                asyncio.events._set_running_loop(None)


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[TestLoop]:
    """asyncio running on Qt's own event loop, as in the app: `qloop.run_until_complete(coro)`.

    Like the app, closing the last window does not quit Qt (that would stop the loop mid-test).
    """
    quit_on_close = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    loop = TestLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.keep_running_mark = False
    asyncio.events._set_running_loop(None)
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()
    asyncio.set_event_loop(None)
    qapp.setQuitOnLastWindowClosed(quit_on_close)


@pytest.fixture
def loop_running(qloop: TestLoop) -> Iterator[TestLoop]:
    """Mark the qasync loop as running for the whole test, as it is while the app runs.

    Widgets then start background work from their constructors and slots exactly as in the app,
    and Qt events processed by pytest-qt drive those tasks.
    """
    qloop.keep_running_mark = True
    asyncio.events._set_running_loop(qloop)
    yield qloop
    qloop.keep_running_mark = False
    asyncio.events._set_running_loop(None)


@pytest.fixture
def wait_until() -> Callable[..., Awaitable[None]]:
    """`await wait_until(condition, within=30)`: the shared `waiting.until`, for the tests that take it as a fixture."""
    return until
