"""`heygen-studio batch` against the sandbox on loopback: the dry run's JSON and exit codes, malformed sheets sending
nothing, the good rows as videos each once in their own files, a run again, a sample row first."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from waiting import until

from heygen_studio.cli import batch
from heygen_studio.config import app_paths
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.storage.database import Database
from heygen_studio.storage.render_jobs import RenderJobs

LONG_NOTE = ("Thanks " * 858).strip()  # 6,005 characters: over HeyGen's 5,000 once filled in
SHEET = (
    "first_name;team;note\n"
    "Zoë;Ventes;Bienvenue.\n"
    "美咲;営業;ようこそ。\n"
    "Łukasz;;Witamy.\n"  # an empty cell
    "Ана\n"  # a row with its last columns missing
    f"Anna;Sales;{LONG_NOTE}\n"
    "José;Ops;Welcome.\n"
)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEYGEN_STUDIO_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {}


@pytest.fixture
def server(sandbox_options: dict[str, Any]) -> Iterator[SandboxServer]:
    server = SandboxServer(SandboxConfig(**{"job_seconds": 0.1, **sandbox_options}))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(server: SandboxServer) -> str:
    return server.url


def project_file(tmp_path: Path, url: str) -> Path:
    looks = httpx.get(f"{url}/v3/avatars/looks", params={"ownership": "private"}, headers={"X-Api-Key": "sandbox"})
    look = looks.json()["data"][0]
    path = tmp_path / "welcome.hgproj"
    path.write_text(
        Project(
            title="Welcome {first_name}",
            look=LookRef(look["id"], look["name"]),
            voice=VoiceRef("demo-en-us-ava"),
            scenes=(Scene(script="Hi {first_name}, welcome to {team}!"), Scene(script="{note}")),
        ).dumps(),
        encoding="utf-8",
    )
    return path


def sheet_file(tmp_path: Path, text: str = SHEET, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = batch.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def videos_created(server: SandboxServer) -> int:
    return server.state.counts["videos_created"]


def jobs_in_home() -> list[Any]:
    db = Database(app_paths().data_dir / "studio.sqlite3")
    try:
        return RenderJobs(db).all()
    finally:
        db.close()


def test_dry_run_json_prints_each_rows_status_seconds_and_cost_and_the_good_rows_total(
    server: SandboxServer, sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, str(project_file(tmp_path, sandbox)), str(sheet_file(tmp_path)), "--dry-run", "--json",
        "--sandbox", sandbox,
    )  # fmt: skip
    shown = json.loads(out)
    assert status == 1  # some rows are refused
    assert [(row["row"], row["name"], row["status"]) for row in shown["rows"]] == [
        (2, "Zoë", "ready"),
        (3, "美咲", "ready"),
        (4, "Łukasz", "refused"),
        (5, "Ана", "refused"),
        (6, "Anna", "refused"),
        (7, "José", "ready"),
    ]
    assert [row["problems"] for row in shown["rows"] if row["status"] == "refused"] == [
        ["{team} is empty in this row"],
        ["{team} is empty in this row", "{note} is empty in this row"],
        ["scene 2's script is 6,005 characters once filled in; HeyGen takes at most 5,000"],
    ]
    zoe = shown["rows"][0]
    assert zoe["file"] == "Welcome Zoë.mp4" and zoe["first_line"] == "Hi Zoë, welcome to Ventes!"
    assert zoe["seconds"] == 3.0 and zoe["cost"]["text"] == "$0.15"  # 5 words at 150 a minute and 1 s; $0.05 a s
    assert (shown["good"], shown["refused"]) == (3, 3)
    assert shown["total"]["text"] == "$0.45" and shown["seconds"] == 9.0
    assert shown["balance"]["describe"] == "$25.00 left" and shown["fits"] is True
    assert videos_created(server) == 0 and jobs_in_home() == []


def test_dry_run_of_a_sheet_whose_rows_all_render_exits_0(
    sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = sheet_file(tmp_path, "First Name,TEAM,Note\nZoë,Ventes,Salut.\n")
    status, out, _ = run(capsys, str(project_file(tmp_path, sandbox)), str(sheet), "--dry-run", "--sandbox", sandbox)
    assert status == 0
    assert out.splitlines()[-1] == "1 of 1 rows can render: about 3 s, $0.15. Balance: $25.00 left: it fits."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)), "it is not a sheet of rows"),
        (b"", "it is empty"),
        ("Zoë,Ventes,Salut\nBo,Ops,Hi\n".encode(), "None of the project's placeholders ({first_name}, {team}, {note})"),
        (b"first_name,team,first name\nA,B,C\n", "columns A and C are both called"),
    ],
)
def test_a_malformed_sheet_is_bad_input_and_sends_nothing(
    server: SandboxServer,
    sandbox: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_bytes(content)
    status, out, err = run(capsys, str(project_file(tmp_path, sandbox)), str(sheet), "--sandbox", sandbox)
    assert status == 2 and out == ""
    assert err.startswith("heygen-studio: ") and message in err
    assert videos_created(server) == 0 and jobs_in_home() == []


def results(path: Path) -> list[dict[str, str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_good_rows_become_videos_each_once_in_its_own_file_and_a_run_again_sends_only_a_fixed_row(
    server: SandboxServer, sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, sheet, out = project_file(tmp_path, sandbox), sheet_file(tmp_path), tmp_path / "videos"
    command = [str(project), str(sheet), "--out", str(out), "--wait", "--sandbox", sandbox]
    status, _, _ = run(capsys, *command)
    assert status == 1  # three rows were refused
    files = sorted(path.name for path in out.glob("*.mp4"))
    assert files == ["Welcome José.mp4", "Welcome Zoë.mp4", "Welcome 美咲.mp4"]
    assert videos_created(server) == 3
    assert server.state.counts["video_batches_created"] == 1  # the three rows went out in one batch call
    written = results(out / "people results.csv")
    assert list(written[0]) == ["row", "name", "file", "HeyGen video id", "status", "cost", "error"]
    assert [(row["row"], row["name"], row["file"], row["status"], row["cost"]) for row in written] == [
        ("2", "Zoë", "Welcome Zoë.mp4", "downloaded", "$0.15"),
        ("3", "美咲", "Welcome 美咲.mp4", "downloaded", "$0.15"),
        ("4", "Łukasz", "", "refused", ""),
        ("5", "Ана", "", "refused", ""),
        ("6", "Anna", "", "refused", ""),
        ("7", "José", "Welcome José.mp4", "downloaded", "$0.15"),
    ]
    assert written[2]["error"] == "{team} is empty in this row"
    assert len({row["HeyGen video id"] for row in written if row["status"] == "downloaded"}) == 3

    assert run(capsys, *command)[0] == 1  # the same sheet again: nothing new is sent
    assert videos_created(server) == 3

    sheet.write_text(SHEET.replace("Łukasz;;", "Łukasz;Sprzedaż;"), encoding="utf-8-sig")
    assert run(capsys, *command)[0] == 1  # two rows are still refused
    assert videos_created(server) == 4
    assert sorted(path.name for path in out.glob("*.mp4"))[-2:] == ["Welcome Łukasz.mp4", "Welcome 美咲.mp4"]
    assert [row["status"] for row in results(out / "people results.csv")] == [
        "downloaded", "downloaded", "downloaded", "refused", "refused", "downloaded",
    ]  # fmt: skip
    assert len(jobs_in_home()) == 4


def test_a_sample_row_first_then_the_rest_and_an_excel_sheet_gets_excel_results(
    server: SandboxServer, sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    for line in ["first_name;team;note", "Zoë;Ventes;Salut.", "美咲;営業;ようこそ。", "José;Ops;Hola."]:
        first.append(line.split(";"))
    sheet = tmp_path / "people.xlsx"
    book.save(sheet)
    project, out = project_file(tmp_path, sandbox), tmp_path / "videos"
    status, _, err = run(capsys, str(project), str(sheet), "--sample", "3", "--out", str(out), "--sandbox", sandbox)
    assert status == 0 and "Sending 1 video: about 3 s, $0.15." in err
    assert [job.title for job in jobs_in_home()] == ["Welcome 美咲"]

    status, _, err = run(capsys, str(project), str(sheet), "--out", str(out), "--wait", "--sandbox", sandbox)
    assert status == 0 and "Sending 2 videos: about 6 s, $0.30." in err
    assert "Rows: 3 done, 0 failed, 0 left; $0.45 spent" in err.splitlines()
    assert sorted(job.title for job in jobs_in_home()) == ["Welcome José", "Welcome Zoë", "Welcome 美咲"]
    assert videos_created(server) == 3
    excel = openpyxl.load_workbook(out / "people results.xlsx", read_only=True)
    rows = list(excel.worksheets[0].iter_rows(values_only=True))
    excel.close()
    assert [(row[0], row[1], row[4]) for row in rows[1:]] == [
        (2, "Zoë", "downloaded"),
        (3, "美咲", "downloaded"),
        (4, "José", "downloaded"),
    ]

    status, _, err = run(capsys, str(project), str(sheet), "--sample", "9", "--sandbox", sandbox)
    assert status == 2 and "The sheet has no row 9: its rows are numbered 2 to 4." in err


@pytest.mark.parametrize("sandbox_options", [{"balance": 0.3}])
def test_rows_costing_more_than_the_balance_are_not_sent(
    server: SandboxServer, sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, str(project_file(tmp_path, sandbox)), str(sheet_file(tmp_path)), "--sandbox", sandbox)
    assert status == 1
    assert "Not sent: these 3 videos cost $0.45 and $0.15 of that is missing (balance: $0.30 left)." in err
    assert videos_created(server) == 0 and jobs_in_home() == []


def some_row_is_at_heygen(database: Path) -> bool:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT COUNT(*) FROM render_jobs WHERE remote_id IS NOT NULL").fetchone()[0] > 0
    except sqlite3.OperationalError:  # not created yet
        return False


@pytest.mark.parametrize("sandbox_options", [{"job_seconds": 1.0}])
def test_killed_mid_batch_and_run_again_each_good_row_is_one_video_in_its_own_file(
    server: SandboxServer, sandbox: str, tmp_path: Path, home: Path
) -> None:
    out = tmp_path / "videos"
    command = [sys.executable, "-m", "heygen_studio", "batch", str(project_file(tmp_path, sandbox))]
    command += [str(sheet_file(tmp_path)), "--out", str(out), "--wait", "--sandbox", sandbox]
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(home)}
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    database = home / "data" / "studio.sqlite3"
    asyncio.run(until(lambda: some_row_is_at_heygen(database), "HeyGen has a row", within=60, every=0.02))
    first.send_signal(signal.SIGKILL)
    first.wait()

    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=90)
    assert again.returncode == 1, again.stderr  # the three refused rows
    files = sorted(path.name for path in out.glob("*.mp4"))
    assert files == ["Welcome José.mp4", "Welcome Zoë.mp4", "Welcome 美咲.mp4"]
    assert videos_created(server) == 3 and len(jobs_in_home()) == 3
    assert [row["status"] for row in results(out / "people results.csv")] == [
        "downloaded", "downloaded", "refused", "refused", "refused", "downloaded",
    ]  # fmt: skip


def test_look_and_voice_columns_are_checked_against_the_accounts_own(
    sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    look = httpx.get(f"{sandbox}/v3/avatars/looks", headers={"X-Api-Key": "sandbox"}).json()["data"][0]
    sheet = sheet_file(
        tmp_path,
        "first_name,team,note,look,voice\n"
        f"Zoë,Ventes,Salut.,{look['name'].upper()},demo-en-us-ava\n"
        "Bo,Ops,Hi.,Nobody's look,\n"
        "Cy,Ops,Hi.,,demo-xx-none\n",
    )
    status, out, _ = run(
        capsys, str(project_file(tmp_path, sandbox)), str(sheet), "--dry-run", "--json", "--sandbox", sandbox
    )
    assert status == 1
    assert [(row["status"], row["problems"]) for row in json.loads(out)["rows"]] == [
        ("ready", []),
        ("refused", ["there is no look “Nobody's look” in this account (use a look's name or id)"]),
        ("refused", ["there is no voice “demo-xx-none” in this account (use a voice's name or id)"]),
    ]
