"""Running the journey: a `heygen-studio sandbox` process, and the journey driver on a real X display."""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heygen_studio.config import HOME_ENV
from heygen_studio.resources import sample_photo
from heygen_studio.services.accounts import API_URL_ENV

DRIVER = Path(__file__).with_name("journey_driver.py")
JOURNEY_LIMIT_S = 240  # the driver gives up on its own after 170 s; this is the backstop
LISTENING = re.compile(r"listening on (http://\S+)")


@dataclass(frozen=True)
class JourneyRun:
    """What one run of the journey driver left behind."""

    returncode: int
    output: str = field(repr=False)  # the driver's stdout and stderr
    result: dict[str, Any]
    home: Path  # HEYGEN_STUDIO_HOME: the app's config, data, cache and logs
    user_home: Path  # $HOME for the app: its Videos folder holds the downloaded renders
    key: str = field(repr=False)
    profile: str


@contextlib.contextmanager
def sandbox_process(key: str, state_file: Path) -> Iterator[str]:
    """`heygen-studio sandbox` on a free loopback port accepting only `key`; yields its URL, stops on exit."""
    script = Path(sys.executable).with_name("heygen-studio")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "heygen_studio"]
    process = subprocess.Popen(
        [*command, "sandbox", "--port", "0", "--key", key, "--job-seconds", "0.3", "--state-file", str(state_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    url: str | None = None
    seen: list[str] = []
    deadline = time.monotonic() + 30
    try:
        while url is None and time.monotonic() < deadline and process.poll() is None:
            if select.select([process.stdout], [], [], 0.5)[0]:
                line = process.stdout.readline()
                seen.append(line)
                match = LISTENING.search(line)
                url = match.group(1) if match else None
        if url is None:
            raise RuntimeError(f"the sandbox did not start: {''.join(seen)}")
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_journey(root: Path, url: str, key: str, profile: str) -> JourneyRun:
    """The driver in its own process (the only Qt app there), on X (xcb), with its home under `root`."""
    home, user_home = root / "home", root / "user"
    shots, result_file = root / "screenshots", root / "result.json"
    user_home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "xcb",
        HOME_ENV: str(home),
        API_URL_ENV: url,
        "HOME": str(user_home),
        "XDG_VIDEOS_DIR": str(user_home / "Videos"),
    }
    completed = subprocess.run(
        [
            sys.executable,
            str(DRIVER),
            "--photo",
            str(sample_photo("astronaut.png")),
            "--profile",
            profile,
            "--shots",
            str(shots),
            "--result",
            str(result_file),
        ],
        input=key + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=JOURNEY_LIMIT_S,
    )
    result = json.loads(result_file.read_text(encoding="utf-8")) if result_file.exists() else {}
    return JourneyRun(completed.returncode, completed.stdout + completed.stderr, result, home, user_home, key, profile)
