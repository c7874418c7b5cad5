"""Which engines a look renders on, and what kind of avatar it is, for pricing a video."""

from __future__ import annotations

from heygen_studio.api.models import Look
from heygen_studio.domain.pricing import AvatarType, Engine

OFFERED: tuple[Engine, ...] = (Engine.AVATAR_IV, Engine.AVATAR_III)
"""The engines the editor offers, best first; HeyGen publishes no API price for the others."""


def engines_for(look: Look | None) -> list[Engine]:
    """The offered engines `look` can render on (all of them while the look's engines are not known)."""
    if look is None or not look.supported_engines:
        return list(OFFERED)
    return [engine for engine in OFFERED if engine.value in look.supported_engines]


def avatar_type_of(*known: str | None) -> AvatarType | None:
    """The first of `known` that names an avatar type; None when none does (priced as a photo avatar)."""
    for raw in known:
        if raw in set(AvatarType):
            return AvatarType(raw)
    return None
