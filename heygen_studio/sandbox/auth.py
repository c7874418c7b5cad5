"""Request ids on every response, request counting and X-Api-Key checks on API paths."""

from __future__ import annotations

import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heygen_studio.sandbox.errors import error_response, no_api_access, unauthorized
from heygen_studio.sandbox.faults import API_PREFIXES
from heygen_studio.sandbox.state import SandboxState


class RequestIdMiddleware:
    """Adds X-Request-Id to every response, as HeyGen does, and counts requests."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        if scope["path"].startswith(API_PREFIXES):
            with self.state.lock:
                self.state.counts["requests"] += 1

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


class ApiKeyMiddleware:
    """Refuses API requests whose X-Api-Key is missing or not one of the sandbox's keys."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.keys = state.config.keys
        self.keys_without_api = state.config.keys_without_api_access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(API_PREFIXES):
            key = Headers(scope=scope).get("x-api-key")
            if key in self.keys_without_api:
                generation = "v3" if path.startswith("/v3/") else "v1"
                await error_response(no_api_access(), path, generation)(scope, receive, send)
                return
            if key not in self.keys:
                # HeyGen's gateway answers a bad key on v1 and v2 alike in the v1 shape: {"code": 400112, ...}
                generation = "v3" if path.startswith("/v3/") else "v1"
                error = unauthorized(path, key_given=bool(key))
                await error_response(error, path, generation)(scope, receive, send)
                return
        await self.app(scope, receive, send)
