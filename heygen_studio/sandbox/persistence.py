"""Keeping a sandbox's account across restarts: one JSON document plus a blobs/ folder of file bytes."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import Counter
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heygen_studio.sandbox import media
from heygen_studio.sandbox.billing import Account
from heygen_studio.sandbox.entities import Asset, Batch, BatchItem, Generation, Group, Lazy, Look, Scene, Video, Voice
from heygen_studio.storage.atomic_files import write_bytes_atomically
from heygen_studio.storage.damaged_files import move_aside

if TYPE_CHECKING:
    from heygen_studio.sandbox.state import SandboxState

FORMAT = "heygen-studio-sandbox-state"
VERSION = 1
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MUTATING_GET_PREFIXES = ("/_sandbox/consent/", "/v3/videos/batches/")  # consent page: records consent on GET;
# a batch read starts the items whose turn came (their videos must be saved before their ids are given out)

log = logging.getLogger(__name__)


class BadStateFile(ValueError):
    """The state file is damaged or from an incompatible version."""


@dataclass
class _Snapshot:
    """Everything a state file holds, read into fresh containers before it replaces anything."""

    account: Account
    counts: Counter[str]
    assets: dict[str, Asset] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    looks: dict[str, Look] = field(default_factory=dict)
    generations: dict[str, Generation] = field(default_factory=dict)
    videos: dict[str, Video] = field(default_factory=dict)
    voices: dict[str, Voice] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    idempotent: dict[tuple[str, str], tuple[float, int, dict[str, Any]]] = field(default_factory=dict)
    blob_of: dict[str, str] = field(default_factory=dict)  # asset id -> sha256 of its stored bytes


class StateFile:
    """The file a sandbox's state is saved to after every change and loaded from at start.

    Bytes of assets go to `blobs/<sha256>` next to the file; both the document and each blob are written
    to a temporary file first and moved into place with os.replace, so a crash never leaves half a file.
    Rendered MP4s are not kept: they are rendered again on demand from the saved video.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.blobs = self.path.parent / "blobs"
        self._write_lock = threading.Lock()
        self._blob_of: dict[str, str] = {}
        self._awaited: set[int] = set()  # ids of derive jobs that save again once they finish
        self._closed = False

    # --- loading ---------------------------------------------------------------------------------

    def load(self, state: SandboxState) -> bool:
        """Fill `state` from the file: True if it held a state, False (state untouched) if there was none
        or it could not be used; an unusable file is moved aside to `<name>.damaged-<date>` with a warning."""
        if not self.path.exists():
            return False
        try:
            snapshot = self._read(state)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            move_aside(self.path, f"sandbox state: {error}")  # logs where it went
            return False
        with state.lock:
            state.account = snapshot.account
            state.counts = snapshot.counts
            state.assets, state.groups, state.looks = snapshot.assets, snapshot.groups, snapshot.looks
            state.generations, state.videos, state.voices = snapshot.generations, snapshot.videos, snapshot.voices
            state.idempotent_records = snapshot.idempotent
            state.batches = snapshot.batches
        self._blob_of = snapshot.blob_of
        return True

    def _read(self, state: SandboxState) -> _Snapshot:
        document = json.loads(self.path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise BadStateFile("not a sandbox state file")
        if document.get("version") != VERSION:
            raise BadStateFile(f"state version {document.get('version')!r}, this sandbox reads {VERSION}")
        counts = Counter({str(name): int(count) for name, count in document["counts"].items()})
        snapshot = _Snapshot(state.account.restored(document.get("account"), document["credits"]), counts)
        for item in document["assets"]:
            sha = item.pop("blob")
            asset = Asset(**item, data=self._asset_data(state, sha, item["id"]))
            snapshot.assets[asset.id] = asset
            if sha:
                snapshot.blob_of[asset.id] = sha
        for name, kind in (("groups", Group), ("looks", Look), ("generations", Generation), ("voices", Voice)):
            target = getattr(snapshot, name)
            for item in document[name]:
                entity = kind(**item)
                target[entity.id] = entity
        for item in document["videos"]:
            video = Video(**{**item, "scenes": [Scene(**scene) for scene in item["scenes"]]})
            snapshot.videos[video.id] = video
        for item in document.get("batches", []):  # files from before batches have none
            batch = Batch(**{**item, "items": [BatchItem(**entry) for entry in item["items"]]})
            snapshot.batches[batch.id] = batch
        for scope, key, answered_at, status, payload in document["idempotency"]:
            if isinstance(answered_at, (int, float)):  # older files kept a body fingerprint: those keys are forgotten
                snapshot.idempotent[(scope, key)] = (float(answered_at), int(status), payload)
        _check_references(snapshot)
        return snapshot

    def _asset_data(self, state: SandboxState, sha: str | None, asset_id: str) -> Lazy:
        """An asset's saved bytes; one still being made when the sandbox stopped gets a stand-in image."""
        if sha is None:
            return Lazy(state.executor.submit(media.derive_images, None, asset_id, 1))
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise BadStateFile(f"{sha!r} is not a blob name")
        data = (self.blobs / sha).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise BadStateFile(f"blob {sha} is damaged")
        return Lazy(data)

    # --- saving ----------------------------------------------------------------------------------

    def save(self, state: SandboxState) -> None:
        """Write `state` to the file (and any new blobs). Never call it while holding `state.lock`."""
        with self._write_lock:
            if self._closed:
                return
            with state.lock:
                document, new_blobs = self._document(state)
            try:
                self.blobs.mkdir(parents=True, exist_ok=True)
                for asset_id, (sha, data) in new_blobs.items():
                    if not (self.blobs / sha).exists():
                        write_bytes_atomically(self.blobs / sha, data)
                    self._blob_of[asset_id] = sha
                write_bytes_atomically(self.path, json.dumps(document, ensure_ascii=False).encode("utf-8"))
            except OSError as error:  # the sandbox keeps serving from memory; the next change tries again
                log.warning("could not save the sandbox state to %s: %s", self.path, error)

    def close(self) -> None:
        """No saves after this (a stopped sandbox must not overwrite the file a new one uses)."""
        with self._write_lock:
            self._closed = True

    def _document(self, state: SandboxState) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        """The JSON document of `state` and the blobs it needs that are not written yet, by asset id."""
        new_blobs: dict[str, tuple[str, bytes]] = {}
        assets = []
        for asset in state.assets.values():
            sha = self._blob_of.get(asset.id)
            job = asset.data.pending()
            if job is not None:
                self._save_when_done(job, state)
            elif sha is None:
                data = asset.data.get()
                sha = hashlib.sha256(data).hexdigest()
                new_blobs[asset.id] = (sha, data)
            assets.append({**_fields(asset, skip="data"), "blob": sha})
        document = {
            "format": FORMAT,
            "version": VERSION,
            "credits": str(state.account.legacy.amount.amount),  # the v2 pool
            "account": state.account.to_json(),
            "counts": dict(state.counts),
            "assets": assets,
            "groups": [asdict(group) for group in state.groups.values()],
            "looks": [asdict(look) for look in state.looks.values()],
            "generations": [asdict(generation) for generation in state.generations.values()],
            "videos": [asdict(video) for video in state.videos.values()],
            "voices": [asdict(voice) for voice in state.voices.values()],
            "batches": [asdict(batch) for batch in state.batches.values()],
            "idempotency": [
                [scope, key, answered_at, status, payload]
                for (scope, key), (answered_at, status, payload) in state.idempotent_records.items()
            ],
        }
        return document, new_blobs

    def _save_when_done(self, job: Future[list[bytes]], state: SandboxState) -> None:
        """Save again once a derive job finishes, so its images reach the blobs folder."""
        if id(job) in self._awaited:
            return
        self._awaited.add(id(job))

        def saved(_: Future[list[bytes]]) -> None:
            self._awaited.discard(id(job))
            if not job.cancelled() and job.exception() is None:  # own thread: a lock holder may await the worker
                threading.Thread(target=self.save, args=(state,), name="sandbox-save", daemon=True).start()

        job.add_done_callback(saved)


class PersistMiddleware:
    """Saves the state after every request that may change it, before its response goes out."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _may_change(scope["method"], scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        saved = False

        async def save_then_send(message: Message) -> None:
            nonlocal saved
            if message["type"] == "http.response.start" and not saved:
                saved = True
                await run_in_threadpool(self.state.save)
            await send(message)

        try:
            await self.app(scope, receive, save_then_send)
        finally:
            if not saved:
                await run_in_threadpool(self.state.save)


def _check_references(snapshot: _Snapshot) -> None:
    """Every id an entity names is in the snapshot, so nothing fails later on a dangling id."""
    for group in snapshot.groups.values():
        if not set(group.look_ids) <= snapshot.looks.keys():
            raise BadStateFile(f"avatar group {group.id} names looks that are missing")
    for look in snapshot.looks.values():
        if look.asset_id not in snapshot.assets or look.group_id not in snapshot.groups:
            raise BadStateFile(f"look {look.id} names a missing asset or group")
    for generation in snapshot.generations.values():
        if not set(generation.asset_ids) <= snapshot.assets.keys():
            raise BadStateFile(f"generation {generation.id} names assets that are missing")


def _may_change(method: str, path: str) -> bool:
    return method not in SAFE_METHODS or path.startswith(MUTATING_GET_PREFIXES)


def _fields(item: Any, skip: str) -> dict[str, Any]:
    return {entry.name: getattr(item, entry.name) for entry in fields(item) if entry.name != skip}
