"""Media the sandbox serves: derived avatar photos, talking-avatar MP4s, thumbnails and captions."""

from __future__ import annotations

import colorsys
import functools
import io
import math
import random
import re
import tempfile
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps, UnidentifiedImageError

from heygen_studio.domain.estimates import count_words, spoken_seconds
from heygen_studio.resources import resources_dir, sample_photo

FPS = 12
SAMPLE_RATE = 24_000
MAX_VIDEO_SIDE = 640
MAX_VIDEO_SECONDS = 3600.0
MAX_IMAGE_SIDE = 4096
PHRASE_WORDS = 8
BACKGROUND = (38, 41, 48)
FACE_HEIGHT = 0.42  # where a portrait's face usually sits, as a fraction of the photo's height
ZOOM_DEPTH = 0.025  # the talking pulse: up to 2.5 % closer, once a second
VOICED_FRACTION = 0.8  # part of each word's slot that carries tone; the rest is a pause
AMPLITUDE = 0.18
KEYFRAME_SECONDS = 10

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Caption:
    """One phrase of a script and when it is spoken, in seconds from the video's start."""

    start_s: float
    end_s: float
    text: str


def video_size(width: int, height: int) -> tuple[int, int]:
    """The encoded frame size for a requested one: same aspect, long side at most 640, both even."""
    _require_size(width, height)
    scale = min(1.0, MAX_VIDEO_SIDE / max(width, height))
    return max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2)


def derive_images(source: bytes | None, seed: str, count: int = 4, size: tuple[int, int] = (768, 768)) -> list[bytes]:
    """`count` distinct PNGs: graded crops of `source`, or of a stranger picked by `seed` when there is none
    (HeyGen makes a new random person from a prompt that names no look)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    _require_size(*size)
    if max(size) > MAX_IMAGE_SIDE:
        raise ValueError(f"image sides must be at most {MAX_IMAGE_SIDE} pixels")
    rng = random.Random(f"{seed}|{count}|{size}")
    photo = _open_rgb(source) if source is not None else _stranger(seed)
    first_style = rng.randrange(len(_STYLES))
    images = []
    for index in range(count):
        image = _STYLES[(first_style + index) % len(_STYLES)](_crop(photo, size, rng), rng)
        images.append(_encode(image, "PNG", compress_level=3))
    return images


def render_mp4(image: bytes, duration_s: float, width: int, height: int, captions: list[Caption]) -> bytes:
    """A playable H.264/AAC MP4 of `image` gently 'talking' for `duration_s`, captions burned in."""
    if not (math.isfinite(duration_s) and 0 < duration_s <= MAX_VIDEO_SECONDS):
        raise ValueError(f"duration must be above 0 and at most {MAX_VIDEO_SECONDS:.0f} seconds")
    size = video_size(width, height)
    stage = _Stage(_open_rgb(image), size)
    # faststart moves the index to the front by re-reading the output by name, so it needs a real file
    with tempfile.TemporaryDirectory(prefix="heygen-sandbox-") as folder:
        path = Path(folder) / "video.mp4"
        _encode_mp4(path, stage, sorted(captions, key=lambda caption: caption.start_s), duration_s)
        return path.read_bytes()


def thumbnail_jpeg(image: bytes, width: int, height: int) -> bytes:
    """A `width` x `height` JPEG of the video's opening composition (photo letterboxed, no caption)."""
    _require_size(width, height)
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ValueError(f"thumbnail sides must be at most {MAX_IMAGE_SIDE} pixels")
    return _encode(_Stage(_open_rgb(image), (width, height)).frame(1.0), "JPEG", quality=85)


def captions_for(scripts: list[str], speeds: list[float]) -> list[Caption]:
    """Captions of about eight words for each scene's script, back to back at each scene's speed."""
    if len(scripts) != len(speeds):
        raise ValueError("need one speed per script")
    captions: list[Caption] = []
    clock = 0.0
    for script, speed in zip(scripts, speeds, strict=True):
        seconds = spoken_seconds(script, speed)
        total = count_words(script)
        said = 0
        for phrase in _phrases(script):
            start = clock + seconds * said / total
            said += count_words(phrase)
            captions.append(Caption(start, clock + seconds * said / total, phrase))
        clock += seconds
    return captions


def to_srt(captions: list[Caption]) -> str:
    """SubRip text: a numbered block per caption with its times, its text and a blank line."""
    return "".join(
        f"{number}\n{_srt_time(caption.start_s)} --> {_srt_time(caption.end_s)}\n{' '.join(caption.text.split())}\n\n"
        for number, caption in enumerate(captions, start=1)
    )


def to_ass(captions: list[Caption], width: int, height: int) -> str:
    """Advanced SubStation Alpha text, as the legacy API's `caption_url` serves: a style and a Dialogue per caption."""
    size = max(10, round(min(width, height) * 0.05))
    header = (
        "[Script Info]\nScriptType: v4.00+\n"
        f"PlayResX: {width}\nPlayResY: {height}\n\n"
        "[V4+ Styles]\n"
        "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
        "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, "
        "MarginL, MarginR, MarginV, Encoding\n"
        f"Style: Default,Arial,{size},&H00FFFFFF,&H000000FF,&H00000000,&H96000000,0,0,0,0,100,100,0,0,3,1,0,2,"
        f"20,20,{size},1\n\n"
        "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
    )
    return header + "".join(
        f"Dialogue: 0,{_ass_time(caption.start_s)},{_ass_time(caption.end_s)},Default,,0,0,0,,"
        f"{' '.join(caption.text.split()).replace('{', '(').replace('}', ')')}\n"
        for caption in captions
    )


# --- captions -----------------------------------------------------------------------------------


def _phrases(script: str) -> list[str]:
    """The script cut at sentence ends, each sentence into even pieces of at most eight words."""
    phrases: list[str] = []
    for sentence in _SENTENCE_END.split(script.strip()):
        words = count_words(sentence)
        if words == 0:
            continue
        pieces = math.ceil(words / PHRASE_WORDS)
        tokens: list[str] = []
        spoken = cuts = 0
        for token in sentence.split():
            tokens.append(token)
            spoken += count_words(token)
            if spoken >= round(words * (cuts + 1) / pieces):
                phrases.append(" ".join(tokens))
                tokens, cuts = [], cuts + 1
        if tokens:  # only wordless tokens (a trailing dash, say) are left: they belong to the last phrase
            phrases[-1] = " ".join([phrases[-1], *tokens])
    return phrases


def _ass_time(seconds: float) -> str:
    hours, rest = divmod(round(seconds * 100), 360_000)
    minutes, rest = divmod(rest, 6000)
    whole, centis = divmod(rest, 100)
    return f"{hours}:{minutes:02d}:{whole:02d}.{centis:02d}"


def _srt_time(seconds: float) -> str:
    hours, rest = divmod(round(seconds * 1000), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{whole:02d},{millis:03d}"


# --- pictures -----------------------------------------------------------------------------------


def _require_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise ValueError("width and height must be positive")


def _open_rgb(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValueError("not a readable image") from error
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        flat = Image.new("RGB", image.size, BACKGROUND)
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA"))
        return flat
    return image.convert("RGB")


def _encode(image: Image.Image, format: str, **options: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def _crop(photo: Image.Image, size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A random close-up of `photo` with the aspect of `size`, scaled to `size`."""
    aspect = size[0] / size[1]
    width = min(photo.width, photo.height * aspect) / rng.uniform(1.0, 1.3)
    height = width / aspect
    left = (photo.width - width) * rng.uniform(0.3, 0.7)  # stay near the middle, where the face is,
    top = (photo.height - height) * rng.uniform(0.1, 0.5)  # and keep the top of the head in
    return photo.resize(size, Image.Resampling.BICUBIC, box=(left, top, left + width, top + height))


def _tint(rng: random.Random, lightness: float, saturation: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hls_to_rgb(rng.random(), lightness, saturation)
    return round(red * 255), round(green * 255), round(blue * 255)


def _natural(image: Image.Image, rng: random.Random) -> Image.Image:
    return ImageEnhance.Contrast(image).enhance(rng.uniform(1.05, 1.15))


def _warm(image: Image.Image, rng: random.Random) -> Image.Image:
    return Image.blend(image, Image.new("RGB", image.size, (255, 170, 90)), rng.uniform(0.12, 0.2))


def _cool(image: Image.Image, rng: random.Random) -> Image.Image:
    return Image.blend(image, Image.new("RGB", image.size, (80, 150, 255)), rng.uniform(0.12, 0.2))


def _duotone(image: Image.Image, rng: random.Random) -> Image.Image:
    return ImageOps.colorize(ImageOps.grayscale(image), black=_tint(rng, 0.15, 0.5), white=_tint(rng, 0.9, 0.6))


def _vivid(image: Image.Image, rng: random.Random) -> Image.Image:
    return ImageEnhance.Contrast(ImageEnhance.Color(image).enhance(rng.uniform(1.4, 1.7))).enhance(1.1)


def _dreamy(image: Image.Image, rng: random.Random) -> Image.Image:
    soft = image.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 2.5)))
    return Image.blend(soft, Image.new("RGB", image.size, _tint(rng, 0.85, 0.7)), 0.15)


_STYLES: tuple[Callable[[Image.Image, random.Random], Image.Image], ...] = (
    _natural,
    _warm,
    _cool,
    _duotone,
    _vivid,
    _dreamy,
)


def _stranger(seed: str) -> Image.Image:
    """A "new random person" for a prompt with no photo of anyone: one of the sample photos, picked by `seed`."""
    names = sorted(path.name for path in (resources_dir() / "sample_photos").glob("*.png"))
    return _open_rgb(sample_photo(random.Random(seed).choice(names)).read_bytes())


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size)
    assert isinstance(font, ImageFont.FreeTypeFont)
    return font


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: float, max_lines: int) -> str:
    """`text` greedily wrapped to lines narrower than `width`; overflow ends in an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], f"{lines[max_lines - 1]}…"]
    return "\n".join(lines)


# --- video --------------------------------------------------------------------------------------


class _Stage:
    """The photo letterboxed into a frame, and that frame pushed in towards the face by a zoom."""

    def __init__(self, photo: Image.Image, size: tuple[int, int]) -> None:
        self.size = size
        self.photo = ImageOps.contain(photo, size, Image.Resampling.LANCZOS)
        self.offset = ((size[0] - self.photo.width) // 2, (size[1] - self.photo.height) // 2)

    def frame(self, zoom: float) -> Image.Image:
        canvas = Image.new("RGB", self.size, BACKGROUND)
        width, height = self.photo.size
        crop_w, crop_h = width / zoom, height / zoom
        left = min(max(width / 2 - crop_w / 2, 0.0), width - crop_w)
        top = min(max(height * FACE_HEIGHT - crop_h / 2, 0.0), height - crop_h)
        box = (left, top, left + crop_w, top + crop_h)
        canvas.paste(self.photo.resize(self.photo.size, Image.Resampling.BILINEAR, box=box), self.offset)
        return canvas

    def captioned(self, zoom: float, text: str) -> Image.Image:
        canvas = self.frame(zoom)
        width, height = self.size
        font = _font(max(10, round(min(width, height) * 0.05)))
        label = _wrap(text, font, width * 0.88, max_lines=3)
        draw = ImageDraw.Draw(canvas, "RGBA")
        anchor = (width / 2, height * 0.96)
        left, top, right, bottom = draw.multiline_textbbox(anchor, label, font=font, anchor="md", align="center")
        pad = font.size * 0.4
        draw.rounded_rectangle((left - pad, top - pad, right + pad, bottom + pad), radius=pad, fill=(0, 0, 0, 150))
        draw.multiline_text(anchor, label, font=font, fill=(255, 255, 255), anchor="md", align="center")
        return canvas


def _encode_mp4(path: Path, stage: _Stage, timeline: list[Caption], duration_s: float) -> None:
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=FPS, options={"preset": "ultrafast", "crf": "28"})
        video.width, video.height = stage.size
        video.pix_fmt = "yuv420p"
        video.codec_context.gop_size = FPS * KEYFRAME_SECONDS
        video.codec_context.time_base = Fraction(1, FPS)
        audio = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        audio.bit_rate = 48_000
        frames = _video_frames(stage, timeline, round(duration_s * FPS) or 1)
        voice = _Voice(timeline)
        total_samples = round(duration_s * SAMPLE_RATE)
        for second in range(math.ceil(duration_s)):
            for frame in _take(frames, FPS):
                container.mux(video.encode(frame))
            first = second * SAMPLE_RATE
            samples = voice.samples(first, min(SAMPLE_RATE, total_samples - first))
            chunk = av.AudioFrame.from_ndarray(samples[np.newaxis, :], format="fltp", layout="mono")
            chunk.sample_rate, chunk.pts = SAMPLE_RATE, first
            container.mux(audio.encode(chunk))
        container.mux(video.encode(None))
        container.mux(audio.encode(None))


def _video_frames(stage: _Stage, timeline: list[Caption], count: int) -> Iterator[av.VideoFrame]:
    """`count` frames: still between captions, pulsing with the current caption while it is spoken."""
    starts = [caption.start_s for caption in timeline]
    shown = -2
    cache: dict[int, av.VideoFrame] = {}  # the shown caption's frames, by phase of the pulse
    for number in range(count):
        moment = number / FPS
        index = bisect_right(starts, moment) - 1
        speaking = index >= 0 and moment < timeline[index].end_s and bool(timeline[index].text.strip())
        phase = number % FPS if speaking else 0
        if (index if speaking else -1) != shown:
            shown, cache = (index if speaking else -1), {}
        if phase not in cache:
            zoom = 1.0 + ZOOM_DEPTH * (1 - math.cos(2 * math.pi * phase / FPS)) / 2
            picture = stage.captioned(zoom, timeline[index].text) if speaking else stage.frame(zoom)
            cache[phase] = av.VideoFrame.from_image(picture).reformat(format="yuv420p")  # type: ignore[no-untyped-call]  # av leaves from_image unannotated
        frame = cache[phase]
        frame.pts = number
        yield frame


def _take(frames: Iterator[av.VideoFrame], count: int) -> Iterator[av.VideoFrame]:
    for _ in range(count):
        frame = next(frames, None)
        if frame is None:
            return
        yield frame


class _Voice:
    """A soft hum per spoken word: a pitch from the word, rising and falling within its slot."""

    def __init__(self, timeline: list[Caption]) -> None:
        starts: list[float] = []
        ends: list[float] = []
        pitches: list[float] = []
        for caption in timeline:
            words = [word for word in caption.text.split() if count_words(word)]
            weights = np.cumsum([0] + [len(word) + 2 for word in words], dtype=np.float64)
            span = caption.end_s - caption.start_s
            for number, word in enumerate(words):
                starts.append(caption.start_s + span * weights[number] / weights[-1])
                ends.append(caption.start_s + span * weights[number + 1] / weights[-1])
                pitches.append(110.0 + zlib.crc32(word.lower().encode()) % 70)
        self.starts = np.asarray(starts)
        self.ends = np.asarray(ends)
        self.pitches = np.asarray(pitches)

    def samples(self, first: int, count: int) -> np.ndarray:
        if count <= 0 or not len(self.starts):
            return np.zeros(max(count, 0), np.float32)
        moments = (first + np.arange(count)) / SAMPLE_RATE
        word = np.maximum(np.searchsorted(self.starts, moments, side="right") - 1, 0)
        into = moments - self.starts[word]
        voiced = (self.ends[word] - self.starts[word]) * VOICED_FRACTION
        envelope = np.where((into >= 0) & (into < voiced), np.sin(np.pi * into / voiced) ** 2, 0.0)
        phase = 2 * np.pi * self.pitches[word] * into
        tone = np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase)
        return np.asarray(AMPLITUDE / 1.75 * envelope * tone, dtype=np.float32)
