"""The v3 client asks the sandbox HeyGen to speak a script, knows which voices can, and maps speech errors."""

from __future__ import annotations

import io
import wave
from collections.abc import AsyncIterator, Iterator
from typing import Literal

import httpx
import pytest
from starlette.applications import Starlette
from test_sandbox_clients import FAST_RETRY, ContractChecking

from heygen_studio.api import (
    HeyGenApi,
    InvalidRequestError,
    NoCreditsError,
    NotFoundError,
    ServerError,
    UnsupportedError,
    open_client,
)
from heygen_studio.domain.money import Money
from heygen_studio.sandbox.app import create_app
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.sandbox.state import SandboxState

SCENE = (
    "Welcome to our studio. Today I will show you how one photo becomes a talking video in a few minutes, "
    "with captions, a voice you choose and music, so that everyone on your team can review it before you pay."
)


class Wire(ContractChecking):
    """The contract-checking wire to the sandbox, remembering each request's method, path and query."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        super().__init__(inner)
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path, dict(request.url.params)))
        return await super().handle_async_request(request)


@pytest.fixture
def sandbox() -> Iterator[Starlette]:
    app = create_app(SandboxConfig(job_seconds=0.2))
    yield app
    app.state.sandbox.close()


@pytest.fixture
def wire(sandbox: Starlette) -> Wire:
    return Wire(httpx.ASGITransport(app=sandbox))


def state(sandbox: Starlette) -> SandboxState:
    sandbox_state: SandboxState = sandbox.state.sandbox
    return sandbox_state


def connect(wire: Wire, generation: Literal["v3", "v2"] = "v3") -> HeyGenApi:
    return open_client(
        generation,
        "sandbox",
        base_url="http://sandbox.test",
        upload_url="http://sandbox.test",
        transport=wire,
        retry=FAST_RETRY,
        max_retry_wait_s=1.0,
    )


@pytest.fixture
async def v3(wire: Wire) -> AsyncIterator[HeyGenApi]:
    async with connect(wire) as api:
        yield api


async def test_a_scene_is_spoken_and_its_clip_matches_the_audio_file(v3: HeyGenApi, wire: Wire) -> None:
    clip = await v3.generate_speech("demo-en-us-ava", SCENE, speed=1.1, locale="en-US")
    assert ("POST", "/v3/voices/speech", {}) in wire.sent and wire.checked >= 1  # request and answer by contract
    async with httpx.AsyncClient(transport=wire) as plain:
        audio = (await plain.get(clip.audio_url)).content
    with wave.open(io.BytesIO(audio)) as reader:
        assert clip.duration_s == pytest.approx(reader.getnframes() / reader.getframerate(), abs=0.01)
    assert clip.request_id and 30 <= len(clip.words) <= len(SCENE.split())
    assert clip.words[0].word == "Welcome" and clip.words[-1].word == "pay"
    starts = [word.start_s for word in clip.words]
    assert starts == sorted(set(starts)) and clip.words[-1].end_s <= clip.duration_s


async def test_voices_say_whether_they_can_speak_and_the_starfish_list_is_read_once(v3: HeyGenApi, wire: Wire) -> None:
    voices = (await v3.list_voices()).items
    assert {voice.id for voice in voices if voice.can_speak is False} == {"demo-ja-yui", "demo-pt-br-rafael"}
    assert all(voice.can_speak for voice in voices if voice.id not in ("demo-ja-yui", "demo-pt-br-rafael"))
    japanese = (await v3.list_voices(language="Japanese")).items
    assert [(voice.name, voice.can_speak) for voice in japanese] == [("Yui", False)]
    listings = [query for method, path, query in wire.sent if path == "/v3/voices"]
    assert [query.get("engine") for query in listings] == [None, "starfish", None]


async def test_speech_errors_map_to_what_the_user_can_do(v3: HeyGenApi, sandbox: Starlette) -> None:
    with pytest.raises(NotFoundError):
        await v3.generate_speech("nobody", "Hello.")
    with pytest.raises(InvalidRequestError) as unusable:
        await v3.generate_speech("demo-ja-yui", "Hello.")
    assert (unusable.value.code, unusable.value.field) == ("voice_not_usable", "voice_id")
    with pytest.raises(InvalidRequestError) as language:
        await v3.generate_speech("demo-en-us-ava", "Hello.", locale="xx-YY")
    assert language.value.field == "locale"
    state(sandbox).account.purse.amount = Money.usd("0.0001")
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
    v3: HeyGenApi, wire: Wire, text: str, speed: float, field: str, says: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await v3.generate_speech("demo-en-us-ava", text, speed=speed)
    assert caught.value.field == field and says in str(caught.value)
    assert wire.sent == []


async def test_a_failed_speech_request_is_not_retried_so_it_is_never_billed_twice(
    v3: HeyGenApi, wire: Wire, sandbox: Starlette
) -> None:
    state(sandbox).faults = FaultPlan(error_rate=1.0, path_prefix="/v3/voices/speech")
    with pytest.raises(ServerError):
        await v3.generate_speech("demo-en-us-ava", "Hello.")
    assert [path for _, path, _ in wire.sent] == ["/v3/voices/speech"]


async def test_the_legacy_api_says_speech_needs_v3(wire: Wire) -> None:
    async with connect(wire, "v2") as v2:
        with pytest.raises(UnsupportedError, match="Switch to v3 in Settings"):
            await v2.generate_speech("demo-en-us-ava", "Hello.")
    assert wire.sent == []
