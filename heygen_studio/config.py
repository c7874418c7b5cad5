"""Per-user paths (config, data, cache, logs) and the typed settings saved in the config folder."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import platformdirs

from heygen_studio.storage.atomic_files import write_text_atomically
from heygen_studio.storage.damaged_files import MovedAside, move_aside

log = logging.getLogger(__name__)

HOME_ENV = "HEYGEN_STUDIO_HOME"
"""Point this at a folder to keep every file of the app inside it (tests, portable installs)."""

APP_NAME = "HeyGen Studio"
APP_SLUG = "heygen-studio"
DESKTOP_ID = "io.github.heygen_studio.HeyGenStudio"
ORGANIZATION = "HeyGen Studio"
SETTINGS_SCHEMA_VERSION = 1

Generation = Literal["v3", "v2"]
GENERATIONS: tuple[str, ...] = get_args(Generation)


@dataclass(frozen=True)
class Paths:
    """Where the app keeps its files; every folder is created on first use by `ensure()`."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def log_file(self) -> Path:
        return self.log_dir / f"{APP_SLUG}.log"

    def ensure(self) -> Paths:
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def app_paths() -> Paths:
    """The per-user folders: under $HEYGEN_STUDIO_HOME if set, else the platform's usual places."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return Paths(root / "config", root / "data", root / "cache", root / "logs")
    # Linux convention is a lower-case folder name; macOS and Windows show the product name.
    name = APP_SLUG if sys.platform.startswith("linux") else APP_NAME
    dirs = platformdirs.PlatformDirs(appname=name, appauthor=False)
    return Paths(
        Path(dirs.user_config_dir),
        Path(dirs.user_data_dir),
        Path(dirs.user_cache_dir),
        Path(dirs.user_log_dir),
    )


@dataclass
class Profile:
    """A HeyGen account the user works with; its API key lives in the keychain, never here."""

    name: str
    generation: Generation = "v3"


def _default_profiles() -> list[Profile]:
    return [Profile(name="HeyGen", generation="v3")]


@dataclass
class Settings:
    """Everything the app remembers between runs, stored as JSON in `Paths.settings_file`."""

    profiles: list[Profile] = field(default_factory=_default_profiles)
    active_profile: str = "HeyGen"
    window_geometry: str = ""  # QMainWindow.saveGeometry() as base64
    window_state: str = ""  # QMainWindow.saveState() as base64
    last_panel: int = 0
    use_sandbox: bool = False  # the user chose "Try the sandbox" last time

    @property
    def active(self) -> Profile:
        """The active profile, or the first one when the name no longer matches any."""
        for profile in self.profiles:
            if profile.name == self.active_profile:
                return profile
        return self.profiles[0]

    def to_json(self) -> dict[str, Any]:
        return {"schema_version": SETTINGS_SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: object) -> Settings:
        """Settings from parsed JSON; anything missing, unknown or of the wrong type is defaulted."""
        settings = cls()
        if not isinstance(data, dict):
            log.warning("Settings file does not hold a JSON object; using defaults")
            return settings
        version = data.get("schema_version")
        if version != SETTINGS_SCHEMA_VERSION:
            log.warning("Settings schema version %r, expected %d; reading what fits", version, SETTINGS_SCHEMA_VERSION)
        known = {
            "schema_version",
            "profiles",
            "active_profile",
            "window_geometry",
            "window_state",
            "last_panel",
            "use_sandbox",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            log.warning("Ignoring unknown settings: %s", ", ".join(map(str, unknown)))
        if "profiles" in data:
            profiles = _profiles_from_json(data["profiles"])
            if profiles:
                settings.profiles = profiles
            else:
                log.warning("No valid profile in settings; using the default profile")
        for name in ("active_profile", "window_geometry", "window_state"):
            if name in data:
                if isinstance(data[name], str):
                    setattr(settings, name, data[name])
                else:
                    log.warning("Setting %s should be text; using the default", name)
        if isinstance(data.get("use_sandbox"), bool):
            settings.use_sandbox = data["use_sandbox"]
        if "last_panel" in data:
            value = data["last_panel"]
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                settings.last_panel = value
            else:
                log.warning("Setting last_panel should be a whole number; using the default")
        return settings


def _profiles_from_json(raw: object) -> list[Profile]:
    if not isinstance(raw, list):
        return []
    profiles: list[Profile] = []
    for item in raw:
        if (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and item["name"]
            and item.get("generation", "v3") in GENERATIONS
        ):
            profiles.append(Profile(name=item["name"], generation=item.get("generation", "v3")))
        else:
            log.warning("Skipping an invalid profile in settings")
    return profiles


def load_settings(path: Path) -> Settings:
    """Read settings; a missing file gives defaults, a damaged one is moved aside (logged) and defaults used."""
    return read_settings(path)[0]


def read_settings(path: Path) -> tuple[Settings, MovedAside | None]:
    """The settings in `path`, and where the file went if it was damaged (bytes that are not UTF-8, not JSON,
    not a JSON object) and so moved aside: the caller tells the user once. A missing file gives defaults."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), None
    except OSError as error:
        log.warning("Could not read settings %s (%s); using defaults", path, error)
        return Settings(), None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # lone surrogates could never be saved again
    except UnicodeError:
        reason = "it is not UTF-8 text"
    except (ValueError, RecursionError):
        reason = "it is not valid JSON"
    else:
        if isinstance(data, dict):
            return Settings.from_json(data), None
        reason = "it does not hold a JSON object"
    try:
        moved = move_aside(path, reason)
    except OSError:
        log.warning("Could not move the damaged settings %s aside; using defaults", path, exc_info=True)
        return Settings(), None
    return Settings(), moved


def save_settings(settings: Settings, path: Path) -> None:
    """Write settings atomically: a temporary file in the same folder, then os.replace."""
    write_text_atomically(path, json.dumps(settings.to_json(), indent=2, ensure_ascii=False) + "\n")
