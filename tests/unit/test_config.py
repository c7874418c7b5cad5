"""Per-user paths and settings: they round-trip, and a broken file never stops the app starting."""

import json
import logging
from pathlib import Path

import pytest

from heygen_studio import config
from heygen_studio.config import Profile, Settings, app_paths, load_settings, read_settings, save_settings


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
    settings = Settings(
        profiles=[Profile("Work", "v3"), Profile("Old plan", "v2")],
        active_profile="Old plan",
        window_geometry="AdnQyw==",
        last_panel=3,
    )
    save_settings(settings, path)
    assert load_settings(path) == settings
    assert load_settings(path).active == Profile("Old plan", "v2")
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_missing_file_gives_defaults_quietly(home: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert load_settings(app_paths().settings_file) == Settings()
    assert not caplog.records


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{ not json", "it is not valid JSON"),
        (b'{"active_profile": "Caf\xe9"}', "it is not UTF-8 text"),
        (b'{"active_profile": "\\ud800"}', "it is not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "it is not valid JSON"),
        (b"[1, 2, 3]", "it does not hold a JSON object"),
    ],
)
def test_a_damaged_file_is_moved_aside_under_a_dated_name_and_defaults_used(
    home: Path, caplog: pytest.LogCaptureFixture, content: bytes, reason: str
) -> None:
    path = app_paths().settings_file
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING):
        settings, moved = read_settings(path)
    assert settings == Settings() and moved is not None
    assert not path.exists() and moved.aside.read_bytes() == content
    assert moved.aside.name.startswith("settings.json.damaged-20")
    assert reason in moved.message and str(moved.aside) in moved.message and moved.message in caplog.text


def test_a_second_damaged_file_never_overwrites_the_first_one_set_aside(home: Path) -> None:
    path = app_paths().settings_file
    path.parent.mkdir(parents=True)
    asides = []
    for content in (b"{ first", b"{ second"):
        path.write_bytes(content)
        moved = read_settings(path)[1]
        assert moved is not None
        asides.append(moved.aside)
    assert asides[0] != asides[1]
    assert [aside.read_bytes() for aside in asides] == [b"{ first", b"{ second"]


@pytest.mark.parametrize(
    "data",
    [
        {"profiles": "nope", "last_panel": "two", "active_profile": 5},
        {"profiles": [{"name": "X", "generation": "v9"}], "mystery": True},
    ],
)
def test_wrong_shapes_fall_back_to_defaults_with_a_warning(
    home: Path, caplog: pytest.LogCaptureFixture, data: object
) -> None:
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
