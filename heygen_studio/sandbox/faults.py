"""Fault injection: on API paths latency, random 500s, 429 storms, dropped and stalled responses; the plan's
media fields are applied to /_media links by media_faults."""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
from dataclasses import dataclass, field, fields
from typing import Any

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heygen_studio.sandbox.errors import ApiError, error_response

API_PREFIXES = ("/v1/", "/v2/", "/v3/")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@dataclass
class FaultPlan:
    latency_s: float = 0.0  # added to every API response
    error_rate: float = 0.0  # probability of a 500 with the generation's error envelope
    rate_limit_next: int = 0  # the next N API requests get 429 with Retry-After
    retry_after_s: float = 1.0
    rate_limit_code: str = "rate_limit_exceeded"  # or quota_exceeded / trial_video_limit_exceeded: a used-up quota
    drop_next: int = 0  # the next N API requests: connection dropped with no complete response
    stall_next: int = 0  # the next N API requests stall for stall_s before answering
    stall_s: float = 30.0
    path_prefix: str = ""  # only requests whose path starts with this are affected
    methods: frozenset[str] = field(default_factory=frozenset)  # only these methods (empty = all)
    # /_media links (path_prefix and methods do not apply): the next N answers with a body are cut
    # (connection dropped) or stall for media_stall_s, after media_fault_at_bytes of their body;
    # one both cut and stalled stalls, then drops
    media_cut_next: int = 0
    media_stall_next: int = 0
    media_stall_s: float = 30.0
    media_fault_at_bytes: int = 64 * 1024
    media_suffix: str = ""  # only /_media paths ending with this (".mp4") are cut or stalled
    media_link_ttl_s: float | None = None  # links given out from now on answer 403 once this many seconds old

    @classmethod
    def from_json(cls, data: object) -> FaultPlan:
        """A plan from the JSON of POST /_sandbox/faults; a ValueError names every field that is wrong."""
        if not isinstance(data, dict):
            raise ValueError("the fault plan must be a JSON object")
        kinds = {item.name: item.type for item in fields(cls)}
        unknown = set(data) - set(kinds)
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        problems = []
        for name, value in data.items():
            try:
                values[name] = _field_value(name, str(kinds[name]), value)
            except ValueError as error:
                problems.append(f"{name} {error}, not {json.dumps(value)[:40]}")
        if problems:
            raise ValueError("; ".join(problems))
        return cls(**values)

    def applies_to(self, method: str, path: str) -> bool:
        return path.startswith(self.path_prefix) and (not self.methods or method in self.methods)


def _field_value(name: str, kind: str, value: object) -> Any:
    """`value` checked against the field's declared type; ValueError says what it should be."""
    if kind == "frozenset[str]":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError('should be a list of HTTP methods such as ["POST"]')
        methods = frozenset(item.upper() for item in value)
        if not methods <= HTTP_METHODS:
            raise ValueError(f"should name HTTP methods ({', '.join(sorted(HTTP_METHODS))})")
        return methods
    if kind == "str":
        if not isinstance(value, str):
            raise ValueError("should be text")
        return value
    if value is None and kind == "float | None":
        return None
    whole = kind == "int"
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        raise ValueError("should be a whole number" if whole else "should be a number")
    if not math.isfinite(value) or value < 0 or (name == "error_rate" and value > 1):
        raise ValueError("should be between 0 and 1" if name == "error_rate" else "should be 0 or more")
    return value if whole else float(value)


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised after the response headers so the connection closes with no complete response.

    Through uvicorn the client sees the server hang up mid-response; through httpx.ASGITransport the
    client sees this same httpx transport error.
    """


class FaultMiddleware:
    """Applies the state's current FaultPlan to API requests (never to /_media or /_sandbox)."""

    def __init__(self, app: ASGIApp, plan_holder: Any) -> None:
        self.app = app
        self.holder = plan_holder  # anything with a mutable `.faults: FaultPlan`
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(API_PREFIXES):
            await self.app(scope, receive, send)
            return
        plan: FaultPlan = self.holder.faults
        if not plan.applies_to(scope["method"], path):
            await self.app(scope, receive, send)
            return
        fault = self._take(plan)
        if plan.latency_s:
            await asyncio.sleep(plan.latency_s)
        if fault == "stall":
            await asyncio.sleep(plan.stall_s)
        elif fault == "rate_limit":
            error = ApiError(
                429, plan.rate_limit_code, "Too many requests.", legacy_code=429, retry_after_s=plan.retry_after_s
            )
            await error_response(error, path)(scope, receive, send)
            return
        elif fault == "error":
            error = ApiError(500, "internal_error", "Internal server error.", legacy_code=500)
            await error_response(error, path)(scope, receive, send)
            return
        elif fault == "drop":
            await self.app(scope, receive, _dropping(send))
            return
        await self.app(scope, receive, send)

    def _take(self, plan: FaultPlan) -> str | None:
        """Which fault this request gets, using up one of the plan's 'next N' counters."""
        with self._lock:
            for name, counter in (("drop", "drop_next"), ("stall", "stall_next"), ("rate_limit", "rate_limit_next")):
                if getattr(plan, counter) > 0:
                    setattr(plan, counter, getattr(plan, counter) - 1)
                    return name
        return "error" if plan.error_rate and random.random() < plan.error_rate else None


def _dropping(send: Send) -> Send:
    """A `send` that passes the response headers, then hangs up before the body."""

    async def dropping_send(message: Message) -> None:
        if message["type"] == "http.response.start":
            await send(message)
            return
        raise ConnectionDropped("sandbox fault: connection dropped before the response body")

    return dropping_send
