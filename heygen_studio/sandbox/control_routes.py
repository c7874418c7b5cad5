"""/_sandbox: what tests and the demo use to look inside and steer the sandbox (loopback only)."""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from heygen_studio.sandbox.common import state_of
from heygen_studio.sandbox.faults import FaultPlan

LOOPBACK = ("127.0.0.1", "::1", "localhost", "testclient")


def _refused(request: Request) -> Response | None:
    """403 for clients off this machine and for other web pages (an Origin that is not the sandbox's own);
    415 for a body that is not JSON (a page may POST text/plain, or an untyped body, without asking)."""
    client = request.client.host if request.client else None
    if client is not None and client not in LOOPBACK:
        return JSONResponse({"error": "the sandbox's controls answer loopback clients only"}, status_code=403)
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}"
    # A loopback name too: a page whose own name was re-pointed at 127.0.0.1 (DNS rebinding) is "same origin".
    if origin is not None and (origin.rstrip("/") != own or urlsplit(origin).hostname not in LOOPBACK):
        return JSONResponse(
            {"error": f"the sandbox's controls refuse requests from other web pages (Origin {origin[:100]})"},
            status_code=403,
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    has_body = request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers
    if request.method == "POST" and (content_type or has_body) and content_type != "application/json":
        return JSONResponse(
            {"error": "send the sandbox's controls JSON (Content-Type: application/json)"}, status_code=415
        )
    return None


async def counts(request: Request) -> Response:
    state = state_of(request)
    with state.lock:
        return _refused(request) or JSONResponse(dict(state.counts))


async def media_requests(request: Request) -> Response:
    """The latest /_media requests, oldest first: path, Range asked, status, bytes sent, how each ended."""
    refused = _refused(request)
    if refused:
        return refused
    return JSONResponse([asdict(entry) for entry in list(state_of(request).media_requests)])


async def set_faults(request: Request) -> Response:
    refused = _refused(request)
    if refused:
        return refused
    try:
        plan = FaultPlan.from_json(json.loads(await request.body() or b"{}"))
    except (ValueError, RecursionError) as error:
        return JSONResponse({"error": f"not a fault plan: {error}"}, status_code=400)
    state_of(request).faults = plan
    return JSONResponse({**asdict(plan), "methods": sorted(plan.methods)})


async def reset_faults(request: Request) -> Response:
    refused = _refused(request)
    if refused:
        return refused
    state_of(request).faults = FaultPlan()
    return JSONResponse({"ok": True})


async def consent_page(request: Request) -> Response:
    """The page a v3 consent URL opens: it records the consent at once."""
    state = state_of(request)
    with state.lock:
        group = state.groups.get(request.path_params["group_id"])
        if group is None:
            return HTMLResponse("<h1>Unknown avatar</h1>", status_code=404)
        group.consent_status = "approved"
        return HTMLResponse(f"<h1>Consent recorded for {html.escape(group.name)}</h1><p>You can close this page.</p>")


ROUTES = [
    Route("/_sandbox/counts", counts, methods=["GET"]),
    Route("/_sandbox/media-requests", media_requests, methods=["GET"]),
    Route("/_sandbox/faults", set_faults, methods=["POST"]),
    Route("/_sandbox/reset-faults", reset_faults, methods=["POST"]),
    Route("/_sandbox/consent/{group_id}", consent_page, methods=["GET"]),
]
