"""One sandbox state per home: one process serves it, a second talks to that one, a kill -9 frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.shared import start_shared
from heygen_studio.sandbox.state_lock import SandboxInUse, StateLock, home_state_file
from heygen_studio.session import start_sandbox

CLI = [sys.executable, "-m", "heygen_studio"]


def _serve(state_file: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [*CLI, "sandbox", "--port", "0", "--job-seconds", "0.2", "--state-file", str(state_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = process.stdout.readline() if process.stdout else ""
    assert "listening on " in line, process.stderr.read() if process.stderr else line
    return process, line.split("listening on ")[1].split()[0]


def test_two_copies_in_one_home_share_one_server(tmp_path: Path) -> None:
    first = start_sandbox(None, tmp_path)
    try:
        second = start_sandbox(None, tmp_path)
        assert first.own and not second.own and second.url == first.url
        second.stop()  # not its server: the first one keeps serving
        assert httpx.get(f"{first.url}/_sandbox/counts").status_code == 200
    finally:
        first.stop()
    third = start_sandbox(None, tmp_path)  # the state is free again once its holder stopped
    assert third.own
    third.stop()


def test_a_holder_that_does_not_answer_gets_a_plain_message(tmp_path: Path) -> None:
    state = home_state_file(tmp_path)
    stuck = StateLock(state)
    assert stuck.acquire()
    try:
        with pytest.raises(SandboxInUse, match=r"is in use by another process and it does not answer; close"):
            start_shared(SandboxConfig(state_file=state), wait_s=0.3)
    finally:
        stuck.release()


def test_the_command_refuses_a_state_file_in_use_and_a_kill_9_frees_it(tmp_path: Path) -> None:
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(tmp_path / "home")}
    state = tmp_path / "state.json"
    holder, url = _serve(state, env)
    try:
        second = subprocess.run(
            [*CLI, "sandbox", "--port", "0", "--state-file", str(state)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert second.returncode == 1
        assert f"is in use by process {holder.pid}, serving {url}; stop it first" in second.stderr
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder, url = _serve(state, env)  # the lock went with the killed process; its stale record is replaced
        assert httpx.get(f"{url}/_sandbox/counts").status_code == 200
    finally:
        holder.kill()
        holder.wait()


def test_a_render_from_a_second_process_lands_in_the_running_sandbox_and_survives_its_kill_9(tmp_path: Path) -> None:
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(tmp_path / "home")}
    state = home_state_file(tmp_path / "home" / "data")  # the state the app's built-in sandbox uses
    holder, url = _serve(state, env)
    try:
        look = httpx.get(f"{url}/v3/avatars/looks", headers={"X-Api-Key": "sandbox"}).json()["data"][0]
        project = tmp_path / "clip.hgproj"
        project.write_text(
            Project(
                title="Shared",
                look=LookRef(look["id"]),
                voice=VoiceRef("demo-en-us-ava"),
                scenes=(Scene(script="One state for everyone."),),
            ).dumps()
        )
        render = subprocess.run(
            [*CLI, "render", str(project), "--sandbox", "--wait", "--out", str(tmp_path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert render.returncode == 0, render.stderr
        assert httpx.get(f"{url}/_sandbox/counts").json()["videos_created"] == 1  # in the holder, not a twin
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        after = start_sandbox(None, tmp_path / "home" / "data")  # the lock went with the killed holder
        try:
            assert after.own
            videos = httpx.get(
                f"{after.url}/v3/videos", params={"title": "Shared"}, headers={"X-Api-Key": "sandbox"}
            ).json()["data"]
            assert len(videos) == 1  # the state it saved is the one served now
        finally:
            after.stop()
        assert not StateLock(state).server_file.exists()  # stopped and let go
    finally:
        holder.kill()
        holder.wait()
