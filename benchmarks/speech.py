"""Prints, as JSON, how long a 40-word scene takes to become audio over loopback: cold, new text, and cached.

Each figure is from `V3Api.generate_speech` being called to the whole WAV downloaded from its `audio_url`, with
the sandbox on a loopback port. `cold` runs each in a new process whose sandbox has never spoken (espeak-ng not
yet loaded, nothing cached); `new_text` is a scene not spoken before in a warm sandbox; `cached` the same scene
again (synthesis is skipped; the answer and the download remain). `--runs N` sets how many of each (default 5).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time

import httpx

from heygen_studio.api import open_client
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer

WORDS = (
    "Welcome to our studio. Today I will show you how one photo becomes a talking video in a few minutes, "
    "with captions, a voice you choose and music, so that everyone on your team can review it before anyone pays"
)
VOICE = "demo-en-us-ava"


async def first_audio_s(url: str, text: str) -> tuple[float, float, float]:
    """(seconds to the speech answer, seconds to the whole audio, the audio's duration) for one request."""
    async with open_client("v3", "sandbox", base_url=url, upload_url=url) as api, httpx.AsyncClient() as plain:
        started = time.perf_counter()
        clip = await api.generate_speech(VOICE, text)
        answered = time.perf_counter()
        audio = await plain.get(clip.audio_url)
        audio.raise_for_status()
        return answered - started, time.perf_counter() - started, clip.duration_s


def one_cold() -> None:
    server = SandboxServer(SandboxConfig())
    server.start()
    try:
        print(json.dumps(asyncio.run(first_audio_s(server.url, WORDS))))
    finally:
        server.stop()


def summary(runs: list[tuple[float, float, float]]) -> dict[str, object]:
    return {
        "answer_median_ms": round(statistics.median(run[0] for run in runs) * 1000, 1),
        "first_audio_median_ms": round(statistics.median(run[1] for run in runs) * 1000, 1),
        "first_audio_max_ms": round(max(run[1] for run in runs) * 1000, 1),
        "runs_ms": [round(run[1] * 1000, 1) for run in runs],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one-cold", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one_cold:
        one_cold()
        return
    cold: list[tuple[float, float, float]] = []
    for _ in range(options.runs):
        child = subprocess.run(
            [sys.executable, __file__, "--one-cold"], capture_output=True, text=True, check=True, timeout=120
        )
        answer_s, audio_s, duration_s = json.loads(child.stdout.strip().splitlines()[-1])
        cold.append((answer_s, audio_s, duration_s))
    server = SandboxServer(SandboxConfig())
    server.start()
    try:
        asyncio.run(first_audio_s(server.url, "Warming up."))
        new_text = [asyncio.run(first_audio_s(server.url, f"{WORDS} number {run}")) for run in range(options.runs)]
        cached = [asyncio.run(first_audio_s(server.url, WORDS)) for _ in range(options.runs + 1)][1:]
    finally:
        server.stop()
    print(
        json.dumps(
            {
                "scene_words": len(WORDS.split()),
                "audio_s": round(cold[0][2], 3),
                "cold": summary(cold),
                "new_text": summary(new_text),
                "cached": summary(cached),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
