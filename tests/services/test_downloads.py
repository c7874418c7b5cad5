"""Downloads resume with Range into a .part file (from the sandbox's media links); any title makes a safe file name."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from waiting import until

from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.downloads import DownloadError, LinkExpired, download, part_path, safe_filename, unique_path


@pytest.fixture(scope="module")
def video_url() -> Iterator[str]:
    """The link of a finished MP4 on a loopback sandbox."""
    sandbox = SandboxServer(SandboxConfig(job_seconds=0.05))
    sandbox.start()
    with httpx.Client(base_url=sandbox.url, headers={"X-Api-Key": "sandbox"}) as api:
        look_id = api.get("/v3/avatars/looks", params={"ownership": "private"}).json()["data"][0]["id"]
        video_id = api.post(
            "/v3/videos",
            json={
                "type": "avatar",
                "avatar_id": look_id,
                "voice_id": "demo-en-us-ava",
                "script": "Fetched in two goes.",
            },
        ).json()["data"]["video_id"]

        def status() -> dict[str, str]:
            return api.get(f"/v3/videos/{video_id}").json()["data"]

        asyncio.run(until(lambda: status()["status"] == "completed", "the video renders", within=20, every=0.05))
        url = status()["video_url"]
    yield url
    sandbox.stop()


@pytest.fixture(scope="module")
def whole(video_url: str) -> bytes:
    """The finished MP4's bytes, fetched in one go."""
    return httpx.get(video_url).content


async def test_a_partial_part_file_is_completed_not_restarted(video_url: str, whole: bytes, tmp_path: Path) -> None:
    dest = tmp_path / "video.mp4"
    part_path(dest).write_bytes(whole[:3000])
    asked: list[str | None] = []
    seen: list[tuple[int, int | None]] = []

    async def remember(request: httpx.Request) -> None:
        asked.append(request.headers.get("range"))

    async with httpx.AsyncClient(event_hooks={"request": [remember]}) as client:
        await download(client, video_url, dest, lambda done, total: seen.append((done, total)))
    assert asked == ["bytes=3000-"]
    assert dest.read_bytes() == whole
    assert not part_path(dest).exists()
    assert seen[0] == (3000, len(whole)) and seen[-1] == (len(whole), len(whole))


async def test_a_whole_part_file_is_kept_when_the_server_says_nothing_is_left(
    video_url: str, whole: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "video.mp4"
    part_path(dest).write_bytes(whole)
    async with httpx.AsyncClient() as client:
        await download(client, video_url, dest)  # the sandbox answers 416 to bytes=<size>-
    assert dest.read_bytes() == whole and not part_path(dest).exists()


async def test_a_part_file_longer_than_the_video_is_started_over_not_kept(
    video_url: str, whole: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "video.mp4"
    part_path(dest).write_bytes(whole + b"written by a second process")
    async with httpx.AsyncClient() as client:
        with pytest.raises(DownloadError):
            await download(client, video_url, dest)  # 416 with bytes */<size>: the .part is not the video
        assert not part_path(dest).exists() and not dest.exists()
        await download(client, video_url, dest)
    assert dest.read_bytes() == whole


async def test_a_file_that_appeared_at_the_name_meanwhile_is_kept_and_the_download_goes_beside_it(
    video_url: str, whole: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "Good.jpg"

    async def users_file_appears() -> None:
        if not dest.exists():
            dest.write_bytes(b"the user's own picture")

    async with httpx.AsyncClient() as client:
        placed = await download(client, video_url, dest, before_write=users_file_appears)
    assert dest.read_bytes() == b"the user's own picture"
    assert placed == tmp_path / "Good (2).jpg" and placed.read_bytes() == whole
    assert not part_path(dest).exists()


async def test_an_expired_link_says_so_and_keeps_the_part(video_url: str, tmp_path: Path) -> None:
    dest = tmp_path / "video.mp4"
    part_path(dest).write_bytes(b"abc")
    gone = video_url.rsplit("/", 1)[0] + "/no-such-video.mp4"
    async with httpx.AsyncClient() as client:
        with pytest.raises(LinkExpired):
            await download(client, gone, dest)
    assert part_path(dest).read_bytes() == b"abc" and not dest.exists()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("My video", "My video"),
        ("../../etc/passwd", "etc passwd"),
        ('a\\b/c:d*e?f"g<h>i|j', "a b c d e f g h i j"),
        ("tab\there\nnew\x00line\x7f", "tab here new line"),
        ("CON", "video CON"),
        ("nul.txt", "video nul.txt"),
        ("  ...dots and spaces...  ", "dots and spaces"),
        ("", "video"),
        ("///", "video"),
        ("Grüße, 東京 — café ☕", "Grüße, 東京 — café ☕"),
        ("x" * 500, "x" * 120),
    ],
)
def test_file_names_are_safe_from_any_title(title: str, expected: str) -> None:
    assert safe_filename(title) == expected


def test_a_taken_name_gets_a_number(tmp_path: Path) -> None:
    (tmp_path / "Clip.mp4").write_bytes(b"")
    part_path(tmp_path / "Clip (2).mp4").write_bytes(b"")
    assert unique_path(tmp_path, "Clip", ".mp4") == tmp_path / "Clip (3).mp4"
