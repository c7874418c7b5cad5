"""The sandbox as a careful local server: bounded bodies (413), own controls only, typed fault plans, sane Range."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sandbox_helpers import KEY

from heygen_studio.sandbox.server import SandboxServer

MB = 1024 * 1024


def _chunks(total: int, size: int = MB) -> Iterator[bytes]:
    block = b"x" * size
    for _ in range(total // size):
        yield block


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_200_mb_streamed_to_an_upload_is_refused_without_being_held_in_memory(tmp_path: Path) -> None:
    env = {**os.environ, "HEYGEN_STUDIO_HOME": str(tmp_path)}
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "heygen_studio", "sandbox", "--port", "0", "--no-demo"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = (sandbox.stdout.readline() if sandbox.stdout else "").split("listening on ")[1].split()[0]
        with httpx.Client(base_url=url, headers={"X-Api-Key": "sandbox"}, timeout=60) as client:
            assert client.get("/v3/voices").status_code == 200
            before = _peak_rss_mb(sandbox.pid)
            head = b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n\r\n'
            answer = client.post(
                "/v3/assets",
                content=iter([head, *_chunks(200 * MB)]),
                headers={"Content-Type": "multipart/form-data; boundary=b"},
            )
            assert answer.status_code == 413
            assert answer.json()["error"]["code"] == "payload_too_large"
            assert "32 MB" in answer.json()["error"]["message"]
            assert _peak_rss_mb(sandbox.pid) - before < 100  # it grew by 667 MB when the body was read whole
            assert client.get("/v3/voices").status_code == 200
    finally:
        sandbox.terminate()
        sandbox.wait()


def test_json_bodies_are_small_and_a_declared_size_is_refused_before_reading(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=60) as client:
        declared = client.post(
            "/v3/voices/speech",
            content=_chunks(200 * MB),
            headers={"Content-Type": "application/json", "Content-Length": str(200 * MB)},
        )
        assert declared.status_code == 413 and declared.json()["error"]["code"] == "payload_too_large"
        streamed = client.post(
            "/v2/photo_avatar/train", content=_chunks(5 * MB), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert streamed.json() == {
            "error": {"code": "payload_too_large", "message": streamed.json()["error"]["message"]},
            "data": None,
        }  # in v2's envelope
        assert client.get("/_sandbox/counts").json().get("trainings", 0) == 0


def test_controls_refuse_other_web_pages_and_bodies_that_are_not_json(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=10) as client:
        page = client.post("/_sandbox/faults", content=b'{"error_rate": 1}', headers={"Content-Type": "text/plain"})
        assert page.status_code == 415
        untyped = client.post("/_sandbox/faults", content=b'{"error_rate": 1}')
        assert untyped.status_code == 415
        other_site = client.post("/_sandbox/faults", json={"error_rate": 1}, headers={"Origin": "http://evil.example"})
        assert other_site.status_code == 403 and "other web pages" in other_site.json()["error"]
        assert client.post("/_sandbox/reset-faults", headers={"Origin": "null"}).status_code == 403
        rebound = f"http://evil.example:{server.port}"  # a page whose name now resolves to 127.0.0.1
        assert (
            client.post(
                "/_sandbox/faults",
                json={"error_rate": 1},
                headers={"Origin": rebound, "Host": f"evil.example:{server.port}"},
            ).status_code
            == 403
        )
        assert client.get("/_sandbox/counts", headers={"Origin": "http://evil.example"}).status_code == 403
        assert client.get("/v3/voices").status_code == 200  # none of those plans took effect
        own = client.post("/_sandbox/faults", json={"rate_limit_next": 1}, headers={"Origin": server.url})
        assert own.status_code == 200
        assert client.get("/v3/voices").status_code == 429


@pytest.mark.parametrize(
    ("plan", "named"),
    [
        ({"drop_next": "5"}, 'drop_next should be a whole number, not "5"'),
        ({"methods": "POST"}, "methods should be a list of HTTP methods"),
        ({"methods": ["POST", "FETCH"]}, "methods should name HTTP methods"),
        ({"error_rate": 2}, "error_rate should be between 0 and 1"),
        ({"latency_s": -1, "path_prefix": 5}, "latency_s should be 0 or more, not -1; path_prefix should be text"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_a_fault_plan_of_the_wrong_types_is_refused_and_the_old_plan_stays(
    server: SandboxServer, plan: object, named: str
) -> None:
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=10) as client:
        answer = client.post("/_sandbox/faults", json=plan)
        assert answer.status_code == 400 and named in answer.json()["error"]
        assert client.get("/v3/voices").status_code == 200


def test_a_range_with_a_huge_number_is_416_or_clamped_never_500(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        url = "/_media/voices/demo-en-us-ava.wav"
        size = len(client.get(url).content)
        huge = "9" * 5000
        past_end = client.get(url, headers={"Range": f"bytes={huge}-"})
        assert past_end.status_code == 416 and past_end.headers["content-range"] == f"bytes */{size}"
        to_the_end = client.get(url, headers={"Range": f"bytes=10-{huge}"})
        assert to_the_end.status_code == 206 and to_the_end.headers["content-range"] == f"bytes 10-{size - 1}/{size}"
        whole_suffix = client.get(url, headers={"Range": f"bytes=-{huge}"})
        assert whole_suffix.status_code == 206 and len(whole_suffix.content) == size


def test_a_json_body_nested_too_deeply_gets_400_not_500(server: SandboxServer) -> None:
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=10) as client:
        answer = client.post(
            "/v3/videos", content=b"[" * 500_000 + b"]" * 500_000, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400 and answer.json()["error"]["message"] == "Request body is not valid JSON."
