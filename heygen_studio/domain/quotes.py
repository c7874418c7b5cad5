"""What a project will cost before it is rendered: each scene and the whole video, in the account's unit; by
engine side by side, as a draft, and what a video made straight from a photo saves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from heygen_studio.api.models import ApiLimits, Resolution, VideoKind, VideoSpec
from heygen_studio.domain.estimates import spoken_seconds
from heygen_studio.domain.money import BillingType, Money
from heygen_studio.domain.pricing import (
    AvatarType,
    Engine,
    PaidAction,
    VideoQuote,
    VideoRate,
    action_price,
    quote_video,
    video_rate,
)
from heygen_studio.domain.project import Project, draft_of, estimate, project_engines


def billing_of(generation: str, billing_type: BillingType | None) -> BillingType:
    """The billing a quote uses: the account's, else what an API key is billed by (v3 wallet, v2 credit quota)."""
    if generation == "v2":
        return BillingType.LEGACY_QUOTA
    return billing_type or BillingType.WALLET


def project_seconds(project: Project, limits: ApiLimits, *, measured: Mapping[str, float] | None = None) -> list[float]:
    """Each scene's seconds: the own recording's length (all of it in the first scene), else the length measured
    by listening to the scene (`measured`: scene id → seconds) where there is one, else the estimate."""
    if project.own_audio is not None:
        return own_audio_seconds(project.own_audio.duration_s, len(project.scenes))
    measured = measured or {}
    estimates = estimate(project, limits).scenes
    return [measured.get(scene.id, guess.seconds) for scene, guess in zip(project.scenes, estimates, strict=True)]


def own_audio_seconds(duration_s: float, scenes: int) -> list[float]:
    return [duration_s, *[0.0] * (scenes - 1)]


def quote_project(
    project: Project,
    generation: str,
    limits: ApiLimits,
    billing_type: BillingType | None = None,
    avatar_type: AvatarType | None = None,
    *,
    measured: Mapping[str, float] | None = None,
) -> VideoQuote | None:
    """Price `project` from its scenes' seconds (see project_seconds); None where HeyGen publishes no price for
    its engine. An image video is priced at the photo-avatar rate."""
    kind = AvatarType.PHOTO if project.is_image_video else avatar_type
    rate = _rate(generation, billing_type, project.engine, kind, project.resolution)
    if rate is None:
        return None
    return quote_video(project_seconds(project, limits, measured=measured), rate)


def quote_spec(
    spec: VideoSpec,
    generation: str,
    billing_type: BillingType | None = None,
    avatar_type: AvatarType | None = None,
) -> VideoQuote | None:
    """Price a render request (one queued, or tried again) from its scenes' scripts and speeds, or its own
    recording's length, and its look's avatar type (`avatar_type` overrides it), at today's rates."""
    kind = AvatarType.PHOTO if spec.kind is VideoKind.IMAGE else avatar_type or spec.avatar_type
    rate = _rate(generation, billing_type, spec.engine, kind, spec.resolution)
    if rate is None:
        return None
    return quote_video(spec_seconds(spec), rate)


def spec_seconds(spec: VideoSpec) -> list[float]:
    """Each scene's expected seconds in a render request: the own recording's length, else the scripts'."""
    if spec.audio_duration_s is not None:
        return own_audio_seconds(spec.audio_duration_s, len(spec.scenes))
    return [spoken_seconds(scene.script, scene.speed if scene.speed > 0 else 1.0) for scene in spec.scenes]


def quote_engines(
    project: Project,
    generation: str,
    limits: ApiLimits,
    billing_type: BillingType | None = None,
    avatar_type: AvatarType | None = None,
    *,
    measured: Mapping[str, float] | None = None,
) -> dict[Engine, VideoQuote | None]:
    """The price of `project` on each engine it can render on (project_engines; Avatar IV alone on v2), in
    that order, side by side; None for an engine HeyGen publishes no price for."""
    engines: Sequence[Engine] = project_engines(project) if generation == "v3" else (Engine.AVATAR_IV,)
    return {
        engine: quote_project(
            replace(project, engine=engine), generation, limits, billing_type, avatar_type, measured=measured
        )
        for engine in engines
    }


def quote_draft(
    project: Project,
    generation: str,
    limits: ApiLimits,
    billing_type: BillingType | None = None,
    avatar_type: AvatarType | None = None,
    *,
    measured: Mapping[str, float] | None = None,
) -> VideoQuote | None:
    """The price of `draft_of(project)`: its cheapest render."""
    return quote_project(draft_of(project), generation, limits, billing_type, avatar_type, measured=measured)


def image_video_saving(generation: str, photos: int = 1) -> Money | None:
    """What animating `photos` straight away (v3 `type: "image"`) saves against creating an avatar of each
    first and rendering that: the avatar creation, as the render itself costs the same photo-avatar rate.
    None on v2, which has no image videos."""
    if generation != "v3":
        return None
    return action_price(PaidAction.CREATE_AVATAR, generation, photos)


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
