"""Money in the account's own unit (US dollars or credits), exact, and what an account has left to spend."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class Currency(StrEnum):
    """The unit an account is billed in."""

    USD = "usd"
    CREDITS = "credits"


class BillingType(StrEnum):
    """How HeyGen bills an account (`GET /v3/users/me` → `billing_type`; v2 keys have a credit quota)."""

    WALLET = "wallet"
    SUBSCRIPTION = "subscription"
    USAGE_BASED = "usage_based"
    LEGACY_QUOTA = "legacy_quota"


class CurrencyMismatch(ValueError):
    """Two amounts in different units were added or compared."""


def to_decimal(value: float | int | str | Decimal) -> Decimal:
    """An exact Decimal from a JSON number or a string.

    Floats go through their shortest repr (0.05, not 0.050000000000000003)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@dataclass(frozen=True)
class Money:
    """An exact amount in one currency; arithmetic and comparison only within one currency."""

    amount: Decimal
    currency: Currency

    @classmethod
    def usd(cls, value: float | int | str | Decimal) -> Money:
        return cls(to_decimal(value), Currency.USD)

    @classmethod
    def credits(cls, value: float | int | str | Decimal) -> Money:
        return cls(to_decimal(value), Currency.CREDITS)

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> Money:
        if other.currency is not self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def rounded(self) -> Decimal:
        """The amount as it is shown: cents for dollars, hundredths of a credit for credits."""
        return self.amount.quantize(CENT, rounding=ROUND_HALF_UP)

    def format(self) -> str:
        """“$3.00”, “under $0.01”, “6 credits”, “1 credit”, “1.5 credits”."""
        shown = self.rounded()
        if self.currency is Currency.USD:
            if shown == 0 and self.amount > 0:
                return "under $0.01"
            sign = "−" if shown < 0 else ""
            return f"{sign}${abs(shown):,.2f}"
        number = shown.normalize()
        text = f"{number:,f}" if number == number.to_integral() else f"{number:,}"
        return f"{text} credit" if abs(shown) == 1 else f"{text} credits"

    def to_json(self) -> dict[str, str]:
        return {"amount": str(self.amount), "currency": self.currency.value}

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class Balance:
    """What an account has left to spend, in its own unit.

    `remaining` is the wallet or credit balance (None when HeyGen does not say). A usage-based
    account is billed in dollars against an optional `spending_cap`, with `spent` so far.
    """

    billing_type: BillingType
    currency: Currency
    remaining: Money | None = None
    spending_cap: Money | None = None
    spent: Money | None = None

    def available(self) -> Money | None:
        """What may still be spent: the cap less what is spent, or the balance; None when unknown or unlimited."""
        if self.billing_type is BillingType.USAGE_BASED:
            if self.spending_cap is None:
                return None
            return self.spending_cap - (self.spent or Money.zero(self.spending_cap.currency))
        return self.remaining

    def shortfall(self, cost: Money) -> Money | None:
        """How much is missing to pay `cost`; None when it fits, or when the balance cannot tell."""
        available = self.available()
        if available is None or available.currency is not cost.currency:
            return None
        return cost - available if cost > available else None

    def can_tell(self, cost: Money) -> bool:
        """True when this balance can say whether `cost` fits (same unit, a known balance or cap)."""
        available = self.available()
        return available is not None and available.currency is cost.currency

    def describe(self) -> str:
        """“$12.40 left”, “540 credits left”, “$4.10 of $50.00 spent”, “$4.10 spent (no cap)”."""
        if self.billing_type is BillingType.USAGE_BASED:
            spent = self.spent or Money.zero(Currency.USD)
            if self.spending_cap is None:
                return f"{spent} spent (no cap)"
            return f"{spent} of {self.spending_cap} spent"
        if self.remaining is None:
            return "balance unknown"
        return f"{self.remaining} left"
