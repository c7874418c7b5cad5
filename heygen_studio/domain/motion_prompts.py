"""Gentle checks of a motion prompt (what HeyGen follows best), with example prompts to start from."""

from __future__ import annotations

import re
from dataclasses import dataclass

EXAMPLES: tuple[str, ...] = (
    "Nods gently and smiles",
    "Raises eyebrows when making a point",
    "Leans slightly forward with open hand gestures",
    "Tilts head and smiles warmly",
    "Keeps hands still with a calm, steady gaze",
    "Counts on fingers while explaining",
)

MAX_CLAUSES = 2

_NEGATIVE = re.compile(r"\b(don'?t|do not|doesn'?t|no|never|stop|not)\b", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(r"[,;.!?]|\b(?:and then|then|while|and)\b", re.IGNORECASE)
_EMOTIONS = re.compile(
    r"\b(happy|sad|confident|excited|calm|angry|nervous|proud|friendly|enthusiastic|serious|joyful|"
    r"relaxed|cheerful|passionate|energetic|professional|warm|surprised|worried)\b",
    re.IGNORECASE,
)
_ACTIONS = re.compile(
    r"\b(nod|smile|raise|tilt|lean|gesture|point|blink|laugh|look|turn|shrug|wave|open|hold|frown|"
    r"furrow|shake|lift|glance|count|clap|spread|touch|bow|wink|grin|narrow|widen|keep|move|"
    r"press|purse|sway|rais)\w*",
    re.IGNORECASE,
)
_IGNORED: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "camera",
        re.compile(
            r"\b(camera (moves?|moving|pans?|panning|zooms?|zooming|follows?|orbits?|circles?|"
            r"tilts?|rotates?|pulls? (back|away|in)|pushes? in|tracks?|shakes?|cuts?)|"
            r"(moves?|moving|pans?|tilts?|shakes?) the camera|"
            r"zoom\w*|pan(s|ning)?|dolly|close-?up|tracking shot|wide shot)\b",
            re.IGNORECASE,
        ),
        "HeyGen keeps the camera still, so camera moves are ignored. Describe the face and hands instead.",
    ),
    (
        "props",
        re.compile(
            r"\b(picks? up|holding an?|holds an?|cup|coffee|phone|book|pen|glass|microphone|"
            r"sign|laptop)\b",
            re.IGNORECASE,
        ),
        "Objects that aren't in the photo can't appear. Describe a hand gesture instead.",
    ),
    (
        "walking",
        re.compile(
            r"\b(walk\w*|runs?|running|steps? (forward|back|away)|sits? down|stands? up|"
            r"jumps?|dances?|dancing)\b",
            re.IGNORECASE,
        ),
        "The avatar stays in place, so walking or changing posture is ignored. Try “leans forward” instead.",
    ),
    (
        "scene",
        re.compile(
            r"\b(cut to|scene changes?|background changes?|new location|transition\w*|"
            r"moves? to the|outside|outdoors)\b",
            re.IGNORECASE,
        ),
        "One scene keeps one background and place. Add a new scene for a change of setting.",
    ),
)


@dataclass(frozen=True)
class MotionAdvice:
    """One thing HeyGen may not follow in a motion prompt, and what to write instead."""

    kind: str  # negative | clauses | abstract | camera | props | walking | scene
    problem: str
    suggestion: str


def count_clauses(prompt: str) -> int:
    """Parts of the prompt separated by punctuation or by 'and' / 'then' / 'while'."""
    return sum(1 for part in _CLAUSE_SPLIT.split(prompt) if part and part.strip())


def check_motion_prompt(prompt: str) -> list[MotionAdvice]:
    """Advice on `prompt`, most important first; an empty list when it reads well (or is empty)."""
    text = prompt.strip()
    if not text:
        return []
    advice: list[MotionAdvice] = []
    negative = _NEGATIVE.search(text)
    if negative:
        advice.append(
            MotionAdvice(
                "negative",
                f"“{negative.group(0)}” tells HeyGen what not to do, and it may do it anyway.",
                "Say what the avatar should do instead, e.g. “keeps hands still” rather than “don’t move”.",
            )
        )
    clauses = count_clauses(text)
    if clauses > MAX_CLAUSES:
        advice.append(
            MotionAdvice(
                "clauses",
                f"This asks for {clauses} things at once; HeyGen follows one or two best.",
                "Keep the one or two movements that matter most, or spread them over several scenes.",
            )
        )
    emotion = _EMOTIONS.search(text)
    if emotion and not _ACTIONS.search(text):
        advice.append(
            MotionAdvice(
                "abstract",
                f"“{emotion.group(0)}” is a feeling, not a movement HeyGen can show.",
                "Describe what the face or hands do, e.g. “smiles warmly and nods”.",
            )
        )
    for kind, pattern, suggestion in _IGNORED:
        found = pattern.search(text)
        if found:
            advice.append(MotionAdvice(kind, f"HeyGen ignores “{found.group(0)}”.", suggestion))
    return advice
