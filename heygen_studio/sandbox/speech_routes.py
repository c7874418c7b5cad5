"""`POST /v3/voices/speech`: text spoken by a starfish voice, billed per second, as a WAV with its word timings."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from heygen_studio.sandbox import speech
from heygen_studio.sandbox.common import media_url, read_json, require, state_of
from heygen_studio.sandbox.entities import Lazy
from heygen_studio.sandbox.errors import ApiError, invalid
from heygen_studio.sandbox.state import new_id
from heygen_studio.sandbox.validation import check_body
from heygen_studio.sandbox.videos import resolve_voice

TEXT_LIMIT = 5000
SPEED_RANGE = (0.5, 2.0)


def _text(body: dict[str, Any]) -> str:
    text: str = body["text"]
    require(bool(text.strip()), invalid("text", "text is empty: write what the voice should say."))
    require(
        len(text) <= TEXT_LIMIT,
        invalid("text", f"text is {len(text)} characters; at most {TEXT_LIMIT} are allowed."),
    )
    return text


def _speed(body: dict[str, Any]) -> float:
    speed = 1.0 if body.get("speed") is None else float(body["speed"])
    low, high = SPEED_RANGE
    require(low <= speed <= high, invalid("speed", f"speed must be between {low:g} and {high:g}."))
    return speed


def _spoken(text: str, voice_id: str, speed: float, locale: str | None) -> tuple[speech.Speech, bytes]:
    clip = speech.synthesize(text, voice_id, speed, locale)
    return clip, speech.wav_bytes(clip)


async def generate_speech(request: Request) -> JSONResponse:
    body, _ = await read_json(request)
    check_body("VoiceSpeechCreate", body)
    text, speed = _text(body), _speed(body)
    input_type = body.get("input_type") or "text"
    require(input_type in ("text", "ssml"), invalid("input_type", "input_type must be text or ssml."))
    require(
        input_type == "text", invalid("input_type", "The sandbox speaks plain text, not SSML: send input_type text.")
    )
    state = state_of(request)
    voice = resolve_voice(state, body["voice_id"], "voice_id")
    require(
        voice.starfish,
        ApiError(
            400,
            "voice_not_usable",
            f"Voice {voice.id} cannot generate speech: choose one listed by GET /v3/voices?engine=starfish.",
            param="voice_id",
        ),
    )
    param = "locale" if body.get("locale") else "language"
    try:
        clip, wav = await asyncio.to_thread(_spoken, text, voice.id, speed, body.get("locale") or body.get("language"))
    except speech.UnknownLanguage as error:
        raise invalid(param, f"{error} Leave {param} out to use the voice's own language.") from None
    except speech.SpeechError as error:  # espeak-ng missing or failing: the sandbox's own trouble, said plainly
        raise ApiError(500, "internal_error", f"The sandbox cannot speak: {error}", legacy_code=500) from None
    now = state.now()
    with state.lock:
        state.spend(state.account.speech_cost(clip.duration_s), False, now)
        asset = state.add_asset(Lazy(wav), "audio/wav", len(wav), now)
        state.counts["speech_generated"] += 1
    words = [{"word": word.word, "start": word.start_s, "end": word.end_s} for word in clip.words]
    return JSONResponse(
        {
            "data": {
                "audio_url": media_url(request, f"assets/{asset.id}"),
                "duration": clip.duration_s,
                "word_timestamps": words,
                "request_id": new_id(),
            }
        }
    )


ROUTES = [Route("/v3/voices/speech", generate_speech, methods=["POST"])]
