"""Time Listen's speech on a loopback sandbox: the first hearing of a scene (HeyGen's call, the download, the
cache) and the second (from the disk cache); prints JSON."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from heygen_studio.api import open_client
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.speech_previews import SpeechPreviews, SpeechRequest

RUNS = 5
SCRIPTS = {  # words → a script of about that many words (a scene of about 6, 24 and 60 s)
    15: "Welcome to the launch of our new product. It is faster, smaller and kinder.",
    60: " ".join(["Our new product is faster, smaller and kinder to the planet than the last one."] * 4),
    150: " ".join(["Our new product is faster, smaller and kinder to the planet than the last one."] * 10),
}


async def timings(url: str, folder: Path, words: int, script: str) -> dict[str, object]:
    api = open_client("v3", "sandbox", base_url=url, upload_url=url)
    first: list[float] = []
    again: list[float] = []
    seconds = 0.0
    try:
        for run in range(RUNS):
            speech = SpeechPreviews(folder / f"{words}-{run}")
            request = SpeechRequest("demo-en-us-ava", f"{script} Take {run}.", 1.0)
            start = time.perf_counter()
            heard = await speech.hear(request, lambda: api)
            first.append(time.perf_counter() - start)
            start = time.perf_counter()
            await speech.hear(request, lambda: api)
            again.append(time.perf_counter() - start)
            seconds = heard.duration_s
    finally:
        await api.aclose()
    return {
        "words": words,
        "speech_s": round(seconds, 2),
        "first_listen_median_s": round(statistics.median(first), 3),
        "first_listen_max_s": round(max(first), 3),
        "cached_listen_median_s": round(statistics.median(again), 4),
        "cached_listen_max_s": round(max(again), 4),
    }


def main() -> int:
    server = SandboxServer(SandboxConfig(job_seconds=0.05))
    url = server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = [asyncio.run(timings(url, Path(folder), words, s)) for words, s in SCRIPTS.items()]
    finally:
        server.stop()
    json.dump({"runs": RUNS, "goal": "first listen under 2 s, the second at once", "results": results}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
