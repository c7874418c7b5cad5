"""Media the sandbox serves: derived avatar photos, talking videos (MP4, transparent WebM), thumbnails, captions."""

from __future__ import annotations

import colorsys
import functools
import io
import math
import random
import re
import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps, UnidentifiedImageError

from heygen_studio.api.models import WordTiming
from heygen_studio.resources import resources_dir, sample_photo

FPS = 8  # a still photo that pulses while it talks needs few frames; the size is never cut to go faster
SAMPLE_RATE = 48_000  # the sound track's rate in every container (Opus only takes 48 kHz)
MAX_VIDEO_SECONDS = 3600.0
MAX_IMAGE_SIDE = 4096
PHRASE_WORDS = 8
BACKGROUND = (38, 41, 48)
FACE_HEIGHT = 0.42  # where a portrait's face usually sits, as a fraction of the photo's height
ZOOM_DEPTH = 0.025  # the talking pulse: up to 2.5 % closer, once a second
TALKING_RMS = 400  # int16 RMS above which a frame's stretch of sound counts as speech (about -38 dBFS)
KEYFRAME_SECONDS = 10
CUT_OUT_FEATHER = 0.015  # the cut-out's soft edge, as a fraction of the photo's shorter side

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_TOKEN = re.compile(r"\S+")
X264_OPTIONS = {"preset": "ultrafast", "tune": "stillimage", "crf": "26"}
VP9_OPTIONS = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "36", "b": "0"}
CONTAINERS = ("mp4", "webm")  # H.264/AAC; VP9 with an alpha channel (yuva420p, WebM's alpha_mode)/Opus


@dataclass(frozen=True)
class Caption:
    """One phrase of a script and when it is spoken, in seconds from the video's start."""

    start_s: float
    end_s: float
    text: str


def video_size(width: int, height: int) -> tuple[int, int]:
    """The encoded frame size for a requested one: the same, made even (H.264 and VP9 halve the colour planes)."""
    _require_size(width, height)
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ValueError(f"video sides must be at most {MAX_IMAGE_SIDE} pixels")
    return max(2, width // 2 * 2), max(2, height // 2 * 2)


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


@dataclass(frozen=True, eq=False)
class Soundtrack:
    """A video's sound: 16-bit mono samples at `sample_rate`; the video lasts as long as it."""

    samples: np.ndarray[Any, np.dtype[np.int16]]
    sample_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate

    @classmethod
    def joined(cls, parts: Sequence[Soundtrack]) -> Soundtrack:
        """`parts` one after another, at the first part's rate (others are resampled to it)."""
        if not parts:
            raise ValueError("a sound track needs at least one part")
        rate = parts[0].sample_rate
        return cls(np.concatenate([part.at_rate(rate).samples for part in parts]).astype(np.int16), rate)

    def at_rate(self, rate: int) -> Soundtrack:
        if rate == self.sample_rate or not len(self.samples):
            return self
        count = round(len(self.samples) * rate / self.sample_rate)
        moments = np.arange(count) * (self.sample_rate / rate)
        resampled = np.interp(moments, np.arange(len(self.samples)), self.samples.astype(np.float64))
        return Soundtrack(np.round(resampled).astype(np.int16), rate)


@dataclass(frozen=True)
class Picture:
    """What a video shows: a photo fitted into a `width` x `height` frame on a colour, or cut out on nothing."""

    image: bytes
    width: int
    height: int
    background: tuple[int, int, int] | None = BACKGROUND  # None: transparent (the figure is cut out)
    fit: str | None = None  # "cover" | "contain"; None picks by the photo's and the frame's orientations
    cut_out: bool = False  # remove_background: the figure cut out of its photo's background
    backdrop: bytes | None = None  # an image covering the frame behind the figure, instead of the colour


@dataclass(frozen=True)
class Shot:
    """A picture shown from `start_s` (seconds into the video) until the next shot's start."""

    start_s: float
    picture: Picture


def render_video(
    shots: Sequence[Shot], sound: Soundtrack, captions: Sequence[Caption] = (), container: str = "mp4"
) -> bytes:
    """A playable video of each shot's picture gently 'talking' while `sound` is loud, as long as `sound`: H.264/AAC
    MP4, or VP9 (with alpha)/Opus WebM; `captions` are burned in (none by default). Every shot is the first's size."""
    if not (math.isfinite(sound.duration_s) and 0 < sound.duration_s <= MAX_VIDEO_SECONDS):
        raise ValueError(f"a video lasts above 0 and at most {MAX_VIDEO_SECONDS:.0f} seconds")
    if container not in CONTAINERS:
        raise ValueError(f"container must be one of {', '.join(CONTAINERS)}")
    if not shots:
        raise ValueError("a video needs at least one shot")
    stages: dict[Picture, _Stage] = {}  # a look shown in several scenes is fitted once
    timeline = [(shot.start_s, stages.setdefault(shot.picture, _Stage(shot.picture))) for shot in shots]
    # faststart moves the index to the front by re-reading the output by name, so it needs a real file
    with tempfile.TemporaryDirectory(prefix="heygen-sandbox-") as folder:
        path = Path(folder) / f"video.{container}"
        _encode_video(path, container, timeline, sound, sorted(captions, key=lambda caption: caption.start_s))
        return path.read_bytes()


def thumbnail_jpeg(picture: Picture) -> bytes:
    """A JPEG of the video's opening composition, at the video's size (a transparent one on the default colour)."""
    frame = _Stage(picture).frame(1.0)
    if frame.mode == "RGBA":
        frame = Image.alpha_composite(Image.new("RGBA", frame.size, (*BACKGROUND, 255)), frame)
    return _encode(frame.convert("RGB"), "JPEG", quality=85)


def hex_colour(value: str) -> tuple[int, int, int]:
    """An "#RRGGBB" (or "#RGB") colour as red, green and blue; ValueError for anything else."""
    digits = value.strip().removeprefix("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", digits):
        raise ValueError(f"{value!r} is not a colour like #1A2B3C")
    red, green, blue = (int(digits[index : index + 2], 16) for index in (0, 2, 4))
    return red, green, blue


def colour_code(value: str) -> str:
    """A colour as "#rrggbb" however it was written ("#ABC", "1a2b3c"); ValueError for anything else."""
    return f"#{bytes(hex_colour(value)).hex()}"


def captions_for(script: str, words: Sequence[WordTiming], offset_s: float = 0.0) -> list[Caption]:
    """Captions of about eight words of `script`, timed by its spoken `words` (one timing per word, or per run of
    words spoken as one), `offset_s` later: a caption shows from its first word's start to its last word's end.
    A phrase none of whose words has a timing of its own joins the caption before it."""
    captions: list[Caption] = []
    timed = 0  # words of the script the timings so far cover
    starts: list[int] = []
    for timing in words:
        starts.append(timed)
        timed += max(1, len(timing.word.split()))
    said = 0
    for phrase in _phrases(script):
        count = sum(1 for token in phrase.split() if any(char.isalnum() for char in token))
        first, last = bisect_right(starts, said - 1), bisect_right(starts, said + count - 1) - 1
        said += count
        if first > last:  # no word of this phrase begins a timing: it was said with the phrase before
            if captions:
                previous = captions[-1]
                captions[-1] = Caption(previous.start_s, previous.end_s, f"{previous.text} {phrase}")
            continue
        captions.append(Caption(offset_s + words[first].start_s, offset_s + words[last].end_s, phrase))
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
        words = _count_words(sentence)
        if words == 0:
            continue
        pieces = math.ceil(words / PHRASE_WORDS)
        tokens: list[str] = []
        spoken = cuts = 0
        for token in sentence.split():
            tokens.append(token)
            spoken += _count_words(token)
            if spoken >= round(words * (cuts + 1) / pieces):
                phrases.append(" ".join(tokens))
                tokens, cuts = [], cuts + 1
        if tokens:  # only wordless tokens (a trailing dash, say) are left: they belong to the last phrase
            phrases[-1] = " ".join([phrases[-1], *tokens])
    return phrases


def _count_words(text: str) -> int:
    """Words as the speech's timings count them: whitespace-separated tokens with a letter or digit."""
    return sum(1 for token in _TOKEN.findall(text) if any(char.isalnum() for char in token))


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


def _fit(photo: Image.Image, size: tuple[int, int], fit: str | None) -> Image.Image:
    """`photo` scaled to fill `size` (cover, cropped) or to fit inside it (contain); by default it covers only a
    frame of its own orientation, so a portrait on a landscape frame shows whole on the background."""
    if fit is None:
        same = (photo.width >= photo.height) == (size[0] >= size[1]) and photo.width != photo.height
        fit = "cover" if same else "contain"
    if fit == "cover":
        return ImageOps.fit(photo, size, Image.Resampling.LANCZOS, centering=(0.5, FACE_HEIGHT))
    return ImageOps.contain(photo, size, Image.Resampling.LANCZOS)


def _cut_out(photo: Image.Image) -> Image.Image:
    """`photo` with everything outside a head-and-shoulders ellipse made transparent, its edge feathered."""
    width, height = photo.size
    mask = Image.new("L", photo.size, 0)
    ImageDraw.Draw(mask).ellipse((width * 0.14, height * 0.06, width * 0.86, height * 1.25), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, min(width, height) * CUT_OUT_FEATHER)))
    cut = photo.convert("RGBA")
    cut.putalpha(mask)
    return cut


class _Stage:
    """The photo fitted into a frame on its background, and that frame pushed in towards the face by a zoom."""

    def __init__(self, picture: Picture) -> None:
        self.size = video_size(picture.width, picture.height)
        photo = _fit(_open_rgb(picture.image), self.size, picture.fit)
        self.photo = _cut_out(photo) if picture.cut_out or picture.background is None else photo.convert("RGBA")
        self.offset = ((self.size[0] - self.photo.width) // 2, (self.size[1] - self.photo.height) // 2)
        self.transparent = picture.background is None
        colour = (0, 0, 0, 0) if picture.background is None else (*picture.background, 255)
        self.backdrop = Image.new("RGBA", self.size, colour)
        if picture.backdrop is not None and not self.transparent:
            self.backdrop = ImageOps.fit(_open_rgb(picture.backdrop), self.size, Image.Resampling.LANCZOS).convert(
                "RGBA"
            )

    def frame(self, zoom: float) -> Image.Image:
        """The frame at `zoom`: RGBA when the video is transparent, else RGB."""
        width, height = self.photo.size
        crop_w, crop_h = width / zoom, height / zoom
        left = min(max(width / 2 - crop_w / 2, 0.0), width - crop_w)
        top = min(max(height * FACE_HEIGHT - crop_h / 2, 0.0), height - crop_h)
        zoomed = self.photo.resize(
            self.photo.size, Image.Resampling.BILINEAR, box=(left, top, left + crop_w, top + crop_h)
        )
        canvas = self.backdrop.copy()
        canvas.alpha_composite(zoomed, self.offset)
        return canvas if self.transparent else canvas.convert("RGB")

    def captioned(self, frame: Image.Image, text: str) -> Image.Image:
        """`frame` with `text` on a dark box at the bottom (the box opaque enough to read on a transparent frame)."""
        canvas = frame.copy()
        width, height = self.size
        font = _font(max(10, round(min(width, height) * 0.05)))
        label = _wrap(text, font, width * 0.88, max_lines=3)
        draw = ImageDraw.Draw(canvas, "RGBA")
        anchor = (width / 2, height * 0.96)
        left, top, right, bottom = draw.multiline_textbbox(anchor, label, font=font, anchor="md", align="center")
        pad = font.size * 0.4
        box = (left - pad, top - pad, right + pad, bottom + pad)
        draw.rounded_rectangle(box, radius=pad, fill=(0, 0, 0, 200 if self.transparent else 150))
        draw.multiline_text(anchor, label, font=font, fill=(255, 255, 255, 255), anchor="md", align="center")
        return canvas


def _encode_video(
    path: Path, container_format: str, shots: list[tuple[float, _Stage]], sound: Soundtrack, captions: list[Caption]
) -> None:
    webm = container_format == "webm"
    options = {} if webm else {"movflags": "+faststart"}
    with av.open(str(path), mode="w", format=container_format, options=options) as out:
        if webm:
            video = out.add_stream("libvpx-vp9", rate=FPS, options=VP9_OPTIONS)
            audio = out.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        else:
            video = out.add_stream("libx264", rate=FPS, options=X264_OPTIONS)
            audio = out.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        pixel_format = "yuva420p" if webm else "yuv420p"
        video.width, video.height = shots[0][1].size
        video.pix_fmt = pixel_format
        video.codec_context.gop_size = FPS * KEYFRAME_SECONDS
        video.codec_context.time_base = Fraction(1, FPS)
        audio.bit_rate = 64_000
        resampler = av.AudioResampler(format=audio.codec_context.format, layout="mono", rate=SAMPLE_RATE)
        count = max(1, math.ceil(sound.duration_s * FPS))
        frames = _video_frames(shots, captions, _talking(sound, count), pixel_format)
        for second in range(math.ceil(count / FPS)):  # a second of pictures, then its sound: interleaved
            for _ in range(min(FPS, count - second * FPS)):
                out.mux(video.encode(next(frames)))
            first = second * sound.sample_rate
            chunk = np.ascontiguousarray(sound.samples[first : first + sound.sample_rate])
            if len(chunk):
                piece = av.AudioFrame.from_ndarray(chunk[np.newaxis, :], format="s16", layout="mono")
                piece.sample_rate, piece.pts, piece.time_base = sound.sample_rate, first, Fraction(1, sound.sample_rate)
                for resampled in resampler.resample(piece):
                    out.mux(audio.encode(resampled))
        for resampled in resampler.resample(None):
            out.mux(audio.encode(resampled))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))


def _talking(sound: Soundtrack, count: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """For each of `count` frames, whether the sound under it is speech (louder than TALKING_RMS)."""
    edges = np.minimum(np.round(np.arange(count + 1) * sound.sample_rate / FPS).astype(np.int64), len(sound.samples))
    talking = np.zeros(count, np.bool_)
    for number in range(count):
        stretch = sound.samples[edges[number] : edges[number + 1]].astype(np.float32)
        talking[number] = len(stretch) > 0 and float(np.sqrt(np.mean(stretch**2))) > TALKING_RMS
    return talking


def _video_frames(
    shots: list[tuple[float, _Stage]],
    timeline: list[Caption],
    talking: np.ndarray[Any, np.dtype[np.bool_]],
    pixel_format: str,
) -> Iterator[av.VideoFrame]:
    """A frame per entry of `talking`: the shot of the moment, pulsing while it is true and still otherwise, with the
    caption being spoken."""
    starts = [caption.start_s for caption in timeline]
    cuts = [start for start, _ in shots]
    pictures: dict[tuple[int, int], Image.Image] = {}  # by shot and phase of the pulse
    shown = (-1, -2)  # the shot and caption (-1: none) on screen
    cache: dict[int, av.VideoFrame] = {}  # their frames, by phase
    for number, speaking in enumerate(talking):
        moment = number / FPS
        shot = max(bisect_right(cuts, moment) - 1, 0)
        index = bisect_right(starts, moment) - 1
        if index < 0 or moment >= timeline[index].end_s:
            index = -1
        phase = min(number % FPS, -number % FPS) if speaking else 0  # the pulse is the same going in and out
        if (shot, index) != shown:
            shown, cache = (shot, index), {}
        if phase not in cache:
            stage = shots[shot][1]
            if (shot, phase) not in pictures:
                zoom = 1.0 + ZOOM_DEPTH * (1 - math.cos(2 * math.pi * phase / FPS)) / 2
                pictures[(shot, phase)] = stage.frame(zoom)
            picture = pictures[(shot, phase)]
            if index >= 0:
                picture = stage.captioned(picture, timeline[index].text)
            layout = "rgba" if picture.mode == "RGBA" else "rgb24"
            cache[phase] = av.VideoFrame.from_ndarray(np.asarray(picture), format=layout).reformat(format=pixel_format)
        frame = cache[phase]
        frame.pts = number
        yield frame
