"""Hearing a scene against the real sandbox over loopback: the speech is cached on disk, measured from the file,
free and offline the second time; damaged entries are fetched again; not-audio is a plain error."""

from __future__ import annotations

import asyncio
import json
import wave
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from heygen_studio.api import HeyGenApi, UnsupportedError, open_client
from heygen_studio.api.errors import HeyGenError, NoCreditsError
from heygen_studio.api.models import SpeechClip
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.speech_previews import (
    SpeechCache,
    SpeechPreviews,
    SpeechRequest,
    UnreadableSpeech,
    audio_seconds,
)

SCRIPT = "Welcome to the launch of our new product. It is faster, smaller and kinder to the planet."
REQUEST = SpeechRequest("demo-en-us-ava", SCRIPT, 1.0)


class Offline(HeyGenError):
    default_message = "offline"


def offline() -> HeyGenApi:
    raise Offline()


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    server = SandboxServer(SandboxConfig(job_seconds=0.05))
    yield server.start()
    server.stop()


@pytest.fixture
async def api(sandbox_url: str) -> AsyncIterator[HeyGenApi]:
    client = open_client("v3", "sandbox", base_url=sandbox_url, upload_url=sandbox_url)
    yield client
    await client.aclose()


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as file:
        return file.getnframes() / file.getframerate()


async def test_heard_once_then_from_the_cache_for_free_and_offline(api: HeyGenApi, tmp_path: Path) -> None:
    speech = SpeechPreviews(tmp_path / "speech")
    first = await speech.hear(REQUEST, lambda: api)
    assert not first.cached and first.audio.is_file() and first.audio.parent == tmp_path / "speech"
    own = wav_seconds(first.audio) if first.audio.suffix == ".wav" else audio_seconds(first.audio)
    assert own is not None and abs(first.duration_s - own) < 0.1  # the measured length is the file's own
    said = json.loads((tmp_path / "speech" / f"{REQUEST.key}.json").read_text())["heygen_duration_s"]
    assert abs(said - own) < 0.1  # and HeyGen (the sandbox) said as much
    assert [w.word.strip(".,").lower() for w in first.words][:3] == ["welcome", "to", "the"]
    assert all(0 <= w.start_s < w.end_s <= first.duration_s + 0.05 for w in first.words)
    assert speech.measured(REQUEST) == first.duration_s

    again = await speech.hear(REQUEST, offline)  # no HeyGen to ask: the cache answers
    assert again.cached and again.audio == first.audio and again.duration_s == first.duration_s
    assert again.words == first.words

    restarted = SpeechPreviews(tmp_path / "speech")  # the next start knows the length before any listen
    assert restarted.measured(REQUEST) is None
    await restarted.load()
    assert restarted.measured(REQUEST) == first.duration_s


async def test_another_speed_is_another_speech_and_shorter(api: HeyGenApi, tmp_path: Path) -> None:
    speech = SpeechPreviews(tmp_path / "speech")
    normal = await speech.hear(REQUEST, lambda: api)
    fast = await speech.hear(SpeechRequest(REQUEST.voice_id, SCRIPT, 1.5), lambda: api)
    assert fast.audio != normal.audio and fast.duration_s < normal.duration_s * 0.85


async def test_a_damaged_entry_is_moved_aside_and_heard_again(api: HeyGenApi, tmp_path: Path) -> None:
    folder = tmp_path / "speech"
    speech = SpeechPreviews(folder)
    first = await speech.hear(REQUEST, lambda: api)
    first.audio.write_bytes(first.audio.read_bytes()[:2000])  # a torn copy
    with pytest.raises(Offline):
        await speech.hear(REQUEST, offline)  # not played as it is: it must be fetched again
    assert (folder / "damaged" / first.audio.name).is_file() and speech.measured(REQUEST) is None
    again = await speech.hear(REQUEST, lambda: api)
    assert not again.cached and abs(again.duration_s - first.duration_s) < 0.05

    (folder / f"{REQUEST.key}.json").write_text("{not json")
    fresh = SpeechPreviews(folder)
    await fresh.load()  # the start finds it damaged: moved aside, not fatal
    assert fresh.measured(REQUEST) is None and not (folder / f"{REQUEST.key}.json").exists()


async def test_asked_twice_at_once_heygen_is_asked_once(api: HeyGenApi, tmp_path: Path) -> None:
    calls: list[str] = []
    speak = api.generate_speech

    async def counted(voice_id: str, text: str, speed: float = 1.0, locale: str | None = None) -> SpeechClip:
        calls.append(text)
        return await speak(voice_id, text, speed, locale)

    api.generate_speech = counted  # type: ignore[method-assign]  # count the real client's calls
    speech = SpeechPreviews(tmp_path / "speech")
    one, two = await asyncio.gather(speech.hear(REQUEST, lambda: api), speech.hear(REQUEST, lambda: api))
    assert calls == [SCRIPT] and one.audio == two.audio


async def test_the_legacy_api_says_listening_needs_v3(sandbox_url: str, tmp_path: Path) -> None:
    legacy = open_client("v2", "sandbox", base_url=sandbox_url, upload_url=sandbox_url)
    try:
        with pytest.raises(UnsupportedError, match="v3"):
            await SpeechPreviews(tmp_path / "speech").hear(REQUEST, lambda: legacy)
    finally:
        await legacy.aclose()


def test_what_is_not_audio_is_a_plain_error_and_leaves_no_entry(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "speech")
    clip = SpeechClip("https://example.test/a.mp3", 3.0)
    with pytest.raises(UnreadableSpeech, match="could not be read"):
        cache.put(REQUEST, b"<html>Service unavailable</html>", ".mp3", clip)
    assert cache.get(REQUEST) is None and list((tmp_path / "speech").iterdir()) == []


async def test_an_empty_wallet_is_said_plainly_and_nothing_is_cached(tmp_path: Path) -> None:
    server = SandboxServer(SandboxConfig(balance=0.0))
    url = server.start()
    client = open_client("v3", "sandbox", base_url=url, upload_url=url)
    speech = SpeechPreviews(tmp_path / "speech")
    try:
        scenes = [REQUEST, SpeechRequest(REQUEST.voice_id, "A second scene.", 1.0)]
        with pytest.raises(NoCreditsError):  # one plain error for Measure all, not a group of them
            await speech.hear_all(scenes, lambda: client)
    finally:
        await client.aclose()
        server.stop()
    assert speech.measured(REQUEST) is None and not list((tmp_path / "speech").glob("*.json"))


async def test_past_its_size_the_cache_lets_the_least_recently_heard_go(api: HeyGenApi, tmp_path: Path) -> None:
    speech = SpeechPreviews(tmp_path / "speech")
    await speech.hear(REQUEST, lambda: api)
    second = SpeechRequest(REQUEST.voice_id, SCRIPT + " Twice.", 1.0)
    await speech.hear(second, lambda: api)
    held = sum(path.stat().st_size for path in (tmp_path / "speech").iterdir())
    speech.cache.max_bytes = held + 50_000  # room for these two and a little more, not for a third (200 KB)
    assert (await speech.hear(REQUEST, offline)).cached  # heard again: now the most recent
    await speech.hear(SpeechRequest(REQUEST.voice_id, SCRIPT + " Thrice.", 1.0), lambda: api)
    assert speech.measured(second) is None and speech.measured(REQUEST) is not None
    assert not (tmp_path / "speech" / f"{second.key}.json").exists()
