"""scripts/run-sandbox.sh on a checkout already set up starts the app at once and prints nothing;
scripts/setup.sh installs again only when pyproject.toml (or the set-up scripts) changed or .venv is missing."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STUB = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$(dirname "$0")/../calls"
"""


def _checkout(tmp_path: Path) -> Path:
    """A copy of the scripts and pyproject.toml with a stand-in .venv whose programs only record their calls."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "scripts", checkout / "scripts")
    shutil.copy(ROOT / "pyproject.toml", checkout / "pyproject.toml")
    bin_dir = checkout / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "heygen-studio"):
        (bin_dir / name).write_text(STUB)
        (bin_dir / name).chmod(stat.S_IRWXU)
    return checkout


def _calls(checkout: Path) -> list[str]:
    calls = checkout / ".venv" / "calls"
    lines = calls.read_text().splitlines() if calls.exists() else []
    calls.unlink(missing_ok=True)
    return lines


def _run(checkout: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(checkout / "scripts" / script), *args], capture_output=True, text=True, timeout=120
    )


def test_setup_runs_once_then_only_when_pyproject_changes(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    first = _run(checkout, "setup.sh")
    assert first.returncode == 0, first.stderr
    assert [call.split()[:4] for call in _calls(checkout)] == [["python", "-m", "pip", "install"]] * 2
    assert "Setting up HeyGen Studio" in first.stderr

    again = _run(checkout, "setup.sh")
    assert again.returncode == 0 and again.stdout == again.stderr == "" and _calls(checkout) == []

    with (checkout / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n# a new dependency\n")
    changed = _run(checkout, "setup.sh")
    assert changed.returncode == 0 and len(_calls(checkout)) == 2


def test_run_sandbox_on_a_set_up_checkout_only_starts_the_app_and_says_nothing(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    assert _run(checkout, "setup.sh").returncode == 0
    _calls(checkout)
    started = _run(checkout, "run-sandbox.sh", "--debug")
    assert started.returncode == 0 and started.stdout == started.stderr == ""
    assert _calls(checkout) == ["heygen-studio --sandbox --debug"]


def test_a_failed_install_shows_the_end_of_its_log_and_leaves_no_stamp(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    python = checkout / ".venv" / "bin" / "python"
    python.write_text("#!/usr/bin/env bash\necho 'ERROR: No matching distribution found for av>=12' >&2\nexit 1\n")
    failed = _run(checkout, "setup.sh")
    assert failed.returncode == 1
    assert "Setting up failed" in failed.stderr and "No matching distribution found for av>=12" in failed.stderr
    assert not (checkout / ".venv" / "setup-stamp").exists()
