"""Fixtures for the service tests: a loopback sandbox with money for every render, and a render rig on it.

A module whose renders need other timing or money defines its own `server`; `rig` then uses that one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from render_support import Rig, rig_for

from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = SandboxServer(SandboxConfig(job_seconds=0.05, balance=100000, credits=100000))
    sandbox.start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def rig(server: SandboxServer, tmp_path: Path) -> Rig:
    """A v3 rig on `server` with its database open and no queue running yet."""
    opened = rig_for(server, tmp_path)
    opened.open()
    return opened
