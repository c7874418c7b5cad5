"""Errors as each generation sends them: bad keys, unknown ids, bad input, size and type limits."""

from __future__ import annotations

import httpx
import pytest
from sandbox_helpers import eventually, photo_bytes
from test_v3_flow import upload

from heygen_studio.sandbox.errors import ApiError
from heygen_studio.sandbox.validation import check_body


async def test_bad_keys_are_refused_in_each_generations_shape(client: httpx.AsyncClient) -> None:
    v3 = await client.get("/v3/users/me", headers={"X-Api-Key": "wrong"})
    assert v3.status_code == 401 and v3.json()["error"]["code"] == "unauthorized"
    legacy = await client.get("/v2/avatars", headers={"X-Api-Key": "wrong"})
    assert legacy.status_code == 401 and legacy.json()["code"] == 40009
    client.headers.pop("X-Api-Key")
    missing = await client.get("/v1/video.list")
    assert missing.status_code == 401 and missing.json()["code"] == 400112
    assert missing.headers["X-Request-Id"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/v3/videos/nope", "video_not_found"),
        ("/v3/avatars/nope", "avatar_not_found"),
        ("/v3/avatars/looks/nope", "avatar_not_found"),
        ("/v2/photo_avatar/nope", "avatar_not_found"),
        ("/v2/photo_avatar/generation/nope", "not_found"),
    ],
)
async def test_unknown_ids_are_404_with_the_right_code(client: httpx.AsyncClient, path: str, code: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404 and response.json()["error"]["code"] == code


async def test_legacy_missing_fields_and_unknown_video(client: httpx.AsyncClient) -> None:
    status = await client.get("/v1/video_status.get")
    assert status.status_code == 400 and status.json()["code"] == 40001
    unknown = await client.get("/v1/video_status.get", params={"video_id": "nope"})
    assert unknown.status_code == 404 and unknown.json() == {"code": 40104, "message": "Video nope not found"}
    create = await client.post("/v2/photo_avatar/avatar_group/create", json={"name": "x"})
    assert create.status_code == 400 and create.json() == {
        "error": {"code": "invalid_parameter", "message": "Missing required parameter: image_key"},
        "data": None,
    }


PHOTO = {
    "name": "A",
    "age": "Senior",
    "gender": "Man",
    "ethnicity": "White",
    "orientation": "square",
    "pose": "close_up",
    "style": "Noir",
    "appearance": "Grey beard",
}


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"age": "Teen"}, "age"),
        ({"gender": "Other"}, "gender"),
        ({"ethnicity": "Martian"}, "ethnicity"),
        ({"orientation": "round"}, "orientation"),
        ({"pose": "sitting"}, "pose"),
        ({"style": "Anime"}, "style"),
        ({"appearance": "x" * 1001}, "appearance"),
        ({"appearance": ""}, "appearance"),
    ],
)
async def test_photo_generation_checks_every_field(client: httpx.AsyncClient, change: dict, param: str) -> None:
    response = await client.post("/v2/photo_avatar/photo/generate", json={**PHOTO, **change})
    assert response.status_code == 400 and param in response.json()["error"]["message"]


async def test_scripts_have_each_generations_length_limit(client: httpx.AsyncClient) -> None:
    look_id = (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]
    v3 = await client.post(
        "/v3/videos", json={"type": "avatar", "avatar_id": look_id, "script": "a" * 5001, "voice_id": "demo-en-us-ava"}
    )
    assert v3.status_code == 400 and v3.json()["error"]["param"] == "script"
    legacy = await client.post(
        "/v2/video/av4/generate",
        json={
            "image_key": look_id,
            "voice_id": "demo-en-us-ava",
            "scenes": [{"script": "a" * 1501, "emotion": "Excited"}],
        },
    )
    assert legacy.status_code == 400
    bad_emotion = await client.post(
        "/v2/video/av4/generate",
        json={
            "image_key": look_id,
            "voice_id": "demo-en-us-ava",
            "scenes": [{"script": "Hi there", "emotion": "Angry"}],
        },
    )
    assert bad_emotion.status_code == 400 and "emotion" in bad_emotion.json()["error"]["message"]
    voice = await client.post(
        "/v3/videos", json={"type": "avatar", "avatar_id": look_id, "script": "Hi there", "voice_id": "nobody"}
    )
    assert voice.status_code == 404 and voice.json()["error"]["code"] == "voice_not_found"


async def test_images_are_judged_by_content_and_size(client: httpx.AsyncClient) -> None:
    text = await client.post("/v1/asset", content=b"not an image at all", headers={"Content-Type": "image/png"})
    assert text.status_code == 400 and text.json()["code"] == 400175
    huge = photo_bytes()[:100] + b"\0" * (10 * 1024 * 1024)
    too_big = await client.post("/v1/asset", content=huge, headers={"Content-Type": "image/png"})
    assert too_big.status_code == 413
    v3_big = await client.post("/v3/assets", files={"file": ("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (32 << 20))})
    assert v3_big.status_code == 413 and v3_big.json()["error"]["code"] == "payload_too_large"
    wav = await client.post(
        "/v3/avatars",
        json={
            "type": "photo",
            "name": "x",
            "file": {"type": "base64", "media_type": "image/png", "data": "UklGRgAAAABXQVZF"},
        },
    )
    assert wav.status_code == 400 and wav.json()["error"]["param"] == "file.data"


async def test_a_too_small_photo_makes_a_failed_avatar(client: httpx.AsyncClient) -> None:
    created = await client.post(
        "/v3/avatars",
        json={
            "type": "photo",
            "name": "Cat",
            "file": {"type": "asset_id", "asset_id": await upload(client, "chelsea.png")},
        },
    )
    look_id = created.json()["data"]["avatar_item"]["id"]
    failed = await eventually(
        lambda: client.get(f"/v3/avatars/looks/{look_id}"),
        lambda response: response.json()["data"]["status"] != "processing",
    )
    assert failed.json()["data"]["status"] == "failed" and "512" in failed.json()["data"]["error"]["message"]


@pytest.mark.parametrize(
    ("operation", "body", "param"),
    [
        ("VideoCreate", {"type": "avatar"}, "avatar_id"),
        ("VideoCreate", {"type": "avatar", "avatar_id": "a", "aspect_ratio": "2:1"}, "aspect_ratio"),
        ("VideoCreate", {"type": "avatar", "avatar_id": "a", "expressiveness": "wild"}, "expressiveness"),
        ("VideoCreate", {"type": "movie"}, "type"),
        (
            "VideoCreate",
            {"type": "studio", "scenes": [{"type": "avatar_video", "input": {"type": "avatar"}}]},
            "scenes[0].input.avatar_id",
        ),
        ("AvatarCreate", {"type": "photo", "name": "x"}, "file"),
        ("AvatarCreate", {"type": "photo", "name": 3, "file": {"type": "asset_id", "asset_id": "a"}}, "name"),
        ("AvatarCreate", {"type": "prompt", "name": "x"}, "prompt"),
        ("AvatarLooksUpdate", {"name": 5}, "name"),
    ],
)
async def test_the_sandbox_rejects_what_the_contract_rejects(
    client: httpx.AsyncClient, operation: str, body: dict, param: str
) -> None:
    with pytest.raises(ApiError):
        check_body(operation, body)
    path = {"VideoCreate": "/v3/videos", "AvatarCreate": "/v3/avatars"}.get(operation)
    if path is None:
        look_id = (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]
        response = await client.patch(f"/v3/avatars/looks/{look_id}", json=body)
    else:
        response = await client.post(path, json=body)
    assert response.status_code == 400
    assert response.json()["error"] | {"doc_url": None} == {
        "code": "invalid_parameter",
        "param": param,
        "message": response.json()["error"]["message"],
        "doc_url": None,
    }


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/v3/avatars?ownership=mine", "ownership"),
        ("/v3/avatars?limit=51", "limit"),
        ("/v3/voices?limit=abc", "limit"),
        ("/v3/avatars/looks?avatar_type=robot", "avatar_type"),
    ],
)
async def test_query_parameters_are_checked(client: httpx.AsyncClient, path: str, param: str) -> None:
    response = await client.get(path)
    assert response.status_code == 400 and response.json()["error"]["param"] == param
