"""The sandbox's media links answer Range requests like S3/CloudFront: 206 with Content-Range, 416 past the end."""

from __future__ import annotations

import httpx
import pytest
from sandbox_helpers import eventually


@pytest.fixture
async def finished(client: httpx.AsyncClient) -> httpx.Response:
    """A completed video's status (its video, thumbnail and caption links)."""
    look_id = (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]
    submitted = await client.post(
        "/v3/videos",
        json={
            "type": "avatar",
            "avatar_id": look_id,
            "script": "A short clip to fetch in pieces.",
            "voice_id": "demo-en-us-ava",
            "caption": {"file_format": "srt"},
        },
    )
    video_id = submitted.json()["data"]["video_id"]
    return await eventually(
        lambda: client.get(f"/v3/videos/{video_id}"), lambda response: response.json()["data"]["status"] == "completed"
    )


@pytest.mark.parametrize("link", ["video_url", "thumbnail_url", "subtitle_url"])
async def test_every_media_link_serves_any_part_of_itself(
    client: httpx.AsyncClient, finished: httpx.Response, link: str
) -> None:
    url = finished.json()["data"][link]
    whole = await client.get(url)
    size = len(whole.content)
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes" and size > 20

    for header, first, last in [
        (f"bytes={size - 10}-", size - 10, size - 1),
        ("bytes=3-7", 3, 7),
        ("bytes=-4", size - 4, size - 1),
        (f"bytes=5-{size * 2}", 5, size - 1),
    ]:
        part = await client.get(url, headers={"Range": header})
        assert part.status_code == 206, header
        assert part.headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert part.content == whole.content[first : last + 1]
        assert int(part.headers["content-length"]) == last - first + 1

    past_end = await client.get(url, headers={"Range": f"bytes={size}-"})
    assert past_end.status_code == 416 and past_end.headers["content-range"] == f"bytes */{size}"


@pytest.mark.parametrize("header", ["bytes=9-3", "items=0-5", "bytes=0-1,4-5", "bytes=-", "nonsense"])
async def test_a_range_the_server_ignores_gets_the_whole_file(client: httpx.AsyncClient, header: str) -> None:
    url = "/_media/voices/demo-en-us-ava.wav"
    whole = await client.get(url)
    answer = await client.get(url, headers={"Range": header})
    assert answer.status_code == 200 and answer.content == whole.content
