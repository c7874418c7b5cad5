"""Real speech for the sandbox's voices: espeak-ng through a small ctypes binding, with its own word timings."""

from __future__ import annotations

import ctypes
import io
import re
import threading
import wave
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from heygen_studio.api.models import WordTiming

LIBRARY = "libespeak-ng.so.1"  # Debian's libespeak-ng1 (scripts/system-packages.sh)
NORMAL_RATE = 175  # espeak's words a minute at speed 1.0 (espeakRATE_NORMAL)
RATE_RANGE = (80, 450)  # espeakRATE_MINIMUM, espeakRATE_MAXIMUM
CACHE_BYTES = 64 * 1024 * 1024  # recent results kept: about 25 minutes of audio
SILENCE = 300  # int16 RMS below which a 10 ms frame counts as silence (about -40 dBFS)
FRAME_SECONDS = 0.01

# speak_lib.h (espeak-ng 1.51, API revision 12)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EVENT_WORD = 1
_EVENT_END = 5
_RATE, _PITCH, _RANGE = 1, 3, 4  # espeak_PARAMETER
_EE_OK = 0


class _EventId(ctypes.Union):
    _fields_ = [("number", ctypes.c_int), ("name", ctypes.c_char_p), ("string", ctypes.c_char * 8)]


class _Event(ctypes.Structure):
    """speak_lib.h's espeak_EVENT."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # characters from the start of the text, counting from 1
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # milliseconds into the audio
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    ]


class _Voice(ctypes.Structure):
    """speak_lib.h's espeak_VOICE."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # (priority byte, language, NUL) pairs, ended by a zero priority
        ("identifier", ctypes.c_char_p),  # the voice file, e.g. gmw/en-US
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


class SpeechError(ValueError):
    """Text the sandbox cannot speak: a voice or language espeak-ng does not have, or espeak-ng missing."""


class UnknownLanguage(SpeechError):
    """A locale or language espeak-ng has no voice for."""


@dataclass(frozen=True)
class Speaker:
    """How one sandbox voice sounds in espeak-ng: its language, a variant (f* are women's voices), pitch and range."""

    language: str
    variant: str
    pitch: int  # espeakPITCH, 0-100 (50 is espeak's normal)
    range: int  # espeakRANGE, 0-100 (0 is monotone)


SPEAKERS: dict[str, Speaker] = {  # the demo voices (sandbox/demo.py), each a different speaker
    "demo-en-us-ava": Speaker("en-us", "f3", 62, 60),
    "demo-en-us-noah": Speaker("en-us", "m3", 40, 50),
    "demo-en-gb-olivia": Speaker("en-gb", "f2", 66, 65),
    "demo-en-gb-george": Speaker("en-gb", "m1", 34, 45),
    "demo-es-lucia": Speaker("es", "f4", 60, 60),
    "demo-es-mateo": Speaker("es", "m2", 42, 50),
    "demo-fr-camille": Speaker("fr-fr", "f5", 61, 60),
    "demo-fr-louis": Speaker("fr-fr", "m4", 38, 50),
    "demo-de-lena": Speaker("de", "f1", 58, 55),
    "demo-de-jonas": Speaker("de", "m6", 41, 50),
    "demo-ja-yui": Speaker("ja", "f3", 68, 60),
    "demo-pt-br-rafael": Speaker("pt-br", "m5", 43, 50),
}


@dataclass(frozen=True, eq=False)
class Speech:
    """Spoken text: 16-bit mono samples (read-only) and when each word starts and ends."""

    samples: np.ndarray[Any, np.dtype[np.int16]]
    sample_rate: int
    words: tuple[WordTiming, ...]

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def synthesize(text: str, voice_id: str, speed: float = 1.0, locale: str | None = None) -> Speech:
    """`text` spoken by the sandbox voice `voice_id` at `speed` (words a minute scale with it), in `locale`'s
    language when given (else the voice's own). Blocking: call it off the event loop. A recent result (up to
    CACHE_BYTES of them) is answered again without synthesizing. SpeechError for an unknown voice or a language
    espeak-ng lacks."""
    speaker = SPEAKERS.get(voice_id)
    if speaker is None:
        raise SpeechError(f"The sandbox has no speaker for voice {voice_id}.")
    return _synthesize(text, speaker, round(float(speed), 3), (locale or "").strip().lower().replace("_", "-"))


def _synthesize(text: str, speaker: Speaker, speed: float, locale: str) -> Speech:
    key = (text, speaker, speed, locale)
    cached = _RECENT.get(key)
    if cached is not None:
        return cached
    rate = min(max(round(NORMAL_RATE * speed), RATE_RANGE[0]), RATE_RANGE[1])
    samples, events, sample_rate = _ENGINE.speak(text, _languages(speaker, locale), speaker, rate)
    samples.flags.writeable = False
    speech = Speech(samples, sample_rate, word_timings(text, events, samples, sample_rate))
    _RECENT.put(key, speech)
    return speech


class Recent:
    """The most recently used results, up to `limit_bytes` of samples (a 5000-character script is minutes of
    audio, so a count would not bound the memory); the least recently used go first."""

    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self._items: OrderedDict[tuple[str, Speaker, float, str], Speech] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, Speaker, float, str]) -> Speech | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, Speaker, float, str], speech: Speech) -> None:
        with self._lock:
            if key in self._items:
                return
            self._items[key] = speech
            self._bytes += speech.samples.nbytes
            while self._bytes > self.limit_bytes and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= dropped.samples.nbytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_RECENT = Recent(CACHE_BYTES)


def _languages(speaker: Speaker, locale: str) -> tuple[str, ...]:
    """The espeak languages to try, best first: the speaker's own when `locale` is empty or only names its
    language ("en" keeps an American voice American), else the locale, then its base language."""
    base = locale.partition("-")[0]
    if not locale or locale == speaker.language.partition("-")[0]:
        return (speaker.language,)
    return (locale, base) if base != locale else (locale,)


def wav_bytes(speech: Speech) -> bytes:
    """`speech` as a 16-bit mono WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(speech.sample_rate)
        writer.writeframes(speech.samples.astype("<i2").tobytes())
    return out.getvalue()


_Events = list[tuple[int, int, int, int]]  # (type, text_position, length, audio_position ms)


class _Espeak:
    """libespeak-ng in synchronous mode: one synthesis at a time (the library is not thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lib: ctypes.CDLL | None = None
        self._rate = 0
        self._voices: dict[str, str] = {}  # language (lower case) -> the voice file that speaks it best
        self._chunks: list[bytes] = []
        self._events: _Events = []
        self._callback = _CALLBACK(self._receive)  # kept alive as long as the library may call it

    def speak(
        self, text: str, languages: tuple[str, ...], speaker: Speaker, rate: int
    ) -> tuple[np.ndarray[Any, np.dtype[np.int16]], _Events, int]:
        with self._lock:
            lib = self._library()
            voice = next((self._voices[language] for language in languages if language in self._voices), None)
            if voice is None or lib.espeak_SetVoiceByName(f"{voice}+{speaker.variant}".encode()) != _EE_OK:
                raise UnknownLanguage(f"The sandbox cannot speak {languages[0]}.")
            for parameter, value in ((_RATE, rate), (_PITCH, speaker.pitch), (_RANGE, speaker.range)):
                lib.espeak_SetParameter(parameter, value, 0)
            self._chunks, self._events = [], []
            data = text.encode() + b"\0"
            if lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None) != _EE_OK:
                raise SpeechError("espeak-ng could not speak this text.")
            samples = np.frombuffer(b"".join(self._chunks), dtype="<i2").astype(np.int16)
            return samples, self._events, self._rate

    def _library(self) -> ctypes.CDLL:
        if self._lib is None:
            try:
                lib = ctypes.CDLL(LIBRARY)
            except OSError:
                raise SpeechError(f"{LIBRARY} is missing: install espeak-ng (scripts/system-packages.sh).") from None
            lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
            lib.espeak_SetSynthCallback.argtypes = [_CALLBACK]
            lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
            lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
            lib.espeak_Synth.argtypes = [
                ctypes.c_void_p,
                ctypes.c_size_t,
                ctypes.c_uint,
                ctypes.c_int,
                ctypes.c_uint,
                ctypes.c_uint,
                ctypes.c_void_p,
                ctypes.c_void_p,
            ]
            rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, _INITIALIZE_DONT_EXIT)
            if rate <= 0:
                raise SpeechError("espeak-ng could not start: is espeak-ng-data installed?")
            lib.espeak_SetSynthCallback(self._callback)
            lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
            lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
            self._lib, self._rate, self._voices = lib, rate, _voice_files(lib.espeak_ListVoices(None))
        return self._lib

    def _receive(self, wav: Any, count: int, events: Any) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        index = 0
        while events[index].type != 0:
            event = events[index]
            self._events.append((event.type, event.text_position, event.length, event.audio_position))
            index += 1
        return 0


def _voice_files(voices: Any) -> dict[str, str]:
    """Each language espeak-ng lists, to the voice file that ranks it first (lowest priority number)."""
    best: dict[str, tuple[int, str]] = {}
    index = 0
    while voices[index]:
        voice = voices[index].contents
        address = voice.languages
        while priority := ctypes.c_ubyte.from_address(address).value:
            language = ctypes.string_at(address + 1)
            name = language.decode().lower()
            if name not in best or priority < best[name][0]:
                best[name] = (priority, voice.identifier.decode())
            address += len(language) + 2
        index += 1
    return {name: identifier for name, (_, identifier) in best.items()}


_ENGINE = _Espeak()
_TOKEN = re.compile(r"\S+")


def word_timings(text: str, events: _Events, samples: np.ndarray[Any, Any], sample_rate: int) -> tuple[WordTiming, ...]:
    """Each spoken word of `text` with when espeak started it; it ends where its sound does (before the next
    word or clause end). espeak reports some words in pieces ("3.5" is three words, "isn't" two): a word of the
    text is timed from its first piece. Words are whitespace-separated, without the punctuation around them."""
    tokens = [(match.start(), match.end(), _bare(match.group())) for match in _TOKEN.finditer(text)]
    starts = [start for start, _, _ in tokens]
    duration = len(samples) / sample_rate
    begun: list[tuple[int, float]] = []  # (token index, start s), in order
    bounds: list[float] = []  # clause ends
    for kind, position, length, at_ms in events:
        moment = min(at_ms / 1000, duration)
        if kind == _EVENT_END:
            bounds.append(moment)
        if kind != _EVENT_WORD or length <= 0 or not tokens:
            continue
        index = max(bisect_right(starts, position - 1) - 1, 0)
        if tokens[index][1] <= position - 1:  # in the space after a word: the next one
            index += 1
        if index < len(tokens) and tokens[index][2] and (not begun or index > begun[-1][0]):
            if begun and moment <= begun[-1][1]:  # said at the same moment as the last: one word with it
                continue
            begun.append((index, moment))
    timings = []
    for number, (index, start) in enumerate(begun):
        following = begun[number + 1][1] if number + 1 < len(begun) else duration
        limit = min([following, *(bound for bound in bounds if start < bound < following)])
        last = begun[number + 1][0] if number + 1 < len(begun) else len(tokens)
        word = " ".join(tokens[other][2] for other in range(index, last) if tokens[other][2])
        end = _sound_end(samples, sample_rate, start, limit)
        timings.append(WordTiming(word, round(start, 3), round(float(end), 3)))
    return tuple(timings)


def _bare(token: str) -> str:
    """A token without the punctuation around it ("" when it is all punctuation)."""
    first = next((i for i, char in enumerate(token) if char.isalnum()), None)
    if first is None:
        return ""
    last = next(i for i in range(len(token) - 1, -1, -1) if token[i].isalnum())
    return token[first : last + 1]


def _sound_end(samples: np.ndarray[Any, Any], sample_rate: int, start: float, limit: float) -> float:
    """The end of the last 10 ms frame in [start, limit) louder than SILENCE; `limit` when all is loud, and never
    before the first frame's end."""
    frame = max(1, round(FRAME_SECONDS * sample_rate))
    first, stop = round(start * sample_rate), round(limit * sample_rate)
    span = samples[first:stop].astype(np.float64)
    count = len(span) // frame
    if count == 0:
        return limit
    rms = np.sqrt(np.mean(span[: count * frame].reshape(count, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms >= SILENCE)
    if len(loud) == 0 or loud[-1] == count - 1:
        return limit if len(loud) else min(limit, start + FRAME_SECONDS)
    return float(first + (loud[-1] + 1) * frame) / sample_rate
