"""After a whole session (add a key, render, quit), no file the app wrote holds the key in any common encoding."""

from __future__ import annotations

import base64
import urllib.parse
from pathlib import Path

import pytest
from journey_run import JourneyRun

# The first test to ask for the journey waits for all of it (journey_run.JOURNEY_LIMIT_S at most).
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def encodings(key: str) -> dict[str, bytes]:
    """The forms a key could leak in: as typed, JSON/URL-escaped, base64 (as in a Basic header), UTF-16."""
    raw = key.encode()
    return {
        "plain": raw,
        "url-encoded": urllib.parse.quote(key, safe="").encode(),
        "base64": base64.b64encode(raw).rstrip(b"="),
        "base64 (urlsafe)": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "utf-16": key.encode("utf-16-le"),
    }


def files_under(*roots: Path) -> list[Path]:
    return sorted(path for root in roots for path in root.rglob("*") if path.is_file())


def test_no_file_the_app_wrote_holds_the_key(journey: JourneyRun) -> None:
    assert journey.returncode == 0, journey.output
    written = files_under(journey.home, journey.user_home)
    names = {path.name for path in written}
    # The search only proves something if the session really wrote these: settings, log, database, video, project.
    assert "settings.json" in names and any(name.endswith(".log") for name in names)
    assert "studio.sqlite3" in names, sorted(names)
    assert any(name.endswith(".mp4") for name in names) and any(name.endswith(".hgproj") for name in names), sorted(
        names
    )
    forms = encodings(journey.key)
    leaks = [f"{path} ({form})" for path in written for form, needle in forms.items() if needle in path.read_bytes()]
    assert not leaks, f"the API key was written to: {leaks}"
