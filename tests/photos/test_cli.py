"""`heygen-studio check-photo`: exit codes, JSON shape and human output, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from heygen_studio.cli.check_photo import main
from heygen_studio.resources import sample_photo


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heygen_studio.cli.check_photo", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_a_good_photo_exits_0_with_a_tick() -> None:
    result = run(str(sample_photo("astronaut.png")))
    assert result.returncode == 0 and result.stderr == ""
    assert "✓" in result.stdout and "512×512" in result.stdout


def test_json_lists_every_photo_and_exits_1_when_any_fails() -> None:
    result = run("--json", str(sample_photo("astronaut.png")), str(sample_photo("chelsea.png")))
    assert result.returncode == 1
    reports = json.loads(result.stdout)
    assert [set(report) for report in reports] == [
        {"path", "ok", "format", "width", "height", "bytes", "errors", "warnings"}
    ] * 2
    good, cat = reports
    assert good["ok"] is True and good["errors"] == [] and good["warnings"] == []
    assert cat["ok"] is False and (cat["width"], cat["height"], cat["format"]) == (451, 300, "PNG")
    assert [error["code"] for error in cat["errors"]] == ["resolution"]
    assert "no_face" in [warning["code"] for warning in cat["warnings"]]
    assert all(set(issue) == {"code", "message"} for issue in cat["errors"] + cat["warnings"])


def test_nasty_files_never_print_a_traceback(nasty_files: dict[str, Path]) -> None:
    paths = [str(path) for path in nasty_files.values()]
    human = run(*paths)
    assert human.returncode == 1 and "Traceback" not in human.stdout + human.stderr
    assert human.stdout.count("✗ refused") == len(paths)
    machine = run("--json", *paths)
    assert machine.returncode == 1 and "Traceback" not in machine.stderr
    assert [report["ok"] for report in json.loads(machine.stdout)] == [False] * len(paths)


def test_usage_errors_exit_2_with_a_clear_message() -> None:
    nothing = run()
    assert nothing.returncode == 2 and "required: PATH" in nothing.stderr
    unknown = run("--frobnicate", str(sample_photo("astronaut.png")))
    assert unknown.returncode == 2 and "unrecognized arguments: --frobnicate" in unknown.stderr


def test_main_can_be_called_in_process(capsys) -> None:
    assert main([str(sample_photo("camera.png"))]) == 0
    out = capsys.readouterr().out
    assert "⚠" in out and "turned" in out
    assert main([]) == 2
