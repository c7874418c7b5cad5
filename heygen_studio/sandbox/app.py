"""The sandbox HeyGen as one Starlette app: both API generations, media, controls and faults."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from heygen_studio.sandbox import (
    batch_routes,
    control_routes,
    demo,
    legacy_video_routes,
    media_routes,
    speech_routes,
    v2_routes,
    v3_routes,
)
from heygen_studio.sandbox.auth import ApiKeyMiddleware, RequestIdMiddleware
from heygen_studio.sandbox.body_limits import BodyLimitMiddleware
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.errors import ApiError, error_response
from heygen_studio.sandbox.faults import API_PREFIXES, FaultMiddleware
from heygen_studio.sandbox.media_faults import MediaFaultMiddleware
from heygen_studio.sandbox.persistence import PersistMiddleware
from heygen_studio.sandbox.state import SandboxState


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiError)
    return error_response(error, request.url.path)


async def _http_error(request: Request, error: Exception) -> Response:
    """Unknown paths and methods: HeyGen's envelope on API paths, plain text elsewhere."""
    assert isinstance(error, HTTPException)
    if not request.url.path.startswith(API_PREFIXES):
        return PlainTextResponse(error.detail, status_code=error.status_code)
    code = "not_found" if error.status_code == 404 else "invalid_parameter"
    return error_response(ApiError(error.status_code, code, error.detail, legacy_code=400175), request.url.path)


async def _crash(request: Request, error: Exception) -> Response:
    if request.url.path.startswith(API_PREFIXES):
        return error_response(
            ApiError(500, "internal_error", "Internal server error.", legacy_code=500), request.url.path
        )
    return JSONResponse({"error": "internal error"}, status_code=500)


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """A sandbox, fresh or resumed from `config.state_file`; its state is `app.state.sandbox`."""
    state = SandboxState(config or SandboxConfig())
    if not state.load():
        if state.config.demo_content:
            demo.seed(state)
        state.save()
    batch_routes.install(state)
    app = Starlette(
        routes=[
            *batch_routes.ROUTES,
            *v3_routes.ROUTES,
            *speech_routes.ROUTES,
            *v2_routes.ROUTES,
            *legacy_video_routes.ROUTES,
            *media_routes.ROUTES,
            *control_routes.ROUTES,
        ],
        middleware=[
            Middleware(RequestIdMiddleware, state=state),
            Middleware(BodyLimitMiddleware),
            Middleware(FaultMiddleware, plan_holder=state),
            Middleware(MediaFaultMiddleware, state=state),
            Middleware(ApiKeyMiddleware, state=state),
            *([Middleware(PersistMiddleware, state=state)] if state.store else []),
        ],
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _crash},
    )
    app.state.sandbox = state
    return app
