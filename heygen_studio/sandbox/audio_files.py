"""Uploaded audio read into samples (temporary stand-in until the speech engineer's module lands)."""

from __future__ import annotations

import io
from typing import Any

import av
import numpy as np


def decode_audio(data: bytes) -> tuple[np.ndarray[Any, np.dtype[np.int16]], int]:
    """16-bit mono samples of an audio file and their rate; ValueError when it is not audio."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise ValueError("The file has no sound.")
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=stream.rate)
            chunks = [
                out.to_ndarray().reshape(-1) for frame in container.decode(stream) for out in resampler.resample(frame)
            ]
            return (np.concatenate(chunks) if chunks else np.zeros(0, np.int16)), stream.rate
    except av.FFmpegError as error:
        raise ValueError("The file is not audio the sandbox can read.") from error
