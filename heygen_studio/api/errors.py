"""Typed HeyGen errors, each with a message a non-developer can act on; never carries the API key."""

from __future__ import annotations

from typing import TypedDict, Unpack


class ErrorContext(TypedDict, total=False):
    """What HeyGen said about a failure besides the message: subclasses pass it on to HeyGenError."""

    status: int | None
    code: str | None
    request_id: str | None


class HeyGenError(Exception):
    """Anything that went wrong talking to HeyGen. `str()` is the user-facing message."""

    default_message = "Something went wrong talking to HeyGen. Try again in a moment."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.code = code
        self.request_id = request_id
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        extras = "".join(f", {name}={value!r}" for name, value in self._fields().items() if value is not None)
        return f"{type(self).__name__}({self.message!r}{extras})"

    def _fields(self) -> dict[str, object]:
        return {"status": self.status, "code": self.code, "request_id": self.request_id}


class AuthError(HeyGenError):
    """HTTP 401 or an invalid-credentials code: the API key is wrong, revoked or missing."""

    default_message = "HeyGen rejected the API key. Check it in Settings → Accounts."


class ForbiddenError(HeyGenError):
    """HTTP 403: the key is valid but this account or plan may not do this."""

    default_message = (
        "HeyGen does not allow this for your account; your plan may not include it. Check your plan on heygen.com."
    )


class NoCreditsError(HeyGenError):
    """HTTP 402 or a credit/quota code: not enough money (wallet balance or credits) left."""

    default_message = (
        "Your HeyGen account does not have enough money left for this (wallet balance or credits). "
        "Top up on heygen.com, then try again."
    )


class QuotaExceededError(NoCreditsError):
    """HTTP 429 `quota_exceeded` or `trial_video_limit_exceeded`: the plan's allowance is used up. Unlike a
    rate limit, waiting does not help, so nothing retries it."""

    default_message = (
        "Your HeyGen plan's video allowance is used up, so HeyGen refused this render; waiting will not help. "
        "Add credits or upgrade your plan on heygen.com, then try the render again."
    )
    _TRIAL_MESSAGE = (
        "Your HeyGen trial has made all the videos it allows, so HeyGen refused this render. "
        "Upgrade your plan on heygen.com, then try the render again."
    )
    CODES = frozenset({"quota_exceeded", "trial_video_limit_exceeded"})

    def __init__(self, message: str | None = None, **kwargs: Unpack[ErrorContext]) -> None:
        if message is None and kwargs.get("code") == "trial_video_limit_exceeded":
            message = self._TRIAL_MESSAGE
        super().__init__(message, **kwargs)


class RateLimitedError(HeyGenError):
    """HTTP 429: too many requests or renders at once; `retry_after_s` says how long to wait."""

    default_message = "HeyGen is busy with your other requests. Wait a little and try again."

    def __init__(
        self, message: str | None = None, *, retry_after_s: float | None = None, **kwargs: Unpack[ErrorContext]
    ) -> None:
        self.retry_after_s = retry_after_s
        if message is None and retry_after_s is not None:
            message = f"HeyGen is busy with your other requests. Wait {retry_after_s:g} seconds and try again."
        super().__init__(message, **kwargs)

    def _fields(self) -> dict[str, object]:
        return {**super()._fields(), "retry_after_s": self.retry_after_s}


class NotFoundError(HeyGenError):
    """HTTP 404 or a *_not_found code: the avatar, look, voice or video no longer exists."""

    default_message = "HeyGen could not find that item; it may have been deleted. Refresh the list and try again."


class InvalidRequestError(HeyGenError):
    """HTTP 400/413 or an invalid-parameter code; `field` names the offending field when known."""

    default_message = "HeyGen did not accept the request. Check what you entered and try again."

    def __init__(self, message: str | None = None, *, field: str | None = None, **kwargs: Unpack[ErrorContext]) -> None:
        self.field = field
        super().__init__(message, **kwargs)

    def _fields(self) -> dict[str, object]:
        return {**super()._fields(), "field": self.field}


class ConflictError(HeyGenError):
    """HTTP 409: the request clashes with something that already exists or is in progress."""

    default_message = (
        "HeyGen says this clashes with something that already exists or is still in progress. Refresh and try again."
    )


class ServerError(HeyGenError):
    """HTTP 5xx: HeyGen failed on its side."""

    default_message = "HeyGen had a problem on its side. Try again in a few minutes."


class NetworkError(HeyGenError):
    """No answer because the connection failed (no internet, DNS, refused, dropped)."""

    default_message = "Could not reach HeyGen. Check your internet connection and try again."


class RequestTimeout(NetworkError):
    """HeyGen did not answer in time."""

    default_message = "HeyGen did not answer in time. Check your internet connection and try again."


class OutcomeUnknownError(HeyGenError):
    """A create whose answer never came; it may have gone through, so it is never re-sent."""

    default_message = (
        "The connection to HeyGen was lost before it answered, so the request may have gone through. "
        "Check your videos and avatars on HeyGen before trying again, so nothing is made or charged twice."
    )


class UnsupportedError(HeyGenError):
    """The chosen API generation has no such operation."""

    default_message = "This is not available with the chosen HeyGen API version."
