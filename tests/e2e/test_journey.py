"""The whole first-run journey in a real X window and keychain: key, photo, avatar, look, scenes, render, video."""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import pytest
from journey_run import JourneyRun

from heygen_studio.storage.secrets import SERVICE

# The first test to ask for the journey waits for all of it (journey_run.JOURNEY_LIMIT_S at most).
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

DURATION_SLACK_S = 0.5  # the sandbox's video is its speech: as long as the scenes measured when heard


def test_a_new_user_goes_from_api_key_to_a_playable_video(journey: JourneyRun) -> None:
    result = journey.result
    assert journey.returncode == 0 and result.get("ok"), (
        f"the journey failed at “{result.get('step')}”: {result.get('error')}\n{journey.output}"
    )
    assert result["tasks_left"] == 0, "background work was left running after quitting"
    seen = result["seen"]
    assert seen["settings_status"].startswith("Works:") and "saved in your keychain" in seen["settings_status"]
    assert seen["connection"] == f"{journey.profile} · HeyGen v3"
    assert seen["credits"].startswith("Balance: ") and "unavailable" not in seen["credits"]
    assert seen["photo_verdict"] == "pass"
    assert [scene["expressiveness"] for scene in seen["scenes"]] == ["High — lively", "Low — calm"]
    assert not seen["emotion_offered"], "v3 sends no emotion, so the editor does not offer it"
    assert len({scene["motion_prompt"] for scene in seen["scenes"]}) == 2
    assert "camera" not in seen["scenes"][0]["advice"], "“waves at the camera” is not a camera move"
    assert seen["second_render"]["question"] == "This video is already rendering — render another copy?"
    assert seen["second_render"]["button_stayed"], "the Render button moved under the pointer"
    assert seen["render_statuses"][-1] == "Ready to watch"
    assert seen["render"]["status"] == "downloaded" and seen["render"]["play_visible"]
    assert seen["renders_listed"] == 1, "Render clicked twice (the second answered Cancel) made one render"
    assert " · took " in seen["render"]["details"], seen["render"]["details"]
    assert Path(seen["project_file"]).suffix == ".hgproj" and Path(seen["project_file"]).is_file()


def test_the_key_is_in_the_real_keychain_under_the_profile(journey: JourneyRun) -> None:
    assert journey.returncode == 0, journey.output
    stored = subprocess.run(
        ["secret-tool", "lookup", "service", SERVICE, "username", journey.profile],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert stored.returncode == 0 and stored.stdout == journey.key, "the key is not in the keychain under the profile"


def test_the_downloaded_file_is_a_playable_mp4_as_long_as_its_scenes_measured(journey: JourneyRun) -> None:
    assert journey.returncode == 0, journey.output
    video = Path(journey.result["seen"]["render"]["file"])
    assert video.suffix == ".mp4" and video.stat().st_size > 0
    measured_s = journey.result["seen"]["measured_s"]
    with av.open(str(video)) as container:
        assert len(container.streams.video) == 1
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        duration_s = float(container.duration) / av.time_base
    assert frames > 0
    assert abs(duration_s - measured_s) <= DURATION_SLACK_S, (
        f"the video runs {duration_s:.2f} s; its scenes measured {measured_s:.2f} s"
    )
