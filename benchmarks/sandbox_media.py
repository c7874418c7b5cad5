"""Prints, as JSON, how long the sandbox takes to render talking videos of about 10, 30 and 120 seconds of speech:
1080p 16:9 MP4 plain and with captions burned in, 4K MP4 and a transparent 1080p WebM (wall and CPU seconds; the
goal is a 30-second 1080p MP4 in under 10 s on 2 cores)."""

from __future__ import annotations

import json
import os
import time

from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.media import FPS, Picture, Shot, Soundtrack, captions_for, render_video
from heygen_studio.sandbox.speech import synthesize

SENTENCE = "Hello there, and welcome to the studio."
SECONDS_PER_SENTENCE = 2.4  # about how long the demo voice takes to say it
DURATIONS_S = (10, 30, 120)
RENDERS = (  # name, width, height, container, captions burned in
    ("1080p", 1920, 1080, "mp4", False),
    ("1080p_captioned", 1920, 1080, "mp4", True),
    ("4k", 3840, 2160, "mp4", False),
    ("1080p_webm", 1920, 1080, "webm", False),
)


def main() -> None:
    photo = sample_photo("astronaut.png").read_bytes()
    results = []
    for duration in DURATIONS_S:
        script = " ".join([SENTENCE] * round(duration / SECONDS_PER_SENTENCE))
        started = time.perf_counter()
        speech = synthesize(script, "demo-en-us-ava")
        speech_s = time.perf_counter() - started
        sound = Soundtrack(speech.samples, speech.sample_rate)
        captions = captions_for(script, speech.words)
        row = {"speech_s": round(sound.duration_s, 2), "synthesize_s": round(speech_s, 3)}
        for name, width, height, container, burned in RENDERS:
            if name == "4k" and duration > 30:
                continue
            background = None if container == "webm" else (20, 90, 160)
            started, cpu = time.perf_counter(), time.process_time()
            shots = [Shot(0.0, Picture(photo, width, height, background))]
            data = render_video(shots, sound, captions if burned else (), container)
            row[f"{name}_s"] = round(time.perf_counter() - started, 2)
            row[f"{name}_cpu_s"] = round(time.process_time() - cpu, 2)  # all threads: fairer on a busy machine
            row[f"{name}_mb"] = round(len(data) / 1e6, 2)
        results.append(row)
    machine = {"fps": FPS, "cpus": os.cpu_count(), "load_average": os.getloadavg()[0]}
    print(json.dumps({**machine, "videos": results}, indent=2))


if __name__ == "__main__":
    main()
