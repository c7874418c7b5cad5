"""How long a script takes to speak, and what that costs in premium credits (at pricing.py's rate)."""

from __future__ import annotations

import math
import re

from heygen_studio.domain.money import BillingType
from heygen_studio.domain.pricing import V2_STEP_SECONDS, Engine, video_rate

WORDS_PER_MINUTE = 150.0
MIN_SPOKEN_SECONDS = 1.0

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def count_words(script: str) -> int:
    """Words a voice would speak: runs of letters, digits, apostrophes and hyphens."""
    return len(_WORD.findall(script))


def spoken_seconds(script: str, speed: float = 1.0) -> float:
    """About how long a voice takes to say `script` at `speed` (1.0 is normal, 150 words a minute)."""
    if speed <= 0:
        raise ValueError("speed must be positive")
    words = count_words(script)
    if words == 0:
        return 0.0
    return max(MIN_SPOKEN_SECONDS, words / (WORDS_PER_MINUTE * speed) * 60.0)


def billed_seconds(seconds: float) -> float:
    """Seconds HeyGen bills for a video of `seconds` in 30-second steps (pricing.py's step)."""
    if seconds <= 0:
        return 0.0
    return float(math.ceil(seconds / V2_STEP_SECONDS) * V2_STEP_SECONDS)


def avatar_iv_credits(seconds: float) -> float:
    """Premium credits an Avatar IV video of `seconds` costs on a subscription, in 30-second steps."""
    rate = video_rate("v3", BillingType.SUBSCRIPTION, Engine.AVATAR_IV)
    assert rate is not None  # pricing.py publishes the Avatar IV subscription rate
    return round(float(rate.cost(seconds).amount), 6)
