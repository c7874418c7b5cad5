"""What the legacy (v2) client sends: raw uploads, batches of four, Avatar IV bodies, credits from quota."""

from __future__ import annotations

import json

import httpx
import pytest

from heygen_studio.api import (
    AspectRatio,
    Emotion,
    Expressiveness,
    Resolution,
    SceneSpec,
    Status,
    TalkingStyle,
    UnsupportedError,
    VideoSpec,
)
from heygen_studio.domain.money import Balance, BillingType, Currency, Money


def v2_fake(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/v1/asset":
        return httpx.Response(
            200, json={"code": 100, "data": {"id": "as1", "image_key": "image/abc/original", "url": "https://x/a.png"}}
        )
    if path == "/v2/photo_avatar/avatar_group/add":
        keys = json.loads(request.content)["image_keys"]
        return httpx.Response(
            200,
            json={
                "error": None,
                "data": {"photo_avatar_list": [{"id": f"look-{k}", "name": "n", "status": "pending"} for k in keys]},
            },
        )
    if path == "/v2/user/remaining_quota":
        return httpx.Response(200, json={"error": None, "data": {"remaining_quota": 1800}})
    if path == "/v1/video_status.get":
        vid = request.url.params["video_id"]
        if vid == "gone":
            return httpx.Response(404, json={"code": 40104, "message": "Video not found"})
        return httpx.Response(200, json={"code": 100, "data": {"id": vid, "status": "waiting"}, "message": "Success"})
    if path == "/v2/video/av4/generate":
        return httpx.Response(200, json={"error": None, "data": {"video_id": "v9"}})
    return httpx.Response(404, json={"error": {"code": "not_found", "message": "no"}, "data": None})


async def test_upload_sends_raw_bytes_to_the_upload_host(make_client):
    api, seen = make_client("v2", v2_fake)
    asset = await api.upload_photo(b"\xff\xd8jpegbytes", "image/jpeg")
    assert asset.ref == "image/abc/original"
    request = seen.requests[0]
    assert (request.url.host, request.url.path) == ("upload.heygen.com", "/v1/asset")
    assert request.headers["content-type"] == "image/jpeg"
    assert request.content == b"\xff\xd8jpegbytes"


async def test_add_looks_goes_in_batches_of_four(make_client):
    api, seen = make_client("v2", v2_fake)
    looks = await api.add_looks("g1", [f"k{i}" for i in range(9)], "Outfits")
    assert [len(json.loads(r.content)["image_keys"]) for r in seen.requests] == [4, 4, 1]
    assert len(looks) == 9 and looks[0].group_id == "g1"


async def test_credits_are_remaining_quota_over_sixty(make_client):
    api, _ = make_client("v2", v2_fake)
    assert (await api.account()).balance == Balance(BillingType.LEGACY_QUOTA, Currency.CREDITS, Money.credits(30))


async def test_statuses_loop_and_report_missing_videos_as_not_found(make_client):
    api, _ = make_client("v2", v2_fake)
    statuses = await api.video_statuses(["a", "gone"])
    assert {k: v.status for k, v in statuses.items()} == {"a": Status.WAITING, "gone": Status.NOT_FOUND}


async def test_avatar_iv_body_has_scenes_with_emotion_style_and_motion(make_client):
    spec = VideoSpec(
        look_id="tp1",
        scenes=(
            SceneSpec(
                "One.",
                "vo1",
                emotion=Emotion.SOOTHING,
                talking_style=TalkingStyle.EXPRESSIVE,
                motion_prompt="nods",
                enhance_motion_prompt=True,
            ),
            SceneSpec("Two.", "vo1", expressiveness=Expressiveness.HIGH),
        ),
        title="Hello",
        aspect_ratio=AspectRatio.PORTRAIT,
        resolution=Resolution.FHD_1080P,
        caption=True,
    )
    api, seen = make_client("v2", v2_fake)
    submitted = await api.submit_video(spec, "ignored")
    assert submitted.video_id == "v9"
    body = json.loads(seen.requests[0].content)
    assert body == api.build_video_request(spec)
    assert "idempotency-key" not in seen.requests[0].headers
    assert body == {
        "image_key": "tp1",
        "video_title": "Hello",
        "voice_id": "vo1",
        "dimension": {"width": 1080, "height": 1920},
        "caption": True,
        "scenes": [
            {
                "script": "One.",
                "emotion": "Soothing",
                "talking_style": "expressive",
                "custom_motion_prompt": "nods",
                "enhance_custom_motion_prompt": True,
            },
            {"script": "Two.", "talking_style": "expressive"},
        ],
    }


async def test_scripts_over_the_legacy_limit_are_refused_before_sending(make_client):
    from heygen_studio.api import InvalidRequestError

    api, seen = make_client("v2", v2_fake)
    with pytest.raises(InvalidRequestError) as caught:
        await api.submit_video(VideoSpec("tp1", (SceneSpec("x" * 1501, "vo1"),)), "k")
    assert caught.value.field == "script" and "1500" in str(caught.value)
    assert seen.requests == []


async def test_v2_refuses_what_only_v3_offers(make_client):
    api, seen = make_client("v2", v2_fake)
    for call in (api.consent_url("g1"), api.rename_look("l1", "x")):
        with pytest.raises(UnsupportedError):
            await call
    assert seen.requests == []
