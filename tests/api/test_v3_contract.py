"""Every v3 request the client builds and every answer it parses validate against HeyGen's published v3 schemas."""

from __future__ import annotations

import re

import httpx
import pytest
from client_support import validate_v3_request, validate_v3_response

from heygen_studio.api import (
    Age,
    AspectRatio,
    Dimension,
    Emotion,
    Ethnicity,
    Expressiveness,
    Gender,
    Orientation,
    PhotoPrompt,
    Pose,
    Resolution,
    SceneSpec,
    Status,
    Style,
    TalkingStyle,
    VideoSpec,
)
from heygen_studio.domain.money import Balance, BillingType, Currency, Money

GROUP = {
    "id": "g1",
    "name": "Ann",
    "created_at": 1700000000,
    "looks_count": 1,
    "status": "processing",
    "consent_status": None,
    "preview_image_url": "https://x/p.png",
}
LOOK = {
    "id": "l1",
    "name": "Ann",
    "avatar_type": "photo_avatar",
    "group_id": "g1",
    "status": "completed",
    "preview_image_url": "https://x/l.png",
    "image_width": 768,
    "image_height": 768,
    "preferred_orientation": "square",
    "supported_api_engines": ["avatar_iv"],
}
VIDEO = {
    "id": "v1",
    "status": "completed",
    "title": "Hi",
    "video_url": "https://x/v.mp4",
    "thumbnail_url": "https://x/t.jpg",
    "subtitle_url": "https://x/s.srt",
    "duration": 4.2,
    "created_at": 1700000000,
}

ROUTES: list[tuple[str, str, dict]] = [
    (
        "GET",
        r"/v3/users/me",
        {
            "data": {
                "username": "ann",
                "email": "a@x",
                "first_name": "Ann",
                "last_name": None,
                "billing_type": "wallet",
                "wallet": {"currency": "credits", "remaining_balance": 120.0},
            }
        },
    ),
    (
        "POST",
        r"/v3/assets",
        {"data": {"asset_id": "a1", "url": "https://x/a.png", "mime_type": "image/png", "size_bytes": 3}},
    ),
    ("POST", r"/v3/avatars", {"data": {"avatar_group": GROUP, "avatar_item": LOOK}}),
    ("GET", r"/v3/avatars", {"data": [GROUP], "has_more": True, "next_token": "t2"}),
    ("GET", r"/v3/avatars/looks", {"data": [LOOK], "has_more": False, "next_token": None}),
    ("GET", r"/v3/avatars/looks/[^/]+", {"data": LOOK}),
    ("PATCH", r"/v3/avatars/looks/[^/]+", {"data": {**LOOK, "name": "Renamed"}}),
    ("DELETE", r"/v3/avatars/looks/[^/]+", {"data": {"id": "l1"}}),
    (
        "POST",
        r"/v3/avatars/[^/]+/consent",
        {"data": {"avatar_group": GROUP, "url": "https://heygen.example/consent/g1"}},
    ),
    ("GET", r"/v3/avatars/[^/]+", {"data": GROUP}),
    ("DELETE", r"/v3/avatars/[^/]+", {"data": {"id": "g1"}}),
    (
        "GET",
        r"/v3/voices",
        {
            "data": [
                {
                    "voice_id": "vo1",
                    "name": "Ava",
                    "language": "English",
                    "gender": "female",
                    "support_pause": True,
                    "support_locale": False,
                    "type": "public",
                }
            ],
            "has_more": False,
        },
    ),
    ("POST", r"/v3/videos", {"data": {"video_id": "v1", "status": "waiting"}}),
    (
        "GET",
        r"/v3/videos/statuses",
        {
            "data": [
                {"video_id": "v1", "status": "processing"},
                {"video_id": "v2", "status": "failed", "error": {"code": "x", "message": "Bad"}},
            ]
        },
    ),
    ("GET", r"/v3/videos", {"data": [VIDEO], "has_more": False, "next_token": None}),
    ("GET", r"/v3/videos/[^/]+", {"data": VIDEO}),
    ("DELETE", r"/v3/videos/[^/]+", {"data": {"id": "v1", "deleted": True}}),
]


def fake_v3(request: httpx.Request) -> httpx.Response:
    """Answer like HeyGen v3, after checking the request against the contract."""
    validate_v3_request(request)
    for method, pattern, body in ROUTES:
        if request.method == method and re.fullmatch(pattern, request.url.path):
            return httpx.Response(200, json=body, headers={"X-Request-Id": "req"})
    return httpx.Response(404, json={"error": {"code": "not_found", "message": "no route"}})


def test_canned_answers_follow_the_contract():
    paths = {
        "/v3/avatars/looks/[^/]+": "/v3/avatars/looks/l1",
        "/v3/avatars/[^/]+/consent": "/v3/avatars/g1/consent",
        "/v3/avatars/[^/]+": "/v3/avatars/g1",
        "/v3/videos/[^/]+": "/v3/videos/v1",
    }
    for method, pattern, body in ROUTES:
        validate_v3_response(method, paths.get(pattern, pattern), body)


SCENES = (
    SceneSpec(
        "Hello, I am Ann.",
        "vo1",
        emotion=Emotion.EXCITED,
        motion_prompt="waves",
        enhance_motion_prompt=True,
        speed=1.2,
        pitch=2.0,
    ),
    SceneSpec("Second scene.", "vo2", talking_style=TalkingStyle.STABLE),
    SceneSpec("Third.", "vo1", expressiveness=Expressiveness.MEDIUM),
)

SPECS = [
    VideoSpec(look_id="l1", scenes=SCENES[:1]),
    VideoSpec(
        look_id="l1",
        scenes=SCENES[:1],
        title="One",
        aspect_ratio=AspectRatio.PORTRAIT,
        resolution=Resolution.FHD_1080P,
        caption=True,
        background_color="#102030",
        callback_id="cb-1",
    ),
    VideoSpec(look_id="l1", scenes=SCENES, title="Many", caption=True, background_color="#FFFFFF", callback_id="cb-2"),
    VideoSpec(look_id="l1", scenes=SCENES[1:], dimension=Dimension(1080, 1350)),
    VideoSpec(look_id="l1", scenes=SCENES[:1], aspect_ratio=AspectRatio.AUTO, resolution=Resolution.UHD_4K),
]


@pytest.mark.parametrize("spec", SPECS)
async def test_video_bodies_validate_and_are_what_the_app_shows(make_client, spec):
    api, seen = make_client("v3", fake_v3)
    submitted = await api.submit_video(spec, "idem-1")
    assert (submitted.video_id, submitted.status) == ("v1", Status.WAITING)
    request = seen.requests[0]
    assert request.headers["idempotency-key"] == "idem-1"
    assert httpx.Response(200, content=request.content).json() == api.build_video_request(spec)
    body = api.build_video_request(spec)
    assert body["type"] == ("avatar" if len(spec.scenes) == 1 else "studio")


def test_studio_body_carries_every_scene_with_its_voice_and_motion():
    from heygen_studio.api.v3 import build_video_request

    body = build_video_request(SPECS[2])
    inputs = [scene["input"] for scene in body["scenes"]]
    assert [i["voice_id"] for i in inputs] == ["vo1", "vo2", "vo1"]
    assert [i.get("expressiveness") for i in inputs] == ["high", "low", "medium"]
    assert inputs[0]["motion_prompt"] == "waves"
    assert inputs[0]["voice_settings"] == {"speed": 1.2, "pitch": 2.0}
    assert all(i["background"] == {"type": "color", "color": "#FFFFFF"} for i in inputs)
    assert body["caption"] == {"file_format": "srt"} and body["callback_id"] == "cb-2"


async def test_every_v3_method_sends_contract_valid_requests(make_client):
    api, seen = make_client("v3", fake_v3)
    account = await api.account()
    assert account.balance == Balance(BillingType.WALLET, Currency.CREDITS, Money.credits(120))
    asset = await api.upload_photo(b"\x89PNG", "image/png", "me.png")
    assert asset.ref == "a1"
    created = await api.create_photo_avatar("Ann", asset.ref)
    assert (created.group.id, created.look.id, created.group.status) == ("g1", "l1", Status.PROCESSING)
    await api.create_photo_avatar("Ann 2", asset.ref, group_id="g1")
    looks = await api.add_looks("g1", ["a1", "a2"], "More")
    assert [look.id for look in looks] == ["l1", "l1"]
    assert (await api.training_status("g1")).status == Status.PROCESSING
    prompt = PhotoPrompt(
        "Ben",
        Age.SENIOR,
        Gender.MAN,
        Ethnicity.UNSPECIFIED,
        Orientation.VERTICAL,
        Pose.CLOSE_UP,
        Style.CINEMATIC,
        "Grey beard, blue shirt",
    )
    generation_id = await api.generate_photos(prompt)
    look_gen = await api.generate_looks("g1", "In a suit", Orientation.SQUARE, Pose.HALF_BODY, Style.REALISTIC)
    generation = await api.generation_status(generation_id)
    assert (generation_id, look_gen, generation.status, generation.image_urls) == (
        "l1",
        "l1",
        Status.COMPLETED,
        ("https://x/l.png",),
    )
    groups = await api.list_groups("public", token="t1", limit=99)
    assert groups.next_token == "t2" and groups.items[0].is_public
    assert (await api.list_looks("g1")).items[0].supported_engines == ("avatar_iv",)
    assert (await api.get_look("l1")).preferred_orientation == "square"
    assert (await api.rename_look("l1", "Renamed")).name == "Renamed"
    await api.delete_look("l1")
    assert (await api.get_group("g1")).looks_count == 1
    assert await api.consent_url("g1") == "https://heygen.example/consent/g1"
    voices = await api.list_voices(language="English", gender="female")
    assert voices.items[0].id == "vo1" and not voices.has_more
    status = await api.video_status("v1")
    assert (status.status, status.caption_url, status.duration_s) == (Status.COMPLETED, "https://x/s.srt", 4.2)
    statuses = await api.video_statuses(["v1", "v2", "gone"])
    assert {k: v.status for k, v in statuses.items()} == {"v1": "processing", "v2": "failed", "gone": "not_found"}
    assert statuses["v2"].error_message == "Bad"
    assert (await api.list_videos(title="Hi")).items[0].title == "Hi"
    await api.delete_video("v1")
    await api.delete_group("g1")

    posts = [r for r in seen.requests if r.method == "POST"]
    assert all(r.headers.get("idempotency-key") for r in posts)
    assert len({r.headers["idempotency-key"] for r in posts}) == len(posts)
    prompt_bodies = [httpx.Response(200, content=r.content).json() for r in posts if r.url.path == "/v3/avatars"]
    assert "Grey beard, blue shirt. A senior man." in prompt_bodies[4]["prompt"]
    assert prompt_bodies[5]["avatar_group_id"] == "g1"
    assert {r.url.params.get("limit") for r in seen.requests if r.method == "GET" and r.url.path == "/v3/avatars"} == {
        "50"
    }


async def test_v3_refuses_what_the_legacy_api_alone_offers(make_client):
    from heygen_studio.api import UnsupportedError

    api, seen = make_client("v3", fake_v3)
    for call in (api.train("g1"), api.add_motion("l1"), api.add_sound_effect("l1")):
        with pytest.raises(UnsupportedError):
            await call
    assert seen.requests == []
