"""Which engines a look renders on, each with this video's price or why not, and what kind of avatar it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from heygen_studio.api.mapping import ENGINE_NAMES
from heygen_studio.api.models import Look
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import AvatarType, Engine

OFFERED: tuple[Engine, ...] = (Engine.AVATAR_IV, Engine.AVATAR_III, Engine.AVATAR_V)
"""The engines the editor offers, best known first."""


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


def engines_for(look: Look) -> list[Engine]:
    """The offered engines `look` renders on, as HeyGen lists them (`supported_api_engines`)."""
    return [engine for engine in OFFERED if engine.value in look.supported_engines]


def engine_offers(
    usable: Sequence[Engine], look_name: str, prices: Mapping[Engine, Money | None], known: bool = True
) -> list[EngineOffer]:
    """Every offered engine with its price from `prices`, or, where it is not `usable`, why it can't be chosen
    (`known`: HeyGen listed the look's engines; else `usable` are the priced ones, offered until it does)."""
    names = " and ".join(ENGINE_NAMES[engine] for engine in usable)
    who = f"“{look_name}”" if look_name else "this look"
    if not known:
        why = f"HeyGen has not said yet which engines {who} renders on, so only {names} are offered."
    elif usable:
        why = f"{who if look_name else 'This look'} renders only on {names}, as HeyGen lists it: choose one of those."
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
