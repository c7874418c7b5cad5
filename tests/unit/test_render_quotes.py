"""A render already queued is priced from its request exactly as the editor priced its project."""

from __future__ import annotations

from dataclasses import replace

import pytest

from heygen_studio.api.models import Resolution
from heygen_studio.api.v2 import V2Api
from heygen_studio.api.v3 import V3Api
from heygen_studio.domain.money import BillingType, Money
from heygen_studio.domain.pricing import AvatarType, Engine
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef, video_spec
from heygen_studio.domain.quotes import quote_project, quote_spec

MINUTE = Project(
    look=LookRef("look-1"),
    voice=VoiceRef("voice-1"),
    scenes=(Scene(script=" ".join(["word"] * 150)), Scene(script="A short second scene.")),
)


@pytest.mark.parametrize(
    "project, generation, billing",
    [
        (MINUTE, "v3", None),
        (replace(MINUTE, engine=Engine.AVATAR_III), "v3", BillingType.WALLET),
        (replace(MINUTE, resolution=Resolution.UHD_4K), "v3", BillingType.USAGE_BASED),
        (MINUTE, "v3", BillingType.SUBSCRIPTION),
        (MINUTE, "v2", None),
        (replace(MINUTE, scenes=(Scene(script="Slowly now.", voice_speed=0.5),)), "v3", None),
        (replace(MINUTE, look=LookRef("look-2", avatar_type="studio_avatar")), "v3", None),
    ],
)
def test_a_request_costs_what_its_project_was_quoted(
    project: Project, generation: str, billing: BillingType | None
) -> None:
    limits = V3Api.limits if generation == "v3" else V2Api.limits
    avatar_type = AvatarType(project.look.avatar_type) if project.look and project.look.avatar_type else None
    expected = quote_project(project, generation, limits, billing, avatar_type)
    assert expected is not None
    assert quote_spec(video_spec(project, generation), generation, billing) == expected


def test_a_minute_on_avatar_iv_at_1080p_is_three_dollars_and_avatar_v_has_no_price() -> None:
    quote = quote_spec(video_spec(replace(MINUTE, scenes=MINUTE.scenes[:1]), "v3"), "v3")
    assert quote is not None and quote.total == Money.usd(3) and quote.total.format() == "$3.00"
    assert quote_spec(video_spec(replace(MINUTE, engine=Engine.AVATAR_V), "v3"), "v3") is None


def test_a_queued_request_keeps_its_looks_avatar_type_and_is_priced_by_it_when_tried_again() -> None:
    from heygen_studio.storage.render_jobs import spec_from_json, spec_to_json

    studio = video_spec(
        replace(MINUTE, look=LookRef("look-2", avatar_type="studio_avatar"), scenes=MINUTE.scenes[:1]), "v3"
    )
    saved = spec_from_json(spec_to_json(studio))
    assert saved == studio and saved.avatar_type is AvatarType.STUDIO
    quote = quote_spec(saved, "v3")
    assert quote is not None and quote.total == Money.usd("4.002")  # $0.0667 a second, not a photo avatar's $0.05
