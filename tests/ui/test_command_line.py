"""The `heygen-studio` command: version, help, and subcommands that do not start the window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from heygen_studio import __version__
from heygen_studio.resources import sample_photo

SCRIPT = Path(sys.executable).with_name("heygen-studio")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_version_prints_name_and_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"heygen-studio {__version__}"


def test_help_lists_the_subcommands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "--sandbox" in result.stdout and "check-photo" in result.stdout and "sandbox" in result.stdout


def test_check_photo_subcommand_runs_without_loading_qt() -> None:
    photo = sample_photo("astronaut.png")
    script = (
        f"import sys; from heygen_studio.__main__ import main; code = main(['check-photo', {str(photo)!r}]);"
        " assert 'PySide6' not in sys.modules and 'qasync' not in sys.modules, 'Qt loaded';"
        " sys.exit(code)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1), result.stderr
    assert "astronaut.png" in result.stdout
