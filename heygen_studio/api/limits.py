"""What each API generation accepts (scenes, script and prompt lengths, uploads), known without a client or httpx."""

from __future__ import annotations

from typing import Literal

from heygen_studio.api.models import ApiLimits

V3_LIMITS = ApiLimits(
    max_script_chars=5000,
    max_scenes=50,
    max_prompt_chars=1000,
    max_reference_images=3,
    max_upload_bytes=32 * 1024 * 1024,
    page_size=50,
)
SPEECH_SPEED_RANGE = (0.5, 2.0)  # POST /v3/voices/speech takes more than a video's 0.5-1.5
V2_LIMITS = ApiLimits(
    max_script_chars=1500,
    max_scenes=50,
    max_prompt_chars=1000,
    max_reference_images=0,
    max_upload_bytes=10 * 1024 * 1024,
    page_size=50,
)


def limits_for(generation: Literal["v3", "v2"]) -> ApiLimits:
    """What one API generation accepts (scenes, script and prompt lengths, voice ranges), with no client open."""
    return V3_LIMITS if generation == "v3" else V2_LIMITS
