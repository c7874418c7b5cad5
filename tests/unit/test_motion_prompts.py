"""Motion prompt advice: what HeyGen may not follow, each with a suggestion; the examples pass."""

import pytest

from heygen_studio.domain.motion_prompts import EXAMPLES, check_motion_prompt, count_clauses


def kinds(prompt: str) -> list[str]:
    return [advice.kind for advice in check_motion_prompt(prompt)]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_examples_offered_get_no_advice(example: str) -> None:
    assert check_motion_prompt(example) == []


def test_an_empty_prompt_is_fine() -> None:
    assert check_motion_prompt("   ") == []


@pytest.mark.parametrize("prompt", ["Don't move the hands", "no blinking", "never looks away", "stop waving"])
def test_negative_phrasing_is_flagged(prompt: str) -> None:
    assert "negative" in kinds(prompt)


def test_nods_is_not_mistaken_for_no() -> None:
    assert kinds("nods slowly") == []


def test_more_than_two_clauses_is_flagged() -> None:
    assert count_clauses("nods, smiles and raises eyebrows") == 3
    assert "clauses" in kinds("nods, smiles and raises eyebrows")
    assert "clauses" not in kinds("nods and smiles")


def test_a_feeling_without_a_movement_is_flagged_with_a_concrete_suggestion() -> None:
    advice = check_motion_prompt("happy and confident")
    assert advice[0].kind == "abstract"
    assert "smiles" in advice[0].suggestion
    assert "abstract" not in kinds("confident, nods firmly")


@pytest.mark.parametrize(
    ("prompt", "kind"),
    [
        ("slow zoom in on the face", "camera"),
        ("picks up a coffee cup", "props"),
        ("walks toward the viewer", "walking"),
        ("cut to the office", "scene"),
    ],
)
def test_things_heygen_ignores_are_named(prompt: str, kind: str) -> None:
    advice = [a for a in check_motion_prompt(prompt) if a.kind == kind]
    assert advice and advice[0].suggestion


@pytest.mark.parametrize(
    "prompt", ["waves at the camera", "looks straight into the camera and nods", "smiles at the camera"]
)
def test_looking_or_waving_at_the_camera_is_not_a_camera_move(prompt: str) -> None:
    assert "camera" not in kinds(prompt)


@pytest.mark.parametrize(
    "prompt", ["the camera slowly pans left", "camera zooms in on the face", "moves the camera closer"]
)
def test_camera_moves_are_still_named(prompt: str) -> None:
    assert "camera" in kinds(prompt)
