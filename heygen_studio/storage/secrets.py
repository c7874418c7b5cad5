"""API keys per profile in the OS keychain, or in memory for this session when there is none."""

from __future__ import annotations

import enum
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import null
from keyring.errors import InitError, KeyringError, KeyringLocked, NoKeyringError, PasswordDeleteError

from heygen_studio.logging_setup import redact, register_secret
from heygen_studio.storage.keyring_backends import (
    MemoryKeyring,
    is_no_keychain,
    is_plaintext,
    system_keychain_name,
    unchain,
)

try:  # Linux only: the Secret Service client under keyring's SecretService backend.
    from jeepney.wrappers import DBusErrorResponse
    from secretstorage.exceptions import SecretStorageException

    _SECRET_SERVICE_ERRORS: tuple[type[Exception], ...] = (SecretStorageException, DBusErrorResponse)
except ImportError:
    _SECRET_SERVICE_ERRORS = ()

SERVICE = "heygen-studio"
_IN_MEMORY = "so your key is kept in memory until you quit."
# What a keychain can raise at get/set/delete time; anything else is a bug and propagates.
_KEYCHAIN_ERRORS: tuple[type[Exception], ...] = (KeyringError, OSError, *_SECRET_SERVICE_ERRORS)

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class KeyLocation(enum.Enum):
    """Where `SecretStore.set` put a key."""

    KEYCHAIN = "keychain"
    MEMORY = "memory"


@dataclass(frozen=True)
class KeychainStatus:
    """Whether keys go to a keychain now; `backend_name`/`is_system_keychain` name the one found."""

    usable: bool
    backend_name: str
    is_system_keychain: bool
    reason: str


@dataclass(frozen=True)
class StorageResult:
    """The outcome of `SecretStore.set`: where the key went and the keychain status after it."""

    location: KeyLocation
    status: KeychainStatus

    @property
    def in_keychain(self) -> bool:
        return self.location is KeyLocation.KEYCHAIN


class SecretStore:
    """API keys, one keychain entry per profile under service "heygen-studio".

    Keys go to the OS keychain through `keyring`. When there is no usable keychain (none found,
    only a plaintext one, or it fails: locked, D-Bus missing, prompt dismissed) keys are kept in
    memory for the rest of the session and `status()` says why in a plain sentence. Keys never
    reach a file, a log line, an exception message or a repr.

    Every method is synchronous and may block on D-Bus or a keychain unlock prompt: the UI calls
    them through `asyncio.to_thread`. Methods are thread-safe.

    `backend` is for tests and tools (e.g. `MemoryKeyring()`); by default keyring's detected
    backend is used, looked up on the first call rather than here.
    """

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._injected = backend
        self._lock = threading.RLock()
        self._memory = MemoryKeyring()
        self._ring: KeyringBackend = self._memory
        self._status: KeychainStatus | None = None

    def status(self) -> KeychainStatus:
        """Whether keys are saved in a keychain now, which one, and why not in a plain sentence."""
        with self._lock:
            return self._resolve()

    def get(self, profile: str) -> str | None:
        """The key of `profile`, or None if it has none."""
        _check_profile(profile)
        with self._lock:
            key = self._attempt("read", lambda ring: ring.get_password(SERVICE, profile))
        if key is not None:
            register_secret(key)
        return key

    def set(self, profile: str, key: str) -> StorageResult:
        """Save `key` for `profile`, replacing any earlier one; says where it went."""
        _check_profile(profile)
        if not key or not key.strip():
            raise ValueError("The API key is empty.")
        register_secret(key)
        with self._lock:
            self._attempt("save", lambda ring: ring.set_password(SERVICE, profile, key))
            location = KeyLocation.MEMORY if self._ring is self._memory else KeyLocation.KEYCHAIN
            return StorageResult(location, self._resolve())

    def delete(self, profile: str) -> None:
        """Forget the key of `profile`; nothing happens if it has none."""
        _check_profile(profile)
        with self._lock:
            self._attempt("delete", lambda ring: _delete_if_present(ring, profile))

    def has(self, profile: str) -> bool:
        """True if `profile` has a key."""
        return self.get(profile) is not None

    def _resolve(self) -> KeychainStatus:
        """The status, detecting the keychain on first use (which sets `_ring`)."""
        if self._status is None:
            keychain, self._status = _classify(
                self._injected or keyring.get_keyring(), injected=self._injected is not None
            )
            if keychain is None:
                log.info("No usable keychain (%s): %s", self._status.backend_name, self._status.reason)
            else:
                self._ring = keychain
                log.info("API keys are kept in the %s", self._status.backend_name)
        return self._status

    def _attempt(self, action: str, operation: Callable[[KeyringBackend], _T]) -> _T:
        """`operation` on the keychain; on a keychain error, from now on on memory instead."""
        status = self._resolve()
        if self._ring is not self._memory:
            try:
                return operation(self._ring)
            except _KEYCHAIN_ERRORS as error:
                log.warning(
                    "Keychain %s failed (%s: %s); keeping keys in memory for this session.",
                    action,
                    type(error).__name__,
                    redact(str(error)),
                )
                self._ring = self._memory
                self._status = KeychainStatus(
                    False,
                    status.backend_name,
                    status.is_system_keychain,
                    _failure_reason(error, status.is_system_keychain),
                )
        return operation(self._memory)


def _check_profile(profile: str) -> None:
    if not isinstance(profile, str) or not profile.strip():
        raise ValueError("A profile needs a name.")


def _delete_if_present(ring: KeyringBackend, profile: str) -> None:
    try:
        ring.delete_password(SERVICE, profile)
    except PasswordDeleteError:
        if ring.get_password(SERVICE, profile) is not None:
            raise


def _classify(backend: KeyringBackend, *, injected: bool) -> tuple[KeyringBackend | None, KeychainStatus]:
    """`backend` if keys may go there (else None), with its status."""
    ring = unchain(backend)
    system_name = system_keychain_name(ring)
    if is_no_keychain(ring):
        return None, KeychainStatus(False, "No keychain", False, _no_keychain_reason(ring))
    if is_plaintext(ring):
        return None, KeychainStatus(
            False,
            type(ring).__name__,
            False,
            f"The only keychain available would save your key in a plain file, {_IN_MEMORY}",
        )
    if system_name is not None:
        return ring, KeychainStatus(True, system_name, True, f"Your key is saved in your keychain ({system_name}).")
    name = type(ring).__name__
    if injected:
        return ring, KeychainStatus(True, name, False, f"Your key is saved in {name} (not your system keychain).")
    return None, KeychainStatus(
        False,
        name,
        False,
        f"The configured keychain ({name}) is not one of this computer's own keychains, {_IN_MEMORY}",
    )


def _no_keychain_reason(ring: KeyringBackend) -> str:
    if isinstance(ring, null.Keyring):
        return f"Saving keys in a keychain is switched off in this computer's keyring settings, {_IN_MEMORY}"
    if sys.platform.startswith("linux"):
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            return f"No Secret Service is running (D-Bus is missing), {_IN_MEMORY}"
        return f"No Secret Service is running (no keychain such as GNOME Keyring or KWallet answers), {_IN_MEMORY}"
    return f"No keychain was found on this computer, {_IN_MEMORY}"


def _failure_reason(error: Exception, is_system_keychain: bool) -> str:
    if isinstance(error, KeyringLocked):
        return f"Your keychain is locked (or its unlock prompt was dismissed), {_IN_MEMORY}"
    if isinstance(error, InitError):
        return (
            f"Your keychain could not be opened (its prompt was dismissed or it has no default keyring), {_IN_MEMORY}"
        )
    if isinstance(error, NoKeyringError):
        return f"No keychain was found on this computer, {_IN_MEMORY}"
    if isinstance(error, _SECRET_SERVICE_ERRORS):
        return f"The Secret Service stopped answering, {_IN_MEMORY}"
    where = "Your keychain" if is_system_keychain else "The keychain"
    return f"{where} reported an error, {_IN_MEMORY}"
