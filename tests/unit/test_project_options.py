"""Prices of the new render choices: an own recording by its length, an image video at the photo rate and what it
saves, a draft, every engine side by side, and scenes priced on the length measured by listening to them."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from heygen_studio.api.models import VideoKind
from heygen_studio.api.v2 import V2Api
from heygen_studio.api.v3 import V3Api
from heygen_studio.domain.money import BillingType, Money
from heygen_studio.domain.pricing import AvatarType, Engine
from heygen_studio.domain.project import (
    LookRef,
    NotReadyToRender,
    OwnAudio,
    Project,
    Scene,
    VoiceRef,
    draft_of,
    project_engines,
    video_spec,
)
from heygen_studio.domain.quotes import (
    image_video_saving,
    quote_draft,
    quote_engines,
    quote_project,
    quote_spec,
)

MINUTE_SCRIPT = " ".join(["word"] * 150)  # 60 s at the normal speed
PHOTO_LOOK = LookRef("look-1", avatar_type="photo_avatar", supported_engines=("avatar_iv", "avatar_iii"))
MINUTE = Project(look=PHOTO_LOOK, voice=VoiceRef("voice-1"), scenes=(Scene(script=MINUTE_SCRIPT, id="s1"),))
LIMITS = V3Api.limits


def total(quote) -> Money:
    assert quote is not None
    return quote.total


def test_an_own_recording_is_priced_on_its_length_not_on_the_script() -> None:
    spoken = replace(MINUTE, own_audio=OwnAudio("/me.wav", 12.5))
    quote = quote_project(spoken, "v3", LIMITS)
    assert quote is not None and quote.seconds == 12.5 and quote.total == Money.usd("0.625")
    assert quote_spec(video_spec(spoken, "v3"), "v3") == quote  # queued, it costs what the editor showed
    on_iii = quote_project(replace(spoken, engine=Engine.AVATAR_III), "v3", LIMITS)
    assert total(on_iii) == Money.usd("0.20875")


def test_an_image_video_costs_the_photo_rate_and_saves_the_avatar_creation() -> None:
    image = replace(MINUTE, look=None, photo_path="/me.jpg")
    quote = quote_project(image, "v3", LIMITS, avatar_type=AvatarType.STUDIO)  # no look: always a photo
    assert total(quote) == Money.usd(3)
    assert quote_spec(video_spec(image, "v3"), "v3") == quote
    assert image_video_saving("v3") == Money.usd(1) and image_video_saving("v3", photos=3) == Money.usd(3)
    assert image_video_saving("v2") is None


def test_prices_on_every_engine_the_look_takes_sit_side_by_side() -> None:
    prices = {engine: total(quote) for engine, quote in quote_engines(MINUTE, "v3", LIMITS).items()}
    assert prices == {Engine.AVATAR_IV: Money.usd(3), Engine.AVATAR_III: Money.usd("1.002")}
    twin = replace(MINUTE, look=LookRef("t", avatar_type="digital_twin", supported_engines=("avatar_iv", "avatar_v")))
    twin_prices = quote_engines(twin, "v3", LIMITS, avatar_type=AvatarType.DIGITAL_TWIN)
    assert list(twin_prices) == [Engine.AVATAR_IV, Engine.AVATAR_V] and twin_prices[Engine.AVATAR_V] is None
    assert total(twin_prices[Engine.AVATAR_IV]) == Money.usd("4.002")
    image = quote_engines(replace(MINUTE, look=None, photo_path="/me.jpg"), "v3", LIMITS)
    assert list(image) == [Engine.AVATAR_IV]
    assert list(quote_engines(MINUTE, "v2", V2Api.limits)) == [Engine.AVATAR_IV]
    unknown = replace(MINUTE, look=LookRef("l"))
    assert project_engines(unknown) == (Engine.AVATAR_IV, Engine.AVATAR_III)


def test_a_draft_is_priced_at_its_cheapest_render() -> None:
    draft = quote_draft(replace(MINUTE, engine=Engine.AVATAR_IV), "v3", LIMITS)
    assert total(draft) == Money.usd("1.002") and draft is not None and draft.rate.per_second == Money.usd("0.0167")
    assert quote_draft(MINUTE, "v3", LIMITS, BillingType.SUBSCRIPTION) is None  # no published Avatar III price there


def test_a_scene_listened_to_is_priced_on_its_measured_length() -> None:
    two = replace(MINUTE, scenes=(*MINUTE.scenes, Scene(script="And a second one.", id="s2")))
    guessed = quote_project(two, "v3", LIMITS)
    measured = quote_project(two, "v3", LIMITS, measured={"s1": 48.0, "elsewhere": 99.0})
    assert guessed is not None and measured is not None
    assert measured.scene_seconds == (48.0, guessed.scene_seconds[1])
    assert measured.total == Money.usd("2.40") + guessed.scene_costs[1]
    assert total(quote_engines(two, "v3", LIMITS, measured={"s1": 48.0, "s2": 2.0})[Engine.AVATAR_III]) == Money.usd(
        "0.835"
    )
    assert total(quote_draft(MINUTE, "v3", LIMITS, measured={"s1": 30.0})) == Money.usd("0.501")


def test_what_each_choice_still_needs_before_rendering() -> None:
    spoken = Project(look=PHOTO_LOOK, own_audio=OwnAudio("/me.wav", 3.0), scenes=(Scene(),))
    assert video_spec(spoken, "v3").audio_duration_s == 3.0  # no voice, no script: the recording speaks
    with pytest.raises(NotReadyToRender, match=r"choose the photo to animate; choose a voice; write the script"):
        video_spec(Project(photo_path="", scenes=(Scene(),)), "v3")
    photo_only = Project(photo_path="/me.jpg", voice=VoiceRef("v"), scenes=(Scene(script="Hi."),))
    assert video_spec(photo_only, "v3").look_id == ""  # no look is needed for a photo


def test_a_queued_render_remembers_its_choices_and_older_rows_read_as_before() -> None:
    from heygen_studio.storage.render_jobs import spec_from_json, spec_to_json

    image = video_spec(replace(MINUTE, look=None, photo_path="/me.jpg", burn_captions=True), "v3")
    assert spec_from_json(spec_to_json(image)) == image
    draft = video_spec(draft_of(MINUTE), "v3")
    again = spec_from_json(spec_to_json(draft))
    assert again == draft and again.draft and again.supported_engines == (Engine.AVATAR_IV, Engine.AVATAR_III)
    older = json.loads(spec_to_json(video_spec(MINUTE, "v3")))
    for field in ("kind", "image_asset_id", "audio_asset_id", "burn_captions", "transparent", "draft"):
        older.pop(field)
    for field in ("supported_engines", "audio_duration_s"):
        older.pop(field)
    before = spec_from_json(json.dumps(older))
    assert (before.kind, before.draft, before.transparent, before.supported_engines) == (
        VideoKind.AVATAR,
        False,
        False,
        (),
    )
