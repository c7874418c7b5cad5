"""The files a render uploads just before it is sent (the user's own recording, the photo of an image video):
checked, uploaded once per content and account under the job's own Idempotency-Key, their asset ids filled in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from pathlib import Path

from heygen_studio.api import HeyGenApi
from heygen_studio.api.models import PENDING_UPLOAD, VideoSpec
from heygen_studio.domain import photo_rules
from heygen_studio.domain.project import Project
from heygen_studio.services.audio_info import AudioFileError, audio_facts
from heygen_studio.storage.render_jobs import RenderJob
from heygen_studio.storage.uploaded_assets import UploadedAssets, content_hash

LENGTH_TOLERANCE_S = 0.1
"""How far a recording's length may drift from the length its render was priced on (decoders differ by a frame)."""


class RenderInputError(Exception):
    """A file the render needs cannot be used; the message says which and what to do. Fails that render alone."""


@dataclass(frozen=True)
class RenderFiles:
    """The files on this computer a render of a project uploads before it is sent (None: not needed)."""

    audio_path: str | None = None
    photo_path: str | None = None


def files_of(project: Project) -> RenderFiles:
    return RenderFiles(
        audio_path=project.own_audio.path if project.own_audio else None,
        photo_path=project.photo_path if project.is_image_video else None,
    )


@dataclass(frozen=True)
class _Upload:
    data: bytes
    mime_type: str
    filename: str


async def fill_uploads(api: HeyGenApi, job: RenderJob, assets: UploadedAssets) -> VideoSpec:
    """The job's request with every pending file uploaded (or found uploaded before: the same bytes to the same
    account are never uploaded twice) and its asset id filled in. RenderInputError when a file is gone,
    unreadable or not what HeyGen takes; HeyGenError when the upload is refused (the key makes a retry safe)."""
    spec = job.video_spec()
    if spec.audio_asset_id == PENDING_UPLOAD:
        recording = await asyncio.to_thread(_recording, _saved_path(job.audio_path, "recording"), spec.audio_duration_s)
        spec = replace(spec, audio_asset_id=await _asset_id(api, job, assets, recording, "audio"))
    if spec.image_asset_id == PENDING_UPLOAD:
        photo = await asyncio.to_thread(_photo, _saved_path(job.photo_path, "photo"), api.limits.max_upload_bytes)
        spec = replace(spec, image_asset_id=await _asset_id(api, job, assets, photo, "image"))
    return spec


def _saved_path(path: str | None, what: str) -> Path:
    if not path:
        raise RenderInputError(f"This render's {what} was not saved with it. Render the project again.")
    return Path(path)


async def _asset_id(api: HeyGenApi, job: RenderJob, assets: UploadedAssets, upload: _Upload, which: str) -> str:
    """The upload's asset id: the one this account got for the same bytes before, else a new upload under the
    job's key for `which` file (the same key again replays HeyGen's first answer)."""
    digest = content_hash(upload.data)
    known = await asyncio.to_thread(assets.find, digest, job.account, job.generation)
    if known is not None:
        return known.ref
    asset = await api.upload_asset(upload.data, upload.mime_type, upload.filename, f"{job.upload_key}-{which}")
    await asyncio.to_thread(assets.remember, digest, job.account, job.generation, asset.ref, asset.url)
    return asset.ref


def _recording(path: Path, priced_s: float | None) -> _Upload:
    """The own recording's bytes, checked again as when it was chosen: it may have changed since, and a length
    other than the one the render was priced on would cost what the user was not shown."""
    try:
        facts = audio_facts(path)
    except AudioFileError as error:
        raise RenderInputError(f"Your recording cannot be used: {error}") from error
    if priced_s is not None and abs(facts.duration_s - priced_s) > LENGTH_TOLERANCE_S:
        raise RenderInputError(
            f"Your recording “{path.name}” changed since you chose it: it is now {facts.duration_s:.1f} s long, "
            f"and the render was priced for {priced_s:.1f} s. Choose it again so the price follows, then render."
        )
    return _Upload(_read(path, "recording"), facts.mime_type, path.name)


def _photo(path: Path, max_bytes: int) -> _Upload:
    """The photo's bytes, if HeyGen animates it directly (domain.photo_rules.image_video_issues: a still JPEG or
    PNG of at most 2048 pixels a side, with a face, within `max_bytes`)."""
    if not path.exists():
        raise RenderInputError(
            f"The photo for this video, “{path.name}”, is no longer in {path.parent}. Put it back, or choose the "
            "photo again in the Photos panel, then render again."
        )
    from heygen_studio.photos import check_photo  # Pillow loads with the first photo checked, not with the app

    report = check_photo(path)
    issues = photo_rules.image_video_issues(report, min(max_bytes, photo_rules.IMAGE_VIDEO_MAX_BYTES))
    if issues:
        raise RenderInputError(_about(issues[0].message, f"The photo “{path.name}”"))
    return _Upload(_read(path, "photo"), "image/png" if report.format == "PNG" else "image/jpeg", path.name)


def _about(message: str, subject: str) -> str:
    """A photo check's message about “this photo” said about the named file instead."""
    for opening in ("This photo", "This file", "This image"):
        if message.startswith(opening):
            return subject + message.removeprefix(opening)
    return f"{subject} cannot be animated: {message}"


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise RenderInputError(f"The {what} “{path.name}” is no longer in {path.parent}. Put it back.") from None
    except OSError as error:
        raise RenderInputError(f"The {what} “{path.name}” cannot be read ({error.strerror}).") from error
