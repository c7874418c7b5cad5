"""The desktop entry and AppStream metainfo: valid for the distributions' tools and consistent."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from heygen_studio import __version__
from heygen_studio.config import APP_SLUG

ROOT = Path(__file__).resolve().parents[2]
APP_ID = "io.github.heygen_studio.HeyGenStudio"
DESKTOP = ROOT / "resources" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install {package}; scripts/system-packages.sh)")
    return path


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate", "desktop-file-utils"), str(DESKTOP)], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        [_tool("appstreamcli", "appstream"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_starts_the_app_and_matches_its_windows() -> None:
    entry = _entry()
    gui_scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["gui-scripts"]
    assert entry["Exec"].split()[0] in gui_scripts
    assert entry["Icon"] == APP_ID
    # Qt names X11 windows after the program (WM_CLASS instance), so the dock groups them here.
    assert entry["StartupWMClass"] == APP_SLUG
    assert entry["Categories"] == "AudioVideo;Video;"


def test_metainfo_describes_this_release_and_launches_the_desktop_entry() -> None:
    component = ElementTree.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP.name
    assert component.findtext("name") == _entry()["Name"]
    assert __version__ in [release.get("version") for release in component.iter("release")]
