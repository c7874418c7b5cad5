"""Listening to a scene before rendering: HeyGen's speech of it, cached on disk by voice, text, speed and locale."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from heygen_studio.api.base import HeyGenApi
from heygen_studio.api.errors import HeyGenError, NetworkError
from heygen_studio.api.limits import SPEECH_SPEED_RANGE
from heygen_studio.api.models import SpeechClip, WordTiming
from heygen_studio.api.tls import download_client
from heygen_studio.domain.project import Project, Scene

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

AUDIO_SUFFIXES = frozenset({".mp3", ".wav", ".m4a", ".aac", ".ogg", ".opus", ".flac"})
CONTENT_SUFFIXES = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
}
MAX_AUDIO_BYTES = 64 * 1024 * 1024
MAX_CACHE_BYTES = 300 * 1024 * 1024
"""The speech kept on disk; past it, the least recently heard goes first (about 2 hours of WAV at 22 kHz)."""
SIMULTANEOUS = 3
"""Scenes measured at once by Measure all."""


class UnreadableSpeech(HeyGenError):
    """What HeyGen sent for a scene is not audio the app can read."""

    default_message = "HeyGen's audio for this scene could not be read. Try Listen again in a moment."


@dataclass(frozen=True)
class SpeechRequest:
    """What is spoken: the cache key of a scene's speech."""

    voice_id: str
    text: str
    speed: float = 1.0
    locale: str | None = None

    @property
    def key(self) -> str:
        body = json.dumps([self.voice_id, self.text, round(self.speed, 2), self.locale], ensure_ascii=False)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


def speech_request(project: Project, scene: Scene) -> SpeechRequest | None:
    """What Listen asks HeyGen to say for `scene`: its script, in the project's voice, at the scene's speed.

    None when there is nothing to say (no voice chosen, or no script)."""
    text = scene.script.strip()
    if project.voice is None or not text:
        return None
    low, high = SPEECH_SPEED_RANGE
    speed = min(max(scene.voice_speed if scene.voice_speed > 0 else 1.0, low), high)
    return SpeechRequest(project.voice.voice_id, text, round(speed, 2))


@dataclass(frozen=True)
class HeardSpeech:
    """A scene's speech on disk: the audio file, its measured length and when each word is spoken."""

    request: SpeechRequest
    audio: Path
    duration_s: float
    words: tuple[WordTiming, ...]
    cached: bool
    """True when it came from the cache: hearing it cost nothing."""


def audio_seconds(path: Path) -> float | None:
    """The length of the audio in `path`, read from the file itself (None: not audio PyAV can read)."""
    import av  # slow to import: only once something is heard

    try:
        with av.open(str(path)) as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                return None
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            if container.duration is not None:
                return float(container.duration) / av.time_base
            samples = [f.samples / f.sample_rate for f in container.decode(stream) if isinstance(f, av.AudioFrame)]
            return sum(samples) or None
    except (av.FFmpegError, OSError, ValueError):
        return None


def audio_suffix(url: str, content_type: str | None) -> str:
    """The file name ending the player needs: from the URL, else the content type (mp3 by default)."""
    suffix = Path(urlparse(url).path).suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        return suffix
    return CONTENT_SUFFIXES.get((content_type or "").split(";")[0].strip().lower(), ".mp3")


class DamagedEntry(ValueError):
    """A cache entry that cannot be trusted (torn write, edited or truncated file)."""


class SpeechCache:
    """Audio files and a small JSON each (length, words, the file's hash) under `folder`, named by the
    request's key. Blocking: call it through `asyncio.to_thread`. Damaged entries go to `folder/damaged`."""

    def __init__(self, folder: Path, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.folder = folder
        self.damaged = folder / "damaged"
        self.max_bytes = max_bytes
        self._trimming = threading.Lock()

    def _meta(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, request: SpeechRequest) -> HeardSpeech | None:
        """The cached speech of `request`, checked against its hash; None on a miss or a damaged entry."""
        key = request.key
        try:
            heard = self._read(request, self._meta(key).read_bytes(), verify=True)
            _mark_heard(self._meta(key))  # heard again: the last to go when the cache is trimmed
            return heard
        except FileNotFoundError:
            return None
        except (OSError, DamagedEntry, ValueError, KeyError, TypeError) as error:
            self._move_aside(key, error)
            return None

    def _read(self, request: SpeechRequest | None, raw: bytes, *, verify: bool) -> HeardSpeech:
        meta = json.loads(raw)
        stored = SpeechRequest(meta["voice_id"], meta["text"], float(meta["speed"]), meta["locale"])
        if request is not None and stored != request:
            raise DamagedEntry("the entry is for another request")
        audio = self.folder / str(meta["audio"])
        if audio.parent != self.folder:
            raise DamagedEntry("the audio is outside the cache")
        size = audio.stat().st_size
        if size != int(meta["size"]) or size == 0:
            raise DamagedEntry(f"the audio has {size} bytes, not {meta['size']}")
        if verify and hashlib.sha256(audio.read_bytes()).hexdigest() != meta["sha256"]:
            raise DamagedEntry("the audio's content changed")
        duration = float(meta["duration_s"])
        if not duration > 0:
            raise DamagedEntry("no length")
        words = tuple(WordTiming(str(w), float(s), float(e)) for w, s, e in meta["words"])
        return HeardSpeech(stored, audio, duration, words, cached=True)

    def put(self, request: SpeechRequest, data: bytes, suffix: str, clip: SpeechClip) -> HeardSpeech:
        """Store the audio of `request` and its length as the file itself says (HeyGen's figure when it
        says nothing); UnreadableSpeech when `data` is not audio. The JSON is written last: a crash in between
        leaves a miss, never a half entry."""
        key = request.key
        self.folder.mkdir(parents=True, exist_ok=True)
        audio = self.folder / f"{key}{suffix}"
        _write_atomically(audio, data)
        measured = audio_seconds(audio) if data else None
        if measured is None or measured <= 0:
            audio.unlink(missing_ok=True)
            raise UnreadableSpeech()
        if abs(measured - clip.duration_s) > 0.1:
            log.info("Speech %s: HeyGen said %.2f s, the file lasts %.2f s", key[:12], clip.duration_s, measured)
        meta: dict[str, Any] = {
            "voice_id": request.voice_id,
            "text": request.text,
            "speed": request.speed,
            "locale": request.locale,
            "audio": audio.name,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "duration_s": round(measured, 3),
            "heygen_duration_s": clip.duration_s,
            "request_id": clip.request_id,
            "words": [[w.word, w.start_s, w.end_s] for w in clip.words],
        }
        _write_atomically(self._meta(key), json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        _mark_heard(self._meta(key))
        return HeardSpeech(request, audio, round(measured, 3), clip.words, cached=False)

    def trim(self, keep: str) -> list[str]:
        """Delete the least recently heard entries (never `keep`) until the cache fits `max_bytes`; their keys."""
        with self._trimming:
            entries: list[tuple[int, str, list[Path], int]] = []
            for meta in self.folder.glob("*.json"):
                files = list(self.folder.glob(f"{meta.stem}.*"))
                try:
                    entries.append((meta.stat().st_mtime_ns, meta.stem, files, sum(p.stat().st_size for p in files)))
                except OSError:  # deleted meanwhile
                    continue
            total = sum(size for *_, size in entries)
            gone: list[str] = []
            for _, key, files, size in sorted(entries):
                if total <= self.max_bytes:
                    break
                if key != keep:
                    for path in files:
                        path.unlink(missing_ok=True)
                    total -= size
                    gone.append(key)
            return gone

    def durations(self) -> dict[str, float]:
        """The measured length of every entry, by key (sizes checked, not hashes: this runs at start)."""
        found: dict[str, float] = {}
        for meta in self.folder.glob("*.json") if self.folder.is_dir() else ():
            key = meta.stem
            try:
                heard = self._read(None, meta.read_bytes(), verify=False)
                if heard.request.key != key:
                    raise DamagedEntry("the entry is named for another request")
            except (OSError, DamagedEntry, ValueError, KeyError, TypeError) as error:
                self._move_aside(key, error)
                continue
            found[key] = heard.duration_s
        return found

    def _move_aside(self, key: str, why: Exception) -> None:
        """Keep a damaged entry out of the way (for a look later); Listen fetches it again."""
        log.warning("Speech cache entry %s is damaged (%s): moved aside", key[:12], why)
        self.damaged.mkdir(parents=True, exist_ok=True)
        for path in self.folder.glob(f"{key}.*"):
            try:
                shutil.move(path, self.damaged / path.name)
            except OSError:
                path.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


class SpeechPreviews:
    """Hears scenes: from the cache when they were heard before (free, offline), else from HeyGen (then cached).

    `measured(request)` answers at once, from memory, with the length of speech heard before; `load()`
    fills that memory from the disk cache when the app starts."""

    def __init__(self, folder: Path, client_factory: Callable[[], httpx.AsyncClient] | None = None) -> None:
        self.cache = SpeechCache(folder)
        self._client_factory = client_factory or download_client
        self._measured: dict[str, float] = {}
        self._hearing: dict[str, asyncio.Future[HeardSpeech]] = {}

    async def load(self) -> None:
        self._measured.update(await asyncio.to_thread(self.cache.durations))

    def measured(self, request: SpeechRequest | None) -> float | None:
        """The measured length of `request`'s speech, if it was heard before."""
        return None if request is None else self._measured.get(request.key)

    def unheard(self, requests: Iterable[SpeechRequest | None]) -> list[SpeechRequest]:
        """The requests never heard, each once, in order."""
        seen: dict[str, SpeechRequest] = {}
        for request in requests:
            if request is not None and self.measured(request) is None:
                seen.setdefault(request.key, request)
        return list(seen.values())

    async def cached(self, request: SpeechRequest) -> HeardSpeech | None:
        heard = await asyncio.to_thread(self.cache.get, request)
        if heard is None:
            self._measured.pop(request.key, None)
        else:
            self._measured[request.key] = heard.duration_s
        return heard

    async def hear(self, request: SpeechRequest, api: Callable[[], HeyGenApi]) -> HeardSpeech:
        """The speech of `request`: cached, else asked of `api()` (which raises when there is none) and
        downloaded. Asking twice at once makes one call."""
        heard = await self.cached(request)
        if heard is not None:
            return heard
        key = request.key
        running = self._hearing.get(key)
        if running is not None:
            return await asyncio.shield(running)
        task = asyncio.ensure_future(self._fetch(request, api()))
        self._hearing[key] = task
        task.add_done_callback(lambda done: self._fetched(key, done))
        return await asyncio.shield(task)  # a listener that stops waiting leaves the paid call to finish

    async def hear_all(self, requests: Iterable[SpeechRequest], api: Callable[[], HeyGenApi]) -> list[HeardSpeech]:
        """Hear each of `requests`, a few at a time; the first error stops the rest."""
        gate = asyncio.Semaphore(SIMULTANEOUS)

        async def one(request: SpeechRequest) -> HeardSpeech:
            async with gate:
                return await self.hear(request, api)

        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(request)) for request in requests]
        except BaseExceptionGroup as failed:  # the first error, as one request would raise it (the panel says it)
            raise failed.exceptions[0] from None
        return [task.result() for task in tasks]

    def _fetched(self, key: str, task: asyncio.Future[HeardSpeech]) -> None:
        self._hearing.pop(key, None)
        if not task.cancelled() and task.exception() is not None:  # retrieved: its listeners were told, or left
            log.info("Speech %s not heard: %r", key[:12], task.exception())

    async def aclose(self) -> None:
        """Stop fetching (the app is closing)."""
        running = list(self._hearing.values())
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)

    async def _fetch(self, request: SpeechRequest, api: HeyGenApi) -> HeardSpeech:
        clip = await api.generate_speech(request.voice_id, request.text, request.speed, request.locale)
        data, content_type = await self._download(clip.audio_url)
        heard = await asyncio.to_thread(self.cache.put, request, data, audio_suffix(clip.audio_url, content_type), clip)
        self._measured[request.key] = heard.duration_s
        for key in await asyncio.to_thread(self.cache.trim, request.key):
            self._measured.pop(key, None)
        return heard

    async def _download(self, url: str) -> tuple[bytes, str | None]:
        import httpx  # loaded with the first speech heard, not at start

        try:
            async with self._client_factory() as client, client.stream("GET", url) as response:
                response.raise_for_status()
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_AUDIO_BYTES:
                        raise UnreadableSpeech("HeyGen's audio for this scene is far too large to be speech.")
                    chunks.append(chunk)
                return b"".join(chunks), response.headers.get("content-type")
        except httpx.HTTPStatusError as error:
            raise NetworkError(
                f"The audio could not be downloaded (HTTP {error.response.status_code}). Try Listen again."
            ) from error
        except httpx.HTTPError as error:
            raise NetworkError(
                "The audio could not be downloaded. Check your internet connection and try Listen again."
            ) from error


def _mark_heard(meta: Path) -> None:
    """Stamp `meta` with the precise time: a file's own times come from a coarse clock (a few milliseconds), so two
    entries heard in one tick would tie and the wrong one could go first."""
    now = time.time_ns()
    os.utime(meta, ns=(now, now))
