"""Every v3 operation the sandbox serves answers, in success and in error, as HeyGen's schemas say."""

from __future__ import annotations

import httpx
from sandbox_helpers import ContractRecorder, eventually
from test_v3_flow import make_avatar, upload, video_done

IMPLEMENTED = {
    "AssetCreate",
    "AvatarList",
    "AvatarCreate",
    "AvatarLooksList",
    "AvatarLooksGet",
    "AvatarLooksUpdate",
    "AvatarLooksDelete",
    "AvatarGet",
    "AvatarDelete",
    "AvatarConsentCreate",
    "UserMeGet",
    "VideoList",
    "VideoCreate",
    "VideoStatusesList",
    "VideoGet",
    "VideoDelete",
    "VoiceList",
    "VoiceSpeechCreate",
}


async def test_every_implemented_operation_matches_its_response_schema(
    client: httpx.AsyncClient, recorder: ContractRecorder
) -> None:
    created = await make_avatar(client)  # AssetCreate, AvatarCreate
    group_id, look_id = created["avatar_group"]["id"], created["avatar_item"]["id"]
    await client.post("/v3/avatars", json={"type": "prompt", "name": "P", "prompt": "p", "avatar_group_id": group_id})
    for path in (
        "/v3/avatars",
        "/v3/avatars/looks",
        "/v3/voices",
        "/v3/users/me",
        "/v3/videos",
        f"/v3/avatars/{group_id}",
        f"/v3/avatars/looks/{look_id}",
    ):
        assert (await client.get(path)).status_code == 200
    await client.patch(f"/v3/avatars/looks/{look_id}", json={"name": "renamed"})
    await client.post("/v3/voices/speech", json={"text": "Hello there.", "voice_id": "demo-en-us-ava"})
    await client.post(f"/v3/avatars/{group_id}/consent", json={})
    await eventually(
        lambda: client.get(f"/v3/avatars/looks/{look_id}"),
        lambda response: response.json()["data"]["status"] == "completed",
    )
    video_id = (
        await client.post(
            "/v3/videos",
            json={"type": "avatar", "avatar_id": look_id, "script": "Hi there.", "voice_id": "demo-en-us-ava"},
        )
    ).json()["data"]["video_id"]
    await client.get("/v3/videos/statuses", params={"video_ids": f"{video_id},unknown"})
    await video_done(client, video_id)
    await client.get("/v3/videos")
    await client.delete(f"/v3/videos/{video_id}")
    await client.delete(f"/v3/avatars/looks/{look_id}")
    await client.delete(f"/v3/avatars/{group_id}")
    # and the errors, each validated by the recorder against the error envelope and the response schema
    await client.get(f"/v3/videos/{video_id}")
    await client.delete(f"/v3/videos/{video_id}")
    await client.get(f"/v3/avatars/{group_id}")
    await client.delete(f"/v3/avatars/{group_id}")
    await client.get(f"/v3/avatars/looks/{look_id}")
    await client.patch(f"/v3/avatars/looks/{look_id}", json={"name": "x"})
    await client.delete(f"/v3/avatars/looks/{look_id}")
    await client.post(f"/v3/avatars/{group_id}/consent", json={})
    await client.post("/v3/avatars", json={"type": "photo"})
    await client.post("/v3/videos", json={"type": "avatar", "avatar_id": "nope"})
    await client.post("/v3/assets", files={"file": ("x.bin", b"???")})
    await client.get("/v3/avatars", params={"limit": 0})
    await client.get("/v3/avatars/looks", params={"ownership": "x"})
    await client.get("/v3/voices", params={"limit": 101})
    await client.post("/v3/voices/speech", json={"text": "Hi", "voice_id": "demo-ja-yui"})
    await client.get("/v3/videos", params={"limit": "x"})
    await client.get("/v3/videos/statuses", params={"video_ids": ",".join(["v"] * 101)})
    await client.get("/v3/users/me", headers={"X-Api-Key": "wrong"})
    await upload(client)

    operations = {operation for operation, _ in recorder.seen}
    assert operations == IMPLEMENTED
    errors = {operation for operation, status in recorder.seen if status >= 400}
    assert errors == IMPLEMENTED
