"""The sandbox account's money: a v3 balance billed as HeyGen bills (four billing types) and the v2 credit pool."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from heygen_studio.domain.money import BillingType, Currency, Money, to_decimal
from heygen_studio.domain.pricing import (
    V2_AV4_CREDITS_PER_MINUTE,
    V2_CLASSIC_CREDITS_PER_MINUTE,
    V2_SOURCE,
    V2_STEP_SECONDS,
    V3_SPEECH_USD_PER_SECOND,
    AvatarType,
    Engine,
    PaidAction,
    VideoRate,
    action_price,
    video_rate,
)

CHARGE_EXPONENT = -10  # charges in credits are booked to 10 decimal places
CHARGE_PLACES = Decimal(1).scaleb(CHARGE_EXPONENT)


class Billing(StrEnum):
    """How the sandbox's v3 account is billed (`heygen-studio sandbox --billing`)."""

    WALLET = "wallet"  # a prepaid USD wallet, as HeyGen bills an API key
    CREDITS = "credits"  # an Enterprise wallet counting API credits
    SUBSCRIPTION = "subscription"  # a web plan's premium-credit pool (OAuth apps)
    USAGE_BASED = "usage-based"  # metered in USD; spending may not pass the cap


DEFAULT_BALANCE: dict[Billing, Decimal] = {
    Billing.WALLET: Decimal(25),
    Billing.CREDITS: Decimal(600),
    Billing.SUBSCRIPTION: Decimal(600),
    Billing.USAGE_BASED: Decimal(25),
}
"""`--balance` when not given: US dollars for a wallet and for the usage-based cap, credits otherwise."""

_BILLING_TYPE = {
    Billing.WALLET: BillingType.WALLET,
    Billing.CREDITS: BillingType.LEGACY_QUOTA,  # API credits, at the same per-minute rates as the v2 quota
    Billing.SUBSCRIPTION: BillingType.SUBSCRIPTION,
    Billing.USAGE_BASED: BillingType.USAGE_BASED,
}
_CURRENCY = {
    Billing.WALLET: Currency.USD,
    Billing.CREDITS: Currency.CREDITS,
    Billing.SUBSCRIPTION: Currency.CREDITS,
    Billing.USAGE_BASED: Currency.USD,
}


def _per_minute(credits: Decimal) -> VideoRate:
    return VideoRate(Money.credits(credits / 60), V2_STEP_SECONDS, V2_SOURCE)


V2_AV4_RATE = _per_minute(V2_AV4_CREDITS_PER_MINUTE)  # /v2/video/av4/generate
V2_CLASSIC_RATE = _per_minute(V2_CLASSIC_CREDITS_PER_MINUTE)  # /v2/video/generate


def legacy_price(action: PaidAction) -> Money:
    """A v2 paid call, in the v2 pool's credits."""
    return action_price(action, "v2") or Money.credits(0)


def legacy_video_price(rate: VideoRate) -> Callable[[Sequence[object], Sequence[float]], Money]:
    """How a v2 render is priced: its whole rendered duration at `rate`, in 30-second steps."""
    return lambda _scenes, seconds: rate.cost(sum(seconds))


def exact(cost: Money) -> Money:
    """A charge as the sandbox books it: credits a second repeat forever (1/60, 1/3), so they are cut at
    CHARGE_PLACES; dollar charges already are exact and stay as they are."""
    exponent = cost.amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < CHARGE_EXPONENT:
        return Money(cost.amount.quantize(CHARGE_PLACES), cost.currency)
    return cost


def saved_amount(value: object) -> Decimal:
    """An amount read back from a state file: a finite number or its text, else ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{value!r} is not an amount")
    try:
        amount = to_decimal(value)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    return amount


@dataclass
class Purse:
    """One balance the sandbox charges: `amount` is what is left or, under a spending `cap`, what is spent."""

    amount: Money
    cap: Money | None = None

    def available(self, reserved: Money) -> Money:
        """What may still be spent once `reserved` (renders in flight) is paid."""
        if self.cap is not None:
            return self.cap - self.amount - reserved
        return self.amount - reserved

    def take(self, cost: Money) -> None:
        self.amount = self.amount + cost if self.cap is not None else self.amount - cost

    def to_json(self) -> dict[str, Any]:
        return {
            "amount": str(self.amount.amount),
            "currency": self.amount.currency.value,
            "cap": None if self.cap is None else str(self.cap.amount),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Purse:
        """A purse saved by `to_json`; ValueError, KeyError or TypeError when damaged."""
        currency = Currency(data["currency"])
        cap = data["cap"]
        return cls(
            Money(saved_amount(data["amount"]), currency), None if cap is None else Money(saved_amount(cap), currency)
        )


@dataclass
class Account:
    """The v3 account's billing type and purse, and the v2 endpoints' own credit pool."""

    billing: Billing
    purse: Purse
    legacy: Purse

    @classmethod
    def fresh(cls, billing: Billing, balance: float | None, legacy_credits: float) -> Account:
        """A new account: `balance` (or the billing type's default) to spend, `legacy_credits` on v2."""
        billing = Billing(billing)
        amount = DEFAULT_BALANCE[billing] if balance is None else to_decimal(balance)
        currency = _CURRENCY[billing]
        purse = (
            Purse(Money.zero(currency), Money(amount, currency))
            if billing is Billing.USAGE_BASED
            else Purse(Money(amount, currency))
        )
        return cls(billing, purse, Purse(Money.credits(legacy_credits)))

    def pool(self, legacy: bool) -> Purse:
        return self.legacy if legacy else self.purse

    def video_rate(self, engine: Engine, avatar_type: AvatarType, uhd: bool) -> VideoRate | None:
        """What a v3 render costs a second on this account; None where HeyGen publishes no price (free here)."""
        return video_rate("v3", _BILLING_TYPE[self.billing], engine, avatar_type, uhd)

    def video_cost(self, parts: Iterable[tuple[VideoRate | None, float]]) -> Money:
        """A render whose scenes are `parts` (rate, rendered seconds): the seconds at each rate, billed at it;
        a scene with no published rate is free."""
        seconds_at: dict[VideoRate, float] = {}
        for rate, seconds in parts:
            if rate is not None:
                seconds_at[rate] = seconds_at.get(rate, 0.0) + seconds
        return sum((rate.cost(seconds) for rate, seconds in seconds_at.items()), Money.zero(self.purse.amount.currency))

    def action_price(self, action: PaidAction) -> Money:
        """A v3 paid call: dollars from HeyGen's v3 list, or API credits from its credit list on a credit account."""
        generation = "v3" if self.purse.amount.currency is Currency.USD else "v2"
        return action_price(action, generation) or Money.zero(self.purse.amount.currency)

    def speech_cost(self, seconds: float) -> Money:
        """`POST /v3/voices/speech` making `seconds` of audio: HeyGen's per-second price on a dollar account; free on
        a credit account, for which HeyGen publishes no speech price."""
        if self.purse.amount.currency is not Currency.USD:
            return Money.zero(self.purse.amount.currency)
        return Money.usd(V3_SPEECH_USD_PER_SECOND * to_decimal(round(seconds, 3)))

    def me_json(self) -> dict[str, Any]:
        """The billing fields of `GET /v3/users/me`: `billing_type` and its one populated object."""
        fields: dict[str, Any] = {"wallet": None, "subscription": None, "usage_based": None}
        amount = float(self.purse.amount.amount)
        if self.billing is Billing.USAGE_BASED:
            cap = self.purse.cap
            fields["usage_based"] = {
                "remaining_credits": 0.0,
                "included_credits": 0.0,
                "spending_cap_usd": None if cap is None else float(cap.amount),
                "spending_current_usd": amount,
            }
            return {"billing_type": "usage_based", **fields}
        if self.billing is Billing.SUBSCRIPTION:
            fields["subscription"] = {
                "plan": "pro",
                "credits": {
                    "premium_credits": {"remaining": int(self.purse.amount.amount), "resets_at": None},
                    "add_on_credits": {"remaining": 0, "resets_at": None},
                },
            }
            return {"billing_type": "subscription", **fields}
        fields["wallet"] = {
            "currency": self.purse.amount.currency.value,
            "remaining_balance": amount,
            "auto_reload": {"enabled": False, "amount_usd": None, "threshold_usd": None},
        }
        return {"billing_type": "wallet", **fields}

    def to_json(self) -> dict[str, Any]:
        return {"billing": self.billing.value, "purse": self.purse.to_json()}

    def restored(self, saved: dict[str, Any] | None, legacy_credits: float | str) -> Account:
        """This account with the balances of a state file (ValueError, KeyError or TypeError when damaged);
        a v3 purse saved under another billing type than this account's is not used."""
        purse = self.purse
        if saved is not None and Billing(saved["billing"]) is self.billing:
            purse = Purse.from_json(saved["purse"])
        return Account(self.billing, purse, Purse(Money.credits(saved_amount(legacy_credits))))
