"""Real Secret Service fixtures: only inside scripts/with-keychain.sh's private, throwaway keychain."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing

import pytest

from heygen_studio.storage.secrets import SERVICE

RUN_THIS = "run: scripts/with-keychain.sh .venv/bin/pytest tests/keychain"


def _secret_service_problem() -> str | None:
    """Why the real-keychain tests cannot run here, or None when they can."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return f"No D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset); {RUN_THIS}"
    if not os.environ.get("HEYGEN_STUDIO_PRIVATE_KEYCHAIN"):
        return f"Not inside a private throwaway keychain, so your real keychain is left alone; {RUN_THIS}"
    import secretstorage

    try:
        with closing(secretstorage.dbus_init()) as connection:
            if not secretstorage.check_service_availability(connection):
                return f"No Secret Service answers on this D-Bus session; {RUN_THIS}"
            if secretstorage.get_default_collection(connection).is_locked():
                return f"The Secret Service's default collection is locked; {RUN_THIS}"
    except secretstorage.exceptions.SecretStorageException as error:
        return f"The Secret Service is not usable ({type(error).__name__}: {error}); {RUN_THIS}"
    return None


@pytest.fixture(scope="session")
def secret_service() -> None:
    """Skips with a clear reason unless a private, unlocked Secret Service answers."""
    problem = _secret_service_problem()
    if problem:
        pytest.skip(problem)


SecretTool = Callable[..., subprocess.CompletedProcess[str]]


def _secret_tool(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(["secret-tool", *args], input=stdin, capture_output=True, text=True, timeout=30)


@pytest.fixture
def secret_tool(secret_service: None) -> SecretTool:
    """`secret_tool(*args, stdin="")` runs `secret-tool ARGS` on this session's Secret Service."""
    return _secret_tool


@pytest.fixture
def profile(secret_service: None) -> Iterator[str]:
    """A profile name no one else uses; its keychain entry is removed afterwards."""
    name = f"pytest-{uuid.uuid4().hex}"
    yield name
    _secret_tool("clear", "service", SERVICE, "username", name)
