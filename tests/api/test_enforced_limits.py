"""The client never sends what HeyGen refuses (speed, pitch, motion fields of video avatars, long prompts, bad keys),
keeps the person in new looks, waits out 409 request_in_progress and sends Avatar IV's documented one-scene form:
against the sandbox in-process, v3 traffic checked against the contract."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial

import httpx
import pytest
from client_support import FAST_RETRY, finished
from waiting import until_value

from heygen_studio.api import (
    Age,
    ConflictError,
    Emotion,
    Ethnicity,
    Expressiveness,
    Gender,
    HeyGenApi,
    InvalidRequestError,
    Orientation,
    PhotoPrompt,
    Pose,
    SceneSpec,
    Status,
    Style,
    Transport,
    V3Api,
    VideoSpec,
    explain_mapping,
)
from heygen_studio.api.v3 import photo_prompt_text
from heygen_studio.domain.pricing import AvatarType, Engine
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef, draft_video_spec
from heygen_studio.sandbox.media import derive_images
from heygen_studio.sandbox.state import SandboxState

VOICE = "demo-en-us-ava"
SCRIPT = "Hello from the limits test."


async def own_look(api: HeyGenApi) -> str:
    looks = (await api.list_looks(ownership="private")).items
    return next(look.id for look in looks if look.status is Status.COMPLETED)


async def preset(api: HeyGenApi, avatar_type: AvatarType) -> str:
    looks = (await api.list_looks(ownership="public")).items
    return next(look.id for look in looks if look.avatar_type == avatar_type)


# --- voice speed and pitch -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("speed", "pitch", "field", "words"),
    [
        (1.6, 0.0, "speed", "1.6×; in videos HeyGen takes 0.5 to 1.5×"),
        (2.0, 0.0, "speed", "voice speed is 2×"),
        (float("nan"), 0.0, "speed", "voice speed is nan×"),
        (1.0, 51.0, "pitch", "voice pitch is 51 semitones; in videos HeyGen takes -50 to 50 semitones"),
    ],
)
async def test_speed_and_pitch_outside_heygens_range_are_refused_before_sending(
    v3, wire, state, speed, pitch, field, words
):
    look_id = await own_look(v3)
    spec = VideoSpec(look_id, (SceneSpec(SCRIPT, VOICE), SceneSpec(SCRIPT, VOICE, speed=speed, pitch=pitch)))
    with pytest.raises(InvalidRequestError) as caught:
        await v3.submit_video(spec, "speed-1")
    assert caught.value.field == field and "Scene 2's" in str(caught.value) and words in str(caught.value)
    assert wire.posts("/v3/videos") == [] and state.counts["videos_created"] == 0


async def test_the_edges_of_the_range_render(v3):
    spec = VideoSpec(await own_look(v3), (SceneSpec(SCRIPT, VOICE, speed=1.5, pitch=-50.0),))
    submitted = await v3.submit_video(spec, "edges-1")
    assert (
        await until_value(lambda: v3.video_status(submitted.video_id), lambda s: s.status.is_final)
    ).status is Status.COMPLETED


# --- motion fields only where HeyGen takes them -----------------------------------------------------------


async def test_video_avatars_get_no_motion_prompt_or_expressiveness_and_the_editor_is_told_why(v3, wire):
    studio = await preset(v3, AvatarType.STUDIO)
    scene = SceneSpec(SCRIPT, VOICE, motion_prompt="waves at the camera", expressiveness=Expressiveness.HIGH)
    spec = VideoSpec(studio, (scene,), avatar_type=AvatarType.STUDIO)
    await v3.submit_video(spec, "studio-1")  # the sandbox refuses either field for a studio avatar
    sent = wire.posts("/v3/videos")[0]
    assert "motion_prompt" not in sent and "expressiveness" not in sent and sent["script"] == SCRIPT
    notes = {note.field: note for note in explain_mapping(spec, "v3")}
    assert "studio avatar" in notes["motion_prompt"].reason and "Avatar V" in notes["motion_prompt"].reason
    assert "photo avatars only" in notes["expressiveness"].reason

    twin = await preset(v3, AvatarType.DIGITAL_TWIN)
    on_v = VideoSpec(
        twin, (scene, SceneSpec(SCRIPT, VOICE)), avatar_type=AvatarType.DIGITAL_TWIN, engine=Engine.AVATAR_V
    )
    await v3.submit_video(on_v, "twin-1")
    first = wire.posts("/v3/videos")[1]["scenes"][0]["input"]
    assert first["motion_prompt"] == "waves at the camera" and "expressiveness" not in first
    assert first["engine"] == {"type": "avatar_v"}


async def test_photo_avatars_keep_both_fields(v3, wire):
    scene = SceneSpec(SCRIPT, VOICE, motion_prompt="nods", expressiveness=Expressiveness.LOW)
    spec = VideoSpec(await own_look(v3), (scene,), avatar_type=AvatarType.PHOTO)
    await v3.submit_video(spec, "photo-1")
    sent = wire.posts("/v3/videos")[0]
    assert sent["motion_prompt"] == "nods" and sent["expressiveness"] == "low"
    assert explain_mapping(spec, "v3") == []


def test_the_looks_avatar_type_reaches_the_render_request():
    project = Project(
        look=LookRef("l1", "Nora", avatar_type="studio_avatar"),
        voice=VoiceRef(VOICE),
        scenes=(Scene(script=SCRIPT, motion_prompt="waves"),),
    )
    spec = draft_video_spec(project, "v3")
    assert spec.avatar_type is AvatarType.STUDIO and not spec.is_photo_avatar
    assert Project.from_json(json.loads(json.dumps(project.to_json()))).look == project.look
    assert draft_video_spec(Project(look=LookRef("l2", avatar_type="instant_avatar")), "v3").avatar_type is None


# --- prompts ---------------------------------------------------------------------------------------------


def person(appearance: str) -> PhotoPrompt:
    return PhotoPrompt(
        "Ann",
        Age.YOUNG_ADULT,
        Gender.WOMAN,
        Ethnicity.SOUTH_EAST_ASIAN,
        Orientation.SQUARE,
        Pose.HALF_BODY,
        Style.CINEMATIC,
        appearance,
    )


async def test_a_prompt_is_counted_with_what_the_app_adds(v3, wire):
    typed = "a" * 950  # under 1000 as typed, over once the app writes in age, ethnicity, framing and style
    assert len(typed) < 1000 < len(photo_prompt_text(person(typed)))
    with pytest.raises(InvalidRequestError) as caught:
        await v3.generate_photos(person(typed))
    added = len(photo_prompt_text(person(typed))) - len(typed)
    assert caught.value.field == "appearance" and f"{added} of them the framing and style" in str(caught.value)
    assert "at most 1000" in str(caught.value)
    group_id = (await v3.list_groups()).items[0].id
    with pytest.raises(InvalidRequestError) as looks:
        await v3.generate_looks(group_id, "b" * 990, Orientation.VERTICAL, Pose.CLOSE_UP, Style.NOIR)
    assert looks.value.field == "prompt"
    assert wire.posts("/v3/avatars") == []
    fits = "c" * (1000 - added)
    assert len(photo_prompt_text(person(fits))) == 1000
    assert await v3.generate_photos(person(fits))


async def test_legacy_prompts_are_refused_over_1000_before_sending(v2, wire):
    with pytest.raises(InvalidRequestError) as caught:
        await v2.generate_photos(person("d" * 1001))
    assert caught.value.field == "appearance" and "Shorten it by 1 characters" in str(caught.value)
    with pytest.raises(InvalidRequestError):
        await v2.generate_looks("g", "e" * 1001, Orientation.SQUARE, Pose.HALF_BODY, Style.REALISTIC)
    assert not [r for r in wire.requests if r.method == "POST"]


# --- looks that keep the person ----------------------------------------------------------------------------


async def test_new_looks_name_a_finished_look_so_the_person_is_kept(v3, wire, sandbox):
    group = (await v3.list_groups()).items[0]
    reference = await own_look(v3)
    look_id = await v3.generate_looks(
        group.id, "in a sunny garden", Orientation.SQUARE, Pose.HALF_BODY, Style.UNSPECIFIED
    )
    sent = wire.posts("/v3/avatars")[0]
    assert sent["avatar_id"] == reference and sent["avatar_group_id"] == group.id
    done = await until_value(lambda: v3.generation_status(look_id), lambda g: g.status.is_final)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox), base_url="http://sandbox.test") as web:
        image = (await web.get(done.image_urls[0])).content
        person_image = (await web.get((await v3.get_look(reference)).preview_image_url)).content
    assert image == derive_images(person_image, sent["prompt"], 1)[0]  # made from that look's picture


async def test_new_looks_wait_for_a_finished_look(v3, wire):
    asset = await v3.upload_photo(derive_images(None, "someone", 1, (300, 300))[0], "image/png")
    created = await v3.create_photo_avatar("Too small", asset.ref)  # processing, then failed: never finished
    await until_value(lambda: v3.get_group(created.group.id), finished)
    with pytest.raises(InvalidRequestError) as caught:
        await v3.generate_looks(created.group.id, "at the beach", Orientation.SQUARE, Pose.HALF_BODY, Style.NOIR)
    assert "no finished look yet" in str(caught.value) and wire.posts("/v3/avatars")[-1]["type"] == "photo"


# --- Idempotency-Key -----------------------------------------------------------------------------------------


async def slow_first_request(
    web: httpx.AsyncClient, state: SandboxState, key: str, release: asyncio.Event
) -> tuple[str, asyncio.Task[httpx.Response]]:
    """A POST /v3/videos under `key` whose body keeps arriving until `release` is set, already claimed."""
    look_id = next(look.id for look in state.looks.values() if look.ownership == "private")
    raw = json.dumps({"type": "avatar", "avatar_id": look_id, "script": SCRIPT, "voice_id": VOICE}).encode()

    async def slow_body() -> AsyncIterator[bytes]:
        yield raw[:10]
        await release.wait()
        yield raw[10:]

    first = asyncio.create_task(
        web.post(
            "/v3/videos",
            content=slow_body(),
            headers={"X-Api-Key": "sandbox", "Idempotency-Key": key, "Content-Type": "application/json"},
        )
    )
    await until_value(lambda: asyncio.sleep(0.01), lambda _: bool(state.idempotent_pending))
    return look_id, first


def client_with(asgi: httpx.ASGITransport, sleep: Callable[[float], Awaitable[None]]) -> V3Api:
    return V3Api(
        Transport(
            "sandbox",
            base_url="http://sandbox.test",
            upload_url="http://sandbox.test",
            transport=asgi,
            retry=FAST_RETRY,
            sleep=sleep,
        )
    )


async def test_a_409_request_in_progress_is_waited_out_and_replays_the_first_video(sandbox, state):
    asgi = httpx.ASGITransport(app=sandbox)
    release = asyncio.Event()
    sleeps: list[float] = []
    answered: list[httpx.Response] = []

    async def sleep(seconds: float) -> None:  # the client's pause: meanwhile the first request arrives in full
        sleeps.append(seconds)
        release.set()
        answered.append(await first)

    async with httpx.AsyncClient(transport=asgi, base_url="http://sandbox.test") as web:
        look_id, first = await slow_first_request(web, state, "render-1", release)
        async with client_with(asgi, sleep) as api:
            submitted = await api.submit_video(VideoSpec(look_id, (SceneSpec(SCRIPT, VOICE),)), "render-1")
    assert len(sleeps) == 1 and answered[0].status_code == 200
    assert submitted.video_id == answered[0].json()["data"]["video_id"] and state.counts["videos_created"] == 1


async def test_the_wait_for_a_request_in_progress_is_bounded(sandbox, state):
    asgi = httpx.ASGITransport(app=sandbox)
    release = asyncio.Event()
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with httpx.AsyncClient(transport=asgi, base_url="http://sandbox.test") as web:
        look_id, first = await slow_first_request(web, state, "render-2", release)
        async with client_with(asgi, sleep) as api:
            with pytest.raises(ConflictError) as caught:
                await api.submit_video(VideoSpec(look_id, (SceneSpec(SCRIPT, VOICE),)), "render-2")
        release.set()
        assert (await first).status_code == 200
    assert len(sleeps) == FAST_RETRY.max_attempts - 1 and caught.value.status == 409
    assert state.counts["videos_created"] == 1  # the first one, never a second


async def test_a_key_with_characters_heygen_refuses_is_not_sent(v3, wire):
    spec = VideoSpec(await own_look(v3), (SceneSpec(SCRIPT, VOICE),))
    with pytest.raises(InvalidRequestError) as caught:
        await v3.submit_video(spec, "render 42/ä")
    assert caught.value.field == "Idempotency-Key" and wire.posts("/v3/videos") == []


# --- legacy Avatar IV forms ------------------------------------------------------------------------------------


async def test_one_scene_goes_in_avatar_ivs_documented_flat_form(v2, wire):
    look_id = (await v2.list_looks()).items[0].id
    scene = SceneSpec(SCRIPT, VOICE, motion_prompt="nods", enhance_motion_prompt=True)
    one = await v2.submit_video(VideoSpec(look_id, (scene,), title="Flat"), "k")
    two = await v2.submit_video(VideoSpec(look_id, (scene, SceneSpec(SCRIPT, VOICE))), "k")
    flat, scenes = wire.posts("/v2/video/av4/generate")
    assert flat == {
        "image_key": look_id,
        "video_title": "Flat",
        "script": SCRIPT,
        "voice_id": VOICE,
        "video_orientation": "landscape",
        "fit": "cover",
        "custom_motion_prompt": "nods",
        "enhance_custom_motion_prompt": True,
    }
    assert len(scenes["scenes"]) == 2 and "script" not in scenes
    lively = VideoSpec(look_id, (SceneSpec(SCRIPT, VOICE, emotion=Emotion.EXCITED),))
    notes = {note.field: note for note in explain_mapping(lively, "v2")}
    assert notes["aspect_ratio"].sent_as == "video_orientation=landscape" and "emotion" in notes
    assert "emotion" not in v2.build_video_request(lively)
    for video in (one, two):
        done = await until_value(partial(v2.video_status, video.video_id), lambda s: s.status.is_final)
        assert done.status is Status.COMPLETED and done.caption_url.split("?")[0].endswith(".ass")
