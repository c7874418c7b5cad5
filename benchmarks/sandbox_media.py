"""Prints, as JSON, how long the sandbox takes to encode talking MP4s of 10, 30 and 120 seconds."""

from __future__ import annotations

import json
import time

from heygen_studio.domain.estimates import WORDS_PER_MINUTE
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.media import captions_for, render_mp4, video_size

DURATIONS_S = (10, 30, 120)
SIZE = (1920, 1080)
SENTENCE = "Hello there, and welcome to the studio."
SENTENCE_WORDS = 7


def main() -> None:
    photo = sample_photo("astronaut.png").read_bytes()
    results = []
    for duration in DURATIONS_S:
        sentences = int(duration * WORDS_PER_MINUTE / 60 / SENTENCE_WORDS)
        captions = captions_for([" ".join([SENTENCE] * sentences)], [1.0])
        started = time.perf_counter()
        data = render_mp4(photo, duration, *SIZE, captions)
        results.append(
            {"duration_s": duration, "encode_s": round(time.perf_counter() - started, 3), "bytes": len(data)}
        )
    print(json.dumps({"frame": video_size(*SIZE), "videos": results}, indent=2))


if __name__ == "__main__":
    main()
