"""Which engines a look renders on, each with this video's price or why not, and what kind of avatar it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from heygen_studio.api.models import Look
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import AvatarType, Engine

OFFERED: tuple[Engine, ...] = (Engine.AVATAR_IV, Engine.AVATAR_III, Engine.AVATAR_V)
"""The engines the editor offers, best known first."""
ENGINE_NAMES = {Engine.AVATAR_IV: "Avatar IV", Engine.AVATAR_III: "Avatar III", Engine.AVATAR_V: "Avatar V"}


@dataclass(frozen=True)
class EngineOffer:
    """One engine as the editor offers it for this video."""

    engine: Engine
    price: Money | None
    """This video's price on it; None where HeyGen publishes none (or the look can't use it)."""
    why_not: str = ""
    """Why this look can't be rendered on it; "" when it can."""

    @property
    def name(self) -> str:
        return ENGINE_NAMES[self.engine]


def engines_for(look: Look | None) -> list[Engine]:
    """The offered engines `look` can render on (all of them while the look's engines are not known)."""
    if look is None or not look.supported_engines:
        return list(OFFERED)
    return [engine for engine in OFFERED if engine.value in look.supported_engines]


def engine_offers(look: Look | None, prices: Mapping[Engine, Money | None]) -> list[EngineOffer]:
    """Every offered engine with its price from `prices`, or, where `look` lacks it, why it can't be chosen."""
    usable = engines_for(look)
    if usable:
        who = f"“{look.name}”" if look is not None and look.name else "This look"
        names = " and ".join(ENGINE_NAMES[engine] for engine in usable)
        why = f"{who} renders only on {names}, as HeyGen lists it: choose one of those."
    else:
        why = "HeyGen lists none of these engines for this look: choose another look in the Library."
    return [
        EngineOffer(engine, prices.get(engine)) if engine in usable else EngineOffer(engine, None, why)
        for engine in OFFERED
    ]


def avatar_type_of(*known: str | None) -> AvatarType | None:
    """The first of `known` that names an avatar type; None when none does (priced as a photo avatar)."""
    for raw in known:
        if raw in set(AvatarType):
            return AvatarType(raw)
    return None
