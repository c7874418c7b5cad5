"""`heygen-studio render --wait`: killed with SIGKILL mid-render it resumes on the next start (one video, one job);
it says what it waits for and gives up when HeyGen cannot be reached."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from render_support import Rig
from waiting import until

from heygen_studio.cli.render import Unreachable, follow
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer

CLI = [sys.executable, "-m", "heygen_studio"]


def heygen_has_the_render(database: Path) -> bool:
    """Whether the render process has recorded HeyGen's id for its job (it may still be creating the database)."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            row = conn.execute("SELECT remote_id FROM render_jobs").fetchone()
    except sqlite3.OperationalError:
        return False
    return bool(row and row[0])


def test_kill_9_during_render_wait_then_resume(tmp_path: Path) -> None:
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(tmp_path / "home")}
    sandbox = subprocess.Popen(
        [*CLI, "sandbox", "--port", "0", "--job-seconds", "0.5", "--state-file", str(tmp_path / "state.json")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = sandbox.stdout.readline() if sandbox.stdout else ""
        url = line.split("listening on ")[1].split()[0]
        look = httpx.get(f"{url}/v3/avatars/looks", headers={"X-Api-Key": "sandbox"}).json()["data"][0]
        project = tmp_path / "clip.hgproj"
        project.write_text(
            Project(
                title="Killed clip",
                look=LookRef(look["id"]),
                voice=VoiceRef("demo-en-us-ava"),
                scenes=(Scene(script="Say this once and only once."),),
            ).dumps()
        )
        render = subprocess.Popen(
            [*CLI, "render", str(project), "--sandbox", url, "--wait", "--out", str(tmp_path / "out")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        database = tmp_path / "home" / "data" / "studio.sqlite3"
        asyncio.run(until(lambda: heygen_has_the_render(database), "HeyGen has the render", within=30, every=0.05))
        render.send_signal(signal.SIGKILL)
        render.wait()
        resumed = subprocess.run(
            [*CLI, "queue", "--wait", "--sandbox", url], capture_output=True, text=True, env=env, timeout=60
        )
        assert resumed.returncode == 0, resumed.stderr
        listed = subprocess.run([*CLI, "queue", "--json"], capture_output=True, text=True, env=env, timeout=30)
        [job] = json.loads(listed.stdout)
        assert job["status"] == "downloaded", job
        assert Path(job["file"]).read_bytes()[4:8] == b"ftyp"
        assert httpx.get(f"{url}/_sandbox/counts").json()["videos_created"] == 1
    finally:
        sandbox.terminate()
        sandbox.wait()


async def test_wait_says_what_it_waits_for_and_gives_up_when_heygen_cannot_be_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = SandboxServer(SandboxConfig(job_seconds=0.05))
    server.start()
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    rig.open()
    project = await rig.project("Offline")
    server.stop()  # HeyGen out of reach from here on
    queue = rig.start()
    job = await queue.enqueue(project)
    with pytest.raises(Unreachable) as gave_up:
        await follow(queue, job.id, until_sent=False, patience_s=1.0)

    assert "HeyGen could not be reached for 1 seconds" in str(gave_up.value)
    assert "stay in the queue" in str(gave_up.value) and "queue --wait" in str(gave_up.value)
    said = capsys.readouterr().err
    assert f"job {job.id}: queued (waiting to be sent to HeyGen)" in said
    assert "HeyGen cannot be reached" in said
    assert queue.jobs.get(job.id) is not None and not queue.jobs.get(job.id).status.is_final  # type: ignore[union-attr]
    await rig.stop()


def test_a_render_that_costs_more_than_the_balance_is_not_sent_and_says_what_is_missing(tmp_path: Path) -> None:
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(tmp_path / "home")}
    sandbox = subprocess.Popen(
        [*CLI, "sandbox", "--port", "0", "--balance", "0.50"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        line = sandbox.stdout.readline() if sandbox.stdout else ""
        url = line.split("listening on ")[1].split()[0]
        look = httpx.get(f"{url}/v3/avatars/looks", headers={"X-Api-Key": "sandbox"}).json()["data"][0]
        project = tmp_path / "long.hgproj"
        script = " ".join(["word"] * 150)  # about a minute of speech: $3.00 on Avatar IV
        project.write_text(
            Project(
                title="Too dear",
                look=LookRef(look["id"]),
                voice=VoiceRef("demo-en-us-ava"),
                scenes=(Scene(script=script),),
            ).dumps()
        )
        render = subprocess.run(
            [*CLI, "render", str(project), "--sandbox", url, "--out", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert render.returncode == 1, render.stderr
        assert "Not sent: this render costs $" in render.stderr and "$0.50 left" in render.stderr
        assert "of that is missing" in render.stderr and render.stdout == ""
        listed = subprocess.run([*CLI, "queue", "--json"], capture_output=True, text=True, env=env, timeout=30)
        assert json.loads(listed.stdout) == []
        assert httpx.get(f"{url}/_sandbox/counts").json().get("videos_created", 0) == 0
    finally:
        sandbox.terminate()
        sandbox.wait()
