"""The sandbox's media: real photos, captions timed by the spoken words, and SRT."""

from __future__ import annotations

import io
import re
from itertools import pairwise

import numpy as np
import pytest
from PIL import Image

from heygen_studio.api.models import WordTiming
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.media import Caption, captions_for, derive_images, to_srt
from heygen_studio.sandbox.speech import synthesize

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


def test_captions_are_short_phrases_timed_by_the_spoken_words() -> None:
    speech = synthesize(SCRIPT, "demo-en-us-ava")
    captions = captions_for(SCRIPT, speech.words, offset_s=2.0)
    assert " ".join(caption.text for caption in captions) == " ".join(SCRIPT.split())
    lengths = [len(caption.text.split()) for caption in captions]
    assert max(lengths) <= 8
    assert captions[0].text == "Welcome to our studio."  # phrases stop at sentence ends
    assert set(lengths[1:5]) <= {6, 7}  # a 26-word sentence in four even phrases
    assert captions[0].start_s == pytest.approx(2.0 + speech.words[0].start_s)
    for before, after in pairwise(captions):
        assert before.start_s < before.end_s <= after.start_s
    assert captions[-1].end_s == pytest.approx(2.0 + speech.words[-1].end_s)
    assert captions[-1].end_s <= 2.0 + speech.duration_s
    studio = next(word for word in speech.words if word.word == "studio")
    assert captions[0].end_s == pytest.approx(2.0 + studio.end_s)  # the caption ends as its last word does


def test_a_phrase_said_within_another_words_timing_joins_the_caption_before() -> None:
    words = (WordTiming("one two", 0.0, 0.5), WordTiming("three", 0.6, 1.0))
    captions = captions_for("One two. Three", words)
    assert captions == [Caption(0.0, 0.5, "One two."), Caption(0.6, 1.0, "Three")]
    joined = captions_for("One. Two. Three", words)  # "Two." has no timing of its own: it is said with "One."
    assert joined == [Caption(0.0, 0.5, "One. Two."), Caption(0.6, 1.0, "Three")]


def test_srt_parses_back_to_the_captions() -> None:
    speech = synthesize(SCRIPT, "demo-en-us-ava")
    captions = captions_for(SCRIPT, speech.words)
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
