"""Time Listen on a loopback sandbox; prints JSON.

`service`: the speech of a scene of about 5, 18 and 45 s heard the first time (HeyGen's call, the download, the
cache) and again (from the disk cache). `panel`: the Scenes panel's Listen button, from the click until the
speech plays (its words lit), the first time and the second, with the UI thread's longest stall meanwhile."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["QT_API"] = "pyside6"
os.environ["HEYGEN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="listen-bench-")
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # waiting.py, the polling helper of the tests

import qasync  # noqa: E402
from _stall import Heartbeat  # noqa: E402  (benchmarks/_stall.py)
from PySide6.QtWidgets import QApplication  # noqa: E402
from waiting import until  # noqa: E402  (tests/waiting.py)

from heygen_studio.api import open_client  # noqa: E402
from heygen_studio.config import Profile, Settings, app_paths  # noqa: E402
from heygen_studio.sandbox.config import SandboxConfig  # noqa: E402
from heygen_studio.sandbox.server import SandboxServer  # noqa: E402
from heygen_studio.services.accounts import Endpoint  # noqa: E402
from heygen_studio.services.speech_previews import SpeechPreviews, SpeechRequest  # noqa: E402
from heygen_studio.session import SANDBOX_KEY, Session  # noqa: E402
from heygen_studio.storage.keyring_backends import MemoryKeyring  # noqa: E402
from heygen_studio.storage.secrets import SecretStore  # noqa: E402
from heygen_studio.tasks import TaskRegistry  # noqa: E402
from heygen_studio.ui.panels.scenes import ScenesPanel  # noqa: E402

RUNS = 5
LINE = "Our new product is faster, smaller and kinder to the planet than the last one."
SCRIPTS = {15: "Welcome to the launch of our new product. It is faster, smaller and kinder.", 60: " ".join([LINE] * 4)}
SCRIPTS[150] = " ".join([LINE] * 10)  # words → a script of about that many


async def service(url: str, folder: Path, words: int, script: str) -> dict[str, object]:
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
        "first_median_s": round(statistics.median(first), 3),
        "first_max_s": round(max(first), 3),
        "cached_median_s": round(statistics.median(again), 4),
        "cached_max_s": round(max(again), 4),
    }


async def panel(url: str) -> dict[str, object]:
    secrets = SecretStore(MemoryKeyring())
    secrets.set("Work", SANDBOX_KEY)
    settings = Settings(profiles=[Profile("Work", "v3")], active_profile="Work")
    tasks = TaskRegistry()
    session = Session(app_paths().ensure(), settings, tasks, secrets=secrets, endpoint=Endpoint(url, url))
    first: list[float] = []
    again: list[float] = []
    beat = Heartbeat()
    try:
        assert await session.use_profile("Work")
        scenes = ScenesPanel(session)
        scenes.resize(1280, 800)
        scenes.show()
        await until(lambda: bool(scenes._voices), within=30)
        scenes.new_project()
        scenes._set_voice(next(voice for voice in scenes._voices if voice.id == "demo-en-us-ava"))
        bar = scenes.scene_editor.listen
        beat.start()
        for run in range(RUNS):
            scenes.scene_editor.script.setPlainText(f"{SCRIPTS[60]} Take {run}.")
            for times in (first, again):
                start = time.perf_counter()
                bar.listen_button.click()
                await until(lambda: bar.playing and bar.current_word != "", within=30, every=0.002)
                times.append(time.perf_counter() - start)
                bar.stop()
        stalls = beat.stop()
    finally:
        await tasks.aclose()
        await session.aclose()
    return {
        "words": 61,
        "click_to_playing_first_median_s": round(statistics.median(first), 3),
        "click_to_playing_first_max_s": round(max(first), 3),
        "click_to_playing_cached_median_s": round(statistics.median(again), 4),
        "click_to_playing_cached_max_s": round(max(again), 4),
        "ui_stalls": stalls.as_dict(),
    }


def main() -> int:
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    server = SandboxServer(SandboxConfig(job_seconds=0.05))
    url = server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            speech = [loop.run_until_complete(service(url, Path(folder), n, s)) for n, s in SCRIPTS.items()]
        scenes = loop.run_until_complete(panel(url))
    finally:
        server.stop()
    result = {"runs": RUNS, "goal": "first listen under 2 s, the second at once", "service": speech, "panel": scenes}
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
