"""The legacy workflow end to end, and both generations seeing the same account."""

from __future__ import annotations

import httpx
from sandbox_helpers import ai_photo_request, eventually, photo_bytes, spoken
from test_v3_flow import make_avatar, mp4_duration, video_done

SCRIPT = "Legacy videos still work in the sandbox, scene by scene."


async def upload_v1(client: httpx.AsyncClient, name: str = "astronaut.png") -> str:
    response = await client.post("/v1/asset", content=photo_bytes(name), headers={"Content-Type": "image/png"})
    assert response.status_code == 200 and response.json()["code"] == 100, response.text
    return response.json()["data"]["image_key"]


async def v2(client: httpx.AsyncClient, path: str, body: dict) -> dict:
    response = await client.post(path, json=body)
    assert response.status_code == 200 and response.json()["error"] is None, response.text
    return response.json()["data"]


async def legacy_done(client: httpx.AsyncClient, video_id: str) -> dict:
    async def fetch() -> dict:
        return (await client.get("/v1/video_status.get", params={"video_id": video_id})).json()["data"]

    return await eventually(fetch, lambda data: data["status"] == "completed")


async def test_photo_avatar_group_training_looks_and_avatar_iv_video(client: httpx.AsyncClient) -> None:
    group = await v2(
        client, "/v2/photo_avatar/avatar_group/create", {"name": "Me", "image_key": await upload_v1(client)}
    )
    assert group["id"] == group["group_id"] and group["status"] == "pending"
    added = await v2(
        client,
        "/v2/photo_avatar/avatar_group/add",
        {"group_id": group["id"], "image_keys": [await upload_v1(client)], "name": "Second"},
    )
    assert len(added["photo_avatar_list"]) == 1

    refused = await client.post(
        "/v2/photo_avatar/look/generate",
        json={
            "group_id": group["id"],
            "prompt": "at the beach",
            "orientation": "square",
            "pose": "close_up",
            "style": "Realistic",
        },
    )
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_parameter"

    await v2(client, "/v2/photo_avatar/train", {"group_id": group["id"]})
    statuses = set()

    async def training() -> str:
        status = (await client.get(f"/v2/photo_avatar/train/status/{group['id']}")).json()["data"]["status"]
        statuses.add(status)
        return status

    await eventually(training, lambda status: status == "ready")
    assert "pending" in statuses or "processing" in statuses

    generation_id = (
        await v2(
            client,
            "/v2/photo_avatar/look/generate",
            {
                "group_id": group["id"],
                "prompt": "at the beach",
                "orientation": "square",
                "pose": "close_up",
                "style": "Realistic",
            },
        )
    )["generation_id"]
    generated = await eventually(
        lambda: client.get(f"/v2/photo_avatar/generation/{generation_id}"),
        lambda response: response.json()["data"]["status"] == "success",
    )
    images = generated.json()["data"]
    assert len(images["image_url_list"]) == 4 and len(images["image_key_list"]) == 4
    assert (await client.get(images["image_url_list"][0])).content.startswith(b"\x89PNG")
    await v2(
        client,
        "/v2/photo_avatar/avatar_group/add",
        {
            "group_id": group["id"],
            "name": "Beach",
            "image_keys": images["image_key_list"][:2],
            "generation_id": generation_id,
        },
    )
    looks = (await client.get(f"/v2/avatar_group/{group['id']}/avatars")).json()["data"]["avatar_list"]
    assert len(looks) == 4

    moving = await v2(client, "/v2/photo_avatar/add_motion", {"id": looks[0]["id"]})
    assert (await client.get(f"/v2/photo_avatar/{moving['id']}")).json()["data"]["is_motion"] is True

    await eventually(
        lambda: client.get(f"/v2/photo_avatar/{looks[0]['id']}"),
        lambda response: response.json()["data"]["status"] == "completed",
    )
    video_id = (
        await v2(
            client,
            "/v2/video/av4/generate",
            {
                "image_key": group["id"],
                "video_title": "Legacy",
                "voice_id": "demo-en-gb-george",
                "dimension": {"width": 1280, "height": 720},
                "scenes": [{"script": SCRIPT, "emotion": "Friendly", "talking_style": "stable"}],
            },
        )
    )["video_id"]
    done = await legacy_done(client, video_id)
    assert abs(done["duration"] - spoken(SCRIPT, "demo-en-gb-george")) < 0.01
    mp4 = (await client.get(done["video_url"])).content
    assert abs(mp4_duration(mp4) - spoken(SCRIPT, "demo-en-gb-george")) < 0.5
    assert SCRIPT.split(",")[0].split()[0] in (await client.get(done["caption_url"])).text
    listed = (await client.get("/v1/video.list")).json()["data"]["videos"]
    assert [video["video_id"] for video in listed] == [video_id]


async def test_ai_photos_then_a_group_from_one_of_them(client: httpx.AsyncClient) -> None:
    generation_id = (
        await v2(
            client,
            "/v2/photo_avatar/photo/generate",
            ai_photo_request("Smiling, short dark hair, blue blazer"),
        )
    )["generation_id"]
    generated = await eventually(
        lambda: client.get(f"/v2/photo_avatar/generation/{generation_id}"),
        lambda response: response.json()["data"]["status"] == "success",
    )
    key = generated.json()["data"]["image_key_list"][0]
    group = await v2(
        client,
        "/v2/photo_avatar/avatar_group/create",
        {"name": "Ana", "image_key": key, "generation_id": generation_id},
    )
    names = [item["name"] for item in (await client.get("/v2/avatar_group.list")).json()["data"]["avatar_group_list"]]
    assert "Ana" in names and group["name"] == "Ana"


async def test_classic_video_with_a_public_avatar(client: httpx.AsyncClient) -> None:
    public = (await client.get("/v2/avatars")).json()["data"]["avatars"][0]
    video_id = (
        await v2(
            client,
            "/v2/video/generate",
            {
                "title": "Classic",
                "video_inputs": [
                    {
                        "character": {"type": "avatar", "avatar_id": public["avatar_id"]},
                        "voice": {"type": "text", "input_text": SCRIPT, "voice_id": "demo-es-mateo", "speed": 1.2},
                    }
                ],
            },
        )
    )["video_id"]
    done = await legacy_done(client, video_id)
    assert abs(done["duration"] - spoken(SCRIPT, "demo-es-mateo", 1.2)) < 0.01
    assert (await client.delete("/v1/video.delete", params={"video_id": video_id})).json()["code"] == 100
    gone = await client.get("/v1/video_status.get", params={"video_id": video_id})
    assert gone.status_code == 404 and gone.json()["code"] == 40104


async def test_groups_and_videos_are_shared_between_generations(client: httpx.AsyncClient) -> None:
    legacy = await v2(
        client, "/v2/photo_avatar/avatar_group/create", {"name": "From v2", "image_key": await upload_v1(client)}
    )
    v3_groups = {group["id"]: group for group in (await client.get("/v3/avatars")).json()["data"]}
    assert v3_groups[legacy["id"]]["name"] == "From v2"
    modern = (await make_avatar(client, "From v3"))["avatar_group"]
    legacy_list = (await client.get("/v2/avatar_group.list")).json()["data"]["avatar_group_list"]
    assert {"From v2", "From v3"} <= {group["name"] for group in legacy_list}

    look_id = (await client.get(f"/v2/avatar_group/{modern['id']}/avatars")).json()["data"]["avatar_list"][0]["id"]
    await eventually(
        lambda: client.get(f"/v3/avatars/looks/{look_id}"),
        lambda response: response.json()["data"]["status"] == "completed",
    )
    video_id = (
        await v2(
            client,
            "/v2/video/av4/generate",
            {"image_key": look_id, "voice_id": "demo-en-us-ava", "script": SCRIPT, "video_title": "Shared"},
        )
    )["video_id"]
    await video_done(client, video_id)
    assert (await client.get("/v3/videos", params={"title": "shared"})).json()["data"][0]["id"] == video_id
    talking = (await client.get("/v2/avatars")).json()["data"]["talking_photos"]
    assert look_id in {photo["talking_photo_id"] for photo in talking}


async def test_the_id_avatar_group_create_returns_is_a_talking_photo_id(client: httpx.AsyncClient) -> None:
    talking_photo_id = (
        await v2(
            client, "/v2/photo_avatar/avatar_group/create", {"name": "Talker", "image_key": await upload_v1(client)}
        )
    )["id"]
    photo = await eventually(
        lambda: client.get(f"/v2/photo_avatar/{talking_photo_id}"),
        lambda response: response.json()["data"]["status"] == "completed",
    )
    first_look = photo.json()["data"]
    assert first_look["group_id"] == talking_photo_id and first_look["name"] == "Talker"

    await v2(client, "/v2/photo_avatar/add_sound_effect", {"id": talking_photo_id})
    sounding = (await client.get(f"/v2/photo_avatar/{talking_photo_id}")).json()["data"]
    assert sounding["background_sound_effect"] == {"status": "completed"}
    moving_id = (await v2(client, "/v2/photo_avatar/add_motion", {"id": talking_photo_id}))["id"]
    assert (await client.get(f"/v2/photo_avatar/{moving_id}")).json()["data"]["is_motion"] is True

    video_id = (
        await v2(
            client,
            "/v2/video/av4/generate",
            {"image_key": talking_photo_id, "voice_id": "demo-en-us-ava", "script": SCRIPT},
        )
    )["video_id"]
    assert (await legacy_done(client, video_id))["video_url"]

    deleted = await client.delete(f"/v2/photo_avatar/{talking_photo_id}")
    assert deleted.status_code == 200 and deleted.json()["data"]["id"] == first_look["id"]
    remaining = (await client.get(f"/v2/avatar_group/{talking_photo_id}/avatars")).json()["data"]["avatar_list"]
    assert [look["id"] for look in remaining] == [moving_id]
