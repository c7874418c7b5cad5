"""Settings of one sandbox HeyGen: accepted keys, job timing, billing, concurrency and where it keeps its state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from heygen_studio.sandbox.billing import Billing


@dataclass(frozen=True)
class SandboxConfig:
    keys: frozenset[str] = frozenset({"sandbox"})  # any other X-Api-Key is rejected like HeyGen does
    keys_without_api_access: frozenset[str] = frozenset()  # valid keys whose plan has no API: 403
    job_seconds: float = 3.0  # seconds per asynchronous job stage
    billing: Billing = Billing.WALLET  # how the v3 account is billed, as `GET /v3/users/me` says
    balance: float | None = None  # what it has to spend (usage-based: its cap); None = the billing type's default
    credits: float = 600.0  # the v2 endpoints' own credit quota (`/v2/user/remaining_quota` = credits × 60)
    v3_concurrency: int = 10  # renders in flight before v3 answers 429 + Retry-After
    legacy_concurrency: int = 3  # legacy (Pro plan): extra renders stay `waiting` (queued)
    demo_content: bool = True  # seed a ready avatar group, public presets and voices
    consent_required: bool = False  # new v3 photo avatars wait in pending_consent until the consent page is opened
    state_file: Path | None = None  # keep the account here across restarts (blobs/ beside it); None = in memory
