"""API errors and the error envelopes each HeyGen generation wraps them in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

DOC_URL = "https://docs.heygen.com/reference/errors"


@dataclass
class ApiError(Exception):
    """One failed request: HTTP status, v3 code, legacy numeric code and the offending field."""

    status: int
    code: str
    message: str
    legacy_code: int = 400175
    param: str | None = None
    retry_after_s: float | None = None


def generation_of(path: str) -> str:
    """Which envelope a path answers in: "v3", "v2" or "v1"."""
    for generation in ("v3", "v2", "v1"):
        if path.startswith(f"/{generation}/"):
            return generation
    return "v1"


def error_body(error: ApiError, generation: str) -> dict[str, Any]:
    """The JSON body HeyGen sends for `error` on `generation`'s endpoints.

    v1 (and the legacy auth gateway) answer {"code": <number>, "message"}; v2 wraps a string code
    in {"error": {...}, "data": null}; v3 sends {"error": {code, message, param, doc_url}}.
    """
    if generation == "v3":
        return {"error": {"code": error.code, "message": error.message, "param": error.param, "doc_url": DOC_URL}}
    if generation == "v2":
        return {"error": {"code": error.code, "message": error.message}, "data": None}
    return {"code": error.legacy_code, "message": error.message}


def error_response(error: ApiError, path: str, generation: str | None = None) -> JSONResponse:
    """The HTTP response for `error` raised while serving `path` (in `generation`'s envelope if given)."""
    headers = {}
    if error.retry_after_s is not None:
        headers["Retry-After"] = _retry_after(error.retry_after_s)
    body = error_body(error, generation or generation_of(path))
    return JSONResponse(body, status_code=error.status, headers=headers)


def _retry_after(seconds: float) -> str:
    """Retry-After in seconds: whole seconds as HeyGen sends; a fraction only when a test asks for one."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


def unauthorized(path: str, key_given: bool) -> ApiError:
    """The 401 HeyGen answers for a missing or unknown X-Api-Key."""
    if generation_of(path) == "v3":
        return ApiError(401, "unauthorized", "Invalid or missing API key.")
    if key_given:
        return ApiError(401, "unauthorized", "Invalid credentials", legacy_code=40009)
    return ApiError(401, "unauthorized", "Unauthorized", legacy_code=400112)


def no_api_access() -> ApiError:
    """The 403 HeyGen answers for a valid key whose plan does not include API access."""
    return ApiError(403, "forbidden", "API access is not enabled for this account's plan.", legacy_code=400599)


def invalid(param: str, message: str, legacy_code: int = 400175) -> ApiError:
    """400 invalid_parameter naming `param`."""
    return ApiError(400, "invalid_parameter", message, legacy_code=legacy_code, param=param)


def missing(param: str) -> ApiError:
    """400 for a required field left out (legacy 40001)."""
    return ApiError(400, "invalid_parameter", f"Missing required parameter: {param}", legacy_code=40001, param=param)


def not_found(code: str, what: str, legacy_code: int = 400175) -> ApiError:
    """404 with HeyGen's code for the kind of thing that was not found."""
    return ApiError(404, code, f"{what} not found", legacy_code=legacy_code)
