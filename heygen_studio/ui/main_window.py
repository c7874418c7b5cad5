"""The main window: navigation on the left, one panel per step, connection and credits below."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QByteArray, QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api.errors import AuthError, HeyGenError, NetworkError
from heygen_studio.config import APP_NAME, Settings
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.panels.library import LibraryPanel
from heygen_studio.ui.panels.photos import PhotosPanel
from heygen_studio.ui.panels.renders import RendersPanel
from heygen_studio.ui.panels.scenes import ScenesPanel
from heygen_studio.ui.panels.settings import SettingsPanel
from heygen_studio.ui.style import ACCENT
from heygen_studio.ui.widgets.nav_icons import nav_icon

log = logging.getLogger(__name__)

CreditsSource = Callable[[], Awaitable[float | None]]
"""Fetches the account's remaining credits (None: the account does not report a number)."""

NO_KEY_MESSAGE = "No API key yet — add yours in Settings"
OFFLINE_MESSAGE = "Can't reach HeyGen — check your internet connection"
BAD_KEY_MESSAGE = "HeyGen didn't accept the API key — check it in Settings"
DEFAULT_SIZE = QSize(1280, 800)

PANELS: tuple[type[Panel], ...] = (PhotosPanel, LibraryPanel, ScenesPanel, RendersPanel, SettingsPanel)


def format_credits(value: float | None) -> str:
    if value is None:
        return "Credits: not reported by this account"
    shown = f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
    return f"Credits: {shown}"


def describe_credits_error(error: Exception) -> str:
    """What the status bar says when the credits could not be fetched."""
    if isinstance(error, NetworkError):
        return OFFLINE_MESSAGE
    if isinstance(error, AuthError):
        return BAD_KEY_MESSAGE
    if isinstance(error, HeyGenError):
        return f"Credits unavailable: {error}"
    return "Credits unavailable — see the log for details"


class MainWindow(QMainWindow):
    """Emits `closed` once the user closes it; the app then shuts down its background work."""

    closed = Signal()

    def __init__(self, settings: Settings, connection_label: str, tasks: TaskRegistry,
                 fetch_credits: CreditsSource | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._tasks = tasks
        self._fetch_credits = fetch_credits
        self.setWindowTitle(APP_NAME)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(22, 22))
        self.navigation.setFixedWidth(220)
        self.stack = QStackedWidget()
        self.panels: list[Panel] = []
        normal = self.palette().windowText().color()
        for panel_type in PANELS:
            panel = panel_type()
            self.panels.append(panel)
            self.stack.addWidget(panel)
            QListWidgetItem(nav_icon(panel.icon_name, normal, ACCENT.lighter(400)), panel.title,
                            self.navigation)
        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)

        app_name = QLabel(APP_NAME)
        app_name.setObjectName("appName")
        sidebar = QVBoxLayout()
        sidebar.setContentsMargins(0, 0, 0, 0)
        sidebar.setSpacing(0)
        sidebar.addWidget(app_name)
        sidebar.addWidget(self.navigation, 1)
        central = QWidget()
        body = QHBoxLayout(central)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addLayout(sidebar)
        body.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.refresh_action = QAction("Refresh credits", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.setToolTip("Ask HeyGen again how many credits you have left (F5)")
        self.refresh_action.triggered.connect(self.refresh_credits)
        self._build_menus()

        self.connection_label = QLabel(connection_label)
        self.connection_label.setObjectName("connection")
        connection_dot = QLabel("●")
        connection_dot.setObjectName("connectionDot")
        connection_dot.setProperty("connected", fetch_credits is not None)
        connection_dot.setToolTip("Connected" if fetch_credits is not None
                                  else "Not connected: add your API key in Settings")
        self.credits_label = QLabel()
        self.credits_label.setObjectName("credits")
        refresh_button = QToolButton()
        refresh_button.setDefaultAction(self.refresh_action)
        refresh_button.setAutoRaise(True)
        connection = QWidget()
        connection_row = QHBoxLayout(connection)
        connection_row.setContentsMargins(8, 0, 0, 0)
        connection_row.setSpacing(6)
        connection_row.addWidget(connection_dot)
        connection_row.addWidget(self.connection_label)
        self.statusBar().addWidget(connection)
        self.statusBar().addPermanentWidget(self.credits_label)
        self.statusBar().addPermanentWidget(refresh_button)
        self.statusBar().setSizeGripEnabled(False)

        self._restore_geometry()
        self.navigation.setCurrentRow(min(settings.last_panel, len(self.panels) - 1))

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        quit_action = file_menu.addAction("Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        for row, panel_type in enumerate(PANELS):
            action = view_menu.addAction(panel_type.title)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, r=row: self.navigation.setCurrentRow(r))

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry and self.restoreGeometry(
                QByteArray.fromBase64(self.settings.window_geometry.encode("ascii"))):
            return
        self.resize(DEFAULT_SIZE)
        screen = QApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            if available.width() < DEFAULT_SIZE.width() or available.height() < DEFAULT_SIZE.height():
                self.resize(available.size() * 0.9)
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())

    def show_panel(self, title: str) -> None:
        """Switch to the panel called `title` (as in the navigation list)."""
        for row, panel in enumerate(self.panels):
            if panel.title == title:
                self.navigation.setCurrentRow(row)
                return
        raise KeyError(title)

    def current_panel(self) -> Panel:
        return self.panels[self.stack.currentIndex()]

    def refresh_credits(self) -> asyncio.Task[None] | None:
        """Fetch the credits in the background; the status bar says what happened."""
        if self._fetch_credits is None:
            self._set_credits(NO_KEY_MESSAGE, error=False)
            self.refresh_action.setEnabled(False)
            return None
        self.refresh_action.setEnabled(False)
        self._set_credits("Credits: checking…", error=False)
        return self._tasks.spawn(self._load_credits(self._fetch_credits), "refresh credits")

    async def _load_credits(self, fetch: CreditsSource) -> None:
        try:
            value = await fetch()
        except Exception as error:  # every failure is shown in the status bar, none is fatal
            log.warning("Could not fetch credits: %r", error, exc_info=not isinstance(error, HeyGenError))
            self._set_credits(describe_credits_error(error), error=True)
        else:
            self._set_credits(format_credits(value), error=False)
        finally:
            self.refresh_action.setEnabled(True)

    def _set_credits(self, text: str, *, error: bool) -> None:
        self.credits_label.setText(text)
        self.credits_label.setProperty("error", error)
        self.credits_label.style().unpolish(self.credits_label)
        self.credits_label.style().polish(self.credits_label)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.settings.last_panel = self.stack.currentIndex()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()
