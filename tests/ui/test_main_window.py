"""The main window: five steps to click through, and a status bar that says where work goes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from heygen_studio.api.errors import AuthError, NetworkError
from heygen_studio.config import Paths, Settings
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.session import Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.main_window import (
    NO_KEY_MESSAGE,
    NOT_CONNECTED_MESSAGE,
    OFFLINE_MESSAGE,
    PANELS,
    MainWindow,
)

STEPS = ["Photos", "Library", "Scenes", "Renders", "Settings"]


@pytest.fixture
def session(paths: Paths, qloop: asyncio.AbstractEventLoop, loop_running: object) -> Iterator[Session]:
    tasks = TaskRegistry()
    session = Session(paths, Settings(), tasks, secrets=SecretStore(MemoryKeyring()))
    yield session
    qloop.run_until_complete(tasks.aclose())
    qloop.run_until_complete(session.aclose())


def make_window(qtbot: QtBot, session: Session) -> MainWindow:
    window = MainWindow(session)
    qtbot.addWidget(window)
    return window


def test_five_steps_in_order_and_clicking_switches_panel(qtbot: QtBot, session: Session) -> None:
    window = make_window(qtbot, session)
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


def test_a_panel_asks_for_another_step_with_its_navigate_signal(qtbot: QtBot, session: Session) -> None:
    window = make_window(qtbot, session)
    window.show()
    photos = window.current_panel()
    photos.navigate.emit("Library")
    assert window.current_panel().title == "Library" and window.navigation.currentRow() == STEPS.index("Library")


def test_every_panel_says_what_it_does_and_what_to_do_next(qtbot: QtBot, session: Session) -> None:
    window = make_window(qtbot, session)
    for row in range(len(PANELS)):
        panel = window.panel_at(row)
        assert len(panel.summary) > 40 and len(panel.next_step) > 20


def test_only_the_step_shown_is_built_before_the_first_paint_and_the_rest_after(
    qtbot: QtBot, session: Session, qloop: asyncio.AbstractEventLoop
) -> None:
    window = make_window(qtbot, session)
    assert [panel.title for panel in window.panels] == ["Photos"]
    assert window.navigation.item(STEPS.index("Library")).text() == "Library"  # named before it is built
    qloop.run_until_complete(window.build_remaining_panels())
    assert [panel.title for panel in window.panels] == STEPS


def test_each_step_names_its_panel_class_as_the_class_names_itself() -> None:
    for slot in PANELS:
        kind = slot.load()
        assert (kind.title, kind.icon_name) == (slot.title, slot.icon_name)


def test_window_remembers_its_size_and_step(qtbot: QtBot, session: Session) -> None:
    window = make_window(qtbot, session)
    window.show()
    available = window.screen().availableGeometry()
    if available.width() >= 1280 and available.height() >= 800:
        assert (window.width(), window.height()) == (1280, 800)
    else:  # a small screen: the window fits on it
        assert window.width() <= available.width() and window.height() <= available.height()
    window.resize(700, 560)
    window.show_panel("Renders")
    window.close()
    again = make_window(qtbot, session)
    assert (again.width(), again.height()) == (700, 560)
    assert again.current_panel().title == "Renders"


def test_not_connected_says_where_to_add_a_key_and_offers_the_sandbox(qtbot: QtBot, session: Session) -> None:
    window = make_window(qtbot, session)
    window.show()
    assert window.connection_label.text() == NOT_CONNECTED_MESSAGE
    assert window.balance_label.text() == NO_KEY_MESSAGE
    assert not window.refresh_action.isEnabled()
    assert window.sandbox_button.isVisible()


def test_welcome_leads_to_the_add_key_form(qtbot: QtBot, session: Session) -> None:
    window = make_window(qtbot, session)
    window.show()
    window.show_welcome()
    assert window.showing_welcome()
    qtbot.mouseClick(window.welcome.use_key_button, Qt.MouseButton.LeftButton)
    settings_panel = window.current_panel()
    assert settings_panel.title == "Settings"
    assert settings_panel.form.isVisible()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (NetworkError(), OFFLINE_MESSAGE),
        (AuthError(), "HeyGen didn't accept the API key — check it in Settings"),
    ],
)
def test_balance_errors_are_plain(qtbot: QtBot, session: Session, error: Exception, shown: str) -> None:
    window = make_window(qtbot, session)
    session.balance_failed.emit(error)
    assert window.balance_label.text() == shown
    session.balance_changed.emit(Balance(BillingType.WALLET, Currency.USD, Money.usd("1234.5")))
    assert window.balance_label.text() == "Balance: $1,234.50 left"
