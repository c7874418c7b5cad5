"""The API key never appears in any exception's text, repr or args, nor in any log line, for every error type."""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest
from client_support import SECRET

from heygen_studio.api import (
    AuthError,
    ConflictError,
    ForbiddenError,
    HeyGenError,
    InvalidRequestError,
    NetworkError,
    NoCreditsError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeout,
    SceneSpec,
    ServerError,
    UnsupportedError,
    VideoSpec,
    open_client,
)

SPEC = VideoSpec(look_id="look1", scenes=(SceneSpec("Hello.", "voice1"),))


def echoing(status: int, code: str) -> httpx.Response:
    """A hostile answer that echoes the key back in every text field."""
    return httpx.Response(
        status,
        json={"error": {"code": code, "message": f"key {SECRET} said no", "param": f"x{SECRET}"}},
        headers={"Retry-After": "1", "X-Request-Id": "req-1"},
    )


CASES = [
    ("v3", echoing(401, "unauthorized"), AuthError),
    ("v3", echoing(403, "forbidden"), ForbiddenError),
    ("v3", echoing(402, "insufficient_credit"), NoCreditsError),
    ("v3", echoing(429, "rate_limit_exceeded"), RateLimitedError),
    ("v3", echoing(404, "video_not_found"), NotFoundError),
    ("v3", echoing(400, "invalid_parameter"), InvalidRequestError),
    ("v3", echoing(409, "conflict"), ConflictError),
    ("v3", echoing(500, "internal_error"), ServerError),
    ("v3", echoing(418, SECRET), HeyGenError),
    ("v2", httpx.Response(400, json={"code": 40001, "message": f"missing {SECRET}"}), InvalidRequestError),
    ("v3", httpx.ConnectError(f"refused {SECRET}"), NetworkError),
    ("v3", httpx.ReadTimeout("slow"), RequestTimeout),
    ("v2", httpx.RemoteProtocolError("dropped"), OutcomeUnknownError),
]


def assert_clean(error: BaseException) -> None:
    texts = [str(error), repr(error), *map(str, error.args), *map(repr, error.args)]
    texts += [str(value) for value in vars(error).values()]
    texts.append("".join(traceback.format_exception_only(type(error), error)))
    for text in texts:
        assert SECRET not in text


@pytest.mark.parametrize(("generation", "reply", "expected"), CASES, ids=[c[2].__name__ + "-" + c[0] for c in CASES])
async def test_no_error_reveals_the_key(make_client, caplog, generation, reply, expected):
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(reply, Exception):
            raise type(reply)(str(reply), request=request)
        return reply

    api, _ = make_client(generation, handler, max_attempts=2)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(HeyGenError) as caught:
            if expected is OutcomeUnknownError:
                await api.submit_video(SPEC, "k")
            else:
                await api.video_status("vid1")
    assert type(caught.value) is expected
    assert_clean(caught.value)
    assert SECRET not in caplog.text
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert SECRET not in repr(api)


async def test_unsupported_and_missing_key_errors_are_clean(make_client):
    api, _ = make_client("v3", lambda request: httpx.Response(200, json={}))
    with pytest.raises(UnsupportedError) as caught:
        await api.train("g1")
    assert_clean(caught.value)
    assert "no separate training step" in str(caught.value)
    with pytest.raises(AuthError) as missing:
        open_client("v3", "   ")
    assert "Settings → Accounts" in str(missing.value)


async def test_client_repr_hides_the_key():
    async with open_client("v3", SECRET, transport=httpx.MockTransport(lambda r: httpx.Response(200))) as api:
        assert SECRET not in repr(api) and SECRET not in str(api)


async def test_the_sandbox_key_is_no_secret_so_the_word_sandbox_stays_in_heygens_messages(make_client) -> None:
    message = {"error": {"code": "invalid_parameter", "message": "The sandbox refused this voice", "param": "voice_id"}}
    api, _ = make_client("v3", lambda request: httpx.Response(400, json=message), key="sandbox")
    async with api:
        with pytest.raises(InvalidRequestError) as caught:
            await api.account()
    assert "The sandbox refused this voice" in str(caught.value) and "[hidden]" not in str(caught.value)
