"""The sandbox's voices really speak (espeak-ng), with word timings, and uploaded recordings are read with PyAV."""

from __future__ import annotations

import io
import wave
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import av
import httpx
import numpy as np
import pytest
from sandbox_helpers import KEY, sandbox_state, wallet_balance
from starlette.applications import Starlette

from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import V3_SPEECH_USD_PER_SECOND
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox import demo, media_routes, speech
from heygen_studio.sandbox.audio_files import MAX_AUDIO_SECONDS, AudioFileError, decode_audio, sniff_audio
from heygen_studio.sandbox.server import SandboxServer

SCENE = (
    "Welcome to our studio. Today I will show you how one photo becomes a talking video in a few minutes, "
    "with captions, a voice you choose and music, so that everyone on your team can review it before you pay."
)
SILENCE_RMS = 50


def rms(samples: np.ndarray[Any, Any]) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))


def pitch_hz(clip: speech.Speech) -> float:
    """The median fundamental of the clip's loud 40 ms frames, by autocorrelation (50-400 Hz)."""
    size = int(0.04 * clip.sample_rate)
    low, high = clip.sample_rate // 400, clip.sample_rate // 50
    pitches = []
    for first in range(0, len(clip.samples) - size, size):
        frame = clip.samples[first : first + size].astype(np.float64)
        if rms(frame) < 2000:
            continue
        frame -= frame.mean()
        correlation = np.correlate(frame, frame, "full")[size - 1 :]
        pitches.append(clip.sample_rate / (low + int(np.argmax(correlation[low:high]))))
    return float(np.median(pitches))


def test_a_scene_is_spoken_aloud_with_its_words_timed_inside_the_audio() -> None:
    clip = speech.synthesize(SCENE, "demo-en-us-ava")
    assert clip.duration_s == len(clip.samples) / clip.sample_rate
    assert 8 < clip.duration_s < 25
    assert rms(clip.samples) > 20 * SILENCE_RMS
    assert [word.word for word in clip.words][:4] == ["Welcome", "to", "our", "studio"]
    assert len(clip.words) >= len(SCENE.split()) - 3  # espeak says a few short words together ("for a")
    starts = [word.start_s for word in clip.words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for word in clip.words:
        assert 0 <= word.start_s < word.end_s <= clip.duration_s
        spoken = clip.samples[round(word.start_s * clip.sample_rate) : round(word.end_s * clip.sample_rate)]
        assert rms(spoken) > 10 * SILENCE_RMS, word


def test_words_espeak_says_in_pieces_keep_the_text_as_written() -> None:
    clip = speech.synthesize("It costs 3.5 dollars, isn't it? ¿Sí, Lucía!", "demo-en-us-noah")
    assert [word.word for word in clip.words] == ["It", "costs", "3.5", "dollars", "isn't", "it", "Sí", "Lucía"]


def test_a_pause_at_a_full_stop_is_not_part_of_the_word_before_it() -> None:
    clip = speech.synthesize("Hello world. Goodbye now.", "demo-en-gb-george")
    world, goodbye = clip.words[1], clip.words[2]
    assert goodbye.start_s - world.end_s > 0.1


def test_speed_scales_how_fast_the_voice_speaks() -> None:
    normal = speech.synthesize(SCENE, "demo-de-lena", 1.0).duration_s
    assert speech.synthesize(SCENE, "demo-de-lena", 2.0).duration_s < normal * 0.65
    assert speech.synthesize(SCENE, "demo-de-lena", 0.5).duration_s > normal * 1.5


def test_a_womans_voice_is_higher_than_a_mans() -> None:
    text = "This is how my voice sounds when I read a sentence aloud."
    woman, man = speech.synthesize(text, "demo-en-us-ava"), speech.synthesize(text, "demo-en-us-noah")
    assert pitch_hz(woman) > 1.4 * pitch_hz(man)


def test_every_demo_voice_has_its_own_speaker() -> None:
    assert set(speech.SPEAKERS) == {voice.id for voice in demo.VOICES}
    assert len(set(speech.SPEAKERS.values())) == len(demo.VOICES)
    samples = {voice.id: speech.synthesize("One two three.", voice.id).samples.tobytes() for voice in demo.VOICES}
    assert len(set(samples.values())) == len(demo.VOICES)


def test_a_locale_changes_the_language_and_an_unknown_one_is_refused_plainly() -> None:
    english = speech.synthesize("Hola amigos", "demo-en-us-ava")
    spanish = speech.synthesize("Hola amigos", "demo-en-us-ava", locale="es-MX")  # no es-mx voice: Spanish
    assert english.samples.tobytes() != spanish.samples.tobytes()
    assert speech.synthesize("Hello", "demo-en-us-ava", locale="en_GB").duration_s > 0
    assert speech._languages(speech.SPEAKERS["demo-en-us-ava"], "en") == ("en-us",)  # "en" keeps Ava American
    assert speech._languages(speech.SPEAKERS["demo-en-us-ava"], "en-gb") == ("en-gb", "en")
    with pytest.raises(speech.SpeechError, match="cannot speak xx-yy"):
        speech.synthesize("Hello", "demo-en-us-ava", locale="xx-YY")
    with pytest.raises(speech.SpeechError, match="no speaker"):
        speech.synthesize("Hello", "someone-else")


def test_the_same_text_is_synthesized_once_and_its_cached_audio_cannot_be_changed() -> None:
    first = speech.synthesize("Cached words.", "demo-fr-camille")
    assert speech.synthesize("Cached words.", "demo-fr-camille") is first
    assert speech.synthesize("Cached words.", "demo-fr-camille", 1.2) is not first
    with pytest.raises(ValueError, match="read-only"):
        first.samples[0] = 1


def test_the_cache_keeps_the_most_recent_audio_within_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    one = speech.synthesize("One short line.", "demo-en-us-noah")
    recent = speech.Recent(limit_bytes=int(2.5 * one.samples.nbytes))
    monkeypatch.setattr(speech, "_RECENT", recent)
    first = speech.synthesize("One short line.", "demo-en-us-noah")
    second = speech.synthesize("One short line.", "demo-en-us-ava")
    assert speech.synthesize("One short line.", "demo-en-us-noah") is first  # used again: now the most recent
    speech.synthesize("One short line.", "demo-de-jonas")
    assert speech.synthesize("One short line.", "demo-en-us-noah") is first
    assert speech.synthesize("One short line.", "demo-en-us-ava") is not second  # the least recent went


def test_synthesis_from_many_threads_gives_what_one_thread_gives() -> None:
    """espeak-ng is not thread-safe: calls from several threads take turns, so none gets another's audio.
    (espeak's output varies by a few milliseconds from call to call, so lengths are compared, not bytes.)"""
    texts = [f"Sentence number {number} is spoken {'slowly ' * number}here." for number in range(8)]

    def spoken(text: str) -> tuple[list[str], float]:
        clip = speech.synthesize(text, "demo-es-mateo")
        return [word.word for word in clip.words], clip.duration_s

    alone = [spoken(text) for text in texts]
    speech._RECENT.clear()
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(spoken, texts))
    for (words, seconds), (words_alone, seconds_alone) in zip(together, alone, strict=True):
        assert words == words_alone
        assert seconds == pytest.approx(seconds_alone, abs=0.1)


def test_the_wav_file_holds_exactly_the_speech() -> None:
    clip = speech.synthesize("A short clip.", "demo-en-gb-olivia")
    with wave.open(io.BytesIO(speech.wav_bytes(clip))) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, clip.sample_rate)
        assert reader.getnframes() / reader.getframerate() == clip.duration_s
        assert reader.readframes(reader.getnframes()) == clip.samples.tobytes()


# --- uploaded recordings ---------------------------------------------------------------------------


def encoded(samples: np.ndarray[Any, Any], rate: int, container: str, codec: str) -> bytes:
    """`samples` (mono int16) encoded as a stereo 44.1 kHz file, as a phone or an editor exports one."""
    out = io.BytesIO()
    with av.open(out, "w", format=container) as file:
        stream = file.add_stream(codec, rate=44_100, layout="stereo")
        frame = av.AudioFrame.from_ndarray(samples[np.newaxis, :].copy(), format="s16", layout="mono")
        frame.sample_rate, frame.pts = rate, 0
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout="stereo", rate=44_100)
        for part in [*resampler.resample(frame), *resampler.resample(None)]:
            file.mux(stream.encode(part))
        file.mux(stream.encode(None))
    return out.getvalue()


@pytest.mark.parametrize(
    ("container", "codec", "mime"),
    [
        ("mp3", "libmp3lame", "audio/mpeg"),
        ("ipod", "aac", "audio/mp4"),
        ("mp4", "aac", "audio/mp4"),
        ("wav", "pcm_s16le", "audio/wav"),
    ],
)
def test_an_uploaded_recording_is_read_as_mono_samples(container: str, codec: str, mime: str) -> None:
    clip = speech.synthesize("My own recording of my own voice.", "demo-en-us-noah")
    data = encoded(clip.samples, clip.sample_rate, container, codec)
    assert sniff_audio(data) == mime
    samples, rate = decode_audio(data)
    assert samples.dtype == np.int16 and samples.ndim == 1 and rate == 44_100
    assert abs(len(samples) / rate - clip.duration_s) < 0.05
    assert rms(samples) > 0.5 * rms(clip.samples)


def test_a_silent_recording_is_accepted() -> None:
    samples, rate = decode_audio(encoded(np.zeros(22_050, np.int16), 22_050, "wav", "pcm_s16le"))
    assert len(samples) == rate and not samples.any()


def test_files_that_are_not_usable_recordings_are_refused_saying_what_to_do() -> None:
    with pytest.raises(AudioFileError, match="empty"):
        decode_audio(b"")
    with pytest.raises(AudioFileError, match="cannot be read as audio: choose an MP3, WAV or M4A"):
        decode_audio(b"Just some words in a text file, not a recording.")
    with pytest.raises(AudioFileError, match="no sound in it"):
        decode_audio(sample_photo("astronaut.png").read_bytes())
    too_long = encoded(np.zeros((MAX_AUDIO_SECONDS + 1) * 8000, np.int16), 8000, "wav", "pcm_s16le")
    with pytest.raises(AudioFileError, match="longer than 10 minutes"):
        decode_audio(too_long)


def test_mp3_frames_without_a_tag_and_raw_aac_are_audio_but_photos_are_not() -> None:
    assert sniff_audio(b"\xff\xfb\x90\x00" + bytes(100)) == "audio/mpeg"
    assert sniff_audio(b"\xff\xf1\x50\x80" + bytes(100)) == "audio/aac"
    assert sniff_audio(sample_photo("astronaut.png").read_bytes()) is None
    assert sniff_audio(b"\xff\xd8\xff\xe0" + bytes(100)) is None  # a JPEG
    assert sniff_audio("1\n00:00:01,000 --> 00:00:02,000\nHi\n".encode("utf-16")) is None  # a UTF-16 subtitle


# --- POST /v3/voices/speech, voice previews and audio uploads --------------------------------------


def read_wav(data: bytes) -> tuple[np.ndarray[Any, Any], int]:
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        return np.frombuffer(reader.readframes(reader.getnframes()), "<i2"), reader.getframerate()


async def speak(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post("/v3/voices/speech", json={"text": SCENE, "voice_id": "demo-en-us-ava", **body})


async def test_a_scene_comes_back_as_audible_audio_whose_length_and_word_timings_are_its_own(
    client: httpx.AsyncClient,
) -> None:
    answer = await speak(client)
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["request_id"]
    audio = await client.get(data["audio_url"])
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    samples, rate = read_wav(audio.content)
    assert data["duration"] == pytest.approx(len(samples) / rate, abs=0.01)
    assert rms(samples) > 20 * SILENCE_RMS
    words = data["word_timestamps"]
    assert [word["word"] for word in words][:4] == ["Welcome", "to", "our", "studio"]
    assert [word["start"] for word in words] == sorted({word["start"] for word in words})
    assert all(0 <= word["start"] < word["end"] <= data["duration"] for word in words)
    part = await client.get(data["audio_url"], headers={"Range": "bytes=44-1043"})
    assert part.status_code == 206 and part.content == audio.content[44:1044]


def test_scenes_spoken_at_once_over_loopback_all_come_back_whole(server: SandboxServer) -> None:
    """Six voices speaking at once on a real server, voice lists asked for meanwhile: every answer arrives, and each
    clip's duration is its own WAV's."""
    with httpx.Client(base_url=server.url, headers={"X-Api-Key": KEY}, timeout=30) as client:
        with ThreadPoolExecutor(4) as pool:
            spoken = [
                pool.submit(client.post, "/v3/voices/speech", json={"text": f"{SCENE} {n}", "voice_id": voice.id})
                for n, voice in enumerate(demo.VOICES[:6])
            ]
            listed = [pool.submit(client.get, "/v3/voices") for _ in range(6)]
            assert all(answer.result().status_code == 200 for answer in listed)
            clips = [answer.result().json()["data"] for answer in spoken]
        for clip in clips:
            samples, rate = read_wav(client.get(clip["audio_url"]).content)
            assert clip["duration"] == pytest.approx(len(samples) / rate, abs=0.01)


async def test_speech_is_billed_per_second_of_audio_from_the_price_list(client: httpx.AsyncClient) -> None:
    before = await wallet_balance(client)
    duration = (await speak(client)).json()["data"]["duration"]
    assert before - await wallet_balance(client) == V3_SPEECH_USD_PER_SECOND * Decimal(str(round(duration, 3)))


async def test_speech_the_wallet_cannot_pay_is_402_and_makes_no_audio(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    state = sandbox_state(app)
    state.account.purse.amount = Money.usd("0.001")  # a second and a half of speech
    assets = len(state.assets)
    answer = await speak(client)
    assert answer.status_code == 402 and answer.json()["error"]["code"] == "insufficient_credit"
    assert len(state.assets) == assets and await wallet_balance(client) == Decimal("0.001")
    assert (await speak(client, text="Hi.")).status_code == 200  # a short line is still affordable


async def test_a_faster_speed_gives_shorter_audio(client: httpx.AsyncClient) -> None:
    normal = (await speak(client)).json()["data"]["duration"]
    fast = (await speak(client, speed=2.0)).json()["data"]["duration"]
    assert fast < 0.65 * normal


@pytest.mark.parametrize(
    ("body", "param", "says"),
    [
        ({"text": ""}, "text", "write what the voice should say"),
        ({"text": "   "}, "text", "write what the voice should say"),
        ({"text": "x" * 5001}, "text", "5001 characters; at most 5000"),
        ({"speed": 2.5}, "speed", "between 0.5 and 2"),
        ({"speed": 0.4}, "speed", "between 0.5 and 2"),
        ({"input_type": "ssml"}, "input_type", "plain text, not SSML"),
        ({"input_type": "html"}, "input_type", "text or ssml"),
        ({"locale": "xx-YY"}, "locale", "cannot speak xx-yy"),
        ({"language": "zz"}, "language", "cannot speak zz"),
        ({"voice_id": None}, "voice_id", "voice_id"),
    ],
)
async def test_bad_speech_requests_name_the_field_and_say_what_to_do(
    client: httpx.AsyncClient, body: dict[str, Any], param: str, says: str
) -> None:
    answer = await speak(client, **body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["param"]) == ("invalid_parameter", param) and says in error["message"]


async def test_an_unknown_voice_is_404_and_one_without_starfish_cannot_speak(client: httpx.AsyncClient) -> None:
    unknown = (await speak(client, voice_id="nobody")).json()["error"]
    assert (unknown["code"], unknown["param"]) == ("voice_not_found", "voice_id")
    answer = await speak(client, voice_id="demo-ja-yui")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["param"]) == ("voice_not_usable", "voice_id")
    assert "engine=starfish" in error["message"]


async def test_the_voice_list_filters_to_voices_that_can_speak(client: httpx.AsyncClient) -> None:
    every = {voice["voice_id"] for voice in (await client.get("/v3/voices")).json()["data"]}
    starfish = (await client.get("/v3/voices", params={"engine": "starfish"})).json()["data"]
    assert {voice["voice_id"] for voice in starfish} == every - {"demo-ja-yui", "demo-pt-br-rafael"}
    assert (await client.get("/v3/voices", params={"engine": "other"})).json()["data"] == []
    assert all(voice["support_locale"] for voice in starfish)  # they speak a locale's language when asked
    english = await client.get("/v3/voices", params={"engine": "starfish", "language": "english", "gender": "male"})
    assert [voice["name"] for voice in english.json()["data"]] == ["Noah", "George (British)"]


async def test_a_voice_preview_is_that_voice_saying_a_sentence(client: httpx.AsyncClient) -> None:
    voices = (await client.get("/v3/voices")).json()["data"]
    previews = {voice["voice_id"]: (await client.get(voice["preview_audio_url"])).content for voice in voices}
    assert len(set(previews.values())) == len(voices)
    for voice_id, data in previews.items():
        samples, rate = read_wav(data)
        assert len(samples) / rate > 1.5 and rms(samples) > 20 * SILENCE_RMS, voice_id
    again = await client.get(voices[0]["preview_audio_url"], headers={"Range": "bytes=1000-"})
    assert again.status_code == 206 and again.content == previews[voices[0]["voice_id"]][1000:]


@pytest.mark.parametrize(
    ("container", "codec", "declared", "mime"),
    [
        ("mp3", "libmp3lame", "audio/mpeg", "audio/mpeg"),
        ("ipod", "aac", "audio/x-m4a", "audio/mp4"),
        ("ipod", "aac", "audio/mp4", "audio/mp4"),
        ("mp4", "aac", "audio/mp4", "audio/mp4"),  # an m4a saved with the isom brand: sound only
        ("wav", "pcm_s16le", "audio/x-wav", "audio/wav"),
        ("wav", "pcm_s16le", "application/octet-stream", "audio/wav"),
    ],
)
async def test_a_recording_uploads_as_an_audio_asset_judged_by_its_content(
    client: httpx.AsyncClient, container: str, codec: str, declared: str, mime: str
) -> None:
    clip = speech.synthesize("My own recording of my own voice.", "demo-en-us-noah")
    data = encoded(clip.samples, clip.sample_rate, container, codec)
    answer = await client.post("/v3/assets", files={"file": ("voice", data, declared)})
    assert answer.status_code == 200, answer.text
    asset = answer.json()["data"]
    assert (asset["mime_type"], asset["size_bytes"]) == (mime, len(data))
    assert (await client.get(asset["url"])).content == data


async def test_a_video_with_sound_still_uploads_as_a_video(client: httpx.AsyncClient) -> None:
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as file:
        picture = file.add_stream("libx264", rate=10)
        picture.width, picture.height, picture.pix_fmt = 64, 64, "yuv420p"
        sound = file.add_stream("aac", rate=44_100, layout="mono")
        frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
        file.mux(picture.encode(frame.reformat(format="yuv420p")))
        file.mux(picture.encode(None))
        file.mux(sound.encode(None))
    answer = await client.post("/v3/assets", files={"file": ("clip.mp4", out.getvalue(), "video/mp4")})
    assert answer.status_code == 200 and answer.json()["data"]["mime_type"] == "video/mp4"


async def test_a_broken_recording_is_refused_at_upload_saying_what_to_do(client: httpx.AsyncClient) -> None:
    answer = await client.post("/v3/assets", files={"file": ("voice.mp3", b"ID3" + bytes(500), "audio/mpeg")})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["param"] == "file" and "choose an MP3, WAV or M4A recording" in error["message"]


async def test_without_espeak_ng_the_sandbox_says_what_to_install(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(speech, "LIBRARY", "libespeak-ng-not-installed.so.1")
    monkeypatch.setattr(speech, "_ENGINE", speech._Espeak())
    monkeypatch.setattr(speech, "_RECENT", speech.Recent(speech.CACHE_BYTES))
    media_routes.preview_wav.cache_clear()
    answer = await speak(client, text="Something not heard before.")
    assert answer.status_code == 500
    assert "install espeak-ng (scripts/system-packages.sh)" in answer.json()["error"]["message"]
    preview = await client.get("/_media/voices/demo-de-jonas.wav")
    assert preview.status_code == 503 and "install espeak-ng" in preview.text
