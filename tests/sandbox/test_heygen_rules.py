"""The rules HeyGen enforces today, refused by the sandbox as HeyGen refuses them: voice speed and pitch, motion
fields only for photo avatars, prompt length, looks that keep the person, Idempotency-Key, lenient legacy bodies."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator

import av
import httpx
import pytest
from sandbox_helpers import eventually, sandbox_state, spoken
from starlette.applications import Starlette
from test_v2_flow import SCRIPT, legacy_done, v2
from test_v3_flow import make_avatar, upload, video_done

from heygen_studio.sandbox.media import derive_images
from heygen_studio.sandbox.state import IDEMPOTENCY_SECONDS


async def private_look(client: httpx.AsyncClient) -> str:
    return (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0]["id"]


async def public_look(client: httpx.AsyncClient, avatar_type: str) -> dict:
    looks = (await client.get("/v3/avatars/looks", params={"ownership": "public", "avatar_type": avatar_type})).json()
    assert looks["data"] and all(look["avatar_type"] == avatar_type for look in looks["data"])
    return looks["data"][0]


def video_body(look_id: str, **fields: object) -> dict:
    return {"type": "avatar", "avatar_id": look_id, "script": SCRIPT, "voice_id": "demo-en-us-ava", **fields}


def refused(response: httpx.Response, status: int, code: str, param: str) -> bool:
    error = response.json()["error"]
    return response.status_code == status and error["code"] == code and error["param"] == param


# --- voice speed and pitch -------------------------------------------------------------------------


async def test_video_voice_speed_is_0_5_to_1_5_and_pitch_minus_50_to_50(client: httpx.AsyncClient) -> None:
    look_id = await private_look(client)
    for settings, param in (
        ({"speed": 1.6}, "voice_settings.speed"),
        ({"speed": 0.4}, "voice_settings.speed"),
        ({"speed": 2.0}, "voice_settings.speed"),
        ({"pitch": 51}, "voice_settings.pitch"),
        ({"pitch": -50.5}, "voice_settings.pitch"),
    ):
        response = await client.post("/v3/videos", json=video_body(look_id, voice_settings=settings))
        assert refused(response, 400, "invalid_parameter", param), (settings, response.text)
    studio = {
        "type": "studio",
        "scenes": [
            {
                "type": "avatar_video",
                "input": {
                    "type": "avatar",
                    "avatar_id": look_id,
                    "script": SCRIPT,
                    "voice_id": "demo-en-us-ava",
                    "voice_settings": {"speed": speed},
                },
            }
            for speed in (1.0, 1.8)
        ],
    }
    assert refused(
        await client.post("/v3/videos", json=studio), 400, "invalid_parameter", "scenes[1].input.voice_settings.speed"
    )
    edge = await client.post("/v3/videos", json=video_body(look_id, voice_settings={"speed": 1.5, "pitch": -50}))
    assert edge.status_code == 200, edge.text
    done = await video_done(client, edge.json()["data"]["video_id"])
    assert abs(done["duration"] - spoken(SCRIPT, speed=1.5)) < 0.01


# --- motion fields are for photo avatars ---------------------------------------------------------------


async def test_public_presets_include_a_studio_avatar_and_a_digital_twin(client: httpx.AsyncClient) -> None:
    studio = await public_look(client, "studio_avatar")
    twin = await public_look(client, "digital_twin")
    photo = await public_look(client, "photo_avatar")
    assert "avatar_v" in twin["supported_api_engines"] and "avatar_v" not in photo["supported_api_engines"]
    assert studio["preview_image_url"] and twin["group_id"] != studio["group_id"]


async def test_motion_prompt_and_expressiveness_only_where_heygen_takes_them(client: httpx.AsyncClient) -> None:
    studio = (await public_look(client, "studio_avatar"))["id"]
    twin = (await public_look(client, "digital_twin"))["id"]
    photo = await private_look(client)
    for body, param in (
        (video_body(studio, motion_prompt="waves"), "motion_prompt"),  # video avatar on the default Avatar IV
        (video_body(twin, motion_prompt="waves", engine={"type": "avatar_iv"}), "motion_prompt"),
        (video_body(studio, expressiveness="high"), "expressiveness"),
        (video_body(twin, expressiveness="low", engine={"type": "avatar_v"}), "expressiveness"),  # never on Avatar V
        (video_body(photo, engine={"type": "avatar_v"}), "engine.type"),  # not one of the look's engines
        (video_body(photo, motion_prompt="waves", engine={"type": "avatar_iii"}), "motion_prompt"),  # not on III
        (video_body(photo, expressiveness="low", engine={"type": "avatar_iii"}), "expressiveness"),
        (
            {
                "type": "studio",
                "scenes": [
                    {
                        "type": "avatar_video",
                        "input": {
                            "type": "avatar",
                            "avatar_id": studio,
                            "script": SCRIPT,
                            "voice_id": "demo-en-us-ava",
                            "motion_prompt": "nods",
                        },
                    }
                ],
            },
            "scenes[0].input.motion_prompt",
        ),
    ):
        response = await client.post("/v3/videos", json=body)
        assert refused(response, 400, "invalid_parameter", param), (body, response.text)
    for body in (
        video_body(photo, motion_prompt="waves", expressiveness="high"),
        video_body(photo, engine={"type": "avatar_iii"}),
        video_body(twin, motion_prompt="waves", engine={"type": "avatar_v"}),
        video_body(studio),
    ):
        accepted = await client.post("/v3/videos", json=body)
        assert accepted.status_code == 200, (body, accepted.text)


# --- prompts and looks that keep the person --------------------------------------------------------------


async def test_a_prompt_over_1000_characters_is_refused(client: httpx.AsyncClient) -> None:
    group_id = (await client.get("/v3/avatars", params={"ownership": "private"})).json()["data"][0]["id"]
    body = {"type": "prompt", "name": "Long", "avatar_group_id": group_id}
    assert refused(
        await client.post("/v3/avatars", json={**body, "prompt": "x" * 1001}), 400, "invalid_parameter", "prompt"
    )
    assert (await client.post("/v3/avatars", json={**body, "prompt": "x" * 1000})).status_code == 200
    legacy = await client.post(
        "/v2/photo_avatar/photo/generate",
        json={
            "name": "Ann",
            "age": "Senior",
            "gender": "Woman",
            "ethnicity": "Unspecified",
            "orientation": "square",
            "pose": "close_up",
            "style": "Realistic",
            "appearance": "y" * 1001,
        },
    )
    assert legacy.status_code == 400 and legacy.json()["error"]["code"] == "invalid_parameter"


async def look_image(client: httpx.AsyncClient, look_id: str) -> bytes:
    done = await eventually(
        lambda: client.get(f"/v3/avatars/looks/{look_id}"),
        lambda response: response.json()["data"]["status"] == "completed",
    )
    return (await client.get(done.json()["data"]["preview_image_url"])).content


async def test_a_look_from_a_prompt_keeps_the_person_only_with_avatar_id(client: httpx.AsyncClient) -> None:
    eileen = (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][-1]
    person = await look_image(client, eileen["id"])
    prompt = "in a sunny garden"
    kept = await client.post(
        "/v3/avatars", json={"type": "prompt", "name": "Garden", "prompt": prompt, "avatar_id": eileen["id"]}
    )
    assert kept.json()["data"]["avatar_group"]["id"] == eileen["group_id"]
    assert await look_image(client, kept.json()["data"]["avatar_item"]["id"]) == derive_images(person, prompt, 1)[0]

    stranger = await client.post(
        "/v3/avatars",
        json={"type": "prompt", "name": "Garden", "prompt": prompt, "avatar_group_id": eileen["group_id"]},
    )
    image = await look_image(client, stranger.json()["data"]["avatar_item"]["id"])
    assert image == derive_images(None, prompt, 1)[0] and image != derive_images(person, prompt, 1)[0]


# --- Idempotency-Key ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["", "has space", "ümlaut", "slash/key", "k" * 256])
async def test_an_idempotency_key_outside_heygens_characters_is_refused(
    client: httpx.AsyncClient, app: Starlette, key: str
) -> None:
    response = await client.post(
        "/v3/videos", json=video_body(await private_look(client)), headers={"Idempotency-Key": key.encode()}
    )
    assert refused(response, 400, "invalid_parameter", "Idempotency-Key")
    assert sandbox_state(app).counts["videos_created"] == 0


async def test_a_key_is_replayed_for_24_hours_then_forgotten(client: httpx.AsyncClient, app: Starlette) -> None:
    state = sandbox_state(app)
    body, headers = video_body(await private_look(client)), {"Idempotency-Key": "render:2026-12-01.a_1-b"}
    first = (await client.post("/v3/videos", json=body, headers=headers)).json()
    started = state.now()
    state.now = lambda: started + IDEMPOTENCY_SECONDS - 60  # type: ignore[method-assign]
    again = await client.post("/v3/videos", json={**body, "script": "A different body."}, headers=headers)
    assert again.json() == first and state.counts["videos_created"] == 1
    state.now = lambda: started + IDEMPOTENCY_SECONDS + 1  # type: ignore[method-assign]
    later = (await client.post("/v3/videos", json=body, headers=headers)).json()
    assert later["data"]["video_id"] != first["data"]["video_id"] and state.counts["videos_created"] == 2


async def test_assets_avatars_and_consent_honour_the_key(client: httpx.AsyncClient, app: Starlette) -> None:
    state = sandbox_state(app)
    files = {
        "file": (
            "a.png",
            (
                await client.get(
                    (await client.get("/v3/avatars/looks", params={"ownership": "private"})).json()["data"][0][
                        "preview_image_url"
                    ]
                )
            ).content,
            "image/png",
        )
    }
    assets = [await client.post("/v3/assets", files=files, headers={"Idempotency-Key": "asset-1"}) for _ in range(2)]
    assert assets[0].json() == assets[1].json() and state.counts["uploads"] == 1
    body = {"type": "photo", "name": "Twice", "file": {"type": "asset_id", "asset_id": await upload(client)}}
    avatars = [await client.post("/v3/avatars", json=body, headers={"Idempotency-Key": "avatar-1"}) for _ in range(2)]
    assert avatars[0].json()["data"]["avatar_group"]["id"] == avatars[1].json()["data"]["avatar_group"]["id"]
    group_id = (await make_avatar(client))["avatar_group"]["id"]
    consents = [
        await client.post(f"/v3/avatars/{group_id}/consent", json={}, headers={"Idempotency-Key": "c-1"})
        for _ in range(2)
    ]
    assert consents[0].json() == consents[1].json()
    assert state.counts["idempotent_replays"] == 3


async def test_a_repeat_while_the_first_is_still_in_progress_is_409(client: httpx.AsyncClient, app: Starlette) -> None:
    state = sandbox_state(app)
    raw = json.dumps(video_body(await private_look(client))).encode()
    arrived = asyncio.Event()

    async def slow_body() -> AsyncIterator[bytes]:
        yield raw[:20]
        await arrived.wait()
        yield raw[20:]

    headers = {"Idempotency-Key": "slow-1", "Content-Type": "application/json"}
    first = asyncio.create_task(client.post("/v3/videos", content=slow_body(), headers=headers))
    await eventually(lambda: asyncio.sleep(0.01), lambda _: bool(state.idempotent_pending))
    repeat = await client.post("/v3/videos", content=raw, headers=headers)
    assert refused(repeat, 409, "request_in_progress", "Idempotency-Key")
    arrived.set()
    assert (await first).status_code == 200
    replay = await client.post("/v3/videos", content=raw, headers=headers)
    assert replay.json() == (await first).json() and state.counts["videos_created"] == 1


# --- legacy bodies -----------------------------------------------------------------------------------


async def test_the_talking_photo_notes_own_body_with_numbers_as_strings_renders(client: httpx.AsyncClient) -> None:
    talking_photo_id = (await client.get("/v2/avatars")).json()["data"]["talking_photos"][0]["talking_photo_id"]
    video_id = (
        await v2(
            client,
            "/v2/video/generate",
            {
                "video_inputs": [
                    {
                        "character": {
                            "type": "talking_photo",
                            "talking_photo_id": talking_photo_id,
                            "scale": "1",
                            "talking_style": "expressive",
                        },
                        "voice": {
                            "type": "text",
                            "input_text": SCRIPT,
                            "voice_id": "demo-en-us-ava",
                            "speed": "1",
                            "pitch": "0",
                        },
                        "background": {"type": "color", "value": "#FAFAFA"},
                    }
                ],
                "dimension": {"width": "1920", "height": "1080"},
            },
        )
    )["video_id"]
    done = await legacy_done(client, video_id)
    assert abs(done["duration"] - spoken(SCRIPT)) < 0.01
    bad = await client.post(
        "/v2/video/generate",
        json={
            "video_inputs": [
                {
                    "character": {"type": "talking_photo", "talking_photo_id": talking_photo_id},
                    "voice": {"type": "text", "input_text": SCRIPT, "voice_id": "demo-en-us-ava", "speed": "fast"},
                }
            ]
        },
    )
    assert bad.status_code == 400 and "speed" in bad.json()["error"]["message"]
    for voice, field in (({"speed": "1.6"}, "speed"), ({"pitch": "51"}, "pitch"), ({"pitch": -60}, "pitch")):
        outside = await client.post(
            "/v2/video/generate",
            json={
                "video_inputs": [
                    {
                        "character": {"type": "talking_photo", "talking_photo_id": talking_photo_id},
                        "voice": {"type": "text", "input_text": SCRIPT, "voice_id": "demo-en-us-ava", **voice},
                    }
                ]
            },
        )
        assert outside.status_code == 400 and f"{field} must be between" in outside.json()["error"]["message"]


async def test_legacy_caption_url_is_an_ass_subtitle_file(client: httpx.AsyncClient) -> None:
    look_id = await private_look(client)
    video_id = (
        await v2(
            client,
            "/v2/video/av4/generate",
            {"image_key": look_id, "voice_id": "demo-en-us-ava", "script": SCRIPT, "caption": True},
        )
    )["video_id"]
    done = await legacy_done(client, video_id)
    assert done["caption_url"].split("?")[0].endswith(".ass")
    text = (await client.get(done["caption_url"])).text
    assert text.startswith("[Script Info]") and "[Events]" in text
    with av.open(io.BytesIO(text.encode()), format="ass") as container:  # ffmpeg reads it as ASS
        events = [bytes(packet).decode() for packet in container.demux(container.streams.subtitles[0]) if packet.size]
    assert events and SCRIPT.split()[0] in events[0]


async def test_av4_takes_both_the_documented_flat_form_and_scenes(client: httpx.AsyncClient) -> None:
    look_id = await private_look(client)
    flat = await v2(
        client,
        "/v2/video/av4/generate",
        {
            "image_key": look_id,
            "video_title": "Flat",
            "script": SCRIPT,
            "voice_id": "demo-en-us-ava",
            "video_orientation": "portrait",
            "fit": "cover",
            "custom_motion_prompt": "nods",
            "enhance_custom_motion_prompt": False,
        },
    )
    scenes = await v2(
        client,
        "/v2/video/av4/generate",
        {
            "image_key": look_id,
            "video_title": "Scenes",
            "voice_id": "demo-en-us-ava",
            "dimension": {"width": "720", "height": "1280"},
            "scenes": [{"script": SCRIPT}, {"script": SCRIPT}],
        },
    )
    first, second = await legacy_done(client, flat["video_id"]), await legacy_done(client, scenes["video_id"])
    assert abs(second["duration"] - 2 * first["duration"]) < 0.02
