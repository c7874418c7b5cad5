"""The one price list: HeyGen's published rates, exact money and balances in the account's unit."""

from decimal import Decimal

import pytest

from heygen_studio.domain.money import Balance, BillingType, Currency, CurrencyMismatch, Money
from heygen_studio.domain.pricing import AvatarType, Engine, PaidAction, action_price, quote_video, video_rate


def test_a_minute_of_photo_avatar_on_avatar_iv_at_1080p_is_three_dollars() -> None:
    assert video_rate("v3", BillingType.WALLET).cost(60) == Money.usd("3.00")


@pytest.mark.parametrize(
    ("engine", "avatar", "uhd", "per_minute"),
    [
        (Engine.AVATAR_IV, AvatarType.PHOTO, True, "4.002"),
        (Engine.AVATAR_IV, AvatarType.STUDIO, False, "4.002"),
        (Engine.AVATAR_IV, AvatarType.DIGITAL_TWIN, True, "4.998"),
        (Engine.AVATAR_III, AvatarType.PHOTO, False, "1.002"),
        (Engine.AVATAR_III, AvatarType.STUDIO, True, "1.20"),
    ],
)
def test_v3_rates_follow_engine_avatar_type_and_resolution(engine, avatar, uhd, per_minute) -> None:
    rate = video_rate("v3", BillingType.WALLET, engine, avatar, uhd)
    assert rate is not None and rate.cost(60).amount == Decimal(per_minute)


def test_avatar_v_has_no_published_price() -> None:
    assert video_rate("v3", BillingType.WALLET, Engine.AVATAR_V) is None


def test_v2_bills_six_credits_a_minute_in_30_second_steps() -> None:
    rate = video_rate("v2", BillingType.LEGACY_QUOTA)
    assert rate is not None
    assert rate.cost(31) == Money.credits(6)
    assert rate.cost(30) == Money.credits(3)
    quote = quote_video([20, 25], rate)
    assert quote.scene_costs == (Money.credits(2), Money.credits("2.5"))
    assert quote.total == Money.credits(6)


def test_paid_actions_per_call() -> None:
    assert action_price(PaidAction.CREATE_AVATAR, "v3", calls=3) == Money.usd(3)
    assert action_price(PaidAction.TRAINING, "v2") == Money.credits(4)
    assert action_price(PaidAction.SOUND_EFFECT, "v2") == Money.credits(0)
    assert action_price(PaidAction.TRAINING, "v3") is None


def test_money_formats_and_refuses_to_mix_units() -> None:
    assert Money.usd("12.4").format() == "$12.40"
    assert Money.usd("0.004").format() == "under $0.01"
    assert Money.credits(1).format() == "1 credit"
    assert Money.credits("540").format() == "540 credits"
    with pytest.raises(CurrencyMismatch):
        _ = Money.usd(1) + Money.credits(1)


def test_balances_say_what_is_left_and_what_is_missing() -> None:
    wallet = Balance(BillingType.WALLET, Currency.USD, Money.usd("2.50"))
    assert wallet.describe() == "$2.50 left"
    assert wallet.shortfall(Money.usd(3)) == Money.usd("0.50")
    assert wallet.shortfall(Money.usd(2)) is None
    metered = Balance(BillingType.USAGE_BASED, Currency.USD, None, Money.usd(50), Money.usd("4.10"))
    assert metered.describe() == "$4.10 of $50.00 spent"
    assert metered.shortfall(Money.usd(46)) == Money.usd("0.10")
    unknown = Balance(BillingType.WALLET, Currency.USD)
    assert unknown.describe() == "balance unknown" and not unknown.can_tell(Money.usd(1))


def test_a_project_is_quoted_from_its_scenes_engine_and_resolution() -> None:
    from dataclasses import replace

    from heygen_studio.api.models import Resolution
    from heygen_studio.api.v2 import V2Api
    from heygen_studio.api.v3 import V3Api
    from heygen_studio.domain.project import Project, Scene
    from heygen_studio.domain.quotes import quote_project

    minute = Project(scenes=(Scene(script=" ".join(["word"] * 150)),))  # 150 words: 60 s at normal speed
    assert quote_project(minute, "v3", V3Api.limits).total == Money.usd(3)
    assert quote_project(replace(minute, engine=Engine.AVATAR_III), "v3", V3Api.limits).total == Money.usd("1.002")
    assert quote_project(replace(minute, resolution=Resolution.UHD_4K), "v3", V3Api.limits).total == Money.usd("4.002")
    assert quote_project(minute, "v3", V3Api.limits, avatar_type=AvatarType.STUDIO).total == Money.usd("4.002")
    assert quote_project(minute, "v2", V2Api.limits).total == Money.credits(6)
    assert quote_project(replace(minute, engine=Engine.AVATAR_V), "v3", V3Api.limits) is None
