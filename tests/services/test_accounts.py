"""Profiles and keys: adding, activating, replacing and deleting, with plain messages for mistakes."""

from __future__ import annotations

import pytest

from heygen_studio.api import Account
from heygen_studio.config import Settings
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.services.accounts import Accounts, Endpoint, ProfileError, describe_account
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SecretStore


class Saves:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def accounts() -> Accounts:
    return Accounts(Settings(), Saves(), SecretStore(MemoryKeyring()))


async def test_first_key_fills_the_default_profile_and_makes_it_active(accounts: Accounts) -> None:
    await accounts.add("HeyGen", "key-one")
    assert [p.name for p in accounts.profiles] == ["HeyGen"]
    assert accounts.settings.active_profile == "HeyGen"
    assert await accounts.key("HeyGen") == "key-one"


async def test_several_profiles_keep_separate_keys_and_generations(accounts: Accounts) -> None:
    await accounts.add("Work", "work-key", "v3")
    await accounts.add("Personal", "home-key", "v2")
    assert await accounts.key("Work") == "work-key"
    assert await accounts.key("Personal") == "home-key"
    assert accounts.find("Personal").generation == "v2"  # type: ignore[union-attr]
    # The first profile with a key became active; adding a second does not steal that.
    assert accounts.settings.active_profile == "Work"
    accounts.set_active("Personal")
    assert accounts.settings.active.name == "Personal"


async def test_adding_a_duplicate_name_is_refused(accounts: Accounts) -> None:
    await accounts.add("Work", "work-key")
    with pytest.raises(ProfileError, match="already a profile called “Work”"):
        await accounts.add("Work", "other-key")
    assert await accounts.key("Work") == "work-key"


@pytest.mark.parametrize(
    ("name", "key", "message"),
    [
        ("   ", "k", "Give the profile a name"),
        ("x" * 41, "k", "under 40 characters"),
        ("Work", "   ", "Paste your HeyGen API key"),
        ("Work", "abc def", "spaces or line breaks"),
    ],
)
async def test_bad_input_gets_a_message_that_says_what_to_do(
    accounts: Accounts, name: str, key: str, message: str
) -> None:
    with pytest.raises(ProfileError, match=message):
        await accounts.add(name, key)
    assert accounts.find(name.strip()) is None or not await accounts.has_key(name.strip())


async def test_replace_key_keeps_the_profile(accounts: Accounts) -> None:
    await accounts.add("Work", "old")
    await accounts.replace_key("Work", "new")
    assert await accounts.key("Work") == "new"


async def test_deleting_the_active_profile_removes_its_key_and_activates_another(
    accounts: Accounts,
) -> None:
    await accounts.add("Work", "work-key")
    await accounts.add("Personal", "home-key")
    await accounts.delete("Work")
    assert await accounts.key("Work") is None
    assert accounts.settings.active.name != "Work"
    assert [p.name for p in accounts.profiles] == ["HeyGen", "Personal"]


async def test_every_change_is_saved(accounts: Accounts) -> None:
    saves = accounts._save
    assert isinstance(saves, Saves)
    await accounts.add("Work", "k")
    accounts.set_generation("Work", "v2")
    accounts.set_active("Work")
    await accounts.delete("Work")
    assert saves.count == 4


async def test_profile_without_a_key_says_how_to_add_one(accounts: Accounts) -> None:
    check = await accounts.check_profile("HeyGen")
    assert not check.ok
    assert "no API key yet" in check.message


def test_api_url_override_points_every_profile_at_one_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEYGEN_STUDIO_API_URL", "http://127.0.0.1:8765/")
    assert Endpoint.heygen() == Endpoint("http://127.0.0.1:8765", "http://127.0.0.1:8765")
    monkeypatch.delenv("HEYGEN_STUDIO_API_URL")
    assert Endpoint.heygen().upload_url == "https://upload.heygen.com"


def test_account_description_names_who_and_the_balance() -> None:
    wallet = Balance(BillingType.WALLET, Currency.USD, Money.usd("12.4"))
    assert (
        describe_account(Account("Jane Doe", "jane@example.com", wallet))
        == "Works: Jane Doe (jane@example.com), $12.40 left."
    )
    credits = Balance(BillingType.LEGACY_QUOTA, Currency.CREDITS, Money.credits(120))
    assert describe_account(Account("Jane", None, credits)) == "Works: Jane, 120 credits left."
    assert "balance unknown" in describe_account(Account("", None, None))
