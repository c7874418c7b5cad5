"""Reading an uploaded recording (mp3, wav, m4a/aac) into 16-bit mono samples with PyAV."""

from __future__ import annotations

import io
from typing import Any

import av
import numpy as np

MAX_AUDIO_SECONDS = 600
"""HeyGen documents no length limit for an uploaded recording; ten minutes is longer than its 5000-character
script limit spoken at half speed, so no video a script could make is refused."""


AUDIO_TYPES = ("audio/mpeg", "audio/wav", "audio/mp4", "audio/aac")
"""What an uploaded recording is judged to be by its content (clients may call them audio/x-wav, audio/x-m4a)."""
_M4A_BRANDS = (b"M4A ", b"M4B ", b"M4P ")


class AudioFileError(ValueError):
    """A file that is not a recording the sandbox can use; the message says what to do."""


def decode_audio(data: bytes) -> tuple[np.ndarray[Any, np.dtype[np.int16]], int]:
    """The first audio stream of `data` as 16-bit mono samples and their sample rate. Silence is accepted;
    AudioFileError for an empty file, one that is not audio, or one over MAX_AUDIO_SECONDS."""
    if not data:
        raise AudioFileError("The audio file is empty: record or export it again.")
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise AudioFileError("This file has no sound in it: choose an MP3, WAV or M4A recording.")
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate or stream.rate
            resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
            chunks: list[np.ndarray[Any, Any]] = []
            count = 0
            for frame in container.decode(stream):
                for mono in resampler.resample(frame):
                    chunks.append(mono.to_ndarray().reshape(-1))
                    count += mono.samples
                if count > MAX_AUDIO_SECONDS * rate:
                    raise AudioFileError(_too_long())
            chunks.extend(mono.to_ndarray().reshape(-1) for mono in resampler.resample(None))
    except av.FFmpegError:
        raise AudioFileError("This file cannot be read as audio: choose an MP3, WAV or M4A recording.") from None
    samples = np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, np.int16)
    if len(samples) == 0:
        raise AudioFileError("This recording has no sound in it: record or export it again.")
    if len(samples) > MAX_AUDIO_SECONDS * rate:
        raise AudioFileError(_too_long())
    return samples, rate


def sniff_audio(data: bytes) -> str | None:
    """The MIME type of a recording judged by its content: MP3 (with or without an ID3 tag), WAV, M4A (an MP4
    whose brand says audio, or that holds sound and no picture) or raw AAC (ADTS); None for anything else."""
    if data.startswith(b"ID3"):
        return "audio/mpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[4:8] == b"ftyp":
        return "audio/mp4" if data[8:12] in _M4A_BRANDS or _sound_only(data) else None
    if len(data) < 3 or data[0] != 0xFF:
        return None
    if data[1] & 0xF6 == 0xF0:  # ADTS: 12 sync bits, then layer 00
        return "audio/aac"
    if data[1] & 0xE6 == 0xE2 and data[1] & 0x18 != 0x08 and data[2] >> 4 != 0xF:  # an MPEG layer III frame
        return "audio/mpeg"
    return None


def _sound_only(data: bytes) -> bool:
    """Whether an MP4 file holds sound and no picture (an m4a saved with a video brand such as isom)."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            return bool(container.streams.audio) and not container.streams.video
    except av.FFmpegError:
        return False


def _too_long() -> str:
    return f"The recording is longer than {MAX_AUDIO_SECONDS // 60} minutes: trim it or split it into scenes."
