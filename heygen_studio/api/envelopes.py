"""Reading HeyGen's three response envelopes (v1 code/message, v2 error/data, v3 data/error): data or typed errors."""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

from heygen_studio.api import errors
from heygen_studio.logging_setup import MIN_SECRET_LENGTH

_V1_SUCCESS_CODES = frozenset({0, 100, 200})

_CODE_ERRORS: dict[str, type[errors.HeyGenError]] = {
    # v3
    "unauthorized": errors.AuthError,
    "forbidden": errors.ForbiddenError,
    "invalid_parameter": errors.InvalidRequestError,
    "payload_too_large": errors.InvalidRequestError,
    "voice_not_usable": errors.InvalidRequestError,
    "asset_not_available": errors.InvalidRequestError,
    "insufficient_credit": errors.NoCreditsError,
    "quota_exceeded": errors.NoCreditsError,
    "trial_video_limit_exceeded": errors.NoCreditsError,
    "rate_limit_exceeded": errors.RateLimitedError,
    "not_found": errors.NotFoundError,
    "avatar_not_found": errors.NotFoundError,
    "video_not_found": errors.NotFoundError,
    "voice_not_found": errors.NotFoundError,
    "conflict": errors.ConflictError,
    "internal_error": errors.ServerError,
    # legacy numeric codes
    "40009": errors.AuthError,
    "400112": errors.AuthError,
    "40001": errors.InvalidRequestError,
    "400175": errors.InvalidRequestError,
    "40039": errors.InvalidRequestError,
    "400105": errors.InvalidRequestError,
    "40119": errors.InvalidRequestError,
    "40104": errors.NotFoundError,
    "400599": errors.ForbiddenError,
}

_STATUS_ERRORS: dict[int, type[errors.HeyGenError]] = {
    400: errors.InvalidRequestError,
    401: errors.AuthError,
    402: errors.NoCreditsError,
    403: errors.ForbiddenError,
    404: errors.NotFoundError,
    409: errors.ConflictError,
    413: errors.InvalidRequestError,
    422: errors.InvalidRequestError,
    429: errors.RateLimitedError,
}

_DETAILS = {
    errors.InvalidRequestError: "HeyGen did not accept the request",
    errors.NotFoundError: "HeyGen could not find that item; it may have been deleted",
    errors.ForbiddenError: "HeyGen does not allow this for your account",
    errors.ConflictError: "HeyGen says this clashes with something that exists or is in progress",
    errors.ServerError: "HeyGen had a problem on its side",
}

_ADVICE = {
    errors.InvalidRequestError: "Fix it and try again.",
    errors.NotFoundError: "Refresh the list and try again.",
    errors.ForbiddenError: "Your plan may not include it; check your plan on heygen.com.",
    errors.ConflictError: "Refresh and try again.",
    errors.ServerError: "Try again in a few minutes.",
}


@dataclass(frozen=True)
class ErrorInfo:
    """The error fields found in any of the three envelopes."""

    code: str | None = None
    message: str | None = None
    param: str | None = None


def error_info(body: Any) -> ErrorInfo | None:
    """The error a body reports, or None for a success body (any generation)."""
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    if isinstance(error, dict):
        return ErrorInfo(
            code=_text(error.get("code")),
            message=_text(error.get("message") or error.get("msg")),
            param=_text(error.get("param")),
        )
    if isinstance(error, str) and error:
        return ErrorInfo(message=error)
    code = body.get("code")
    if isinstance(code, int) and code not in _V1_SUCCESS_CODES:
        return ErrorInfo(code=str(code), message=_text(body.get("message") or body.get("msg")))
    return None


def is_quota_used_up(status: int, body: Any) -> bool:
    """A 429 that means the plan's allowance is used up (waiting does not help), not a rate limit."""
    info = error_info(body)
    return status == 429 and info is not None and info.code in errors.QuotaExceededError.CODES


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def to_exception(
    status: int,
    body: Any,
    *,
    request_id: str | None,
    retry_after_s: float | None,
    secret: str,
) -> errors.HeyGenError:
    """The typed exception for a failed response; server text is scrubbed of `secret`."""
    info = error_info(body) or ErrorInfo()
    cls = _class_for(status, info.code)
    detail = _scrub(info.message, secret)
    code = _scrub(info.code, secret)
    param = _scrub(info.param, secret)
    common = errors.ErrorContext(status=status, code=code, request_id=request_id)
    if cls is errors.RateLimitedError:
        return errors.RateLimitedError(retry_after_s=retry_after_s, **common)
    if cls in (errors.AuthError, errors.NoCreditsError, errors.QuotaExceededError):
        return cls(**common)
    message = _message(cls, status, detail, param)
    if cls is errors.InvalidRequestError:
        return errors.InvalidRequestError(message, field=param, **common)
    return cls(message, **common)


def _class_for(status: int, code: str | None) -> type[errors.HeyGenError]:
    if status == 429 and code in errors.QuotaExceededError.CODES:
        return errors.QuotaExceededError
    if status in (401, 429):
        return _STATUS_ERRORS[status]
    if code in _CODE_ERRORS:
        return _CODE_ERRORS[code]
    if status >= 500:
        return errors.ServerError
    return _STATUS_ERRORS.get(status, errors.HeyGenError)


def _message(cls: type[errors.HeyGenError], status: int, detail: str | None, param: str | None) -> str:
    lead = _DETAILS.get(cls, "Something went wrong talking to HeyGen")
    if cls is errors.InvalidRequestError and param:
        lead = f"HeyGen did not accept the “{param}” field"
    if cls is errors.ServerError:
        lead = f"{lead} (HTTP {status})"
    said = f": {detail.rstrip('.')}." if detail else "."
    advice = _ADVICE.get(cls, "Try again in a moment.")
    return f"{lead}{said} {advice}"


def _scrub(text: str | None, secret: str) -> str | None:
    """`text` without the key in it; a value too short to be a HeyGen key (the sandbox's "sandbox") is left, or
    every "sandbox" in HeyGen's messages would read "[hidden]"."""
    if text is None or len(secret) < MIN_SECRET_LENGTH:
        return text
    return text.replace(secret, "[hidden]")


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
