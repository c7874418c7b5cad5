"""What an audio file the user picked as their own voice is (MP3, WAV or M4A, read with PyAV) and how long it is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from heygen_studio.domain.project import OwnAudio

if TYPE_CHECKING:
    import av

MAX_BYTES = 32 * 1024 * 1024
"""HeyGen's limit for one uploaded asset (`POST /v3/assets`)."""
MAX_SECONDS = 600.0
"""HeyGen documents no length limit for `audio_asset_id`; ten minutes is this app's: longer than the longest
script a scene takes (5000 characters, about six minutes spoken) and still far below the asset size limit."""

_FORMATS = {"mp3": ("MP3", "audio/mpeg"), "wav": ("WAV", "audio/wav")}
_M4A = ("M4A", "audio/mp4")  # an MP4 container holding sound only
_CONVERT = "Choose an MP3, WAV or M4A recording, or convert this one to MP3 first."


class AudioFileError(ValueError):
    """An audio file that can't be used as the user's own voice; the message says why and what to do."""


@dataclass(frozen=True)
class AudioFacts:
    """An audio file that can be lip-synced: its kind, its MIME type for the upload, its length and its size."""

    path: Path
    kind: str
    """“MP3”, “WAV” or “M4A”, by content."""
    mime_type: str
    duration_s: float
    size_bytes: int

    def as_own_audio(self) -> OwnAudio:
        """The project field that lip-syncs this recording and prices the render on its length."""
        return OwnAudio(path=str(self.path), duration_s=self.duration_s, name=self.path.name)


def audio_facts(path: Path) -> AudioFacts:
    """Read `path`'s kind and length; AudioFileError for a file that is gone, empty, not audio, silent (zero
    long), longer than MAX_SECONDS or larger than HeyGen takes. Blocking: call it through asyncio.to_thread."""
    name = path.name
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise AudioFileError(f"“{name}” is no longer there. Choose the recording again.") from None
    except OSError as error:
        raise AudioFileError(f"“{name}” cannot be read ({error.strerror}). Choose another recording.") from error
    if size == 0:
        raise AudioFileError(f"“{name}” is empty (0 bytes). {_CONVERT}")
    if size > MAX_BYTES:
        raise AudioFileError(
            f"“{name}” is {size / 1024 / 1024:.1f} MB; HeyGen takes files up to {MAX_BYTES // (1024 * 1024)} MB. "
            "Save it as an MP3, or shorten it."
        )
    import av  # PyAV (FFmpeg, about 20 MB resident) loads with the first recording read, not with the app

    try:
        with av.open(str(path)) as container:
            kind, mime = _kind(container)
            seconds = _seconds(container)
    except AudioFileError:
        raise
    except PermissionError as error:
        raise AudioFileError(f"“{name}” cannot be read ({error.strerror}). Choose another recording.") from error
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as error:
        raise AudioFileError(f"“{name}” is not a recording this app can read. {_CONVERT}") from error
    if seconds <= 0:
        raise AudioFileError(f"“{name}” has no sound in it (it is 0 seconds long). Choose another recording.")
    if seconds > MAX_SECONDS:
        raise AudioFileError(
            f"“{name}” is {_minutes(seconds)} long; a video's own recording can be at most "
            f"{_minutes(MAX_SECONDS)}. Shorten it, or split the video in two."
        )
    return AudioFacts(path, kind, mime, round(seconds, 3), size)


def _kind(container: av.container.InputContainer) -> tuple[str, str]:
    """(name, MIME type) of an MP3, WAV or M4A by the format FFmpeg found in the file, never by its name."""
    if not container.streams.audio:
        raise AudioFileError(f"“{Path(container.name).name}” holds no sound. {_CONVERT}")
    formats = set(container.format.name.split(","))
    if "mp4" in formats or "m4a" in formats:
        if container.streams.video:  # a video (or an album cover) is not a voice recording
            raise AudioFileError(f"“{Path(container.name).name}” is a video, not a recording. {_CONVERT}")
        return _M4A
    for format_name, found in _FORMATS.items():
        if format_name in formats:
            return found
    raise AudioFileError(f"“{Path(container.name).name}” is a {container.format.long_name} file. {_CONVERT}")


def _seconds(container: av.container.InputContainer) -> float:
    """The sound's length, by decoding all of it: headers only estimate it for some MP3s, and what HeyGen bills is
    what it decodes (ten minutes of MP3 decode in under a second)."""
    stream = container.streams.audio[0]
    rate = stream.codec_context.sample_rate or stream.rate
    return sum(frame.samples for frame in container.decode(stream)) / rate if rate else 0.0


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"
