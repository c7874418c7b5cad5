"""One whole journey per test session, shared by the e2e tests; skipped without an X display or a private keychain."""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from collections.abc import Iterator

import pytest
from journey_run import JourneyRun, run_journey, sandbox_process

from heygen_studio.storage.secrets import SERVICE

RUN_THIS = 'run: xvfb-run -a -s "-screen 0 1440x900x24" scripts/with-keychain.sh .venv/bin/pytest -q tests/e2e'


def _why_not_here() -> str | None:
    if not os.environ.get("DISPLAY"):
        return f"No X display (DISPLAY is unset), and the journey needs a real X window; {RUN_THIS}"
    if not os.environ.get("HEYGEN_STUDIO_PRIVATE_KEYCHAIN"):
        return (
            "Not inside a private throwaway keychain (HEYGEN_STUDIO_PRIVATE_KEYCHAIN is unset), so your "
            f"real keychain is left alone; {RUN_THIS}"
        )
    return None


@pytest.fixture(scope="session")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JourneyRun]:
    """Add a key, make an avatar, render a video in the sandbox and quit — once, through the real UI."""
    problem = _why_not_here()
    if problem:
        pytest.skip(problem)
    root = tmp_path_factory.mktemp("journey")
    key = f"hg-e2e-{secrets.token_urlsafe(24)}"
    profile = f"E2E {uuid.uuid4().hex[:8]}"
    with sandbox_process(key, root / "sandbox" / "state.json") as url:
        run = run_journey(root, url, key, profile)
    print(run.output)  # the steps, the screenshot paths, and on failure the last log lines
    yield run
    subprocess.run(["secret-tool", "clear", "service", SERVICE, "username", profile], capture_output=True, timeout=30)
