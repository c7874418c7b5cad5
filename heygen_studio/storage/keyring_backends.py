"""Which keyring backends may hold an API key, their plain names, and an in-memory backend."""

from __future__ import annotations

import threading

from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import PasswordDeleteError

# The operating systems' own keychains, by keyring's module.class name, with a name for people.
SYSTEM_KEYCHAINS: dict[str, str] = {
    "keyring.backends.SecretService.Keyring": "Secret Service",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet 4",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
}


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict of this process: gone when the app quits, never on disk.

    Priority 0 and not viable, so keyring never picks it on its own (fail.Keyring also has
    priority 0 and keyring breaks ties arbitrarily). Used for the session-only fallback and,
    injected, by unit tests.
    """

    priority = 0
    viable = False

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's KeyringBackend.__init__ is unannotated
        self._lock = threading.Lock()
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._secrets.pop((service, username), None) is None:
                raise PasswordDeleteError("No such password.")

    def __repr__(self) -> str:
        return f"<MemoryKeyring with {len(self._secrets)} entries>"


def qualified_name(backend: KeyringBackend) -> str:
    """keyring's module.class name of `backend`, e.g. keyring.backends.SecretService.Keyring."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def system_keychain_name(backend: KeyringBackend) -> str | None:
    """The plain name of `backend` if it is an operating system keychain, else None."""
    return SYSTEM_KEYCHAINS.get(qualified_name(backend))


def is_no_keychain(backend: KeyringBackend) -> bool:
    """True for keyring's stand-ins that store nothing: fail (raises) and null (forgets)."""
    return isinstance(backend, fail.Keyring | null.Keyring)


def is_plaintext(backend: KeyringBackend) -> bool:
    """True for keyrings.alt backends: files on disk (plain or weakly protected), never a keychain."""
    return type(backend).__module__.startswith("keyrings.alt")


def unchain(backend: KeyringBackend) -> KeyringBackend:
    """The first system keychain inside a chainer (or fail.Keyring if none); other backends as is.

    keyring's chainer writes to its highest-priority backend and reads from all of them, so a
    plaintext backend in the chain could receive or answer for the key: only a system keychain
    from the chain is used.
    """
    if not isinstance(backend, chainer.ChainerBackend):
        return backend
    chained = [ring for ring in backend.backends if system_keychain_name(ring) is not None]
    return chained[0] if chained else fail.Keyring()  # type: ignore[no-untyped-call]  # keyring's, unannotated
