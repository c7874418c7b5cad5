"""Per-user paths and settings: they round-trip, and a broken file never stops the app starting."""

import json
import logging
from pathlib import Path

import pytest

from heygen_studio import config
from heygen_studio.config import Profile, Settings, app_paths, load_settings, save_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path))
    return tmp_path


def test_every_folder_lives_under_the_override_home(home: Path) -> None:
    paths = app_paths().ensure()
    for folder in (paths.config_dir, paths.data_dir, paths.cache_dir, paths.log_dir):
        assert folder.is_dir() and folder.is_relative_to(home)
    assert paths.settings_file.parent == paths.config_dir
    assert paths.log_file.parent == paths.log_dir


def test_without_override_the_platform_folders_name_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.HOME_ENV, raising=False)
    paths = app_paths()
    assert config.APP_SLUG in str(paths.config_dir) or config.APP_NAME in str(paths.config_dir)


def test_settings_round_trip(home: Path) -> None:
    path = app_paths().settings_file
    settings = Settings(profiles=[Profile("Work", "v3"), Profile("Old plan", "v2")],
                        active_profile="Old plan", window_geometry="AdnQyw==", last_panel=3)
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert load_settings(path).active == Profile("Old plan", "v2")
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_missing_file_gives_defaults_quietly(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert load_settings(app_paths().settings_file) == Settings()
    assert not caplog.records


def test_corrupt_file_gives_defaults_a_warning_and_keeps_a_copy(
        home: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = app_paths().settings_file
    path.parent.mkdir(parents=True)
    path.write_text("{ not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_settings(path) == Settings()
    assert "not valid JSON" in caplog.text
    assert path.with_suffix(".corrupt.json").read_text(encoding="utf-8") == "{ not json"


@pytest.mark.parametrize("data", [
    [1, 2, 3],
    {"profiles": "nope", "last_panel": "two", "active_profile": 5},
    {"profiles": [{"name": "X", "generation": "v9"}], "mystery": True},
])
def test_wrong_shapes_fall_back_to_defaults_with_a_warning(
        home: Path, caplog: pytest.LogCaptureFixture, data: object) -> None:
    path = app_paths().settings_file
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_settings(path) == Settings()
    assert caplog.records


def test_active_profile_falls_back_to_the_first() -> None:
    assert Settings(active_profile="gone").active == Settings().profiles[0]


def test_settings_file_has_no_place_for_an_api_key(home: Path) -> None:
    path = app_paths().settings_file
    save_settings(Settings(), path)
    assert "key" not in path.read_text(encoding="utf-8").lower()
