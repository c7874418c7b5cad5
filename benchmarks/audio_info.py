"""Prints, as JSON, how long `audio_facts` takes to read a recording's exact length (it decodes all of it):
MP3, WAV and M4A of 1 and 9.5 minutes (near the 10 it takes), median of `--runs N` reads (default 5).
Goal: under 1 s for the longest, as the Scenes editor reads a dropped file on a worker thread."""

from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from heygen_studio.services.audio_info import audio_facts

KINDS = {"mp3": ("libmp3lame", None), "wav": ("pcm_s16le", None), "m4a": ("aac", "ipod")}
RATE = 22050  # a 10-minute mono WAV at 22.05 kHz (26 MB) is within the 32 MB HeyGen takes


def recording(path: Path, seconds: int, codec: str, container_format: str | None) -> Path:
    """`seconds` of a 22.05 kHz mono tone, one second per frame."""
    second = (np.sin(2 * math.pi * 220 * np.arange(RATE) / RATE) * 8000).astype(np.int16).reshape(1, -1)
    with av.open(str(path), mode="w", format=container_format) as container:
        stream = container.add_stream(codec, rate=RATE, layout="mono")
        for index in range(seconds):
            frame = av.AudioFrame.from_ndarray(second, format="s16", layout="mono")
            frame.sample_rate, frame.pts = RATE, index * RATE
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind, (codec, container_format) in KINDS.items():
            for minutes in (1, 9.5):
                path = recording(Path(folder) / f"{minutes}min.{kind}", int(minutes * 60), codec, container_format)
                times = []
                for _ in range(runs):
                    started = time.perf_counter()
                    facts = audio_facts(path)
                    times.append(time.perf_counter() - started)
                results[f"{kind}_{minutes}min"] = {
                    "median_ms": round(statistics.median(times) * 1000, 1),
                    "duration_s": facts.duration_s,
                    "size_mb": round(facts.size_bytes / 1e6, 2),
                }
    print(json.dumps({"audio_facts": results, "goal_ms_longest": 1000}, indent=2))


if __name__ == "__main__":
    main()
