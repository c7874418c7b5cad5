"""A recording the user picks as their own voice: MP3, WAV and M4A are measured to the sample; anything else,
empty, silent, too long or too large is refused with what to do."""

from __future__ import annotations

import math
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from heygen_studio.services.audio_info import MAX_SECONDS, AudioFileError, audio_facts


def tone(path: Path, seconds: float, codec: str, rate: int = 16000, container_format: str | None = None) -> Path:
    """A real `seconds`-long 440 Hz tone encoded with `codec` (written by PyAV, as a recorder app would)."""
    samples = int(seconds * rate)
    wave_data = (np.sin(2 * math.pi * 440 * np.arange(samples) / rate) * 8000).astype(np.int16)
    with av.open(str(path), mode="w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        step = 1024
        for start in range(0, samples, step):
            chunk = wave_data[start : start + step].reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def pcm_wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\x00\x10" * int(seconds * rate))
    return path


@pytest.mark.parametrize(
    ("name", "codec", "container_format", "kind", "mime"),
    [
        ("me.wav", "pcm_s16le", None, "WAV", "audio/wav"),
        ("me.mp3", "libmp3lame", None, "MP3", "audio/mpeg"),
        ("me.m4a", "aac", "ipod", "M4A", "audio/mp4"),
    ],
)
def test_each_kind_of_recording_is_measured(tmp_path: Path, name, codec, container_format, kind, mime) -> None:
    path = tone(tmp_path / name, 7.25, codec, container_format=container_format)
    facts = audio_facts(path)
    assert (facts.kind, facts.mime_type, facts.size_bytes) == (kind, mime, path.stat().st_size)
    assert facts.duration_s == pytest.approx(7.25, abs=0.08)  # encoders pad to a whole frame
    own = facts.as_own_audio()
    assert (own.path, own.name, own.duration_s) == (str(path), name, facts.duration_s)


def test_the_name_never_decides_what_a_file_is(tmp_path: Path) -> None:
    disguised = pcm_wav(tmp_path / "voice.mp3", 2.0)
    assert audio_facts(disguised).kind == "WAV"
    notes = tmp_path / "notes.mp3"
    notes.write_text("Hello, this is the script, not a recording.")
    with pytest.raises(AudioFileError, match=r"“notes.mp3” is not a recording this app can read\. Choose an MP3"):
        audio_facts(notes)


def test_empty_silent_and_missing_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(AudioFileError, match=r"“empty.wav” is empty \(0 bytes\)"):
        audio_facts(empty)
    with pytest.raises(AudioFileError, match=r"“zero.wav” has no sound in it \(it is 0 seconds long\)"):
        audio_facts(pcm_wav(tmp_path / "zero.wav", 0.0))
    with pytest.raises(AudioFileError, match=r"“gone.mp3” is no longer there. Choose the recording again."):
        audio_facts(tmp_path / "gone.mp3")


def test_a_recording_longer_than_ten_minutes_is_refused_with_its_length(tmp_path: Path) -> None:
    long = pcm_wav(tmp_path / "talk.wav", MAX_SECONDS + 65, rate=4000)
    with pytest.raises(AudioFileError, match=r"“talk.wav” is 11 min 5 s long; .* at most 10 min\. Shorten it"):
        audio_facts(long)
    assert audio_facts(pcm_wav(tmp_path / "fits.wav", MAX_SECONDS, rate=4000)).duration_s == MAX_SECONDS


def test_files_heygen_would_not_take_are_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.wav"
    with huge.open("wb") as handle:
        handle.truncate(33 * 1024 * 1024)
    with pytest.raises(AudioFileError, match=r"“huge.wav” is 33.0 MB; HeyGen takes files up to 32 MB"):
        audio_facts(huge)
    with pytest.raises(AudioFileError, match=r"“me.flac” is a .*FLAC.* file\. Choose an MP3, WAV or M4A"):
        audio_facts(tone(tmp_path / "me.flac", 1.0, "flac"))
