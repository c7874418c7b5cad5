"""Profiles (named HeyGen accounts) and their API keys: add, test, activate, replace, delete."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from heygen_studio.api import (
    Account,
    AuthError,
    ForbiddenError,
    HeyGenError,
    NetworkError,
)
from heygen_studio.config import Generation, Profile, Settings
from heygen_studio.storage.secrets import SecretStore, StorageResult

if TYPE_CHECKING:
    import httpx

HEYGEN_API_URL = "https://api.heygen.com"
HEYGEN_UPLOAD_URL = "https://upload.heygen.com"
API_URL_ENV = "HEYGEN_STUDIO_API_URL"
"""Send every profile's requests to this URL instead of HeyGen, e.g. `heygen-studio sandbox`'s."""

MAX_PROFILE_NAME = 40


@dataclass(frozen=True)
class Endpoint:
    """Where a profile's requests go: HeyGen's API and upload hosts, or one local server."""

    base_url: str
    upload_url: str

    @classmethod
    def heygen(cls) -> Endpoint:
        override = os.environ.get(API_URL_ENV, "").strip().rstrip("/")
        if override:
            return cls(override, override)
        return cls(HEYGEN_API_URL, HEYGEN_UPLOAD_URL)


@dataclass(frozen=True)
class KeyCheck:
    """What testing a key found: the account it belongs to, or a plain reason it can't be used."""

    account: Account | None
    message: str

    @property
    def ok(self) -> bool:
        return self.account is not None


class ProfileError(ValueError):
    """A profile name or key the user typed can't be used; the message says what to change."""


class Accounts:
    """The user's profiles (names and API generation in settings) and their keys (in the keychain).

    Keychain calls run in a worker thread, so every method that touches a key is async.
    """

    def __init__(
        self,
        settings: Settings,
        save: Callable[[], None],
        secrets: SecretStore,
        endpoint: Endpoint | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.secrets = secrets
        self.endpoint = endpoint or Endpoint.heygen()
        self._save = save
        self._transport = transport

    @property
    def profiles(self) -> list[Profile]:
        return list(self.settings.profiles)

    def find(self, name: str) -> Profile | None:
        return next((p for p in self.settings.profiles if p.name == name), None)

    async def add(self, name: str, key: str, generation: Generation = "v3") -> StorageResult:
        """A new profile with its key; the first profile with a key becomes the active one."""
        name = self._valid_name(name)
        if self.find(name) is not None and await self.has_key(name):
            raise ProfileError(f"There is already a profile called “{name}”. Choose another name.")
        result = await asyncio.to_thread(self.secrets.set, name, self._valid_key(key))
        profile = self.find(name)
        if profile is None:
            self.settings.profiles.append(Profile(name=name, generation=generation))
        else:
            profile.generation = generation
        if not await self.has_key(self.settings.active.name) or self.settings.active.name == name:
            self.settings.active_profile = name
        self._save()
        return result

    async def replace_key(self, name: str, key: str) -> StorageResult:
        self._require(name)
        return await asyncio.to_thread(self.secrets.set, name, self._valid_key(key))

    async def delete(self, name: str) -> None:
        """Forget the profile and remove its key from the keychain."""
        self._require(name)
        await asyncio.to_thread(self.secrets.delete, name)
        self.settings.profiles = [p for p in self.settings.profiles if p.name != name]
        if not self.settings.profiles:
            self.settings.profiles = [Profile(name="HeyGen")]
        if self.settings.active_profile == name:
            self.settings.active_profile = self.settings.profiles[0].name
        self._save()

    def set_active(self, name: str) -> None:
        self._require(name)
        self.settings.active_profile = name
        self._save()

    def set_generation(self, name: str, generation: Generation) -> None:
        self._require(name).generation = generation
        self._save()

    async def has_key(self, name: str) -> bool:
        return await asyncio.to_thread(self.secrets.has, name)

    async def key(self, name: str) -> str | None:
        return await asyncio.to_thread(self.secrets.get, name)

    async def check_profile(self, name: str) -> KeyCheck:
        profile = self._require(name)
        key = await self.key(name)
        if key is None:
            return KeyCheck(None, f"“{name}” has no API key yet. Click “Add key…” in Settings to add one.")
        return await self.check_key(key, profile.generation)

    async def check_key(self, key: str, generation: Generation) -> KeyCheck:
        """Ask HeyGen who the key belongs to and how many credits are left."""
        from heygen_studio.api.clients import open_client  # httpx and both clients: not needed to start

        try:
            async with open_client(
                generation,
                self._valid_key(key),
                base_url=self.endpoint.base_url,
                upload_url=self.endpoint.upload_url,
                transport=self._transport,
                max_retry_wait_s=5.0,
                timeout_s=20.0,
            ) as api:
                account = await api.account()
        except ProfileError as error:
            return KeyCheck(None, str(error))
        except AuthError:
            return KeyCheck(
                None,
                "HeyGen rejected this key. Copy it again from HeyGen "
                "(Settings → API in your HeyGen account) and paste it here.",
            )
        except ForbiddenError:
            return KeyCheck(
                None,
                "This key works but has no API access. API access comes with "
                "HeyGen's API plans; check your plan on heygen.com.",
            )
        except NetworkError:
            return KeyCheck(
                None, "Can't reach HeyGen. Check your internet connection and try again, or try the sandbox meanwhile."
            )
        except HeyGenError as error:
            return KeyCheck(None, str(error))
        return KeyCheck(account, describe_account(account))

    def _require(self, name: str) -> Profile:
        profile = self.find(name)
        if profile is None:
            raise ProfileError(f"There is no profile called “{name}”.")
        return profile

    @staticmethod
    def _valid_name(name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise ProfileError("Give the profile a name, for example “Work” or “Personal”.")
        if len(name) > MAX_PROFILE_NAME:
            raise ProfileError(f"Keep the profile name under {MAX_PROFILE_NAME} characters.")
        return name

    @staticmethod
    def _valid_key(key: str) -> str:
        key = key.strip()
        if not key:
            raise ProfileError("Paste your HeyGen API key. You find it in your HeyGen account under Settings → API.")
        if any(ch.isspace() for ch in key):
            raise ProfileError("The key contains spaces or line breaks; copy it again, exactly.")
        return key


def describe_account(account: Account) -> str:
    """“Works: Jane Doe (jane@example.com), $12.40 left.”"""
    who = account.name or account.email or "your account"
    if account.email and account.email != who:
        who = f"{who} ({account.email})"
    left = "balance unknown" if account.balance is None else account.balance.describe()
    return f"Works: {who}, {left}."
