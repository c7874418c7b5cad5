"""The main window: navigation on the left, one panel per step, connection and balance below."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QByteArray, QSize, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api.errors import AuthError, HeyGenError, NetworkError
from heygen_studio.config import APP_NAME
from heygen_studio.domain.money import Balance
from heygen_studio.session import Session
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import ACCENT
from heygen_studio.ui.widgets.nav_icons import nav_icon

if TYPE_CHECKING:
    from heygen_studio.ui.panels.scenes import ScenesPanel
    from heygen_studio.ui.welcome import WelcomePage

log = logging.getLogger(__name__)

NO_KEY_MESSAGE = "No API key yet — add yours in Settings"
NOT_CONNECTED_MESSAGE = "Not connected to HeyGen"
OFFLINE_MESSAGE = "Can't reach HeyGen — check your internet connection"
BAD_KEY_MESSAGE = "HeyGen didn't accept the API key — check it in Settings"
DEFAULT_SIZE = QSize(1280, 800)
FIRST_PAINT_WAIT_S = 1.0  # a window that is never painted (started minimised) waits no longer


@dataclass(frozen=True)
class PanelSlot:
    """A step in the navigation: its title and icon (as its panel class has them) and where the class lives, so a
    panel's module is imported and the panel built only when it is first shown or asked for."""

    title: str
    icon_name: str
    module: str
    class_name: str

    def load(self) -> type[Panel]:
        kind: type[Panel] = getattr(import_module(self.module), self.class_name)
        return kind


PANELS: tuple[PanelSlot, ...] = (
    PanelSlot("Photos", "photos", "heygen_studio.ui.panels.photos", "PhotosPanel"),
    PanelSlot("Library", "library", "heygen_studio.ui.panels.library", "LibraryPanel"),
    PanelSlot("Scenes", "scenes", "heygen_studio.ui.panels.scenes", "ScenesPanel"),
    PanelSlot("Renders", "renders", "heygen_studio.ui.panels.renders", "RendersPanel"),
    PanelSlot("Settings", "settings", "heygen_studio.ui.panels.settings", "SettingsPanel"),
)
P = TypeVar("P", bound=Panel)


CHECKING_MESSAGE = "Balance: checking…"


def format_balance(balance: Balance | None, *, sandbox: bool = False) -> str:
    """“Balance: $12.40 left”, “Balance: 540 credits left”, “Balance: $4.10 of $50.00 spent”; sandbox money: pretend."""
    if balance is None:
        return "Balance: not reported by this account"
    return f"Balance: {balance.describe()}" + (" (pretend money)" if sandbox else "")


def describe_balance_error(error: Exception) -> str:
    """What the status bar says when the balance could not be fetched."""
    if isinstance(error, NetworkError):
        return OFFLINE_MESSAGE
    if isinstance(error, AuthError):
        return BAD_KEY_MESSAGE
    if isinstance(error, HeyGenError):
        return f"Balance unavailable: {error}"
    return "Balance unavailable — see the log for details"


def add_scrollable(stack: QStackedWidget, page: QWidget | None = None) -> QScrollArea:
    """A frameless scroll area on `stack` holding `page` (or, later, what is put in it), so no panel forces the
    window wider than the screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    stack.addWidget(area)
    if page is not None:
        area.setWidget(page)
    return area


class MainWindow(QMainWindow):
    """Emits `closed` once the user closes it; the app then shuts down its background work."""

    closed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = session.settings
        self.setWindowTitle(APP_NAME)

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setIconSize(QSize(22, 22))
        self.navigation.setFixedWidth(220)
        self.stack = QStackedWidget()
        # The frame goes into the window first and each panel into its place once: under the app's
        # style sheet every move of a finished widget tree into another restyles the whole tree.
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
        self._agreed: set[Panel] = set()  # panels whose question about closing was just answered "go ahead"
        self._unfinished = 0  # renders of this account not yet downloaded (counted off the UI thread)
        self._counting: asyncio.Task[None] | None = None
        self._recount = False
        self._quit_anyway = False  # the user chose to quit with renders still going
        self.quit_when_done = False  # the user chose to wait for them: the window closes once they finish
        self.quit_prompt: QMessageBox | None = None
        self._painted = asyncio.Event()
        normal = self.palette().windowText().color()
        # Each step's place is made now; its panel is imported and built when first shown or asked for.
        self._areas = [add_scrollable(self.stack) for _ in PANELS]
        self._built: dict[int, Panel] = {}
        for slot in PANELS:
            QListWidgetItem(nav_icon(slot.icon_name, normal, ACCENT.lighter(400)), slot.title, self.navigation)
        self.navigation.currentRowChanged.connect(self._row_changed)
        self._welcome_area = add_scrollable(self.stack)
        self._welcome: WelcomePage | None = None

        self.refresh_action = QAction("Refresh balance", self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.setToolTip("Ask HeyGen again how much you have left to spend (F5)")
        self.refresh_action.triggered.connect(self.refresh_balance)
        self.sandbox_action = QAction("Try the sandbox", self)
        self.sandbox_action.setToolTip("Switch to the built-in pretend HeyGen: no key, pretend money")
        self.sandbox_action.triggered.connect(self._use_sandbox)
        self._build_menus()

        self.connection_label = QLabel()
        self.connection_label.setObjectName("connection")
        self.connection_dot = QLabel("●")
        self.connection_dot.setObjectName("connectionDot")
        self.balance_label = QLabel()
        self.balance_label.setObjectName("balance")
        refresh_button = QToolButton()
        refresh_button.setDefaultAction(self.refresh_action)
        refresh_button.setAutoRaise(True)
        self.sandbox_button = QToolButton()
        self.sandbox_button.setDefaultAction(self.sandbox_action)
        self.sandbox_button.setAutoRaise(True)
        connection = QWidget()
        connection_row = QHBoxLayout(connection)
        connection_row.setContentsMargins(8, 0, 0, 0)
        connection_row.setSpacing(6)
        connection_row.addWidget(self.connection_dot)
        connection_row.addWidget(self.connection_label)
        connection_row.addWidget(self.sandbox_button)
        self.statusBar().addWidget(connection)
        self.statusBar().addPermanentWidget(self.balance_label)
        self.statusBar().addPermanentWidget(refresh_button)
        self.statusBar().setSizeGripEnabled(False)

        self._restore_geometry()
        self.navigation.setCurrentRow(min(max(0, self.settings.last_panel), len(PANELS) - 1))
        session.connection_changed.connect(self._connection_changed)
        session.connecting.connect(self.show_connecting)
        session.balance_changed.connect(self._show_balance)
        session.balance_failed.connect(lambda error: self._set_balance(describe_balance_error(error), error=True))
        queue = session.renders.queue
        queue.changed.connect(lambda _job_id: self._count_unfinished())
        queue.finished.connect(lambda _job_id: self._count_unfinished())
        self._connection_changed()

    async def first_paint(self) -> None:
        """Until the window has been painted once (or FIRST_PAINT_WAIT_S passed): start slow work after it."""
        with contextlib.suppress(TimeoutError):  # asyncio.timeout: wait_for can swallow a cancel on 3.11
            async with asyncio.timeout(FIRST_PAINT_WAIT_S):
                await self._painted.wait()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self._painted.set()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.file_actions: dict[str, QAction] = {}
        for name, text, key, run in (
            ("new", "&New video", QKeySequence.StandardKey.New, "ask_then_new"),
            ("open", "&Open…", QKeySequence.StandardKey.Open, "choose_file_to_open"),
            ("save", "&Save", QKeySequence.StandardKey.Save, "save"),
            ("save_as", "Save &as…", QKeySequence.StandardKey.SaveAs, "save_as"),
        ):
            action = file_menu.addAction(text)
            action.setShortcut(key)
            action.triggered.connect(lambda _=False, run=run: self._in_scenes(lambda scenes: getattr(scenes, run)()))
            self.file_actions[name] = action
            if name == "open":
                self.recent_menu = QMenu("Open &recent", self)
                file_menu.addMenu(self.recent_menu)
                self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._enable_file_actions(False)
        file_menu.addSeparator()
        file_menu.addAction(self.sandbox_action)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("Quit")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        for row, slot in enumerate(PANELS):
            action = view_menu.addAction(slot.title)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, r=row: self.navigation.setCurrentRow(r))

    @property
    def panels(self) -> list[Panel]:
        """The panels built so far, in navigation order (the others are built when first shown or asked for)."""
        return [self._built[row] for row in sorted(self._built)]

    def panel(self, kind: type[P]) -> P:
        """The panel of class `kind`, built now if it was not yet."""
        for row, slot in enumerate(PANELS):
            if slot.module == kind.__module__ and slot.class_name == kind.__name__:
                built = self.panel_at(row)
                assert isinstance(built, kind)
                return built
        raise KeyError(kind.__name__)

    def panel_at(self, row: int) -> Panel:
        """The panel of navigation row `row`, importing its module and building it the first time."""
        built = self._built.get(row)
        if built is None:
            built = PANELS[row].load()(self.session)
            built.navigate.connect(self.show_panel)
            built.step_text_changed.connect(partial(self._show_step_text, row))
            self._built[row] = built
            self._show_step_text(row)
            self._areas[row].setWidget(built)
            if PANELS[row].title == "Scenes":
                self.scenes_panel().editing_changed.connect(self._enable_file_actions)
        return built

    def _show_step_text(self, row: int) -> None:
        item = self.navigation.item(row)
        if item is not None:
            item.setText(self._built[row].step_text())

    async def build_remaining_panels(self) -> None:
        """Build the steps not shown yet, one per turn of the event loop, so each is ready when clicked and
        does its background work (resuming jobs, listing looks) as if it had been built at the start."""
        for row in range(len(PANELS)):
            if row not in self._built:
                await asyncio.sleep(0.01)  # paint and handle input between two panels
                self.panel_at(row)

    @property
    def welcome(self) -> WelcomePage:
        """The first-run page, built the first time it is shown."""
        if self._welcome is None:
            from heygen_studio.ui.welcome import WelcomePage

            self._welcome = WelcomePage(self.session)
            self._welcome.add_key_requested.connect(self._add_key)
        return self._welcome

    def scenes_panel(self) -> ScenesPanel:
        from heygen_studio.ui.panels.scenes import ScenesPanel

        return self.panel(ScenesPanel)

    def _in_scenes(self, run: Callable[[ScenesPanel], object]) -> None:
        """A File menu action: the Scenes panel comes to the front and does it."""
        self.show_panel("Scenes")
        run(self.scenes_panel())

    def _enable_file_actions(self, editing: bool) -> None:
        self.file_actions["save"].setEnabled(editing)
        self.file_actions["save_as"].setEnabled(editing)

    def _fill_recent_menu(self) -> None:
        scenes = self.scenes_panel()
        self.recent_menu.clear()
        for title, path in scenes.recent_projects:
            action = self.recent_menu.addAction(f"{title} — {path.name}")
            action.setToolTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self._in_scenes(lambda panel: panel.ask_then_open(p)))
        if not scenes.recent_projects:
            self.recent_menu.addAction("No saved videos yet").setEnabled(False)

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry and self.restoreGeometry(
            QByteArray.fromBase64(self.settings.window_geometry.encode("ascii"))
        ):
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
        for row, slot in enumerate(PANELS):
            if slot.title == title:
                self.navigation.setCurrentRow(row)
                return
        raise KeyError(title)

    def current_panel(self) -> Panel:
        return self.panel_at(self.stack.currentIndex())

    def showing_welcome(self) -> bool:
        return self.stack.currentIndex() == len(PANELS)

    def refresh_balance(self) -> None:
        """Ask for the balance again in the background; the status bar says what happened."""
        if self.session.refresh_balance() is not None:
            self._set_balance(CHECKING_MESSAGE, error=False)

    def show_welcome(self) -> None:
        """The first-run page: use my key, or try the sandbox."""
        self.navigation.clearSelection()
        self._welcome_area.setWidget(self.welcome)
        self.stack.setCurrentIndex(len(PANELS))

    def _row_changed(self, row: int) -> None:
        if row >= 0:
            self.panel_at(row)
            self.stack.setCurrentIndex(row)

    def _add_key(self) -> None:
        from heygen_studio.ui.panels.settings import SettingsPanel

        self.show_panel(SettingsPanel.title)
        self.panel(SettingsPanel).start_adding_profile()

    def _use_sandbox(self) -> None:
        self.session.tasks.spawn(self.session.use_sandbox(), "switch to the sandbox")

    def _connection_changed(self) -> None:
        connection = self.session.connection
        connected = connection is not None
        if connection is not None:
            self.connection_label.setText(connection.label)
        else:
            self.connection_label.setText(NOT_CONNECTED_MESSAGE)
            self._set_balance(NO_KEY_MESSAGE, error=False)
        self.connection_dot.setProperty("connected", connected)
        self.connection_dot.setToolTip("Connected" if connected else "Not connected: add your API key in Settings")
        self.connection_dot.style().unpolish(self.connection_dot)
        self.connection_dot.style().polish(self.connection_dot)
        self._count_unfinished()
        self.refresh_action.setEnabled(connected)
        offer_sandbox = connection is None or not connection.sandbox
        self.sandbox_action.setVisible(offer_sandbox)
        self.sandbox_button.setVisible(offer_sandbox)
        if connected:
            self._set_balance(CHECKING_MESSAGE, error=False)
            if self.showing_welcome():
                self.navigation.setCurrentRow(0)
                self.stack.setCurrentIndex(0)

    def show_connecting(self, message: str) -> None:
        """While the connection is being made: say so, and offer nothing that would start another."""
        self.connection_label.setText(message)
        self.connection_dot.setToolTip(message)
        self.sandbox_action.setVisible(False)
        self.sandbox_button.setVisible(False)
        self._set_balance("", error=False)

    def _show_balance(self, balance: Balance | None) -> None:
        connection = self.session.connection
        self._set_balance(format_balance(balance, sandbox=connection is not None and connection.sandbox), error=False)

    def _set_balance(self, text: str, *, error: bool) -> None:
        self.balance_label.setText(text)
        self.balance_label.setProperty("error", error)
        self.balance_label.style().unpolish(self.balance_label)
        self.balance_label.style().polish(self.balance_label)

    def _close_agreed(self, panel: Panel) -> None:
        self._agreed.add(panel)
        try:
            self.close()
        finally:
            self._agreed.discard(panel)

    def _count_unfinished(self) -> None:
        """Count the renders not yet downloaded, in the background (one count at a time, then once more)."""
        if self._counting is not None and not self._counting.done():
            self._recount = True
            return
        with contextlib.suppress(RuntimeError):  # the app is shutting down: nothing to count for
            self._counting = self.session.tasks.spawn(self._count(), "count unfinished renders")

    async def _count(self) -> None:
        while True:
            self._recount = False
            connection = self.session.connection
            jobs = await self.session.renders.queue.all_jobs(connection.account_id) if connection else []
            self._unfinished = sum(1 for job in jobs if not job.status.is_final)
            if not self._recount:
                break
        if self.quit_when_done and self._unfinished == 0:
            self.close()

    def _ask_about_renders(self) -> None:
        """Quitting with renders going: they carry on at HeyGen and come down on the next start, or wait."""
        count = self._unfinished
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Renders still in progress",
            f"{count} render{'s are' if count != 1 else ' is'} not finished yet.",
            parent=self,
        )
        connection = self.session.connection
        where = "in the sandbox" if connection is not None and connection.sandbox else "at HeyGen"
        box.setInformativeText(
            f"If you quit now, nothing is lost or paid twice: renders carry on {where}, and HeyGen Studio "
            "downloads them the next time you start it. Or keep the app open until they are done."
        )
        quit_now = box.addButton("Quit now", QMessageBox.ButtonRole.DestructiveRole)
        wait = box.addButton("Quit when they are done", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Keep working", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(wait)
        box.finished.connect(lambda _result: self._renders_answered(box.clickedButton(), quit_now, wait))
        self.quit_prompt = box
        box.open()

    def _renders_answered(self, clicked: object, quit_now: object, wait: object) -> None:
        if clicked is quit_now:
            self._quit_anyway = True
            self.close()
        elif clicked is wait:
            self.quit_when_done = True
            self.show_panel("Renders")
            self.statusBar().showMessage("HeyGen Studio closes by itself once the renders are downloaded.")

    def closeEvent(self, event: QCloseEvent) -> None:
        for panel in self.panels:
            if panel not in self._agreed and not panel.ask_before_closing(partial(self._close_agreed, panel)):
                self.show_panel(panel.title)
                event.ignore()
                return
        if self._unfinished and not self._quit_anyway and not self.quit_when_done:
            self._ask_about_renders()
            event.ignore()
            return
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.settings.last_panel = max(0, self.navigation.currentRow())
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()
