"""The sandbox's media: real photos, playable MP4s with sound and captions, thumbnails and SRT."""

from __future__ import annotations

import io
import re
from itertools import pairwise

import av
import numpy as np
import pytest
from PIL import Image

from heygen_studio.domain.estimates import spoken_seconds
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.media import (
    Caption,
    captions_for,
    derive_images,
    render_mp4,
    thumbnail_jpeg,
    to_srt,
    video_size,
)

SCRIPT = (
    "Welcome to our studio. Today I will show you how a single photo becomes a talking avatar, "
    "step by step, with nothing but a few clicks and a short script."
)
SRT_BLOCK = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)\n(.+)\n")


@pytest.fixture(scope="module")
def astronaut() -> bytes:
    return sample_photo("astronaut.png").read_bytes()


@pytest.fixture(scope="module")
def cat() -> bytes:
    return sample_photo("chelsea.png").read_bytes()


def _decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def test_derived_images_are_distinct_pngs_of_the_asked_size(astronaut: bytes) -> None:
    images = derive_images(astronaut, "studio look", count=4, size=(320, 400))
    decoded = [_decode(png) for png in images]
    assert [image.size for image in decoded] == [(320, 400)] * 4
    pixels = [np.asarray(image.convert("RGB"), dtype=np.int16) for image in decoded]
    for first in range(4):
        for second in range(first + 1, 4):
            assert np.abs(pixels[first] - pixels[second]).mean() > 3  # visibly different, not one bit


def test_derived_images_follow_the_photo_and_the_seed(astronaut: bytes, cat: bytes) -> None:
    same = derive_images(astronaut, "seed", count=2, size=(128, 128))
    assert derive_images(astronaut, "seed", count=2, size=(128, 128)) == same
    assert derive_images(astronaut, "another seed", count=2, size=(128, 128)) != same
    assert derive_images(cat, "seed", count=2, size=(128, 128)) != same


def test_without_a_photo_each_seed_gets_a_new_person_made_from_a_sample_photo() -> None:
    portraits = derive_images(None, "a friendly teacher", count=3, size=(256, 256))
    assert len(set(portraits)) == 3
    assert all(_decode(png).size == (256, 256) for png in portraits)
    assert derive_images(None, "a friendly teacher", count=3, size=(256, 256)) == portraits
    assert derive_images(None, "a stern judge", count=3, size=(256, 256)) != portraits
    from_samples = [
        derive_images(sample_photo(name).read_bytes(), "a friendly teacher", count=3, size=(256, 256))
        for name in ("astronaut.png", "camera.png", "chelsea.png")
    ]
    assert portraits in from_samples  # a graded crop of a real photo, not a drawn silhouette


def test_derive_images_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        derive_images(b"not an image", "seed")
    with pytest.raises(ValueError):
        derive_images(None, "seed", count=0)
    with pytest.raises(ValueError):
        derive_images(None, "seed", size=(0, 10))


def test_video_is_h264_and_aac_of_the_asked_length_and_capped_size(astronaut: bytes) -> None:
    captions = captions_for([SCRIPT], [1.0])
    duration = 4.3
    data = render_mp4(astronaut, duration, 1920, 1080, captions)
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: playable while it streams
    with av.open(io.BytesIO(data)) as container:
        assert [stream.type for stream in container.streams] == ["video", "audio"]
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert audio.codec_context.name == "aac"
        assert (video.codec_context.width, video.codec_context.height) == (640, 360)
        assert container.duration is not None
        assert abs(container.duration / av.time_base - duration) <= 0.15
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert abs(len(frames) / float(video.average_rate) - duration) <= 0.15
    assert np.abs(frames[0].astype(np.int16) - frames[6].astype(np.int16)).mean() > 0.5  # it moves


def test_video_has_an_audible_voice_while_captions_are_spoken(astronaut: bytes) -> None:
    data = render_mp4(astronaut, 3.0, 200, 200, [Caption(0.0, 1.5, "Hello there, friend.")])
    with av.open(io.BytesIO(data)) as container:
        samples = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)])
        rate = container.streams.audio[0].sample_rate
    spoken, silent = samples[: int(rate * 1.4)], samples[int(rate * 1.7) : int(rate * 2.9)]
    assert 0.01 < np.sqrt(np.mean(spoken**2)) < 0.5
    assert np.abs(silent).max() < 0.01


def test_caption_text_is_burned_into_the_bottom_of_the_frame(astronaut: bytes) -> None:
    def first_frame(captions: list[Caption]) -> np.ndarray:
        with av.open(io.BytesIO(render_mp4(astronaut, 1.0, 320, 320, captions))) as container:
            return next(container.decode(video=0)).to_ndarray(format="rgb24").astype(np.int16)

    plain, captioned = first_frame([]), first_frame([Caption(0.0, 1.0, "Look at me talk")])
    difference = np.abs(plain - captioned).mean(axis=(1, 2))
    assert difference[-60:].mean() > 10 * max(difference[:160].mean(), 0.1)


@pytest.mark.parametrize(
    ("asked", "encoded"),
    [((1920, 1080), (640, 360)), ((1080, 1920), (360, 640)), ((301, 201), (300, 200)), ((640, 640), (640, 640))],
)
def test_video_size_keeps_the_aspect_is_even_and_at_most_640(asked: tuple[int, int], encoded: tuple[int, int]) -> None:
    assert video_size(*asked) == encoded


def test_portrait_video_letterboxes_a_landscape_photo(cat: bytes) -> None:
    data = render_mp4(cat, 0.5, 720, 1280, [])
    with av.open(io.BytesIO(data)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(np.int16)
    assert frame.shape[:2] == (640, 360)
    top_band = frame[:150].reshape(-1, 3)
    assert top_band.std(axis=0).max() < 3  # a plain, neutral background above the photo


@pytest.mark.parametrize(
    ("duration", "width", "height"), [(0.0, 100, 100), (-1.0, 100, 100), (float("nan"), 100, 100), (1.0, 0, 100)]
)
def test_render_rejects_impossible_videos(astronaut: bytes, duration: float, width: int, height: int) -> None:
    with pytest.raises(ValueError):
        render_mp4(astronaut, duration, width, height, [])


def test_thumbnail_is_a_jpeg_of_the_asked_size(astronaut: bytes) -> None:
    thumbnail = Image.open(io.BytesIO(thumbnail_jpeg(astronaut, 480, 270)))
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (480, 270)


def test_captions_are_short_phrases_back_to_back_across_scenes() -> None:
    scripts = [SCRIPT, "Thanks for watching!", "", "See you next time, and have a lovely day."]
    speeds = [1.0, 0.8, 1.0, 1.5]
    captions = captions_for(scripts, speeds)
    assert " ".join(caption.text for caption in captions) == " ".join(" ".join(scripts).split())
    lengths = [len(caption.text.split()) for caption in captions]
    assert max(lengths) <= 8
    assert captions[0].text == "Welcome to our studio."  # phrases stop at sentence ends
    assert set(lengths[1:5]) <= {6, 7}  # a 26-word sentence in four even phrases
    assert captions[0].start_s == 0.0
    for before, after in pairwise(captions):
        assert before.start_s < before.end_s == pytest.approx(after.start_s)
    total = sum(spoken_seconds(script, speed) for script, speed in zip(scripts, speeds, strict=True))
    assert captions[-1].end_s == pytest.approx(total)
    thanks = next(caption for caption in captions if caption.text == "Thanks for watching!")
    assert thanks.end_s - thanks.start_s == pytest.approx(spoken_seconds("Thanks for watching!", 0.8))


def test_captions_need_one_speed_per_script() -> None:
    with pytest.raises(ValueError):
        captions_for(["one", "two"], [1.0])


def test_srt_parses_back_to_the_captions() -> None:
    captions = captions_for([SCRIPT, "And a second scene."], [1.0, 1.2])
    srt = to_srt(captions)
    blocks = SRT_BLOCK.findall(srt)
    assert re.fullmatch(f"(?:{SRT_BLOCK.pattern}\n)+", srt)  # nothing but blocks, each ending in a blank line
    assert [int(block[0]) for block in blocks] == list(range(1, len(captions) + 1))

    def seconds(h: str, m: str, s: str, ms: str) -> float:
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    times = [(seconds(*block[1:5]), seconds(*block[5:9])) for block in blocks]
    assert times[0][0] == 0.0
    assert all(start < end <= next_start + 0.001 for (start, end), (next_start, _) in pairwise(times))
    assert times[-1][1] == pytest.approx(captions[-1].end_s, abs=0.001)
    assert [block[9] for block in blocks] == [caption.text for caption in captions]


def test_srt_writes_hours_and_milliseconds() -> None:
    srt = to_srt([Caption(3723.5, 3725.0004, "Late\nline")])
    assert srt == "1\n01:02:03,500 --> 01:02:05,000\nLate line\n\n"
