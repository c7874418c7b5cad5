"""The sandbox's voices really speak (espeak-ng), with word timings, and uploaded recordings are read with PyAV."""

from __future__ import annotations

import io
import wave
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import av
import numpy as np
import pytest

from heygen_studio.resources import sample_photo
from heygen_studio.sandbox import demo, speech
from heygen_studio.sandbox.audio_files import MAX_AUDIO_SECONDS, AudioFileError, decode_audio, sniff_audio

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


def test_synthesis_from_many_threads_gives_what_one_thread_gives() -> None:
    """espeak-ng is not thread-safe: calls from several threads take turns, so none gets another's audio.
    (espeak's output varies by a few milliseconds from call to call, so lengths are compared, not bytes.)"""
    texts = [f"Sentence number {number} is spoken {'slowly ' * number}here." for number in range(8)]

    def spoken(text: str) -> tuple[list[str], float]:
        clip = speech.synthesize(text, "demo-es-mateo")
        return [word.word for word in clip.words], clip.duration_s

    alone = [spoken(text) for text in texts]
    speech._synthesize.cache_clear()
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
    [("mp3", "libmp3lame", "audio/mpeg"), ("ipod", "aac", "audio/mp4"), ("wav", "pcm_s16le", "audio/wav")],
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
