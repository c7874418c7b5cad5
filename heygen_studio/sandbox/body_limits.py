"""Request bodies bounded like HeyGen's: 413 payload_too_large, counted as the body arrives, never read whole first."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heygen_studio.sandbox.errors import ApiError, error_response
from heygen_studio.sandbox.photos import ASSET_MAX_BYTES, PHOTO_MAX_BYTES

MB = 1024 * 1024
FORM_SLACK_BYTES = 64 * 1024  # multipart boundaries and part headers around an upload's bytes
JSON_MAX_BYTES = 2 * MB  # 50 scenes of 5000 characters, every one written as a \uXXXX escape, fit
FILE_IN_JSON_MAX_BYTES = 4 * -(-ASSET_MAX_BYTES // 3) + FORM_SLACK_BYTES  # a 32 MB file as base64 (4 bytes per 3)
CONTROL_MAX_BYTES = 64 * 1024  # a fault plan

LIMITS: dict[tuple[str, str], int] = {
    ("POST", "/v3/assets"): ASSET_MAX_BYTES + FORM_SLACK_BYTES,
    ("POST", "/v1/asset"): PHOTO_MAX_BYTES,  # upload.heygen.com: the raw photo bytes
    ("POST", "/v3/avatars"): FILE_IN_JSON_MAX_BYTES,  # file may be {"type": "base64", "data"}
    ("POST", "/v3/videos"): FILE_IN_JSON_MAX_BYTES,  # type "image" may carry its image as base64
}


def body_limit(method: str, path: str) -> int:
    """The most bytes a request to `path` may send."""
    if path.startswith("/_sandbox/"):
        return CONTROL_MAX_BYTES
    return LIMITS.get((method, path.rstrip("/")), JSON_MAX_BYTES)


def too_large(limit: int) -> ApiError:
    size = f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"
    return ApiError(
        413,
        "payload_too_large",
        f"The request body is larger than {size}, the most this endpoint accepts.",
        legacy_code=400175,
    )


class BodyLimitMiddleware:
    """Answers 413 at once for a declared Content-Length over the limit, and as soon as a streamed
    (chunked) body passes it: the route reading the body gets the ApiError, so its envelope is HeyGen's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = body_limit(scope["method"], path)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await error_response(too_large(limit), path)(scope, receive, send)
            return
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large(limit)
            return message

        await self.app(scope, bounded_receive, send)
