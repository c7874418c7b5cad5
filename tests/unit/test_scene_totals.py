"""How the Scenes panel words a video's totals, scene lines, notes and saved state (pure functions)."""

from __future__ import annotations

from pathlib import Path

from heygen_studio.api.mapping import FieldNote
from heygen_studio.api.models import Dimension
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.domain.pricing import VideoQuote, VideoRate
from heygen_studio.domain.project import Project, ProjectEstimate, Scene, SceneEstimate
from heygen_studio.editor.project_editor import Price, SavedState
from heygen_studio.editor.totals import (
    format_notes,
    queued_text,
    recovery_text,
    saved_text,
    scene_line,
    scene_notes,
    totals_text,
)
from heygen_studio.services.projects import Recovery


def length(seconds: float, too_long: bool = False) -> SceneEstimate:
    return SceneEstimate(words=8, characters=1600 if too_long else 40, max_characters=1500, seconds=seconds)


def quote(total: Money, *scene_costs: Money) -> VideoQuote:
    """A quote as domain.pricing makes them, with the given total and scene costs."""
    rate = VideoRate(per_second=Money.usd("0.05"), step_seconds=1, source="a test")
    return VideoQuote(scene_seconds=(), scene_costs=scene_costs, seconds=0.0, total=total, rate=rate)


def test_a_scene_line_shows_its_first_words_length_price_and_a_warning() -> None:
    long = Scene(script="This  script\nhas a great many words, more than fit on one line of the list")
    line = scene_line(2, long, length(64.0, too_long=True), Money.usd("3.20"))
    assert line == "2. This script has a great many words, mo…\n     about 1 min 4 s · about $3.20  ⚠ too long"
    assert scene_line(1, Scene(), length(0.0), Money.usd(0)) == "1. (no script yet)\n     about 0 s"


def test_totals_say_length_price_balance_and_what_is_missing() -> None:
    project = Project(scenes=(Scene(script="One"), Scene(script="Two")))
    totals = ProjectEstimate(scenes=(length(30.0), length(30.0)), seconds=60.0)
    wallet = Balance(BillingType.WALLET, Currency.USD, Money.usd("0.05"))
    text = totals_text(
        project, totals, Price(quote(Money.usd(3), Money.usd("1.5"), Money.usd("1.5")), Money.usd("2.95")), wallet
    )
    assert text.startswith("Whole video: 2 scenes, about 1 min · about $3.00 · your account: $0.05 left\n")
    assert "This video costs about $3.00: $2.95 more than your account has. Shorten the scripts" in text
    unpriced = totals_text(Project(), ProjectEstimate(scenes=(length(5.0),), seconds=5.0), Price(None, None), None)
    assert unpriced == "Whole video: 1 scene, about 5 s · price not published for this engine"


def test_notes_split_into_a_scene_s_and_the_whole_video_s() -> None:
    notes = [
        FieldNote("emotion", 0, "Friendly", "The legacy API has no such emotion."),
        FieldNote("enhance_motion_prompt", 0, None, "Not sent without a prompt."),
        FieldNote("resolution", None, "1080p", "4K needs a paid plan."),
    ]
    assert scene_notes(notes, 0, Scene()) == notes[:1]  # no prompt: nothing to say about enhancing it
    assert scene_notes(notes, 0, Scene(motion_prompt="nods")) == notes[:2]
    assert scene_notes(notes, 1, Scene()) == []
    assert format_notes(notes, Project(), "v2") == "4K needs a paid plan. Sent instead: 1080p."
    custom = Project(custom_size=Dimension(1080, 1350))
    assert format_notes([], custom, "v3") == (
        "The custom size 1080×1350 needs the legacy API; the shape chosen above is used."
    )
    assert format_notes([], custom, "v2") == ""


def test_saved_state_queued_and_recovery_texts() -> None:
    path = Path("/videos/launch.hgproj")
    assert saved_text(SavedState.SAVED, path) == "Saved as launch.hgproj"
    assert saved_text(SavedState.CHANGED, path) == "Changes not saved yet"
    assert saved_text(SavedState.NEVER, None) == "Not saved yet"
    project = Project(title="Launch")
    totals = ProjectEstimate(scenes=(length(75.0),), seconds=75.0)
    credits = quote(Money.credits(12), Money.credits(12))
    assert (
        queued_text(project, totals, Price(credits, None))
        == "Added to the render queue: “Launch”, about 1 min 15 s, about 12 credits."
    )
    assert queued_text(project, totals, Price(None, None)) == "Added to the render queue: “Launch”, about 1 min 15 s."
    assert "“Launch” (saved as launch.hgproj) had changes" in recovery_text(Recovery(project, path, 0.0))
    assert "(never saved)" in recovery_text(Recovery(project, None, 0.0))
