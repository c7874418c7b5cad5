"""Settings → accounts: add, test, use, replace and delete keys, each failure with its own plain message."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from heygen_studio.config import Paths, Profile, Settings, load_settings
from heygen_studio.services.accounts import Endpoint
from heygen_studio.session import Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SERVICE, SecretStore
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.main_window import MainWindow
from heygen_studio.ui.panels.settings import SettingsPanel

GOOD_KEY = "hg-settings-good-key-123"
OTHER_KEY = "hg-settings-other-key-456"
NO_API_KEY = "hg-settings-no-api-key-789"


@pytest.fixture(scope="module")
def heygen() -> Iterator[str]:
    """A sandbox on loopback standing in for api.heygen.com with two real keys and one without API."""
    from heygen_studio.sandbox.config import SandboxConfig
    from heygen_studio.sandbox.server import SandboxServer

    server = SandboxServer(
        SandboxConfig(
            keys=frozenset({GOOD_KEY, OTHER_KEY}),
            keys_without_api_access=frozenset({NO_API_KEY}),
            credits=77.0,
            demo_content=False,
        )
    )
    url = server.start()
    yield url
    server.stop()


class World:
    def __init__(self, session: Session, window: MainWindow, ring: MemoryKeyring) -> None:
        self.session = session
        self.window = window
        self.ring = ring
        window.show_panel("Settings")
        panel = window.current_panel()
        assert isinstance(panel, SettingsPanel)
        self.panel = panel


@pytest.fixture
def world(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop, loop_running: object, heygen: str
) -> Iterator[World]:
    ring = MemoryKeyring()
    tasks = TaskRegistry()
    session = Session(paths, Settings(), tasks, secrets=SecretStore(ring), endpoint=Endpoint(heygen, heygen))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    yield World(session, window, ring)
    qloop.run_until_complete(tasks.aclose())
    qloop.run_until_complete(session.aclose())


def fill_and_save(world: World, name: str, key: str, v2: bool = False) -> None:
    world.panel.start_adding_profile()
    form = world.panel.form
    form.name.setText(name)
    form.key.setText(key)
    form.generation.setCurrentIndex(1 if v2 else 0)
    form.save.click()


def test_adding_a_working_key_connects_and_keeps_the_key_out_of_files(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until, paths: Paths
) -> None:  # type: ignore[no-untyped-def]
    fill_and_save(world, "Work", GOOD_KEY)
    qloop.run_until_complete(wait_until(lambda: world.session.connection is not None))
    assert "Works:" in world.panel.status.text() and "$25.00 left" in world.panel.status.text()
    qloop.run_until_complete(wait_until(lambda: world.window.connection_label.text() == "Work · HeyGen v3"))
    qloop.run_until_complete(wait_until(lambda: world.window.balance_label.text() == "Balance: $25.00 left"))
    assert world.ring.get_password(SERVICE, "Work") == GOOD_KEY
    assert not world.panel.form.isVisible() and world.panel.form.key.text() == ""
    saved = load_settings(paths.settings_file)
    assert [p.name for p in saved.profiles][-1] == "Work" and saved.active_profile == "Work"
    assert GOOD_KEY not in paths.settings_file.read_text()


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("hg-wrong-key-000000", "HeyGen rejected this key"),
        (NO_API_KEY, "has no API access"),
    ],
)
def test_a_key_that_cannot_work_is_explained_and_not_saved(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until, key: str, message: str, log_file: Path
) -> None:  # type: ignore[no-untyped-def]
    fill_and_save(world, "Work", key)
    qloop.run_until_complete(wait_until(lambda: "Nothing was saved" in world.panel.form.result.text()))
    assert message in world.panel.form.result.text()
    logged = log_file.read_text(encoding="utf-8")
    assert "Key test for the account “Work” failed" in logged and message in logged and key not in logged
    assert world.ring.get_password(SERVICE, "Work") is None
    assert world.session.connection is None
    assert world.panel.form.key.text() == key  # what the user typed is not lost


def test_no_network_has_its_own_message(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    tasks = TaskRegistry()
    session = Session(paths, Settings(), tasks, secrets=SecretStore(MemoryKeyring()), endpoint=Endpoint(closed, closed))
    check = qloop.run_until_complete(session.accounts.check_key(GOOD_KEY, "v3"))
    assert not check.ok and "Can't reach HeyGen" in check.message
    qloop.run_until_complete(session.aclose())


def test_replace_key_tests_the_new_key_first(world: World, qloop: asyncio.AbstractEventLoop, wait_until) -> None:  # type: ignore[no-untyped-def]
    fill_and_save(world, "Work", GOOD_KEY)
    qloop.run_until_complete(wait_until(lambda: world.session.connection is not None))
    world.panel.replace_button.click()
    world.panel.replace_key.setText("hg-bad-replacement-000")
    world.panel.replace_key.returnPressed.emit()
    qloop.run_until_complete(wait_until(lambda: "old key was kept" in world.panel.status.text()))
    assert world.ring.get_password(SERVICE, "Work") == GOOD_KEY
    world.panel.replace_key.setText(OTHER_KEY)
    world.panel.replace_key.returnPressed.emit()
    qloop.run_until_complete(wait_until(lambda: "Key saved" in world.panel.status.text()))
    assert world.ring.get_password(SERVICE, "Work") == OTHER_KEY


def test_two_profiles_switch_and_delete_asks_first(world: World, qloop: asyncio.AbstractEventLoop, wait_until) -> None:  # type: ignore[no-untyped-def]
    fill_and_save(world, "Work", GOOD_KEY)
    qloop.run_until_complete(wait_until(lambda: world.session.connection is not None))
    fill_and_save(world, "Personal", OTHER_KEY, v2=True)
    qloop.run_until_complete(
        wait_until(lambda: world.session.connection is not None and world.session.connection.profile == "Personal")
    )
    qloop.run_until_complete(
        wait_until(lambda: world.window.connection_label.text() == "Personal · HeyGen v2 (legacy)")
    )
    assert world.session.api is not None and world.session.api.generation == "v2"

    names = [world.panel.profiles.item(i).text() for i in range(world.panel.profiles.count())]
    assert any(n.startswith("Personal") and "in use" in n for n in names)
    world.panel.profiles.setCurrentRow(names.index(next(n for n in names if n.startswith("Personal"))))
    world.panel.delete_button.click()
    box = world.panel.confirm_box
    assert "remove its key" in box.text()
    box.done(QMessageBox.StandardButton.Cancel)
    assert world.ring.get_password(SERVICE, "Personal") == OTHER_KEY
    world.panel.delete_button.click()
    world.panel.confirm_box.done(QMessageBox.StandardButton.Yes)
    qloop.run_until_complete(wait_until(lambda: world.ring.get_password(SERVICE, "Personal") is None))
    qloop.run_until_complete(wait_until(lambda: world.session.connection is None))
    assert world.session.accounts.find("Personal") is None


def test_sandbox_is_one_click_away(world: World, qloop: asyncio.AbstractEventLoop, wait_until) -> None:  # type: ignore[no-untyped-def]
    assert world.window.sandbox_button.isVisible()
    world.panel.sandbox_button.click()
    qloop.run_until_complete(
        wait_until(lambda: world.session.connection is not None and world.session.connection.sandbox, within=20)
    )
    qloop.run_until_complete(
        wait_until(lambda: world.window.connection_label.text() == "Sandbox — pretend money, nothing is charged")
    )
    assert not world.window.sandbox_button.isVisible()
    assert not world.panel.sandbox_button.isEnabled()


def test_a_fresh_install_lists_no_account_it_never_made(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    panel = world.panel
    qloop.run_until_complete(wait_until(lambda: panel._keys_checked))
    assert panel.profiles.count() == 1 and panel.profiles.item(0).text().startswith("No HeyGen account yet")
    assert panel.selected() is None and not panel.use_button.isEnabled()
    qloop.run_until_complete(wait_until(lambda: "keychain" in panel.keychain_label.text()))
    assert panel.keychain_label.text() == "Keys are stored in your system keychain, never in a file."


def test_an_account_without_a_key_says_so_and_offers_to_add_one(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    panel = world.panel
    world.session.settings.profiles.append(Profile("Work"))  # made by the user; its key is gone from the keychain
    panel.refresh_keys()
    qloop.run_until_complete(
        wait_until(lambda: panel.profiles.count() == 1 and "no key yet" in panel.profiles.item(0).text())
    )
    assert panel.profiles.item(0).text().startswith("Work")
    panel.profiles.setCurrentRow(0)
    assert panel.replace_button.text() == "Add key…"
    assert not panel.use_button.isEnabled() and not panel.test_button.isEnabled()
    panel.replace_button.click()
    panel.replace_key.setText(GOOD_KEY)
    panel.replace_key.returnPressed.emit()
    qloop.run_until_complete(wait_until(lambda: "Key saved" in panel.status.text()))
    qloop.run_until_complete(wait_until(lambda: "no key yet" not in panel.profiles.item(0).text()))
    assert panel.replace_button.text() == "Replace key…" and panel.use_button.isEnabled()


def test_the_legacy_api_says_heygen_retired_it(world: World) -> None:
    for combo in (world.panel.form.generation, world.panel.generation):
        legacy = combo.itemText(combo.findData("v2"))
        assert "legacy" in legacy and "retired v1/v2 for most accounts on 2026-10-31" in legacy
        assert combo.itemText(combo.findData("v3")) == "v3 (recommended)"
