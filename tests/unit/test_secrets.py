"""SecretStore with an in-memory keychain, failing keychains, refused keychains and key hygiene."""

from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, NoKeyringError
from secretstorage.exceptions import SecretServiceNotAvailableException

from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SERVICE, KeyLocation, SecretStore

KEY = "hg-unit-test-key-5f3a9c1e0d"


class FailingKeyring(KeyringBackend):
    """A keychain whose every call raises `error`, with the password in the message if given one."""

    priority = 0  # type: ignore[assignment]
    viable = False

    def __init__(self, error: type[Exception]) -> None:
        super().__init__()
        self.error = error
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise self.error("read refused")

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise self.error(f"could not store {password!r} for {username}")

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise self.error("delete refused")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring (keyrings.alt is not installed)."""

    __module__ = "keyrings.alt.file"


@pytest.fixture
def caplog_debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def test_keys_round_trip_per_profile_under_the_app_service() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend)

    result = store.set("work", KEY)
    store.set("home", "other-key")

    assert result.location is KeyLocation.KEYCHAIN and result.in_keychain
    assert result.status.usable
    assert backend.get_password(SERVICE, "work") == KEY
    assert SERVICE == "heygen-studio"
    assert store.get("work") == KEY and store.has("work")
    assert store.get("home") == "other-key"
    assert store.get("nobody") is None and not store.has("nobody")


def test_a_new_key_replaces_the_old_and_delete_forgets_it_twice_without_error() -> None:
    store = SecretStore(MemoryKeyring())
    store.set("work", KEY)
    store.set("work", KEY + "-new")
    assert store.get("work") == KEY + "-new"

    store.delete("work")
    store.delete("work")
    assert store.get("work") is None and not store.has("work")


def test_an_injected_keychain_is_usable_but_not_called_the_system_keychain() -> None:
    status = SecretStore(MemoryKeyring()).status()
    assert status.usable and not status.is_system_keychain
    assert status.backend_name == "MemoryKeyring"


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_key_or_profile_is_refused_plainly(value: str) -> None:
    store = SecretStore(MemoryKeyring())
    with pytest.raises(ValueError, match="API key is empty"):
        store.set("work", value)
    with pytest.raises(ValueError, match="profile needs a name"):
        store.set(value, KEY)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (KeyringLocked, "keychain is locked"),
        (InitError, "could not be opened"),
        (NoKeyringError, "No keychain was found"),
        (SecretServiceNotAvailableException, "Secret Service stopped answering"),
        (ConnectionResetError, "reported an error"),
    ],
)
def test_a_failing_keychain_falls_back_to_memory_for_the_session(
    error: type[Exception], words: str, caplog_debug: pytest.LogCaptureFixture
) -> None:
    backend = FailingKeyring(error)
    store = SecretStore(backend)
    assert store.status().usable

    result = store.set("work", KEY)

    assert result.location is KeyLocation.MEMORY and not result.in_keychain
    assert not result.status.usable and words in result.status.reason
    assert result.status.reason.endswith("so your key is kept in memory until you quit.")
    assert store.status() == result.status
    assert store.get("work") == KEY and store.has("work")
    calls = backend.calls
    store.set("work", KEY + "-2")
    store.delete("work")
    assert store.get("work") is None
    assert backend.calls == calls, "after one failure the keychain is not asked again this session"
    assert "failed" in caplog_debug.text
    assert KEY not in caplog_debug.text


def test_a_keychain_failing_at_the_first_read_turns_the_status_unusable() -> None:
    store = SecretStore(FailingKeyring(KeyringLocked))
    assert store.get("work") is None
    status = store.status()
    assert not status.usable and status.reason.startswith("Your keychain is locked")
    assert store.set("work", KEY).location is KeyLocation.MEMORY


def test_no_keychain_without_dbus_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    store = SecretStore()

    status = store.status()

    assert not status.usable and not status.is_system_keychain
    assert status.reason == (
        "No Secret Service is running (D-Bus is missing), so your key is kept in memory until you quit."
    )
    assert store.set("work", KEY).location is KeyLocation.MEMORY
    assert store.get("work") == KEY


def test_no_secret_service_on_a_running_dbus_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    monkeypatch.setattr("sys.platform", "linux")
    assert "GNOME Keyring or KWallet" in SecretStore().status().reason


def test_the_null_keyring_counts_as_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring, "get_keyring", null.Keyring)
    status = SecretStore().status()
    assert not status.usable and "switched off" in status.reason


def test_a_chain_of_no_system_keychain_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    plaintext = PlaintextKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [plaintext])
    monkeypatch.setattr(keyring, "get_keyring", chainer.ChainerBackend)
    store = SecretStore()

    assert not store.status().usable
    store.set("work", KEY)
    assert plaintext.get_password(SERVICE, "work") is None


@pytest.mark.parametrize("detected", [False, True])
def test_a_plaintext_keyring_is_refused_and_never_written(detected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    plaintext = PlaintextKeyring()
    if detected:
        monkeypatch.setattr(keyring, "get_keyring", lambda: plaintext)
    store = SecretStore(None if detected else plaintext)

    result = store.set("work", KEY)

    assert result.location is KeyLocation.MEMORY
    assert not result.status.usable and "plain file" in result.status.reason
    assert plaintext.get_password(SERVICE, "work") is None
    assert store.get("work") == KEY


def test_an_unknown_detected_keyring_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring, "get_keyring", MemoryKeyring)
    status = SecretStore().status()
    assert not status.usable and "not one of this computer's own keychains" in status.reason


def test_the_memory_keyring_is_never_picked_by_keyring_itself() -> None:
    assert MemoryKeyring.priority == 0
    assert MemoryKeyring not in set(KeyringBackend.get_viable_backends())


def test_the_key_is_in_no_repr_log_or_error(caplog_debug: pytest.LogCaptureFixture) -> None:
    memory = MemoryKeyring()
    working = SecretStore(memory)
    failing = SecretStore(FailingKeyring(KeyringLocked))  # its error message contains the key
    shown: list[object] = [working, memory, working.set("work", KEY), failing, failing.set("work", KEY)]
    shown += [failing.status(), working.status()]
    for store in (working, failing):
        with pytest.raises(ValueError) as refused:
            store.set("", KEY)
        shown.append(refused.value)

    for thing in shown:
        assert KEY not in repr(thing) and KEY not in str(thing)
    assert caplog_debug.records, "the fallback is logged"
    assert KEY not in caplog_debug.text
    assert "[redacted]" in caplog_debug.text
