"""The PyInstaller build: made from this checkout, it starts offscreen with --version and on the sandbox."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    importlib.util.find_spec("PyInstaller") is None,
    reason="PyInstaller is not installed (pip install -e '.[packaging]')",
)
@pytest.mark.timeout(1260)  # the build's and the smoke test's own limits, and a minute more
def test_the_one_folder_build_passes_its_smoke_test() -> None:
    build = subprocess.run(["bash", "packaging/build.sh"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert (ROOT / "dist" / "heygen-studio" / "heygen-studio").is_file()
    smoke = subprocess.run(["bash", "packaging/smoke-test.sh"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert smoke.returncode == 0, smoke.stdout[-3000:] + smoke.stderr[-3000:]
