"""Helpers every route module uses: JSON bodies, absolute media URLs, cursor pagination."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from starlette.requests import Request

from heygen_studio.sandbox.errors import ApiError, invalid
from heygen_studio.sandbox.media_faults import signed
from heygen_studio.sandbox.state import SandboxState

T = TypeVar("T")


def state_of(request: Request) -> SandboxState:
    sandbox: SandboxState = request.app.state.sandbox
    return sandbox


async def read_json(request: Request) -> tuple[dict[str, Any], bytes]:
    """The request's JSON object and its raw bytes; 400 when it is not a JSON object."""
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python's parser goes
        raise invalid("body", "Request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise invalid("body", "Request body must be a JSON object.")
    return body, raw


def media_url(request: Request, path: str) -> str:
    """An absolute URL on the sandbox's own origin for a /_media path; with the fault plan's
    media_link_ttl_s set, a link that expires like HeyGen's signed ones."""
    state = state_of(request)
    return signed(f"{str(request.base_url).rstrip('/')}/_media/{path}", state.faults.media_link_ttl_s, state.now())


def paginate(items: Sequence[T], limit: int, token: str | None) -> tuple[list[T], bool, str | None]:
    """One page of `items` from the opaque cursor `token`: (page, has_more, next_token)."""
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:"))
        except (ValueError, UnicodeDecodeError):
            raise invalid("token", "Invalid pagination token.") from None
    end = start + limit
    has_more = end < len(items)
    next_token = base64.urlsafe_b64encode(f"offset:{end}".encode()).decode() if has_more else None
    return list(items[start:end]), has_more, next_token


def require(condition: bool, error: ApiError) -> None:
    """Raise `error` unless `condition` holds."""
    if not condition:
        raise error
