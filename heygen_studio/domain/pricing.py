"""HeyGen's published prices as data, with their source: the app's costs and the sandbox's charges come from here."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from heygen_studio.domain.money import BillingType, Currency, Money

V3_SOURCE = "HeyGen API pricing (developers.heygen.com/docs/pricing), as of December 2026"
V2_SOURCE = "HeyGen API limits for legacy v2 credits (docs.heygen.com/reference/limits), as of December 2026"
SUBSCRIPTION_SOURCE = "HeyGen web plans: about 1 premium credit per 3 s of Avatar IV, in 30-second steps"


class Engine(StrEnum):
    """The v3 rendering engine (`engine.type`); Avatar IV is HeyGen's default."""

    AVATAR_IV = "avatar_iv"
    AVATAR_III = "avatar_iii"
    AVATAR_V = "avatar_v"


class AvatarType(StrEnum):
    """What kind of avatar a look belongs to (`avatar_type` of a v3 look)."""

    PHOTO = "photo_avatar"
    DIGITAL_TWIN = "digital_twin"
    STUDIO = "studio_avatar"


class PaidAction(StrEnum):
    """A paid call other than a render."""

    CREATE_AVATAR = "create_avatar"  # one photo → one avatar (v3 POST /v3/avatars type photo; v2 group create)
    ADD_PHOTO = "add_photo"  # one more photo of the same person (v3: another POST /v3/avatars; v2: group add)
    NEW_LOOK = "new_look"  # looks from a prompt (v3 POST /v3/avatars type prompt; v2 look/generate)
    AI_PHOTOS = "ai_photos"  # a person from a description (v3 POST /v3/avatars type prompt; v2 photo/generate)
    TRAINING = "training"  # v2 photo_avatar/train
    MOTION = "motion"  # v2 photo_avatar/add_motion
    SOUND_EFFECT = "sound_effect"  # v2 photo_avatar/add_sound_effect


# USD per second of output video, by engine, avatar type and whether the video is 4K.
_AVATAR_IV_PHOTO = (Decimal("0.05"), Decimal("0.0667"))
_AVATAR_IV_OTHER = (Decimal("0.0667"), Decimal("0.0833"))
_AVATAR_III = (Decimal("0.0167"), Decimal("0.02"))
V3_VIDEO_USD_PER_SECOND: dict[tuple[Engine, AvatarType], tuple[Decimal, Decimal]] = {
    (Engine.AVATAR_IV, AvatarType.PHOTO): _AVATAR_IV_PHOTO,
    (Engine.AVATAR_IV, AvatarType.DIGITAL_TWIN): _AVATAR_IV_OTHER,
    (Engine.AVATAR_IV, AvatarType.STUDIO): _AVATAR_IV_OTHER,
    (Engine.AVATAR_III, AvatarType.PHOTO): _AVATAR_III,
    (Engine.AVATAR_III, AvatarType.DIGITAL_TWIN): _AVATAR_III,
    (Engine.AVATAR_III, AvatarType.STUDIO): _AVATAR_III,
}
"""(engine, avatar type) → (USD a second at 720p/1080p, at 4K). Avatar V has no published API price."""

V3_AVATAR_CALL_USD = Decimal("1.00")
"""Each `POST /v3/avatars` call: a photo avatar, another photo of it, or a look or person from a prompt."""
V3_SPEECH_USD_PER_SECOND = Decimal("0.000667")
"""`POST /v3/voices/speech` (starfish voices), per second of audio."""

V2_STEP_SECONDS = 30
"""Legacy renders are billed in 30-second steps."""
V2_AV4_CREDITS_PER_MINUTE = Decimal(6)
"""`/v2/video/av4/generate` (Avatar IV)."""
V2_CLASSIC_CREDITS_PER_MINUTE = Decimal(1)
"""`/v2/video/generate` with a photo avatar."""
V2_ACTION_CREDITS: dict[PaidAction, Decimal] = {
    PaidAction.CREATE_AVATAR: Decimal(0),
    PaidAction.ADD_PHOTO: Decimal(0),
    PaidAction.NEW_LOOK: Decimal(1),
    PaidAction.AI_PHOTOS: Decimal(1),
    PaidAction.TRAINING: Decimal(4),
    PaidAction.MOTION: Decimal(1),
    PaidAction.SOUND_EFFECT: Decimal(0),
}
"""Legacy credits per call."""
V3_ACTION_USD: dict[PaidAction, Decimal] = {
    PaidAction.CREATE_AVATAR: V3_AVATAR_CALL_USD,
    PaidAction.ADD_PHOTO: V3_AVATAR_CALL_USD,
    PaidAction.NEW_LOOK: V3_AVATAR_CALL_USD,
    PaidAction.AI_PHOTOS: V3_AVATAR_CALL_USD,
}
"""USD per call; v3 has no training, motion or sound-effect calls."""

SUBSCRIPTION_SECONDS_PER_CREDIT = Decimal(3)


@dataclass(frozen=True)
class VideoRate:
    """How one kind of render is billed: a price a second, optionally in steps, with where it comes from."""

    per_second: Money
    step_seconds: int
    source: str

    def cost(self, seconds: float) -> Money:
        """The price of a video of `seconds` (a step is billed whole)."""
        if seconds <= 0:
            return Money.zero(self.per_second.currency)
        billed = Decimal(repr(round(seconds, 3)))
        if self.step_seconds:
            billed = Decimal(math.ceil(billed / self.step_seconds) * self.step_seconds)
        return self.per_second * billed

    def describe(self) -> str:
        """“$0.05 a second” / “6 credits a minute, billed in 30-second steps”."""
        if self.step_seconds:
            return f"{self.per_second * 60} a minute, billed in {self.step_seconds}-second steps"
        amount = self.per_second.amount.normalize()
        return f"${amount:f} a second" if self.per_second.currency is Currency.USD else f"{self.per_second} a second"


def video_rate(
    generation: str,
    billing_type: BillingType,
    engine: Engine = Engine.AVATAR_IV,
    avatar_type: AvatarType = AvatarType.PHOTO,
    uhd: bool = False,
) -> VideoRate | None:
    """The rate for a render, in the account's unit; None where HeyGen publishes no price for it."""
    if generation == "v2" or billing_type is BillingType.LEGACY_QUOTA:
        return VideoRate(Money.credits(V2_AV4_CREDITS_PER_MINUTE / 60), V2_STEP_SECONDS, V2_SOURCE)
    if billing_type is BillingType.SUBSCRIPTION:
        if engine is not Engine.AVATAR_IV:
            return None
        return VideoRate(Money.credits(1 / SUBSCRIPTION_SECONDS_PER_CREDIT), V2_STEP_SECONDS, SUBSCRIPTION_SOURCE)
    rates = V3_VIDEO_USD_PER_SECOND.get((engine, avatar_type))
    if rates is None:
        return None
    return VideoRate(Money.usd(rates[1] if uhd else rates[0]), 0, V3_SOURCE)


def action_price(action: PaidAction, generation: str, calls: int = 1) -> Money | None:
    """The price of `calls` calls of `action`; None where the generation has no such call."""
    if generation == "v2":
        return Money.credits(V2_ACTION_CREDITS[action] * calls)
    price = V3_ACTION_USD.get(action)
    return None if price is None else Money.usd(price * calls)


@dataclass(frozen=True)
class VideoQuote:
    """The price of one render: each scene's share and the total (which, in steps, is more than their sum)."""

    scene_seconds: tuple[float, ...]
    scene_costs: tuple[Money, ...]
    seconds: float
    total: Money
    rate: VideoRate

    def per_scene(self) -> Iterator[tuple[int, float, Money]]:
        """Each scene's number (from 1), seconds and share of the cost."""
        for number, (seconds, cost) in enumerate(zip(self.scene_seconds, self.scene_costs, strict=True), start=1):
            yield number, seconds, cost


def quote_video(scene_seconds: Sequence[float], rate: VideoRate) -> VideoQuote:
    """Price a video whose scenes last `scene_seconds`: per second for each scene, the total in the rate's steps."""
    seconds = float(sum(scene_seconds))
    per_scene = tuple(VideoRate(rate.per_second, 0, rate.source).cost(s) for s in scene_seconds)
    return VideoQuote(tuple(scene_seconds), per_scene, seconds, rate.cost(seconds), rate)
