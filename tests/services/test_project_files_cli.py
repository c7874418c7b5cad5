"""`heygen-studio render` of a damaged project file: one plain line, exit status 2, nothing sent to HeyGen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer

CLI = [sys.executable, "-m", "heygen_studio"]


def _good() -> dict[str, object]:
    return Project(
        title="Clip", look=LookRef("look_1"), voice=VoiceRef("demo-en-us-ava"), scenes=(Scene(script="Hello."),)
    ).to_json()


def _with_scene(**fields: object) -> bytes:
    data = _good()
    data["scenes"] = [{**data["scenes"][0], **fields}]  # type: ignore[index]
    return json.dumps(data).encode()


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    server = SandboxServer(SandboxConfig(job_seconds=0.2))
    yield server.start()
    server.stop()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_with_scene(script=None), "scene 1: “script” should be text, not null"),
        (_with_scene(voice_speed=float("inf")), "“voice_speed” is Infinity"),
        (json.dumps({**_good(), "title": {"a": 1}}).encode(), "“title” should be text, not an object"),
        (
            json.dumps(_good()).replace("Hello.", "Caf\\u00e9").encode("utf-8").replace(b"Caf\\u00e9", b"Caf\xe9"),
            "it is not UTF-8 text",
        ),
        (_with_scene(script="\ud800"), "holds a broken character"),
        (b'{"schema_version": 1, "scenes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested far deeper"),
    ],
    ids=["script-null", "speed-infinity", "title-object", "not-utf8", "lone-surrogate", "deep-nesting"],
)
def test_damaged_project_gets_one_plain_line_and_nothing_is_sent(
    tmp_path: Path, sandbox_url: str, content: bytes, message: str
) -> None:
    project = tmp_path / "clip.hgproj"
    project.write_bytes(content)
    before = httpx.get(f"{sandbox_url}/_sandbox/counts").json()
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [*CLI, "render", str(project), "--sandbox", sandbox_url], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert httpx.get(f"{sandbox_url}/_sandbox/counts").json() == before
