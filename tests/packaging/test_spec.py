"""The PyInstaller spec bundles what the frozen app reads from disk and imports by name."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "heygen-studio.spec"


@dataclass
class SpecBuild:
    """What the spec hands to PyInstaller: the Analysis arguments and the final data list."""

    analysis: dict[str, Any] = field(default_factory=dict)
    datas: list[tuple[str, str, str]] = field(default_factory=list)
    exe_name: str = ""


class _Analysis:
    """Stands in for PyInstaller's Analysis: its datas in TOC form, so the spec's filters run."""

    def __init__(self, datas: list[tuple[str, str]]) -> None:
        self.datas = [(dest, src, "DATA") for src, dest in datas]
        self.pure: list[object] = []
        self.scripts: list[object] = []
        self.binaries: list[object] = []


@pytest.fixture(scope="module")
def spec() -> SpecBuild:
    """Run the spec with PyInstaller's build steps replaced by recorders (no build happens)."""
    pytest.importorskip("PyInstaller", reason="the packaging extra is not installed (pip install -e '.[packaging]')")
    build = SpecBuild()
    analyses: list[_Analysis] = []

    def analysis(scripts: list[str], **options: Any) -> _Analysis:
        build.analysis = {"scripts": scripts, **options}
        analyses.append(_Analysis(options["datas"]))
        return analyses[-1]

    def exe(*_args: object, name: str, **_options: object) -> object:
        build.exe_name = name
        return object()

    namespace = {
        "SPECPATH": str(SPEC.parent),
        "Analysis": analysis,
        "PYZ": lambda *a, **k: object(),
        "EXE": exe,
        "COLLECT": lambda *a, **k: object(),
    }
    exec(compile(SPEC.read_text("utf-8"), str(SPEC), "exec"), namespace)
    build.datas = [(dest, src) for dest, src, _ in analyses[0].datas]
    return build


def _bundled(spec: SpecBuild, source: Path) -> str | None:
    """Where `source` lands in the bundle (its folder), if the spec collects it."""
    for src, dest in spec.analysis["datas"]:
        src_path = Path(src)
        if src_path == source:
            return dest
        if src_path.is_dir() and source.is_relative_to(src_path):
            return str(Path(dest) / source.relative_to(src_path).parent)
    return None


def test_the_build_is_the_heygen_studio_command(spec: SpecBuild) -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["gui-scripts"]
    module = scripts[spec.exe_name].split(":")[0]
    assert [Path(s) for s in spec.analysis["scripts"]] == [ROOT / (module.replace(".", "/") + ".py")]


def test_resources_land_where_the_app_looks_for_them(spec: SpecBuild) -> None:
    """heygen_studio/resources.py reads sys._MEIPASS/resources: icons, sample photos, desktop files."""
    for path in sorted((ROOT / "resources").rglob("*")):
        if path.is_file():
            relative = path.relative_to(ROOT)
            assert _bundled(spec, path) == str(relative.parent), f"{relative} is not bundled"


def test_the_sandbox_contract_is_bundled_as_package_data(spec: SpecBuild) -> None:
    contract = ROOT / "heygen_studio" / "sandbox" / "contract" / "v3-contract.json"
    assert _bundled(spec, contract) == "heygen_studio/sandbox/contract"


def test_every_haar_cascade_photo_advice_loads_is_bundled(spec: SpecBuild) -> None:
    cv2 = pytest.importorskip("cv2")
    used = set(re.findall(r"haarcascade_\w+\.xml", (ROOT / "heygen_studio/photos/advice.py").read_text("utf-8")))
    assert used
    for name in used:
        assert _bundled(spec, Path(cv2.data.haarcascades) / name) == "cv2/data", f"{name} is not bundled"


def test_keyring_can_discover_its_backends_in_the_bundle(spec: SpecBuild) -> None:
    """keyring finds the Secret Service backend through entry points in its dist-info."""
    assert any(re.fullmatch(r"keyring-[\d.]+\.dist-info", Path(dest).name) for dest, _ in spec.datas)
    assert "keyring.backends.SecretService" in spec.analysis["hiddenimports"]


def test_modules_imported_by_name_are_bundled(spec: SpecBuild) -> None:
    hidden = set(spec.analysis["hiddenimports"])
    # The subcommands of heygen_studio/__main__.py and uvicorn's default loop and protocols.
    assert {
        "heygen_studio.sandbox.server",
        "heygen_studio.cli.check_photo",
        "uvicorn.loops.asyncio",
        "uvicorn.protocols.http.h11_impl",
        "uvicorn.lifespan.off",
    } <= hidden


def test_the_bundle_leaves_out_what_the_app_never_uses(spec: SpecBuild) -> None:
    assert {"tkinter", "PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtCharts"} <= set(
        spec.analysis["excludes"]
    )
