"""Legacy (v1/v2) envelopes and the hand-written field checks their endpoints need."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.responses import JSONResponse

from heygen_studio.sandbox.errors import invalid, missing

LEGACY_SCRIPT_LIMIT = 1500
APPEARANCE_LIMIT = 1000


def v2_ok(data: Any) -> JSONResponse:
    return JSONResponse({"error": None, "data": data})


def v1_ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 100, "data": data, "message": "Success"})


def required(body: dict[str, Any], names: Iterable[str], prefix: str = "") -> None:
    """400 (legacy 40001) naming the first of `names` missing or empty in `body`."""
    for name in names:
        if body.get(name) in (None, "", []):
            raise missing(prefix + name)


def one_of(body: dict[str, Any], name: str, allowed: Iterable[str], prefix: str = "") -> None:
    """400 (legacy 400175) when `body[name]` is given and not one of `allowed`."""
    allowed = tuple(allowed)
    value = body.get(name)
    if value is not None and value not in allowed:
        raise invalid(prefix + name, f"{prefix + name} must be one of: {', '.join(allowed)}")


def at_most(body: dict[str, Any], name: str, limit: int, prefix: str = "") -> None:
    value = body.get(name)
    if isinstance(value, str) and len(value) > limit:
        raise invalid(prefix + name, f"{prefix + name} is limited to {limit} characters.", legacy_code=40039)
