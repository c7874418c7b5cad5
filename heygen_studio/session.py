"""The running session every panel shares: where requests go, the API client, storage and events."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from heygen_studio.api import HeyGenApi, HeyGenError
from heygen_studio.config import Generation, Paths, Settings, save_settings
from heygen_studio.domain.money import Balance
from heygen_studio.services.accounts import Accounts, Endpoint
from heygen_studio.storage.database import Database
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry

if TYPE_CHECKING:
    from heygen_studio.sandbox.config import SandboxConfig
    from heygen_studio.sandbox.shared import SharedSandbox

log = logging.getLogger(__name__)

SANDBOX_KEY = "sandbox"
SANDBOX_CONNECTING = "Connecting to the sandbox…"


class NotConnected(HeyGenError):
    """No HeyGen to talk to yet."""

    default_message = (
        "Not connected to HeyGen yet. Add your API key in Settings, or click "
        "“Try the sandbox” to try everything without a key."
    )


@dataclass(frozen=True)
class Connection:
    """Where API calls go and with which key; the key is left out of repr on purpose."""

    generation: Generation
    base_url: str
    upload_url: str
    api_key: str = field(repr=False)
    profile: str | None = None  # None for the sandbox

    @property
    def sandbox(self) -> bool:
        return self.profile is None

    @property
    def account_id(self) -> str:
        """Names the remote account in the database (uploads, jobs): never the key itself."""
        return "sandbox" if self.profile is None else f"profile:{self.profile}"

    @property
    def label(self) -> str:
        """How the status bar names this connection."""
        return connection_label(self.generation, sandbox=self.sandbox, profile=self.profile)


def connection_label(generation: Generation, *, sandbox: bool, profile: str | None = None) -> str:
    if sandbox:
        return "Sandbox — pretend money, nothing is charged"
    api = "HeyGen v3" if generation == "v3" else "HeyGen v2 (legacy)"
    return f"{profile} · {api}" if profile else api


def start_sandbox(config: SandboxConfig | None, data_dir: Path) -> SharedSandbox:
    """Import and start the embedded sandbox (uvicorn, Starlette, PyAV: slow, so in a worker thread).

    Without a `config` it keeps its state in the data folder, so renders survive a restart; when another
    copy of the app already serves that state, this one talks to it (SandboxInUse if it does not answer)."""
    from heygen_studio.sandbox.config import SandboxConfig
    from heygen_studio.sandbox.shared import start_shared
    from heygen_studio.sandbox.state_lock import home_state_file

    return start_shared(config or SandboxConfig(state_file=home_state_file(data_dir)))


class Session(QObject):
    """Owns the current connection and client; panels listen to its signals."""

    connection_changed = Signal()
    """The connection or client changed (or was lost): reload what depends on the account."""
    balance_changed = Signal(object)
    """What is left to spend (a domain.money.Balance, or None when the account does not say) after a refresh."""
    balance_failed = Signal(object)
    """Refreshing the balance failed with this exception."""
    look_chosen = Signal(object)
    """The user chose a look (api.Look) to use in the current project."""
    avatars_changed = Signal()
    """A group or look was created, renamed or deleted: the Library reloads."""
    render_requested = Signal(object)
    """The user asked to render this domain.project.Project: the render queue takes it."""
    render_finished = Signal()
    """A render completed or failed: the balance is refreshed."""
    connecting = Signal(str)
    """Connecting takes a moment (the embedded sandbox starting): what the status bar says meanwhile."""

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        tasks: TaskRegistry,
        secrets: SecretStore | None = None,
        endpoint: Endpoint | None = None,
        sandbox_config: SandboxConfig | None = None,
    ) -> None:
        super().__init__()
        self.paths = paths.ensure()
        self.settings = settings
        self.tasks = tasks
        self.db = Database(paths.data_dir / "studio.sqlite3")
        self.accounts = Accounts(settings, self.save_settings, secrets or SecretStore(), endpoint)
        self.connection: Connection | None = None
        self.api: HeyGenApi | None = None
        self.balance: Balance | None = None
        self._sandbox_config = sandbox_config
        self._sandbox: SharedSandbox | None = None
        self._sandbox_url = ""
        self._sandbox_starting = asyncio.Lock()
        self._balance_task: asyncio.Task[None] | None = None
        self.render_finished.connect(self.refresh_balance)
        from heygen_studio.services.render_queue import SessionRenders

        self.renders = SessionRenders(self)
        """The render queue: takes render_requested, follows the connection, emits render_finished."""

    def save_settings(self) -> None:
        save_settings(self.settings, self.paths.settings_file)

    def require_api(self) -> HeyGenApi:
        """The client, or NotConnected with a message that says what to do."""
        if self.api is None:
            raise NotConnected()
        return self.api

    async def use_sandbox(self, *, remember: bool = True) -> None:
        """Start the embedded sandbox HeyGen (once) and talk to it; `remember` it for next start."""
        async with self._sandbox_starting:  # one server, however often the user asks
            if self._sandbox is None:
                self.connecting.emit(SANDBOX_CONNECTING)
                try:
                    self._sandbox = await asyncio.to_thread(start_sandbox, self._sandbox_config, self.paths.data_dir)
                except BaseException:
                    self.connection_changed.emit()  # the status bar shows the connection there still is
                    raise
                self._sandbox_url = self._sandbox.url
                log.info(
                    "Embedded sandbox listening on %s"
                    if self._sandbox.own
                    else "Using the sandbox another HeyGen Studio serves on %s",
                    self._sandbox_url,
                )
        url = self._sandbox_url
        if remember:
            self.settings.use_sandbox = True
        await self._switch(Connection("v3", url, url, SANDBOX_KEY))

    async def use_profile(self, name: str | None = None) -> bool:
        """Talk to HeyGen with profile `name` (default: the active one); False if it has no key."""
        profile = self.accounts.find(name) if name else self.settings.active
        if profile is None:
            return False
        key = await self.accounts.key(profile.name)
        if key is None:
            log.info("Profile %r has no API key yet", profile.name)
            return False
        endpoint = self.accounts.endpoint
        self.settings.active_profile = profile.name
        self.settings.use_sandbox = False
        await self._switch(
            Connection(profile.generation, endpoint.base_url, endpoint.upload_url, key, profile=profile.name)
        )
        return True

    async def go_offline(self) -> None:
        """Talk to no one: close the client (QObject already has a `disconnect`, for signals)."""
        await self._switch(None)

    async def _switch(self, connection: Connection | None) -> None:
        from heygen_studio.api.clients import open_client  # httpx and both clients: after the first paint
        from heygen_studio.api.tls import prepare_tls

        await prepare_tls()  # the first client would load the CA bundle on the UI thread
        old = self.api
        self.connection = connection
        self.api = (
            None
            if connection is None
            else open_client(
                connection.generation,
                connection.api_key,
                base_url=connection.base_url,
                upload_url=connection.upload_url,
            )
        )
        self.balance = None
        if self._balance_task is not None:  # it was asking the old client
            self._balance_task.cancel()
        if old is not None:
            await old.aclose()
        self.save_settings()
        self.connection_changed.emit()
        self.refresh_balance()

    def refresh_balance(self) -> asyncio.Task[None] | None:
        """Ask what is left to spend in the background; emits balance_changed or balance_failed."""
        if self.api is None:
            return None
        self._balance_task = self.tasks.spawn(self._load_balance(self.api), "refresh balance")
        return self._balance_task

    async def _load_balance(self, api: HeyGenApi) -> None:
        try:
            account = await api.account()
        except Exception as error:  # noqa: BLE001  (a courtesy: any failure only shows in the status bar)
            log.warning("Could not fetch the balance: %r", error)
            if api is self.api:
                self.balance_failed.emit(error)
            return
        log.info("Balance: %s", "unknown" if account.balance is None else account.balance.describe())
        if api is self.api:
            self.balance = account.balance
            self.balance_changed.emit(self.balance)

    async def aclose(self) -> None:
        """Close the client and the embedded sandbox; the task registry is closed by the owner."""
        await self.renders.aclose()
        if self.api is not None:
            await self.api.aclose()
            self.api = None
        if self._sandbox is not None:
            await asyncio.to_thread(self._sandbox.stop)
            self._sandbox = None
        self.db.close()
