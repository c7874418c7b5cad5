"""Resumable downloads (Range requests into a `.part` file, renamed when complete) and safe file names."""

from __future__ import annotations

import asyncio
import os
import re
import unicodedata
from collections.abc import Awaitable, Callable, Container, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    import httpx

PART_SUFFIX = ".part"
MAX_NAME_CHARS = 120
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')

Progress = Callable[[int, int | None], None]
CAPTIONED = " (captions)"
"""Ends the name of a render's copy with captions burned in, next to the plain one: "Title (captions).mp4"."""


class LinkExpired(Exception):
    """The download link was refused (403/404): ask HeyGen for the status again to get a fresh one."""


class DownloadError(Exception):
    """The file could not be downloaded; the message says why in plain words."""


def safe_filename(title: str, fallback: str = "video", max_chars: int = MAX_NAME_CHARS) -> str:
    """A file name (without extension) made from any title, valid on Windows, macOS and Linux.

    Keeps letters of every script; drops path separators, control and reserved characters, and
    names Windows reserves (CON, NUL, COM1...); trims dots and spaces and the length.
    """
    text = unicodedata.normalize("NFC", title)
    text = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    text = _UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = text[:max_chars].rstrip(" .")
    if not text or text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = f"{fallback} {text}".strip() if text else fallback
    return text


def video_suffix(transparent: bool) -> str:
    """A transparent render is a WebM (it keeps its alpha channel), any other an MP4."""
    return ".webm" if transparent else ".mp4"


def captioned_path(video: Path) -> Path:
    """Where the copy of `video` with captions burned in is saved: beside it, "Title (captions).mp4"."""
    return video.with_name(f"{video.stem}{CAPTIONED}{video.suffix}")


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """folder/stem.suffix, or 'stem (2).suffix'... when that name (or its .part) is taken."""
    return folder / f"{free_stem(folder, stem, (suffix,))}{suffix}"


def free_stem(folder: Path, stem: str, suffixes: Iterable[str], taken: Container[str] = ()) -> str:
    """`stem`, or 'stem (2)'... : the first whose files with every one of `suffixes` (and their .part) are
    absent from `folder` and whose folder/name+first suffix, case-folded, is not in `taken`."""
    endings = tuple(suffixes)
    number = 1
    while True:
        name = stem if number == 1 else f"{stem} ({number})"
        paths = [folder / f"{name}{suffix}" for suffix in endings]
        if str(paths[0]).casefold() not in taken and not any(
            path.exists() or part_path(path).exists() for path in paths
        ):
            return name
        number += 1


def place(part: Path, dest: Path) -> Path:
    """Move the finished `part` to `dest`, never over a file: when one has appeared there meanwhile (the
    user's own), to 'stem (2).ext'... instead. Returns where the file went."""
    target = dest
    while True:
        try:
            _move_no_replace(part, target)
            return target
        except FileExistsError:
            if target == dest and _same_file(part, dest):  # stopped between link and unlink last time
                part.unlink()
                return dest
            target = unique_path(dest.parent, dest.stem, dest.suffix)


def _move_no_replace(source: Path, target: Path) -> None:
    """A rename that fails with FileExistsError rather than replace `target`."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system (FAT, some network drives)
        if os.name != "nt" and target.exists():  # Windows' rename never replaces by itself
            raise FileExistsError(target) from None
        os.rename(source, target)
        return
    source.unlink()


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


async def download(
    client: httpx.AsyncClient,
    url: str,
    dest: Path,
    progress: Progress | None = None,
    before_write: Callable[[], Awaitable[None]] | None = None,
) -> Path:
    """Fetch `url` into `dest`, resuming `dest.part` with a Range request; moved to `dest` when complete, or
    beside it when a file has appeared there (see `place`); returns the file's path. OSError from the
    disk (full, not writable) is raised as is. `before_write` is awaited before the `.part` is opened,
    each piece is written and the rename; what it raises stops the download there, leaving the `.part`
    as it was."""
    import httpx  # loaded with the first download, not at start

    part = part_path(dest)
    await asyncio.to_thread(dest.parent.mkdir, parents=True, exist_ok=True)
    have = await asyncio.to_thread(_size, part)
    headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={have}-"} if have else {})}
    try:
        async with client.stream("GET", url, headers=headers) as response:
            if response.status_code in (403, 404, 410):
                raise LinkExpired(f"the link answered {response.status_code}")
            if response.status_code == 416 and have:
                return await _already_whole(response, part, dest, have, before_write)
            if response.status_code not in (200, 206):
                raise DownloadError(f"The download failed (HTTP {response.status_code}). It will be tried again.")
            resumed = response.status_code == 206
            done = have if resumed else 0
            total = _total(response, done)
            if before_write:
                await before_write()  # opening a 200 answer's .part empties it
            handle = await asyncio.to_thread(_open, part, append=resumed)
            try:
                if progress:
                    progress(done, total)
                # as the bytes arrive: a fixed chunk size would hold back up to a chunk that a dropped
                # connection then loses, so each try must redo it
                async for chunk in response.aiter_bytes():
                    if before_write:
                        await before_write()
                    await asyncio.to_thread(_write, handle, chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            finally:
                await asyncio.to_thread(_close, handle)
    except httpx.TransportError as error:
        raise DownloadError("The connection was lost while downloading. It will carry on where it stopped.") from error
    if total is not None and done < total:
        raise DownloadError("The download ended early. It will carry on where it stopped.")
    if before_write:
        await before_write()
    return await asyncio.to_thread(place, part, dest)


async def _already_whole(
    response: httpx.Response, part: Path, dest: Path, have: int, before_write: Callable[[], Awaitable[None]] | None
) -> Path:
    """A 416 to `bytes=<have>-`: the .part is whole if the server's size is its size; else it is dropped."""
    if before_write:
        await before_write()
    if _total(response, 0) != have:  # longer than the file (or it changed): not this file
        await asyncio.to_thread(part.unlink, missing_ok=True)
        raise DownloadError("The partly downloaded file did not match the video. It will start over.")
    return await asyncio.to_thread(place, part, dest)


def _total(response: httpx.Response, start: int) -> int | None:
    content_range = response.headers.get("content-range", "")
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    length = response.headers.get("content-length")
    return start + int(length) if length and length.isdigit() else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _open(path: Path, *, append: bool) -> BinaryIO:
    return open(path, "ab" if append else "wb")  # noqa: SIM115  (closed by the caller via _close)


def _write(handle: BinaryIO, chunk: bytes) -> None:
    """On disk at once: bytes left in a buffer would reach the .part only at close, maybe after another
    process took the download over."""
    handle.write(chunk)
    handle.flush()


def _close(handle: BinaryIO) -> None:
    handle.close()
