"""The v3 client asks the sandbox HeyGen to speak a script, knows which voices can, and maps speech errors."""

from __future__ import annotations

import io
import wave

import httpx
import pytest
from client_support import ContractChecking

from heygen_studio.api import (
    HeyGenApi,
    InvalidRequestError,
    NoCreditsError,
    NotFoundError,
    ServerError,
    UnsupportedError,
)
from heygen_studio.domain.money import Money
from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.sandbox.state import SandboxState

SCENE = (
    "Welcome to our studio. Today I will show you how one photo becomes a talking video in a few minutes, "
    "with captions, a voice you choose and music, so that everyone on your team can review it before you pay."
)


def sent(wire: ContractChecking) -> list[tuple[str, str, dict[str, str]]]:
    """Each request the client sent: method, path and query."""
    return [(request.method, request.url.path, dict(request.url.params)) for request in wire.requests]


async def test_a_scene_is_spoken_and_its_clip_matches_the_audio_file(v3: HeyGenApi, wire: ContractChecking) -> None:
    clip = await v3.generate_speech("demo-en-us-ava", SCENE, speed=1.1, locale="en-US")
    assert ("POST", "/v3/voices/speech", {}) in sent(wire) and wire.checked >= 1  # request and answer by contract
    async with httpx.AsyncClient(transport=wire) as plain:
        audio = (await plain.get(clip.audio_url)).content
    with wave.open(io.BytesIO(audio)) as reader:
        assert clip.duration_s == pytest.approx(reader.getnframes() / reader.getframerate(), abs=0.01)
    assert clip.request_id and 30 <= len(clip.words) <= len(SCENE.split())
    assert clip.words[0].word == "Welcome" and clip.words[-1].word == "pay"
    starts = [word.start_s for word in clip.words]
    assert starts == sorted(set(starts)) and clip.words[-1].end_s <= clip.duration_s


async def test_voices_say_whether_they_can_speak_and_the_starfish_list_is_read_once(
    v3: HeyGenApi, wire: ContractChecking
) -> None:
    voices = (await v3.list_voices()).items
    assert {voice.id for voice in voices if voice.can_speak is False} == {"demo-ja-yui", "demo-pt-br-rafael"}
    assert all(voice.can_speak for voice in voices if voice.id not in ("demo-ja-yui", "demo-pt-br-rafael"))
    japanese = (await v3.list_voices(language="Japanese")).items
    assert [(voice.name, voice.can_speak) for voice in japanese] == [("Yui", False)]
    listings = [query for _, path, query in sent(wire) if path == "/v3/voices"]
    assert [query.get("engine") for query in listings] == [None, "starfish", None]


async def test_speech_errors_map_to_what_the_user_can_do(v3: HeyGenApi, state: SandboxState) -> None:
    with pytest.raises(NotFoundError):
        await v3.generate_speech("nobody", "Hello.")
    with pytest.raises(InvalidRequestError) as unusable:
        await v3.generate_speech("demo-ja-yui", "Hello.")
    assert (unusable.value.code, unusable.value.field) == ("voice_not_usable", "voice_id")
    with pytest.raises(InvalidRequestError) as language:
        await v3.generate_speech("demo-en-us-ava", "Hello.", locale="xx-YY")
    assert language.value.field == "locale"
    state.account.purse.amount = Money.usd("0.0001")
    with pytest.raises(NoCreditsError):
        await v3.generate_speech("demo-en-us-ava", SCENE)


@pytest.mark.parametrize(
    ("text", "speed", "field", "says"),
    [
        ("  ", 1.0, "text", "nothing to say"),
        ("x" * 5001, 1.0, "text", "at most 5000"),
        ("Hello.", 2.5, "speed", "0.5× to 2×"),
        ("Hello.", float("nan"), "speed", "0.5× to 2×"),
    ],
)
async def test_a_script_or_speed_heygen_refuses_is_caught_before_anything_is_sent(
    v3: HeyGenApi, wire: ContractChecking, text: str, speed: float, field: str, says: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await v3.generate_speech("demo-en-us-ava", text, speed=speed)
    assert caught.value.field == field and says in str(caught.value)
    assert sent(wire) == []


async def test_a_failed_speech_request_is_not_retried_so_it_is_never_billed_twice(
    v3: HeyGenApi, wire: ContractChecking, state: SandboxState
) -> None:
    state.faults = FaultPlan(error_rate=1.0, path_prefix="/v3/voices/speech")
    with pytest.raises(ServerError):
        await v3.generate_speech("demo-en-us-ava", "Hello.")
    assert [path for _, path, _ in sent(wire)] == ["/v3/voices/speech"]


async def test_the_legacy_api_says_speech_needs_v3(v2: HeyGenApi, wire: ContractChecking) -> None:
    with pytest.raises(UnsupportedError, match="Switch to v3 in Settings"):
        await v2.generate_speech("demo-en-us-ava", "Hello.")
    assert sent(wire) == []
