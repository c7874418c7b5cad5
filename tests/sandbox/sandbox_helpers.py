"""Helpers for the sandbox tests: contract checks of v3 answers, polling, sample photos."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import httpx
import jsonschema
from starlette.applications import Starlette
from waiting import until_value

from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.speech import synthesize
from heygen_studio.sandbox.state import SandboxState
from heygen_studio.sandbox.validation import operations, response_errors

KEY = "test-key"
JOB_SECONDS = 0.2


def spoken(script: str, voice_id: str = "demo-en-us-ava", speed: float = 1.0) -> float:
    """How long the sandbox's voice takes to say `script`: what a video of it lasts and is billed for."""
    return synthesize(script, voice_id, speed).duration_s


V3_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "enum": [
                        "unauthorized",
                        "forbidden",
                        "invalid_parameter",
                        "payload_too_large",
                        "insufficient_credit",
                        "rate_limit_exceeded",
                        "quota_exceeded",
                        "trial_video_limit_exceeded",
                        "not_found",
                        "avatar_not_found",
                        "video_not_found",
                        "voice_not_found",
                        "voice_not_usable",
                        "asset_not_available",
                        "conflict",
                        "request_in_progress",
                        "internal_error",
                    ]
                },
                "message": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "doc_url": {"type": "string"},
            },
        }
    },
}


def operation_for(method: str, path: str) -> str | None:
    """The contract operation a v3 request is, matched by method and path template."""
    for name, operation in operations().items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", operation["path"]) + "$"
        if operation["method"] == method and re.match(pattern, path):
            return name
    return None


class ContractRecorder:
    """Validates every v3 response against its operation's schema and remembers what was seen."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, int]] = set()

    async def __call__(self, response: httpx.Response) -> None:
        path = response.request.url.path
        if not path.startswith("/v3/"):
            return
        await response.aread()
        body = response.json()
        operation = operation_for(response.request.method, path)
        assert "X-Request-Id" in response.headers
        if response.status_code >= 400:
            jsonschema.validate(body, V3_ERROR_SCHEMA)
        if operation is not None:
            problems = response_errors(operation, body)
            assert not problems, f"{operation} {response.status_code}: {problems}"
            self.seen.add((operation, response.status_code))


def sandbox_state(app: Starlette) -> SandboxState:
    return app.state.sandbox


async def eventually(fetch: Callable[[], Awaitable[Any]], done: Callable[[Any], bool]) -> Any:
    """`waiting.until_value` at the sandbox's pace: the first result that is `done`, looked at 4 times a job step."""
    return await until_value(fetch, done, "the sandbox's answer", every=JOB_SECONDS / 4)


async def wallet_balance(client: httpx.AsyncClient) -> Decimal:
    """What the sandbox's (default, USD wallet) account has left, exactly as `GET /v3/users/me` says."""
    data = (await client.get("/v3/users/me")).json()["data"]
    assert data["billing_type"] == "wallet" and data["wallet"]["currency"] == "usd"
    return Decimal(repr(data["wallet"]["remaining_balance"]))


def photo_bytes(name: str = "astronaut.png") -> bytes:
    return sample_photo(name).read_bytes()


def ai_photo_request(appearance: str = "Smiling") -> dict[str, str]:
    """A v2 `photo_avatar/photo/generate` body: HeyGen requires all eight fields."""
    return {
        "name": "Ana",
        "age": "Young Adult",
        "gender": "Woman",
        "ethnicity": "Hispanic",
        "orientation": "vertical",
        "pose": "half_body",
        "style": "Realistic",
        "appearance": appearance,
    }
