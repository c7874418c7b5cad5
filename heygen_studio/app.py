"""Wiring: settings, which HeyGen to talk to (sandbox, v3, v2), the API client and the main window."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from heygen_studio.config import Generation, Paths, Settings, save_settings
from heygen_studio.services.accounts import Endpoint
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.main_window import MainWindow

if TYPE_CHECKING:
    from heygen_studio.api import HeyGenApi
    from heygen_studio.sandbox.config import SandboxConfig
    from heygen_studio.sandbox.server import SandboxServer
    from heygen_studio.storage.secrets import SecretStore

log = logging.getLogger(__name__)

SANDBOX_KEY = "sandbox"


@dataclass(frozen=True)
class Connection:
    """Where API calls go and with which key; the key is left out of repr on purpose."""

    generation: Generation
    base_url: str
    upload_url: str
    api_key: str = field(repr=False)
    sandbox: bool = False

    @property
    def label(self) -> str:
        """How the status bar names this connection."""
        return connection_label(self.generation, sandbox=self.sandbox)


def connection_label(generation: Generation, *, sandbox: bool) -> str:
    if sandbox:
        return "Sandbox — no credits are spent"
    return "HeyGen v3" if generation == "v3" else "HeyGen v2 (legacy)"


class StudioApp:
    """One running app: `start()` inside the loop, `wait_closed()`, then `aclose()` (or just `run()`)."""

    def __init__(self, paths: Paths, settings: Settings, *, sandbox: bool = False,
                 secrets: SecretStore | None = None,
                 sandbox_config: SandboxConfig | None = None,
                 endpoint: Endpoint | None = None) -> None:
        self.paths = paths
        self.settings = settings
        self.tasks = TaskRegistry()
        self.api: HeyGenApi | None = None
        self.connection: Connection | None = None
        self.window: MainWindow | None = None
        self._use_sandbox = sandbox
        self._sandbox_config = sandbox_config
        self._sandbox: SandboxServer | None = None
        self._secrets = secrets
        self._endpoint = endpoint or Endpoint.heygen()
        self._closed = asyncio.Event()

    async def start(self) -> MainWindow:
        """Connect (starting the embedded sandbox if asked), then show the window and fetch credits."""
        self.connection = await self._connect()
        if self.connection is not None:
            from heygen_studio.api import open_client

            self.api = open_client(self.connection.generation, self.connection.api_key,
                                   base_url=self.connection.base_url,
                                   upload_url=self.connection.upload_url)
        label = (self.connection.label if self.connection is not None
                 else f"{connection_label(self.settings.active.generation, sandbox=False)} — not connected")
        self.window = MainWindow(self.settings, label, self.tasks,
                                 self._fetch_credits if self.api is not None else None)
        self.window.closed.connect(self._closed.set)
        self.window.show()
        self.window.refresh_credits()
        return self.window

    async def _connect(self) -> Connection | None:
        if self._use_sandbox:
            from heygen_studio.sandbox.server import SandboxServer

            self._sandbox = SandboxServer(self._sandbox_config)
            url = await asyncio.to_thread(self._sandbox.start)
            log.info("Embedded sandbox listening on %s", url)
            return Connection("v3", url, url, SANDBOX_KEY, sandbox=True)
        profile = self.settings.active
        if self._secrets is None:
            from heygen_studio.storage.secrets import SecretStore

            self._secrets = SecretStore()
        key = await asyncio.to_thread(self._secrets.get, profile.name)
        if key is None:
            log.info("Profile %r has no API key yet", profile.name)
            return None
        return Connection(profile.generation, self._endpoint.base_url, self._endpoint.upload_url, key)

    async def _fetch_credits(self) -> float | None:
        assert self.api is not None
        return (await self.api.account()).remaining_credits

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
        if self.api is not None:
            await self.api.aclose()
            self.api = None
        if self._sandbox is not None:
            await asyncio.to_thread(self._sandbox.stop)
            self._sandbox = None
        await asyncio.to_thread(save_settings, self.settings, self.paths.settings_file)
        log.info("Closed cleanly")

    async def run(self) -> None:
        try:
            await self.start()
            await self.wait_closed()
        finally:
            await self.aclose()
