"""The headline benchmark, one command: `.venv/bin/python benchmarks/run_all.py` prints JSON.

Launch to first painted window for HeyGen Studio (`--sandbox`) and for a bare PySide6 window,
measured the same way in the same run (alternating, after one unmeasured warm-up of each), then
the app under load (benchmarks/app_load.py): UI stalls while 100 renders poll and 1,000 Library
thumbnails load, and memory at rest and under that load; then the Renders list of 1,000 renders
(benchmarks/renders_list.py): data to painted list, stalls while it scrolls and while every row changes.
With no display it re-runs itself under `xvfb-run` on the xcb platform, so real windows are mapped and
painted; without xvfb-run it uses Qt's offscreen platform. `--runs N` sets the launches of each (default 7);
`--only first-paint,renders` runs only those parts (first-paint, load, renders).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCREEN = "-screen 0 1440x900x24"
LAUNCH_TIMEOUT_S = 60.0
UNDER_XVFB = "HEYGEN_BENCH_UNDER_XVFB"


def qt_platform() -> str:
    """xcb when there is an X display to paint on, else offscreen (what children inherit)."""
    chosen = os.environ.get("QT_QPA_PLATFORM")
    if chosen:
        return chosen
    return "xcb" if os.environ.get("DISPLAY") else "offscreen"


def launch_s(mode: str, scratch: Path) -> float:
    """Seconds from just before spawning app_first_paint.py to the first paint it reports.

    The app's files go to `scratch`/home and Python's bytecode to `scratch`/pycache: launches after
    the first read compiled modules, as an installed app does (PYTHONDONTWRITEBYTECODE would
    otherwise have every launch compile the app's source)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"} | {
        "HEYGEN_STUDIO_HOME": str(scratch / "home"),
        "PYTHONPYCACHEPREFIX": str(scratch / "pycache"),
        "QT_QPA_PLATFORM": qt_platform(),
    }
    command = [
        sys.executable,
        str(HERE / "app_first_paint.py"),
        *(["bare"] if mode == "bare" else ["app", "--sandbox"]),
    ]
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=LAUNCH_TIMEOUT_S, check=False)
    reports = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not reports:
        raise RuntimeError(f"{mode} launch failed ({done.returncode}): {done.stderr[-2000:]}")
    return float(json.loads(reports[-1])["first_paint_monotonic"]) - started


def first_paint(runs: int) -> dict[str, object]:
    """`runs` launches of each, alternating, after one launch of each into a new scratch folder
    (reported as `first_launch_ms`: bytecode, database and settings are written, caches cold)."""
    with tempfile.TemporaryDirectory(prefix="heygen-bench-") as folder:
        scratch = Path(folder)  # the app's settings, database and logs: never the user's
        first = {mode: launch_s(mode, scratch) for mode in ("app", "bare")}
        times: dict[str, list[float]] = {"app": [], "bare": []}
        for _ in range(runs):
            for mode, measured in times.items():
                measured.append(launch_s(mode, scratch))
    medians = {mode: statistics.median(measured) for mode, measured in times.items()}
    figures: dict[str, object] = {
        name: {
            "median_ms": ms(medians[mode]),
            "min_ms": ms(min(times[mode])),
            "first_launch_ms": ms(first[mode]),
            "runs_ms": [ms(value) for value in times[mode]],
        }
        for name, mode in (("app_sandbox", "app"), ("bare_pyside6", "bare"))
    }
    return figures | {"app_minus_bare_median_ms": ms(medians["app"] - medians["bare"])}


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def script_figures(script: str) -> dict[str, object]:
    """The JSON a benchmark script in this folder prints, run in its own process on the same Qt platform."""
    env = os.environ | {"QT_QPA_PLATFORM": qt_platform()}
    done = subprocess.run([sys.executable, str(HERE / script)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed ({done.returncode}): {done.stderr[-2000:]}")
    figures: dict[str, object] = json.loads(done.stdout)
    return figures


def machine() -> dict[str, object]:
    import PySide6
    from PySide6 import QtCore

    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else ())
        if line.startswith("model name")
    ]
    return {
        "cpus": os.cpu_count(),
        "cpu": models[0] if models else platform.processor(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyside6": PySide6.__version__,
        "qt": QtCore.qVersion(),
        "qt_platform": qt_platform(),
        "load_average_1_5_15": [round(value, 2) for value in os.getloadavg()],
        "display": "xvfb" if os.environ.get(UNDER_XVFB) else (os.environ.get("DISPLAY") or "none"),
    }


PARTS: dict[str, tuple[str, Callable[[argparse.Namespace], dict[str, object]]]] = {
    "first-paint": ("launch_to_first_paint", lambda args: first_paint(args.runs)),
    "load": ("under_load", lambda _args: script_figures("app_load.py")),
    "renders": ("renders_list", lambda _args: script_figures("renders_list.py")),
}


def parts(text: str) -> list[str]:
    """`--only`'s comma-separated part names, checked, in the order run_all.py runs them."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PARTS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(PARTS)} (got {text!r})")
    return [name for name in PARTS if name in names]  # in the usual order


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="launches of the app and of the bare window")
    parser.add_argument(
        "--only", type=parts, default=list(PARTS), help=f"comma-separated parts to run: {', '.join(PARTS)} (all)"
    )
    args = parser.parse_args()
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    xvfb = shutil.which("xvfb-run")
    if not has_display and xvfb and not os.environ.get(UNDER_XVFB):
        env = os.environ | {UNDER_XVFB: "1", "QT_QPA_PLATFORM": "xcb"}
        return subprocess.run([xvfb, "-a", "-s", SCREEN, sys.executable, *sys.argv], env=env, check=False).returncode
    result: dict[str, object] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    for name in args.only:
        key, run = PARTS[name]
        result[key] = run(args)
    result["load_average_after_1_5_15"] = [round(value, 2) for value in os.getloadavg()]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
