"""SecretStore against the real Secret Service (gnome-keyring), checked with secret-tool."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
import secretstorage

from heygen_studio.storage.secrets import SERVICE, KeyLocation, SecretStore

SecretTool = Callable[..., subprocess.CompletedProcess[str]]

pytestmark = pytest.mark.keychain
ROOT = Path(__file__).resolve().parents[2]
KEY = "hg-keychain-test-key-8e21b7"


def _items(profile: str) -> list[dict[str, str]]:
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        return [item.get_attributes() for item in collection.search_items({"service": SERVICE, "username": profile})]


def test_store_read_replace_and_delete_a_key_in_the_keychain(profile: str, secret_tool: SecretTool) -> None:
    store = SecretStore()
    status = store.status()
    assert status.usable and status.is_system_keychain and status.backend_name == "Secret Service"

    result = store.set(profile, KEY)

    assert result.location is KeyLocation.KEYCHAIN and result.status == status
    assert secret_tool("lookup", "service", SERVICE, "username", profile).stdout == KEY
    listing = secret_tool("search", "--all", "service", SERVICE, "username", profile)
    assert f"attribute.service = {SERVICE}" in listing.stdout + listing.stderr
    assert SecretStore().get(profile) == KEY, "a new session (an app restart) reads the key back"

    store.set(profile, KEY + "-replaced")

    assert secret_tool("lookup", "service", SERVICE, "username", profile).stdout == KEY + "-replaced"
    assert len(_items(profile)) == 1, "replacing leaves one entry, not two"
    assert SecretStore().has(profile)

    store.delete(profile)

    assert _items(profile) == []
    assert secret_tool("lookup", "service", SERVICE, "username", profile).stdout == ""
    assert SecretStore().get(profile) is None and not store.has(profile)
    store.delete(profile)


def test_a_key_saved_by_another_tool_under_the_service_is_read(profile: str, secret_tool: SecretTool) -> None:
    saved = secret_tool("store", "--label=HeyGen key", "service", SERVICE, "username", profile, stdin=KEY)
    assert saved.returncode == 0, saved.stderr
    assert SecretStore().get(profile) == KEY


def test_the_key_is_not_written_to_disk_in_plain_text(profile: str) -> None:
    SecretStore().set(profile, KEY)
    keychain_dir = Path(os.environ["HEYGEN_STUDIO_PRIVATE_KEYCHAIN"])
    files = [path for path in keychain_dir.rglob("*") if path.is_file()]
    assert any(path.name == "login.keyring" for path in files)
    assert all(KEY.encode() not in path.read_bytes() for path in files)


def test_a_locked_keychain_keeps_the_key_in_memory_with_a_plain_reason(secret_service: None) -> None:
    # Locking needs a password prompt to undo, so it happens in a keychain of its own.
    script = (
        "import secretstorage\n"
        "from heygen_studio.storage.secrets import SecretStore\n"
        "secretstorage.get_default_collection(secretstorage.dbus_init()).lock()\n"
        "result = SecretStore().set('locked-profile', 'hg-locked-key')\n"
        "print(result.location.value)\n"
        "print(result.status.reason)\n"
    )
    # With no display, gnome-keyring cannot show its unlock prompt and dismisses it at once, as a
    # user who closes the prompt would; with one (Xvfb in CI) it would wait for a click forever.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    run = subprocess.run(
        [str(ROOT / "scripts" / "with-keychain.sh"), sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "memory",
        "Your keychain is locked (or its unlock prompt was dismissed), so your key is kept in memory until you quit.",
    ]
    assert "hg-locked-key" not in run.stderr
