"""What a project will cost before it is rendered: each scene and the whole video, in the account's unit."""

from __future__ import annotations

from heygen_studio.api.models import ApiLimits, Resolution
from heygen_studio.domain.money import BillingType
from heygen_studio.domain.pricing import AvatarType, VideoQuote, quote_video, video_rate
from heygen_studio.domain.project import Project, estimate


def billing_of(generation: str, billing_type: BillingType | None) -> BillingType:
    """The billing a quote uses: the account's, else what an API key is billed by (v3 wallet, v2 credit quota)."""
    if generation == "v2":
        return BillingType.LEGACY_QUOTA
    return billing_type or BillingType.WALLET


def quote_project(
    project: Project,
    generation: str,
    limits: ApiLimits,
    billing_type: BillingType | None = None,
    avatar_type: AvatarType | None = None,
) -> VideoQuote | None:
    """Price `project` from its scenes' expected seconds; None where HeyGen publishes no price for its engine."""
    rate = video_rate(
        generation,
        billing_of(generation, billing_type),
        project.engine,
        avatar_type or AvatarType.PHOTO,
        uhd=project.resolution is Resolution.UHD_4K,
    )
    if rate is None:
        return None
    return quote_video([scene.seconds for scene in estimate(project, limits).scenes], rate)
