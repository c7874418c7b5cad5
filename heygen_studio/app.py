"""Wiring: the session (connection, client, storage), the main window, and a clean shutdown."""

from __future__ import annotations

import asyncio
import linecache
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from heygen_studio.config import APP_NAME, Paths, Settings, read_settings
from heygen_studio.sandbox.state_lock import SandboxInUse
from heygen_studio.services.accounts import Endpoint
from heygen_studio.session import SANDBOX_CONNECTING, Session
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.main_window import MainWindow

if TYPE_CHECKING:
    from heygen_studio.sandbox.config import SandboxConfig
    from heygen_studio.storage.damaged_files import MovedAside
    from heygen_studio.storage.secrets import SecretStore

log = logging.getLogger(__name__)


class StudioApp:
    """One running app: `start()` inside the loop, `wait_closed()`, then `aclose()` (or just `run()`)."""

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        *,
        sandbox: bool = False,
        secrets: SecretStore | None = None,
        sandbox_config: SandboxConfig | None = None,
        endpoint: Endpoint | None = None,
        moved_aside: Sequence[MovedAside] = (),
    ) -> None:
        """Raises NewerDatabaseError (nothing opened or moved) when a newer app wrote the database."""
        self.tasks = TaskRegistry()
        self.session = Session(paths, settings, self.tasks, secrets, endpoint, sandbox_config)
        self.moved_aside = [*moved_aside, *filter(None, [self.session.db.moved_aside])]
        """Damaged files moved out of the way while starting: the window says so once."""
        self.window: MainWindow | None = None
        self._use_sandbox = sandbox
        self._closed = asyncio.Event()

    @property
    def settings(self) -> Settings:
        return self.session.settings

    async def start(self) -> MainWindow:
        """Show the window, let it paint, then connect: the sandbox if asked, else the active profile, else welcome."""
        self.window = MainWindow(self.session)
        self.window.closed.connect(self._closed.set)
        sandbox = self._use_sandbox or self.settings.use_sandbox
        if sandbox:
            self.window.show_connecting(SANDBOX_CONNECTING)
        self.window.show()
        log.info("Main window shown")
        await self.window.first_paint()  # connecting keeps Python busy; the window is on screen first
        if self.moved_aside:
            self._tell(self.window, "\n\n".join(moved.message for moved in self.moved_aside), "moved-aside")
        if sandbox:
            try:
                await self.session.use_sandbox(remember=not self._use_sandbox)
            except SandboxInUse as error:  # another copy of the app holds this home's sandbox and is stuck
                log.warning("%s", error)
                self._tell(self.window, str(error), "sandbox-in-use")
                self.window.show_welcome()
        elif not await self.session.use_profile():
            self.window.show_welcome()
        await self.window.build_remaining_panels()
        # PySide6 reads the source of every module imported after it (shiboken's feature check, inspect.getsource),
        # and linecache keeps it: about 13 MB of lines no traceback has asked for. One that does reads them again.
        linecache.clearcache()
        return self.window

    def _tell(self, window: MainWindow, text: str, name: str) -> None:
        """A warning over the window that nothing waits for (the damaged files moved aside, a busy sandbox)."""
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, parent=window)
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def quit(self) -> None:
        """Close the window as if the user did (Ctrl+C in a terminal, the session ending)."""
        if self.window is not None and self.window.isVisible():
            self.window.close()
        else:
            self._closed.set()

    async def wait_closed(self) -> None:
        """Until the user closes the main window."""
        await self._closed.wait()

    async def aclose(self) -> None:
        """Cancel background work, close the HTTP client and sandbox, and save the settings."""
        if self.window is not None and self.window.isVisible():
            self.window.close()
        await self.tasks.aclose()
        for panel in self.window.panels if self.window is not None else ():
            await panel.aclose()
        await self.session.aclose()
        await asyncio.to_thread(self.session.save_settings)
        log.info("Closed cleanly")

    async def run(self) -> None:
        try:
            await self.start()
            await self.wait_closed()
        finally:
            await self.aclose()


def open_studio(paths: Paths, *, sandbox: bool = False) -> StudioApp:
    """The app on the files in `paths`: damaged settings or database are moved aside (the window tells);
    raises NewerDatabaseError when the database comes from a newer app."""
    settings, moved = read_settings(paths.settings_file)
    return StudioApp(paths, settings, sandbox=sandbox, moved_aside=[moved] if moved else [])
