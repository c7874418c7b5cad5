"""Downloads resume with Range into a .part file; any title becomes a safe file name."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from heygen_studio.services.downloads import LinkExpired, download, part_path, safe_filename, unique_path

BODY = bytes(range(256)) * 4096  # 1 MiB


class RangeServer(ThreadingHTTPServer):
    ranges: list[str | None]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        server: RangeServer = self.server  # type: ignore[assignment]
        if self.path == "/expired":
            self.send_error(403)
            return
        wanted = self.headers.get("Range")
        server.ranges.append(wanted)
        start = int(wanted.removeprefix("bytes=").rstrip("-")) if wanted else 0
        self.send_response(206 if wanted else 200)
        self.send_header("Content-Length", str(len(BODY) - start))
        if wanted:
            self.send_header("Content-Range", f"bytes {start}-{len(BODY) - 1}/{len(BODY)}")
        self.end_headers()
        self.wfile.write(BODY[start:])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def range_server() -> Iterator[RangeServer]:
    server = RangeServer(("127.0.0.1", 0), Handler)
    server.ranges = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_a_partial_part_file_is_completed_not_restarted(range_server: RangeServer, tmp_path: Path) -> None:
    dest = tmp_path / "video.mp4"
    part_path(dest).write_bytes(BODY[:300_000])
    seen: list[tuple[int, int | None]] = []
    async with httpx.AsyncClient() as client:
        url = f"http://127.0.0.1:{range_server.server_address[1]}/video.mp4"
        await download(client, url, dest, lambda done, total: seen.append((done, total)))
    assert range_server.ranges == ["bytes=300000-"]
    assert dest.read_bytes() == BODY
    assert not part_path(dest).exists()
    assert seen[0] == (300_000, len(BODY)) and seen[-1] == (len(BODY), len(BODY))


async def test_an_expired_link_says_so_and_keeps_the_part(range_server: RangeServer, tmp_path: Path) -> None:
    dest = tmp_path / "video.mp4"
    part_path(dest).write_bytes(b"abc")
    async with httpx.AsyncClient() as client:
        with pytest.raises(LinkExpired):
            await download(client, f"http://127.0.0.1:{range_server.server_address[1]}/expired", dest)
    assert part_path(dest).read_bytes() == b"abc" and not dest.exists()


@pytest.mark.parametrize(("title", "expected"), [
    ("My video", "My video"),
    ("../../etc/passwd", "etc passwd"),
    ("a\\b/c:d*e?f\"g<h>i|j", "a b c d e f g h i j"),
    ("tab\there\nnew\x00line\x7f", "tab here new line"),
    ("CON", "video CON"),
    ("nul.txt", "video nul.txt"),
    ("  ...dots and spaces...  ", "dots and spaces"),
    ("", "video"),
    ("///", "video"),
    ("Grüße, 東京 — café ☕", "Grüße, 東京 — café ☕"),
    ("x" * 500, "x" * 120),
])
def test_file_names_are_safe_from_any_title(title: str, expected: str) -> None:
    assert safe_filename(title) == expected


def test_a_taken_name_gets_a_number(tmp_path: Path) -> None:
    (tmp_path / "Clip.mp4").write_bytes(b"")
    part_path(tmp_path / "Clip (2).mp4").write_bytes(b"")
    assert unique_path(tmp_path, "Clip", ".mp4") == tmp_path / "Clip (3).mp4"
