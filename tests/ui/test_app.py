"""The whole app wired up: connection, client, window, credits, and a clean shutdown."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from waiting import until

from heygen_studio.app import StudioApp
from heygen_studio.config import Paths, Profile, Settings, load_settings
from heygen_studio.services.accounts import Endpoint
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.ui.main_window import NO_KEY_MESSAGE, NOT_CONNECTED_MESSAGE


def test_sandbox_mode_shows_sandbox_and_its_credits(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    from heygen_studio.sandbox.config import SandboxConfig

    studio = StudioApp(
        paths,
        Settings(),
        sandbox=True,
        sandbox_config=SandboxConfig(balance=1234.5, job_seconds=0.1, demo_content=False),
    )

    async def scenario() -> None:
        window = await studio.start()
        qtbot.addWidget(window)
        assert window.connection_label.text() == "Sandbox — pretend money, nothing is charged"
        await wait_until(lambda: window.balance_label.text() == "Balance: $1,234.50 left (pretend money)")
        window.close()
        await studio.wait_closed()
        await studio.aclose()

    qloop.run_until_complete(scenario())
    assert studio.session.api is None and len(studio.tasks) == 0


def test_the_window_shows_while_the_sandbox_starts_and_says_it_is_connecting(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    from heygen_studio.sandbox.config import SandboxConfig

    studio = StudioApp(paths, Settings(), sandbox=True, sandbox_config=SandboxConfig(demo_content=False))

    async def scenario() -> None:
        starting = asyncio.ensure_future(studio.start())
        await until(lambda: studio.window is not None, "start() hands the sandbox to a worker thread", every=0)
        window = studio.window
        assert window is not None
        qtbot.addWidget(window)
        assert window.isVisible() and window.connection_label.text() == "Connecting to the sandbox…"
        assert not window.sandbox_button.isVisible() and window.balance_label.text() == ""
        await starting
        assert window.connection_label.text() == "Sandbox — pretend money, nothing is charged"
        window.close()
        await studio.wait_closed()
        await studio.aclose()

    qloop.run_until_complete(scenario())


def test_without_a_key_the_app_opens_and_says_how_to_connect(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    settings = Settings()
    studio = StudioApp(paths, settings, secrets=SecretStore(MemoryKeyring()))

    async def scenario() -> None:
        window = await studio.start()
        qtbot.addWidget(window)
        assert window.connection_label.text() == NOT_CONNECTED_MESSAGE
        assert window.balance_label.text() == NO_KEY_MESSAGE
        assert window.showing_welcome()
        assert not window.refresh_action.isEnabled()
        window.show_panel("Scenes")
        window.close()
        await studio.wait_closed()
        await studio.aclose()

    qloop.run_until_complete(scenario())
    saved = load_settings(paths.settings_file)
    assert saved.window_geometry and saved.last_panel == 2


KEY = "hg-test-key-not-real"


@pytest.fixture(scope="module")
def pretend_heygen() -> Iterator[str]:
    """A sandbox on loopback that accepts only KEY, standing in for api.heygen.com."""
    from heygen_studio.sandbox.config import SandboxConfig
    from heygen_studio.sandbox.server import SandboxServer

    server = SandboxServer(SandboxConfig(keys=frozenset({KEY}), credits=321.5, demo_content=False))
    url = server.start()
    yield url
    server.stop()


@pytest.mark.parametrize(
    ("generation", "label", "balance"),
    [
        ("v3", "Work · HeyGen v3", "Balance: $25.00 left"),
        ("v2", "Work · HeyGen v2 (legacy)", "Balance: 321.5 credits left"),
    ],
)
def test_a_profile_with_a_key_names_its_api_version_and_shows_credits(
    paths: Paths,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
    wait_until,  # type: ignore[no-untyped-def]
    pretend_heygen: str,
    generation: str,
    label: str,
    balance: str,
) -> None:
    secrets = SecretStore(MemoryKeyring())
    secrets.set("Work", KEY)
    settings = Settings(profiles=[Profile("Work", generation)], active_profile="Work")  # type: ignore[arg-type]
    studio = StudioApp(paths, settings, secrets=secrets, endpoint=Endpoint(pretend_heygen, pretend_heygen))

    async def scenario() -> None:
        window = await studio.start()
        qtbot.addWidget(window)
        assert window.connection_label.text() == label
        api = studio.session.api
        assert api is not None and api.generation == generation
        assert KEY not in repr(studio.session.connection)
        await wait_until(lambda: window.balance_label.text() == balance)
        await studio.aclose()

    qloop.run_until_complete(scenario())
