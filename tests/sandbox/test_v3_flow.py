"""The v3 workflow end to end: upload, photo avatar, looks, video, completed MP4 with captions."""

from __future__ import annotations

import io
from decimal import Decimal

import av
import httpx
from sandbox_helpers import eventually, photo_bytes, spoken, wallet_balance

SCRIPT = "Hello there. This is the sandbox speaking, clearly and slowly, for a short test video."


def mp4_duration(data: bytes) -> float:
    assert data[4:8] == b"ftyp"
    with av.open(io.BytesIO(data)) as container:
        return container.duration / av.time_base


async def upload(client: httpx.AsyncClient, name: str = "astronaut.png") -> str:
    response = await client.post("/v3/assets", files={"file": (name, photo_bytes(name), "image/png")})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["mime_type"] == "image/png"
    return response.json()["data"]["asset_id"]


async def make_avatar(client: httpx.AsyncClient, name: str = "Me", group_id: str | None = None) -> dict:
    body = {"type": "photo", "name": name, "file": {"type": "asset_id", "asset_id": await upload(client)}}
    if group_id:
        body["avatar_group_id"] = group_id
    response = await client.post("/v3/avatars", json=body)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def video_done(client: httpx.AsyncClient, video_id: str) -> dict:
    async def fetch() -> dict:
        return (await client.get(f"/v3/videos/{video_id}")).json()["data"]

    return await eventually(fetch, lambda data: data["status"] == "completed")


async def test_photo_avatar_to_downloaded_video(client: httpx.AsyncClient) -> None:
    created = await make_avatar(client)
    group, look = created["avatar_group"], created["avatar_item"]
    assert look["status"] == "processing" and look["group_id"] == group["id"]
    await eventually(
        lambda: client.get(f"/v3/avatars/looks/{look['id']}"),
        lambda response: response.json()["data"]["status"] == "completed",
    )
    second = await make_avatar(client, "Me, outdoors", group["id"])
    assert second["avatar_group"]["id"] == group["id"]
    looks = (await client.get("/v3/avatars/looks", params={"group_id": group["id"]})).json()["data"]
    assert {item["id"] for item in looks} == {look["id"], second["avatar_item"]["id"]}
    renamed = await client.patch(f"/v3/avatars/looks/{look['id']}", json={"name": "Studio"})
    assert renamed.json()["data"]["name"] == "Studio"

    balance_before = await wallet_balance(client)
    submitted = await client.post(
        "/v3/videos",
        json={
            "type": "avatar",
            "avatar_id": look["id"],
            "script": SCRIPT,
            "voice_id": "demo-en-us-ava",
            "title": "First video",
            "aspect_ratio": "16:9",
            "resolution": "720p",
            "caption": {"file_format": "srt"},
        },
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["data"]["status"] == "waiting"
    video_id = submitted.json()["data"]["video_id"]
    pending = (await client.get(f"/v3/videos/{video_id}")).json()["data"]
    assert pending["video_url"] is None and pending["duration"] is None

    done = await video_done(client, video_id)
    expected = spoken(SCRIPT)
    assert abs(done["duration"] - expected) < 0.01
    video = await client.get(done["video_url"])
    assert video.status_code == 200 and video.headers["content-type"] == "video/mp4"
    assert abs(mp4_duration(video.content) - expected) < 0.5
    thumbnail = await client.get(done["thumbnail_url"])
    assert thumbnail.content.startswith(b"\xff\xd8\xff")
    captions = (await client.get(done["subtitle_url"])).text
    assert captions.startswith("1\n00:00:00,000 --> ") and "sandbox speaking" in captions
    # a photo avatar on Avatar IV at 720p: $0.05 a second of the rendered video, taken once it is done
    assert balance_before - await wallet_balance(client) == Decimal(repr(done["duration"])) * Decimal("0.05")


async def test_studio_video_of_two_scenes_lasts_both_scripts(client: httpx.AsyncClient) -> None:
    look_id = (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]
    scripts = ["One short scene to start with.", "And a second scene, spoken half again as fast as the first."]
    scenes = [
        {
            "type": "avatar_video",
            "input": {
                "type": "avatar",
                "avatar_id": look_id,
                "script": script,
                "voice_id": "demo-fr-louis",
                "voice_settings": {"speed": speed},
            },
        }
        for script, speed in zip(scripts, (1.0, 1.5), strict=True)
    ]
    submitted = await client.post(
        "/v3/videos", json={"type": "studio", "scenes": scenes, "title": "Two scenes", "aspect_ratio": "9:16"}
    )
    done = await video_done(client, submitted.json()["data"]["video_id"])
    expected = spoken(scripts[0], "demo-fr-louis") + spoken(scripts[1], "demo-fr-louis", 1.5)
    assert abs(done["duration"] - expected) < 0.01
    listed = (await client.get("/v3/videos", params={"title": "two SCENES"})).json()["data"]
    assert [item["id"] for item in listed] == [done["id"]]


async def test_prompt_avatar_and_public_presets(client: httpx.AsyncClient) -> None:
    public = (await client.get("/v3/avatars", params={"ownership": "public"})).json()["data"]
    assert len(public) >= 3 and all(group["status"] is None for group in public)
    eileen = (await client.get("/v3/avatars", params={"ownership": "private"})).json()["data"][0]
    created = await client.post(
        "/v3/avatars",
        json={
            "type": "prompt",
            "name": "Eileen in a garden",
            "prompt": "in a sunny garden",
            "avatar_group_id": eileen["id"],
        },
    )
    look = created.json()["data"]["avatar_item"]
    done = await eventually(
        lambda: client.get(f"/v3/avatars/looks/{look['id']}"),
        lambda response: response.json()["data"]["status"] == "completed",
    )
    image = await client.get(done.json()["data"]["preview_image_url"])
    assert image.content.startswith(b"\x89PNG")


async def test_voices_filter_and_preview_audio(client: httpx.AsyncClient) -> None:
    voices = (await client.get("/v3/voices")).json()["data"]
    assert len(voices) >= 12 and {voice["gender"] for voice in voices} == {"male", "female"}
    french = (await client.get("/v3/voices", params={"language": "french", "gender": "female"})).json()["data"]
    assert [voice["name"] for voice in french] == ["Camille"]
    audio = await client.get(french[0]["preview_audio_url"])
    assert audio.content[:4] == b"RIFF" and audio.content[8:12] == b"WAVE"
    first = await client.get("/v3/voices", params={"limit": 5})
    assert first.json()["has_more"] is True
    rest = await client.get("/v3/voices", params={"limit": 100, "token": first.json()["next_token"]})
    assert len(rest.json()["data"]) == len(voices) - 5


async def test_deleting_a_look_a_group_and_a_video(client: httpx.AsyncClient) -> None:
    created = await make_avatar(client)
    group_id, look_id = created["avatar_group"]["id"], created["avatar_item"]["id"]
    assert (await client.delete(f"/v3/avatars/looks/{look_id}")).json()["data"] == {"id": look_id}
    assert (await client.get(f"/v3/avatars/looks/{look_id}")).status_code == 404
    assert (await client.delete(f"/v3/avatars/{group_id}")).status_code == 200
    gone = await client.get(f"/v3/avatars/{group_id}")
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "avatar_not_found"
