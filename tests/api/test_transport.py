"""Retries, backoff, idempotency and error mapping of the HeyGen transport, over httpx.MockTransport."""

from __future__ import annotations

import json
import logging
import random

import httpx
import pytest
from client_support import SECRET

from heygen_studio import __version__
from heygen_studio.api import (
    AspectRatio,
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
    RetryPolicy,
    SceneSpec,
    ServerError,
    VideoSpec,
)
from heygen_studio.api.envelopes import retry_after_seconds
from heygen_studio.domain.money import Balance, BillingType, Currency, Money

SPEC = VideoSpec(look_id="look1", scenes=(SceneSpec("Hello there.", "voice1"),), aspect_ratio=AspectRatio.LANDSCAPE)
V3_VIDEO = {"data": {"video_id": "vid1", "status": "waiting"}}
V2_VIDEO = {"error": None, "data": {"video_id": "vid1"}}


def answers(*replies: httpx.Response | Exception):
    """A handler giving each reply in turn (the last one repeats); exceptions are raised."""
    queue = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, Exception):
            raise reply
        return reply

    return handler


def ok(body: dict, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


async def test_sends_key_user_agent_and_parses_v3_data(make_client):
    api, seen = make_client(
        "v3",
        answers(
            ok(
                {
                    "data": {
                        "username": "ann",
                        "email": "a@x",
                        "first_name": "Ann",
                        "last_name": "Lee",
                        "billing_type": "wallet",
                        "wallet": {"currency": "usd", "remaining_balance": 42.5},
                    }
                }
            )
        ),
    )
    account = await api.account()
    assert (account.name, account.balance) == ("Ann Lee", Balance(BillingType.WALLET, Currency.USD, Money.usd("42.5")))
    request = seen.requests[0]
    assert request.headers["x-api-key"] == SECRET
    assert request.headers["user-agent"] == f"heygen-studio/{__version__}"
    assert request.url.path == "/v3/users/me"


async def test_rate_limit_is_retried_on_a_legacy_create_after_retry_after(make_client):
    limited = httpx.Response(
        429,
        json={"error": {"code": "rate_limit_exceeded", "message": "slow"}, "data": None},
        headers={"Retry-After": "2"},
    )
    api, seen = make_client("v2", answers(limited, ok(V2_VIDEO)))
    submitted = await api.submit_video(SPEC, "key-1")
    assert submitted.video_id == "vid1"
    assert len(seen.requests) == 2
    assert seen.sleeps == [2.0]


async def test_retry_after_is_capped_at_max_retry_wait(make_client):
    limited = httpx.Response(
        429, json={"error": {"code": "rate_limit_exceeded", "message": "slow"}}, headers={"Retry-After": "120"}
    )
    api, seen = make_client("v3", answers(limited, ok(V3_VIDEO)), max_retry_wait_s=5)
    await api.submit_video(SPEC, "key-1")
    assert seen.sleeps == [5]


async def test_rate_limit_gives_up_after_bounded_attempts_with_retry_after(make_client):
    limited = httpx.Response(
        429,
        json={"error": {"code": "rate_limit_exceeded", "message": "Too many"}},
        headers={"Retry-After": "3", "X-Request-Id": "req-9"},
    )
    api, seen = make_client("v3", answers(limited), max_attempts=3)
    with pytest.raises(RateLimitedError) as caught:
        await api.video_status("vid1")
    assert len(seen.requests) == 3
    error = caught.value
    assert (error.status, error.code, error.retry_after_s, error.request_id) == (
        429,
        "rate_limit_exceeded",
        3.0,
        "req-9",
    )
    assert "Wait 3 seconds" in str(error)


async def test_server_error_is_retried_for_get_with_backoff(make_client):
    api, seen = make_client(
        "v3",
        answers(
            httpx.Response(500, json={"error": {"code": "internal_error", "message": "x"}}),
            httpx.Response(503, text="<html>bad gateway</html>"),
            ok({"data": {"id": "vid1", "status": "completed"}}),
        ),
    )
    status = await api.video_status("vid1")
    assert status.status == "completed"
    assert len(seen.requests) == 3
    assert len(seen.sleeps) == 2 and all(0 < s <= RetryPolicy().max_delay_s for s in seen.sleeps)


async def test_server_error_is_not_retried_for_a_legacy_create(make_client):
    api, seen = make_client(
        "v2", answers(httpx.Response(500, json={"error": {"code": "internal_error", "message": "boom"}, "data": None}))
    )
    with pytest.raises(ServerError) as caught:
        await api.submit_video(SPEC, "key-1")
    assert len(seen.requests) == 1
    assert caught.value.status == 500


async def test_v3_create_is_retried_with_the_same_idempotency_key(make_client):
    api, seen = make_client(
        "v3",
        answers(
            httpx.Response(502, text="bad gateway"), httpx.RemoteProtocolError("Server disconnected"), ok(V3_VIDEO)
        ),
    )
    submitted = await api.submit_video(SPEC, "render-42")
    assert submitted.video_id == "vid1"
    assert [r.headers["idempotency-key"] for r in seen.requests] == ["render-42"] * 3


async def test_generated_idempotency_key_is_reused_across_retries_but_new_per_call(make_client):
    body = {
        "data": {
            "avatar_group": {"id": "g1", "name": "A", "created_at": 1, "looks_count": 1},
            "avatar_item": {"id": "l1", "name": "A", "avatar_type": "photo_avatar", "group_id": "g1"},
        }
    }
    api, seen = make_client("v3", answers(httpx.ReadTimeout("slow"), ok(body), ok(body)))
    await api.create_photo_avatar("A", "asset1")
    await api.create_photo_avatar("A", "asset1")
    keys = [r.headers["idempotency-key"] for r in seen.requests]
    assert keys[0] == keys[1] != keys[2]


@pytest.mark.parametrize(
    "failure", [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("dropped"), httpx.ReadError("reset")]
)
async def test_lost_answer_to_a_legacy_create_is_not_resent(make_client, failure):
    api, seen = make_client("v2", answers(failure, ok(V2_VIDEO)))
    with pytest.raises(OutcomeUnknownError) as caught:
        await api.submit_video(SPEC, "key-1")
    assert len(seen.requests) == 1
    assert "may have gone through" in str(caught.value)
    assert "before trying again" in str(caught.value)


async def test_failure_to_connect_is_retried_even_for_a_legacy_create(make_client):
    api, seen = make_client("v2", answers(httpx.ConnectError("refused"), ok(V2_VIDEO)))
    assert (await api.submit_video(SPEC, "key-1")).video_id == "vid1"
    assert len(seen.requests) == 2


async def test_timeouts_and_network_failures_on_reads_become_typed_errors(make_client):
    api, seen = make_client("v3", answers(httpx.ReadTimeout("slow")), max_attempts=2)
    with pytest.raises(RequestTimeout):
        await api.video_status("vid1")
    assert len(seen.requests) == 2
    api, _ = make_client("v3", answers(httpx.ConnectError("no route")), max_attempts=2)
    with pytest.raises(NetworkError) as caught:
        await api.list_voices()
    assert "internet connection" in str(caught.value)


@pytest.mark.parametrize(
    ("status", "body", "expected", "code", "field"),
    [
        (
            401,
            {"error": {"code": "unauthorized", "message": "Invalid or missing API key."}},
            AuthError,
            "unauthorized",
            None,
        ),
        (401, {"code": 40009, "message": "Invalid credentials"}, AuthError, "40009", None),
        (
            402,
            {"error": {"code": "insufficient_credit", "message": "No credit"}},
            NoCreditsError,
            "insufficient_credit",
            None,
        ),
        (403, {"error": {"code": "forbidden", "message": "Nope"}, "data": None}, ForbiddenError, "forbidden", None),
        (400, {"code": 400599, "message": "Tier not supported"}, ForbiddenError, "400599", None),
        (
            404,
            {"error": {"code": "video_not_found", "message": "Video not found"}},
            NotFoundError,
            "video_not_found",
            None,
        ),
        (400, {"code": 40104, "message": "Video not found"}, NotFoundError, "40104", None),
        (200, {"code": 40104, "msg": "Video not found"}, NotFoundError, "40104", None),
        (
            400,
            {"error": {"code": "invalid_parameter", "message": "must be <= 5000", "param": "script"}},
            InvalidRequestError,
            "invalid_parameter",
            "script",
        ),
        (
            400,
            {"error": {"code": "invalid_parameter", "message": "bad voice"}, "data": None},
            InvalidRequestError,
            "invalid_parameter",
            None,
        ),
        (
            413,
            {"error": {"code": "payload_too_large", "message": "Too big"}},
            InvalidRequestError,
            "payload_too_large",
            None,
        ),
        (409, {"error": {"code": "conflict", "message": "Busy"}}, ConflictError, "conflict", None),
        (402, {"error": {"code": "quota_exceeded", "message": "Quota"}}, NoCreditsError, "quota_exceeded", None),
        (500, {"error": {"code": "internal_error", "message": "oops"}}, ServerError, "internal_error", None),
        (502, None, ServerError, None, None),
        (418, {"message": "teapot"}, HeyGenError, None, None),
    ],
)
async def test_error_envelopes_map_to_typed_errors(make_client, status, body, expected, code, field):
    reply = (
        httpx.Response(status, json=body, headers={"X-Request-Id": "req-1"})
        if body is not None
        else httpx.Response(status, text="<html>")
    )
    api, _ = make_client("v3", answers(reply), max_attempts=1)
    with pytest.raises(HeyGenError) as caught:
        await api.video_status("vid1")
    error = caught.value
    assert type(error) is expected
    assert (error.code, error.request_id) == (code, "req-1" if body is not None else None)
    assert error.status == status
    if field is not None:
        assert error.field == field and f"“{field}”" in str(error)
    assert str(error).endswith(".")


async def test_auth_error_says_where_to_fix_the_key(make_client):
    api, _ = make_client("v2", answers(httpx.Response(401, json={"code": 400112, "message": "Unauthorized"})))
    with pytest.raises(AuthError) as caught:
        await api.account()
    assert str(caught.value) == "HeyGen rejected the API key. Check it in Settings → Accounts."


async def test_each_request_is_logged_at_debug_without_headers(make_client, caplog):
    api, _ = make_client("v3", answers(ok({"data": {"id": "vid1", "status": "pending"}}, **{"X-Request-Id": "req-77"})))
    with caplog.at_level(logging.DEBUG, logger="heygen_studio.api"):
        await api.video_status("vid1")
    lines = [r.getMessage() for r in caplog.records if r.name == "heygen_studio.api"]
    assert any("GET /v3/videos/vid1 -> 200 request_id=req-77" in line and " ms" in line for line in lines)
    assert not any("X-Api-Key" in line or SECRET in line for line in lines)


async def test_a_refusal_such_as_402_is_logged_at_warning(make_client, caplog):
    api, _ = make_client(
        "v3",
        answers(
            httpx.Response(
                402,
                json={"error": {"code": "insufficient_credit", "message": "Not enough credit"}},
                headers={"X-Request-Id": "req-402"},
            )
        ),
    )
    with caplog.at_level(logging.WARNING, logger="heygen_studio.api"), pytest.raises(NoCreditsError):
        await api.submit_video(SPEC, "key-402")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("POST /v3/videos -> 402 request_id=req-402" in line for line in lines)
    assert not any(SECRET in line for line in lines)


def test_backoff_grows_and_stays_within_bounds():
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=4.0)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (6, 4.0)]:
        delays = [policy.backoff(attempt, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("0.25") == 0.25
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


async def test_json_body_is_sent_as_built(make_client):
    api, seen = make_client("v3", answers(ok(V3_VIDEO)))
    await api.submit_video(SPEC, "k")
    assert json.loads(seen.requests[0].content) == api.build_video_request(SPEC)
