"""What the Scenes panel says of a video: its totals and price, each scene's line, notes and saved state."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from heygen_studio.api.mapping import FieldNote
from heygen_studio.config import Generation
from heygen_studio.domain.money import Balance, Money
from heygen_studio.domain.pricing import V3_SOURCE, V3_SPEECH_USD_PER_SECOND, VideoRate
from heygen_studio.domain.project import Project, ProjectEstimate, Scene, SceneEstimate, format_duration
from heygen_studio.editor.project_editor import Price, SavedState
from heygen_studio.services.projects import Recovery

API_NAMES: dict[Generation, str] = {"v3": "HeyGen's current API", "v2": "HeyGen's legacy (v2) API"}
SAVED_TIP = "Your edits are also kept in a recovery copy, in case the app closes unexpectedly."
SPEECH_RATE = VideoRate(Money.usd(V3_SPEECH_USD_PER_SECOND), 0, V3_SOURCE)
"""What hearing a script costs (`POST /v3/voices/speech`): a price a second of audio, no steps."""


def length_text(seconds: float, measured: bool = False) -> str:
    """“about 15 s” guessed from the words; “14 s measured” once the scene's speech was heard."""
    text = format_duration(seconds)
    return f"{text.removeprefix('about ')} measured" if measured else text


def scene_line(number: int, scene: Scene, length: SceneEstimate, cost: Money | None, measured: bool = False) -> str:
    """The scene list's two lines for a scene: its number and first words, then its length and price."""
    first = " ".join(scene.script.split())
    first = (first[:38] + "…") if len(first) > 40 else (first or "(no script yet)")
    warn = "  ⚠ too long" if length.too_long else ""
    price = f" · {'' if measured else 'about '}{cost}" if cost is not None and length.seconds else ""
    return f"{number}. {first}\n     {length_text(length.seconds, measured)}{price}{warn}"


def shortfall_text(quote_total: Money, shortfall: Money) -> str:
    return f"This video costs about {quote_total}: {shortfall} more than your account has."


def totals_text(
    project: Project,
    totals: ProjectEstimate,
    price: Price,
    balance: Balance | None,
    measured: Mapping[str, float] | None = None,
) -> str:
    """The whole video's length and price (exact once every scene is `measured`: scene id → seconds heard),
    what the account has, and what is missing to pay it."""
    have = "" if balance is None else f" · your account: {balance.describe()}"
    scenes = len(project.scenes)
    heard = sum(1 for scene in project.scenes if scene.id in (measured or {}))
    exact = scenes > 0 and heard == scenes
    cost = "price not published for this engine" if price.quote is None else f"about {price.quote.total}"
    if exact and price.quote is not None:
        cost = str(price.quote.total)
    length = length_text(totals.seconds, measured=exact)
    if heard and not exact:
        length += f" ({heard} of {scenes} measured)"
    text = f"Whole video: {scenes} scene{'s' if scenes != 1 else ''}, {length} · {cost}{have}"
    if price.quote is not None and price.shortfall is not None:
        text += (
            f"\n{shortfall_text(price.quote.total, price.shortfall)} "
            "Shorten the scripts or add money in HeyGen before rendering."
        )
    return text


def scene_notes(notes: list[FieldNote], index: int, scene: Scene) -> list[FieldNote]:
    """The notes on scene `index` (none on an enhanced motion prompt while there is no prompt)."""
    return [
        note
        for note in notes
        if note.scene == index and not (note.field == "enhance_motion_prompt" and not scene.motion_prompt.strip())
    ]


def format_notes(notes: list[FieldNote], project: Project, generation: Generation) -> str:
    """The notes on the whole video (its format), one a line; "" when there are none."""
    lines = [n.reason + (f" Sent instead: {n.sent_as}." if n.sent_as else "") for n in notes if n.scene is None]
    if project.custom_size is not None and generation == "v3":
        size = project.custom_size
        lines.append(
            f"The custom size {size.width}×{size.height} needs the legacy API; the shape chosen above is used."
        )
    return "\n".join(lines)


def saved_text(state: SavedState, path: Path | None) -> str:
    if state is SavedState.SAVED and path is not None:
        return f"Saved as {path.name}"
    return "Changes not saved yet" if state is SavedState.CHANGED else "Not saved yet"


def queued_text(project: Project, totals: ProjectEstimate, price: Price) -> str:
    """What was added to the render queue."""
    cost = "." if price.quote is None else f", about {price.quote.total}."
    return f"Added to the render queue: “{project.title}”, {format_duration(totals.seconds)}{cost}"


def recovery_text(recovery: Recovery) -> str:
    """The question the start page asks about edits a crash left unsaved."""
    where = f"saved as {recovery.saved_path.name}" if recovery.saved_path else "never saved"
    return (
        f"“{recovery.project.title}” ({where}) had changes that were not saved when HeyGen Studio last closed. "
        "Restore them?"
    )


def listen_price_text(seconds: float, *, heard: bool, sandbox: bool) -> str:
    """What Listen costs, said before the click: nothing when heard before, else the speech's price."""
    if heard:
        return "Already heard: free"
    if sandbox:
        return "Free on the sandbox (pretend money); listening again is free"
    return f"First listen {_about(SPEECH_RATE.cost(seconds))}; listening again is free"


def measure_text(unheard: int, seconds: float, *, sandbox: bool) -> str:
    """What hearing every scene not heard yet costs (Measure all, Listen to the whole video)."""
    if unheard == 0:
        return "Every scene is measured: listening is free."
    scenes = f"{unheard} scene{'s' if unheard != 1 else ''} not heard yet"
    if sandbox:
        return f"{scenes}: free on the sandbox (pretend money)."
    return f"{scenes}: {_about(SPEECH_RATE.cost(seconds))} to hear and measure."


def _about(cost: Money) -> str:
    """“about $0.03”, or “under $0.01” (which says it already)."""
    text = str(cost)
    return text if text.startswith("under") else f"about {text}"
