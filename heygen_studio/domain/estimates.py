"""Spoken-duration and credit estimates for scripts, as HeyGen bills Avatar IV videos."""

from __future__ import annotations

import math
import re

WORDS_PER_MINUTE = 150.0
SECONDS_PER_CREDIT = 3.0
BILLING_STEP_SECONDS = 30.0
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
    """Seconds HeyGen bills for a video of `seconds`: rounded up to the next 30-second step."""
    if seconds <= 0:
        return 0.0
    return math.ceil(seconds / BILLING_STEP_SECONDS) * BILLING_STEP_SECONDS


def avatar_iv_credits(seconds: float) -> float:
    """Premium credits an Avatar IV video of `seconds` costs: 1 per 3 billed seconds."""
    return billed_seconds(seconds) / SECONDS_PER_CREDIT
