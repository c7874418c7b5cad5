"""The main window: five steps to click through, and a status bar that says where work goes."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from heygen_studio.api.errors import AuthError, NetworkError
from heygen_studio.config import Settings
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.main_window import OFFLINE_MESSAGE, MainWindow, NO_KEY_MESSAGE

STEPS = ["Photos", "Library", "Scenes", "Renders", "Settings"]


def make_window(qtbot: QtBot, fetch=None, settings: Settings | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(settings or Settings(), "Sandbox — no credits are spent", TaskRegistry(), fetch)
    qtbot.addWidget(window)
    return window


def test_five_steps_in_order_and_clicking_switches_panel(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    window.show()
    nav = window.navigation
    assert [nav.item(row).text() for row in range(nav.count())] == STEPS
    assert window.windowTitle() == "HeyGen Studio"
    assert window.current_panel().title == "Photos"
    assert "Start here" in window.current_panel().summary
    for row, title in enumerate(STEPS):
        rect = nav.visualItemRect(nav.item(row))
        qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_panel().title == title
        assert window.current_panel().isVisible()


def test_every_panel_says_what_it_does_and_what_to_do_next(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    for panel in window.panels:
        assert len(panel.summary) > 40 and len(panel.next_step) > 20


def test_window_remembers_its_size_and_step(qtbot: QtBot) -> None:
    settings = Settings()
    window = make_window(qtbot, settings=settings)
    window.show()
    available = window.screen().availableGeometry()
    if available.width() >= 1280 and available.height() >= 800:
        assert (window.width(), window.height()) == (1280, 800)
    else:  # a small screen: the window fits on it
        assert window.width() <= available.width() and window.height() <= available.height()
    window.resize(700, 560)
    window.show_panel("Renders")
    window.close()
    again = make_window(qtbot, settings=settings)
    assert (again.width(), again.height()) == (700, 560)
    assert again.current_panel().title == "Renders"


def test_without_a_key_the_status_bar_says_where_to_add_one(qtbot: QtBot) -> None:
    window = make_window(qtbot)
    assert window.refresh_credits() is None
    assert window.credits_label.text() == NO_KEY_MESSAGE


@pytest.mark.parametrize(("error", "shown"), [
    (NetworkError(), OFFLINE_MESSAGE),
    (AuthError(), "HeyGen didn't accept the API key — check it in Settings"),
])
def test_credit_errors_are_plain_and_the_ui_keeps_working(
        qtbot: QtBot, qloop: asyncio.AbstractEventLoop, error: Exception, shown: str) -> None:
    release = asyncio.Event()

    async def failing() -> float | None:
        await release.wait()
        raise error

    window = make_window(qtbot, failing)

    async def scenario() -> None:
        task = window.refresh_credits()
        assert task is not None
        await asyncio.sleep(0.05)
        # The fetch is still waiting; the window is responsive meanwhile.
        assert window.credits_label.text() == "Credits: checking…"
        window.show_panel("Library")
        assert window.current_panel().title == "Library"
        release.set()
        await task
        assert window.credits_label.text() == shown
        assert window.refresh_action.isEnabled()

    qloop.run_until_complete(scenario())
