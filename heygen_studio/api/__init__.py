"""HeyGen over HTTP: one async client per API generation, typed results, typed errors; no Qt.

Names are imported from their modules when first used (PEP 562), so importing an error or a model does not load
httpx and the clients: the window paints before any of that is needed."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from heygen_studio.api.base import (
        HeyGenApi,
    )
    from heygen_studio.api.clients import (
        limits_for,
        open_client,
    )
    from heygen_studio.api.errors import (
        AuthError,
        ConflictError,
        ForbiddenError,
        HeyGenError,
        InvalidRequestError,
        NetworkError,
        NoCreditsError,
        NotFoundError,
        OutcomeUnknownError,
        QuotaExceededError,
        RateLimitedError,
        RequestTimeout,
        ServerError,
        UnsupportedError,
    )
    from heygen_studio.api.mapping import (
        FieldNote,
        explain_mapping,
    )
    from heygen_studio.api.models import (
        Account,
        Age,
        ApiLimits,
        AspectRatio,
        Asset,
        AvatarGroup,
        CreatedAvatar,
        Dimension,
        Emotion,
        Ethnicity,
        Expressiveness,
        Gender,
        Generation,
        Look,
        Orientation,
        Ownership,
        Page,
        PhotoPrompt,
        Pose,
        Resolution,
        SceneSpec,
        Status,
        Style,
        SubmittedVideo,
        TalkingStyle,
        TrainingStatus,
        VideoSpec,
        VideoStatus,
        VideoSummary,
        Voice,
    )
    from heygen_studio.api.transport import (
        RetryPolicy,
        Transport,
    )
    from heygen_studio.api.v2 import (
        V2Api,
    )
    from heygen_studio.api.v3 import (
        V3Api,
    )

_HOMES: dict[str, str] = {
    "Account": "models",
    "Age": "models",
    "ApiLimits": "models",
    "AspectRatio": "models",
    "Asset": "models",
    "AuthError": "errors",
    "AvatarGroup": "models",
    "ConflictError": "errors",
    "CreatedAvatar": "models",
    "Dimension": "models",
    "Emotion": "models",
    "Ethnicity": "models",
    "explain_mapping": "mapping",
    "Expressiveness": "models",
    "FieldNote": "mapping",
    "ForbiddenError": "errors",
    "Gender": "models",
    "Generation": "models",
    "HeyGenApi": "base",
    "HeyGenError": "errors",
    "InvalidRequestError": "errors",
    "limits_for": "clients",
    "Look": "models",
    "NetworkError": "errors",
    "NoCreditsError": "errors",
    "NotFoundError": "errors",
    "open_client": "clients",
    "Orientation": "models",
    "OutcomeUnknownError": "errors",
    "Ownership": "models",
    "Page": "models",
    "PhotoPrompt": "models",
    "Pose": "models",
    "QuotaExceededError": "errors",
    "RateLimitedError": "errors",
    "RequestTimeout": "errors",
    "Resolution": "models",
    "RetryPolicy": "transport",
    "SceneSpec": "models",
    "ServerError": "errors",
    "Status": "models",
    "Style": "models",
    "SubmittedVideo": "models",
    "TalkingStyle": "models",
    "TrainingStatus": "models",
    "Transport": "transport",
    "UnsupportedError": "errors",
    "V2Api": "v2",
    "V3Api": "v3",
    "VideoSpec": "models",
    "VideoStatus": "models",
    "VideoSummary": "models",
    "Voice": "models",
}


def __getattr__(name: str) -> Any:
    """`heygen_studio.api.NAME`: imported from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "Account",
    "Age",
    "ApiLimits",
    "AspectRatio",
    "Asset",
    "AuthError",
    "AvatarGroup",
    "ConflictError",
    "CreatedAvatar",
    "Dimension",
    "Emotion",
    "Ethnicity",
    "Expressiveness",
    "FieldNote",
    "ForbiddenError",
    "Gender",
    "Generation",
    "HeyGenApi",
    "HeyGenError",
    "InvalidRequestError",
    "Look",
    "NetworkError",
    "NoCreditsError",
    "NotFoundError",
    "Orientation",
    "OutcomeUnknownError",
    "Ownership",
    "Page",
    "PhotoPrompt",
    "Pose",
    "QuotaExceededError",
    "RateLimitedError",
    "RequestTimeout",
    "Resolution",
    "RetryPolicy",
    "SceneSpec",
    "ServerError",
    "Status",
    "Style",
    "SubmittedVideo",
    "TalkingStyle",
    "TrainingStatus",
    "Transport",
    "UnsupportedError",
    "V2Api",
    "V3Api",
    "VideoSpec",
    "VideoStatus",
    "VideoSummary",
    "Voice",
    "explain_mapping",
    "limits_for",
    "open_client",
]
