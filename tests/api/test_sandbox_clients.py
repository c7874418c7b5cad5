"""Every client method of both API generations against the in-process sandbox HeyGen, v3 traffic checked by contract."""

from __future__ import annotations

from functools import partial
from typing import TypeVar

import pytest
from client_support import finished
from waiting import until_value

from heygen_studio.api import (
    Age,
    AuthError,
    Emotion,
    Ethnicity,
    Expressiveness,
    Gender,
    InvalidRequestError,
    NotFoundError,
    Orientation,
    PhotoPrompt,
    Pose,
    SceneSpec,
    Status,
    Style,
    TalkingStyle,
    VideoSpec,
)
from heygen_studio.domain.money import Money
from heygen_studio.resources import sample_photo

T = TypeVar("T")
PHOTO = sample_photo("astronaut.png").read_bytes()


async def test_v3_photo_to_video(v3, sandbox):
    account = await v3.account()
    assert account.balance is not None and account.balance.describe() != "balance unknown"
    asset = await v3.upload_photo(PHOTO, "image/png", "astronaut.png")
    created = await v3.create_photo_avatar("Astro", asset.ref)
    assert created.look is not None and created.group.id == created.look.group_id
    look = await until_value(lambda: v3.get_look(created.look.id), finished)
    assert look.status == Status.COMPLETED
    assert (await v3.training_status(created.group.id)).status.is_final

    second = await v3.upload_photo(PHOTO, "image/png")
    more = await v3.add_looks(created.group.id, [second.ref], "Astro 2")
    assert more and more[0].group_id == created.group.id
    looks = await v3.list_looks(created.group.id)
    assert {look.id for look in looks.items} == {created.look.id, more[0].id}
    renamed = await v3.rename_look(more[0].id, "Renamed")
    assert renamed.name == "Renamed"
    await v3.delete_look(more[0].id)
    with pytest.raises(NotFoundError):
        await v3.get_look(more[0].id)

    voices = await v3.list_voices(language="English")
    voice = voices.items[0]
    spec = VideoSpec(
        look.id,
        (SceneSpec("Hello from the sandbox.", voice.id, emotion=Emotion.FRIENDLY),),
        title="One scene",
        caption=True,
        background_color="#112233",
    )
    submitted = await v3.submit_video(spec, "render-1")
    again = await v3.submit_video(spec, "render-1")
    assert again.video_id == submitted.video_id
    assert sandbox.state.sandbox.counts["videos_created"] == 1
    multi = VideoSpec(
        look.id,
        (
            SceneSpec("First part.", voice.id),
            SceneSpec("Second part.", voice.id, talking_style=TalkingStyle.STABLE, expressiveness=Expressiveness.LOW),
        ),
        title="Two scenes",
    )
    studio = await v3.submit_video(multi, "render-2")
    done = await until_value(lambda: v3.video_status(submitted.video_id), finished)
    assert done.status == Status.COMPLETED and done.video_url and done.thumbnail_url and done.caption_url
    statuses = await v3.video_statuses([submitted.video_id, studio.video_id, "no-such-video"])
    assert statuses[submitted.video_id].status == Status.COMPLETED
    assert statuses["no-such-video"].status == Status.NOT_FOUND
    listed = await v3.list_videos(title="One scene")
    assert [v.video_id for v in listed.items] == [submitted.video_id]
    await v3.delete_video(submitted.video_id)
    with pytest.raises(NotFoundError):
        await v3.video_status(submitted.video_id)

    await v3.delete_group(created.group.id)
    with pytest.raises(NotFoundError):
        await v3.get_group(created.group.id)


async def test_v3_prompt_avatars_consent_and_lists(v3):
    prompt = PhotoPrompt(
        "Nova",
        Age.YOUNG_ADULT,
        Gender.WOMAN,
        Ethnicity.UNSPECIFIED,
        Orientation.SQUARE,
        Pose.HALF_BODY,
        Style.REALISTIC,
        "Short red hair, green jacket",
    )
    generation_id = await v3.generate_photos(prompt)
    generation = await until_value(lambda: v3.generation_status(generation_id), finished)
    assert generation.status == Status.COMPLETED and generation.image_urls
    look = await v3.get_look(generation_id)
    look_generation = await v3.generate_looks(
        look.group_id, "In a spacesuit", Orientation.VERTICAL, Pose.CLOSE_UP, Style.CINEMATIC
    )
    assert (await until_value(lambda: v3.generation_status(look_generation), finished)).status == Status.COMPLETED

    private = await v3.list_groups("private")
    public = await v3.list_groups("public", limit=1)
    assert look.group_id in {g.id for g in private.items}
    assert public.items and all(g.is_public for g in public.items)
    if public.has_more:
        nxt = await v3.list_groups("public", token=public.next_token, limit=1)
        assert nxt.items[0].id != public.items[0].id
    assert (await v3.list_looks(ownership="public")).items
    url = await v3.consent_url(look.group_id)
    assert url.startswith("http")


async def test_v2_photo_to_video(v2, sandbox):
    account = await v2.account()
    assert account.balance is not None and account.balance.remaining == Money.credits(600)
    photos = [await v2.upload_photo(PHOTO, "image/png") for _ in range(6)]
    assert photos[0].ref.startswith("image/")
    created = await v2.create_photo_avatar("Astro", photos[0].ref)
    group_id = created.group.id
    added = await v2.add_looks(group_id, [p.ref for p in photos[1:]], "Outfits")
    assert added is not None and len(added) == 5
    via_group = await v2.create_photo_avatar("One more", photos[1].ref, group_id=group_id)
    assert via_group.look is not None and via_group.look.group_id == group_id

    await v2.train(group_id)
    trained = await until_value(lambda: v2.training_status(group_id), lambda t: t.status.is_final)
    assert trained.status == Status.COMPLETED
    group = await v2.get_group(group_id)
    assert group.status == Status.COMPLETED and group.looks_count == 7

    looks = await v2.list_looks(group_id)
    assert len(looks.items) == 7
    look = looks.items[0]
    assert (await v2.get_look(look.id)).id == look.id
    motion_id = await v2.add_motion(look.id)
    await v2.add_sound_effect(look.id)
    assert (await v2.get_look(motion_id)).id == motion_id

    looks_gen = await v2.generate_looks(
        group_id, "Wearing a red scarf", Orientation.HORIZONTAL, Pose.HALF_BODY, Style.REALISTIC
    )
    photo_gen = await v2.generate_photos(
        PhotoPrompt(
            "Ben",
            Age.SENIOR,
            Gender.MAN,
            Ethnicity.EAST_ASIAN,
            Orientation.VERTICAL,
            Pose.CLOSE_UP,
            Style.CINEMATIC,
            "Grey beard, blue shirt",
        )
    )
    for generation_id in (looks_gen, photo_gen):
        generation = await until_value(partial(v2.generation_status, generation_id), finished)
        assert generation.status == Status.COMPLETED
        assert len(generation.image_urls) == 4 and len(generation.image_keys) == 4

    groups = await v2.list_groups()
    assert group_id in {g.id for g in groups.items} and not any(g.is_public for g in groups.items)
    assert all(g.is_public for g in (await v2.list_groups("public")).items)
    assert (await v2.list_looks()).items and (await v2.list_looks(ownership="public")).items

    voice = (await v2.list_voices(language="english", gender="female")).items[0]
    spec = VideoSpec(
        group_id,
        (
            SceneSpec(
                "Hello from the legacy API.",
                voice.id,
                emotion=Emotion.EXCITED,
                motion_prompt="waves",
                enhance_motion_prompt=True,
            ),
            SceneSpec("And goodbye.", voice.id, talking_style=TalkingStyle.STABLE),
        ),
        title="Legacy",
    )
    before = sandbox.state.sandbox.counts["videos_created"]
    submitted = await v2.submit_video(spec, "unused")
    assert sandbox.state.sandbox.counts["videos_created"] == before + 1
    done = await until_value(lambda: v2.video_status(submitted.video_id), finished)
    assert done.status == Status.COMPLETED and done.video_url
    statuses = await v2.video_statuses([submitted.video_id, "missing"])
    assert (statuses[submitted.video_id].status, statuses["missing"].status) == (Status.COMPLETED, Status.NOT_FOUND)
    assert [v.video_id for v in (await v2.list_videos(title="legacy")).items] == [submitted.video_id]
    await v2.delete_video(submitted.video_id)
    with pytest.raises(NotFoundError):
        await v2.video_status(submitted.video_id)

    await v2.delete_look(motion_id)
    await v2.delete_group(group_id)
    with pytest.raises(NotFoundError):
        await v2.get_group(group_id)


@pytest.mark.parametrize("generation", ["v3", "v2"])
async def test_wrong_key_is_an_auth_error_naming_settings(connect, generation):
    async with connect(generation, key="not-the-key") as api:
        with pytest.raises(AuthError) as caught:
            await api.account()
    assert caught.value.status == 401
    assert "Settings → Accounts" in str(caught.value)
    assert "not-the-key" not in repr(caught.value)


async def test_v3_rejections_name_the_field(v3):
    spec = VideoSpec("no-such-look", (SceneSpec("Hello.", "demo-en-us-ava"),))
    with pytest.raises((InvalidRequestError, NotFoundError)) as caught:
        await v3.submit_video(spec, "bad-1")
    assert caught.value.status in (400, 404) and caught.value.code
