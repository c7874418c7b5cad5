"""What a project will cost before it is rendered: each scene and the whole video, in the account's unit."""

from __future__ import annotations

from heygen_studio.api.models import ApiLimits, Resolution, VideoSpec
from heygen_studio.domain.estimates import spoken_seconds
from heygen_studio.domain.money import BillingType
from heygen_studio.domain.pricing import AvatarType, Engine, VideoQuote, VideoRate, quote_video, video_rate
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
    rate = _rate(generation, billing_type, project.engine, avatar_type, project.resolution)
    if rate is None:
        return None
    return quote_video([scene.seconds for scene in estimate(project, limits).scenes], rate)


def quote_spec(
    spec: VideoSpec,
    generation: str,
    billing_type: BillingType | None = None,
    avatar_type: AvatarType | None = None,
) -> VideoQuote | None:
    """Price a render request (one queued, or tried again) from its scenes' scripts and speeds and its look's
    avatar type (`avatar_type` overrides it), at today's rates."""
    rate = _rate(generation, billing_type, spec.engine, avatar_type or spec.avatar_type, spec.resolution)
    if rate is None:
        return None
    return quote_video(
        [spoken_seconds(scene.script, scene.speed if scene.speed > 0 else 1.0) for scene in spec.scenes], rate
    )


def _rate(
    generation: str,
    billing_type: BillingType | None,
    engine: Engine,
    avatar_type: AvatarType | None,
    resolution: Resolution,
) -> VideoRate | None:
    return video_rate(
        generation,
        billing_of(generation, billing_type),
        engine,
        avatar_type or AvatarType.PHOTO,
        uhd=resolution is Resolution.UHD_4K,
    )
