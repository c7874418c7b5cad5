"""The new render choices (engine, draft, image video, burned captions, transparent webm, own recording) become
v3 bodies HeyGen's schemas accept, what HeyGen refuses is refused before sending, and v2 says it has none."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
import pytest
from client_support import validate_v3_request

from heygen_studio.api import InvalidRequestError, Resolution, UnsupportedError, V2Api, V3Api
from heygen_studio.api.models import PENDING_UPLOAD
from heygen_studio.api.transport import Transport
from heygen_studio.api.v3 import build_video_request
from heygen_studio.domain.pricing import AvatarType, Engine
from heygen_studio.domain.project import (
    LookRef,
    OwnAudio,
    Project,
    Scene,
    VoiceRef,
    draft_of,
    video_spec,
)

BASE = Project(
    title="Launch",
    look=LookRef("look_1", "Nora", avatar_type="photo_avatar", supported_engines=("avatar_iv", "avatar_iii")),
    voice=VoiceRef("voice_1", "Ava"),
    scenes=(Scene(script="Hello there."),),
)
TWO_SCENES = replace(BASE, scenes=(Scene(script="One."), Scene(script="Two.")))
RECORDING = OwnAudio("/music/me.mp3", 12.5, "me.mp3")


def sent_body(spec_project: Project, **ids: str) -> dict:
    """The body V3Api sends for a project once its files are uploaded (`ids` replace the pending asset ids),
    validated against HeyGen's schema for POST /v3/videos."""
    spec = replace(video_spec(spec_project, "v3"), **ids)
    V3Api.check_video_spec(V3Api(_unused_transport()), spec)
    body = build_video_request(spec)
    validate_v3_request(httpx.Request("POST", "https://api.heygen.com/v3/videos", json=body))
    return body


def _unused_transport() -> Transport:
    """Checks and bodies send nothing: a transport that would answer 500 if anything were sent."""
    return Transport(
        "key",
        base_url="https://api.heygen.com",
        upload_url="https://upload.heygen.com",
        transport=httpx.MockTransport(lambda r: httpx.Response(500)),
    )


def refusal(project: Project, generation: str = "v3", **ids: str) -> str:
    api_class = V3Api if generation == "v3" else V2Api
    spec = replace(video_spec(project, generation), **ids)
    with pytest.raises((InvalidRequestError, UnsupportedError)) as caught:
        api_class(_unused_transport()).check_video_spec(spec)
    return str(caught.value)


def test_each_engine_is_sent_as_heygen_names_it():
    assert "engine" not in sent_body(BASE)  # Avatar IV is HeyGen's default
    assert sent_body(replace(BASE, engine=Engine.AVATAR_III))["engine"] == {"type": "avatar_iii"}
    twin = replace(BASE, look=LookRef("t1", avatar_type="digital_twin", supported_engines=("avatar_iv", "avatar_v")))
    assert sent_body(replace(twin, engine=Engine.AVATAR_V))["engine"] == {"type": "avatar_v"}
    studio = sent_body(replace(TWO_SCENES, engine=Engine.AVATAR_III))
    assert [scene["input"]["engine"] for scene in studio["scenes"]] == [{"type": "avatar_iii"}] * 2


def test_avatar_iii_gets_neither_expressiveness_nor_a_motion_prompt():
    body = sent_body(replace(BASE, engine=Engine.AVATAR_III))
    assert "expressiveness" not in body and "motion_prompt" not in body
    assert sent_body(BASE)["expressiveness"] == "medium"  # Avatar IV photo avatars keep it


def test_burned_captions_ask_for_the_default_style_and_keep_the_sidecar():
    body = sent_body(replace(BASE, burn_captions=True))
    assert body["caption"] == {"file_format": "srt", "style": "default"}
    assert sent_body(replace(BASE, captions=True))["caption"] == {"file_format": "srt"}
    assert "caption" not in sent_body(BASE)
    studio = sent_body(replace(TWO_SCENES, burn_captions=True))
    assert studio["caption"] == {"file_format": "srt", "style": "default"}


def test_a_transparent_video_is_a_webm_without_a_background():
    body = sent_body(replace(BASE, transparent=True, background="#112233"))
    assert body["output_format"] == "webm" and body["remove_background"] is True
    assert "background" not in body  # HeyGen refuses a background with webm
    assert sent_body(BASE)["background"] == {"type": "color", "value": "#FFFFFF"}


def test_own_recording_replaces_the_script_and_voice():
    project = replace(BASE, own_audio=RECORDING, voice=None, scenes=(Scene(script=""),))
    body = sent_body(project, audio_asset_id="asset_audio_1")
    assert body["audio_asset_id"] == "asset_audio_1" and body["avatar_id"] == "look_1"
    assert not {"script", "voice_id", "voice_settings"} & set(body)


def test_an_image_video_animates_the_uploaded_photo_with_no_avatar():
    project = replace(BASE, look=None, photo_path="/photos/me.jpg")
    spec = video_spec(project, "v3")
    assert spec.image_asset_id == PENDING_UPLOAD and spec.look_id == ""
    body = sent_body(project, image_asset_id="asset_photo_1")
    assert body["type"] == "image" and body["image"] == {"type": "asset_id", "asset_id": "asset_photo_1"}
    assert "avatar_id" not in body and "engine" not in body and body["script"] == "Hello there."
    both = sent_body(
        replace(project, own_audio=RECORDING, transparent=True, burn_captions=True),
        image_asset_id="asset_photo_1",
        audio_asset_id="asset_audio_1",
    )
    assert both["audio_asset_id"] == "asset_audio_1" and both["output_format"] == "webm"
    studio = sent_body(replace(TWO_SCENES, look=None, photo_path="/p.png"), image_asset_id="asset_photo_1")
    assert [scene["input"]["type"] for scene in studio["scenes"]] == ["image", "image"]


def test_a_draft_renders_on_avatar_iii_at_720p_and_says_it_is_a_draft():
    project = replace(BASE, scenes=(Scene(script="Hi.", motion_prompt="waves"),))
    draft = draft_of(project)
    spec = video_spec(draft, "v3")
    assert (spec.engine, spec.resolution.value, spec.draft) == (Engine.AVATAR_III, "720p", True)
    body = sent_body(draft)
    assert body["engine"] == {"type": "avatar_iii"} and body["resolution"] == "720p" and "motion_prompt" not in body
    assert not video_spec(project, "v3").draft
    only_iv = replace(
        BASE, look=LookRef("look_2", avatar_type="digital_twin", supported_engines=("avatar_iv", "avatar_v"))
    )
    assert draft_of(only_iv).engine is Engine.AVATAR_IV  # the cheapest it supports
    image = draft_of(replace(BASE, look=None, photo_path="/p.jpg", engine=Engine.AVATAR_IV))
    assert image.engine is Engine.AVATAR_IV and sent_body(image, image_asset_id="a")["type"] == "image"
    assert json.loads(draft.dumps()).get("draft") is None  # a draft is one render, never saved as the project


@pytest.mark.parametrize(
    ("project", "ids", "field", "says"),
    [
        (
            replace(BASE, engine=Engine.AVATAR_V),
            {},
            "engine",
            "This look renders on Avatar IV and Avatar III, not Avatar V",
        ),
        (
            replace(BASE, engine=Engine.AVATAR_III, scenes=(Scene(script="Hi.", motion_prompt="waves"),)),
            {},
            "motion_prompt",
            "Avatar III engine takes no motion prompt, and scene 1 has one. Clear it",
        ),
        (
            replace(BASE, engine=Engine.AVATAR_III, resolution=Resolution.UHD_4K),
            {},
            "resolution",
            "Choose 1080p, or Avatar IV for 4K",
        ),
        (
            replace(BASE, look=None, photo_path="/p.jpg", engine=Engine.AVATAR_III),
            {"image_asset_id": "a"},
            "engine",
            "A video made straight from a photo renders on Avatar IV",
        ),
        (
            replace(TWO_SCENES, own_audio=RECORDING),
            {"audio_asset_id": "a"},
            "audio_asset_id",
            "this video has 2 scenes. Remove the other scenes, or remove the recording",
        ),
        (
            replace(TWO_SCENES, transparent=True),
            {},
            "output_format",
            "Remove the other scenes, or turn the transparent background off",
        ),
    ],
)
def test_what_heygen_refuses_is_refused_before_sending_with_what_to_change(project, ids, field, says):
    spec = replace(video_spec(project, "v3"), **ids)
    with pytest.raises(InvalidRequestError) as caught:
        V3Api(_unused_transport()).check_video_spec(spec)
    assert says in str(caught.value) and caught.value.field == field


def test_a_look_whose_engines_are_not_known_is_not_refused_any_engine():
    unknown = replace(BASE, look=LookRef("look_1", avatar_type="digital_twin"), engine=Engine.AVATAR_V)
    assert sent_body(unknown)["engine"] == {"type": "avatar_v"}


@pytest.mark.parametrize(
    ("project", "says"),
    [
        (replace(BASE, look=None, photo_path="/p.jpg"), "A video made straight from a photo"),
        (replace(BASE, own_audio=RECORDING), "Lip-syncing your own recording"),
        (replace(BASE, burn_captions=True), "Burning captions into the video"),
        (replace(BASE, transparent=True), "A transparent background"),
    ],
)
def test_the_legacy_api_says_it_has_none_of_these(project, says):
    message = refusal(project, "v2")
    assert message.startswith(says) and "legacy (v2)" in message and "switch to the current API (v3)" in message


def test_the_editor_is_told_what_a_choice_leaves_out():
    api = V3Api(_unused_transport())
    spoken = replace(BASE, own_audio=RECORDING)
    notes = {note.field: note for note in api.explain_video_request(video_spec(spoken, "v3"))}
    assert "recording is lip-synced instead of the script" in notes["script"].reason
    on_iii = replace(BASE, engine=Engine.AVATAR_III, scenes=(Scene(script="Hi.", motion_prompt="nods"),))
    notes = {note.field: note for note in api.explain_video_request(video_spec(on_iii, "v3"))}
    assert notes["motion_prompt"].reason == "The Avatar III engine takes no motion prompt, so it is not sent."
    assert "Avatar III engine does not take expressiveness" in notes["expressiveness"].reason
    clear = {note.field: note for note in api.explain_video_request(video_spec(replace(BASE, transparent=True), "v3"))}
    assert clear["background_color"].reason == "A transparent video has no background, so the colour is not sent."
    assert "background_color" not in {note.field for note in api.explain_video_request(video_spec(BASE, "v3"))}


def test_the_looks_engines_are_saved_with_the_project_and_reach_the_request():
    again = Project.loads(BASE.dumps())
    assert again.look == BASE.look and again.look is not None
    assert again.look.engines == (Engine.AVATAR_IV, Engine.AVATAR_III)
    assert video_spec(again, "v3").supported_engines == (Engine.AVATAR_IV, Engine.AVATAR_III)
    assert video_spec(again, "v3").avatar_type is AvatarType.PHOTO


async def test_a_file_not_uploaded_yet_is_never_sent_to_heygen():
    sent: list[httpx.Request] = []
    transport = Transport(
        "key",
        base_url="https://api.heygen.com",
        upload_url="https://upload.heygen.com",
        transport=httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(500)),
    )
    api = V3Api(transport)
    spoken = video_spec(replace(BASE, own_audio=RECORDING), "v3")
    with pytest.raises(InvalidRequestError, match="The recording this video needs is not uploaded yet") as caught:
        await api.submit_video(spoken, "key-1")
    assert caught.value.field == "audio_asset_id"
    image = video_spec(replace(BASE, look=None, photo_path="/p.jpg"), "v3")
    with pytest.raises(InvalidRequestError, match=r"Video 2 of the batch: The photo this video needs is not uploaded"):
        await api.submit_video_batch([video_spec(BASE, "v3"), image])
    assert sent == []
    await api.aclose()


@pytest.mark.parametrize("engine", list(Engine))
@pytest.mark.parametrize("image", [False, True])
@pytest.mark.parametrize("scenes", [1, 2])
@pytest.mark.parametrize("own_audio", [False, True])
@pytest.mark.parametrize(("burn", "transparent"), [(False, False), (True, False), (False, True), (True, True)])
def test_every_combination_is_either_refused_with_a_reason_or_a_body_heygen_accepts(
    engine, image, scenes, own_audio, burn, transparent
):
    look = LookRef("look_1", avatar_type="digital_twin", supported_engines=("avatar_iv", "avatar_iii", "avatar_v"))
    project = replace(
        BASE,
        look=None if image else look,
        photo_path="/p.jpg" if image else None,
        engine=engine,
        scenes=tuple(Scene(script=f"Scene {n}.") for n in range(scenes)),
        own_audio=RECORDING if own_audio else None,
        burn_captions=burn,
        transparent=transparent,
    )
    ids = {"image_asset_id": "asset_photo"} if image else {}
    if own_audio:
        ids["audio_asset_id"] = "asset_audio"
    spec = replace(video_spec(project, "v3"), **ids)
    try:
        V3Api(_unused_transport()).check_video_spec(spec)
    except InvalidRequestError as refused:
        assert refused.field and str(refused).rstrip().endswith(".")  # a sentence saying what to change
        assert (image and engine is not Engine.AVATAR_IV) or (scenes > 1 and (own_audio or transparent))
        return
    body = build_video_request(spec)
    validate_v3_request(httpx.Request("POST", "https://api.heygen.com/v3/videos", json=body))
    inputs = [body] if scenes == 1 else [scene["input"] for scene in body["scenes"]]
    assert all(("audio_asset_id" in each) == own_audio and ("script" in each) != own_audio for each in inputs)
    assert all((each["type"] == "image") == image for each in inputs)
    assert ("style" in body.get("caption", {})) == burn
    assert (body.get("output_format") == "webm") == transparent
