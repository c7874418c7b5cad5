"""The price on a paid button before it is clicked, and the question asked first when it costs more than is left."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from heygen_studio.domain.money import Currency, Money
from heygen_studio.domain.pricing import PaidAction, action_price
from heygen_studio.ui.widgets.render_questions import ask

if TYPE_CHECKING:
    from heygen_studio.session import Session

PRETEND = " On the sandbox this is pretend money."


def price_list(session: Session) -> str:
    """Whose prices apply: the connected API's ("v3" when not connected); an account billed in credits pays
    HeyGen's credit list ("v2"), as the sandbox charges it."""
    balance = session.balance
    if balance is not None and balance.currency is Currency.CREDITS:
        return "v2"
    api = session.api
    return api.generation if api is not None else "v3"


def price_of(session: Session, action: PaidAction, calls: int = 1) -> Money | None:
    """What `calls` calls of `action` cost this account, in its unit; None where its API has no such call."""
    return action_price(action, price_list(session), calls)


def price_words(price: Money | None) -> str:
    """“$1.00”, “4 credits”, “free”."""
    if price is None:
        return "price not published"
    return "free" if price.is_zero else str(price)


def priced(label: str, price: Money | None) -> str:
    """A button's text with its price: “Generate looks · $1.00”, “Add sound effect · free”."""
    return label if price is None else f"{label} · {price_words(price)}"


def price_tip(session: Session, price: Money | None, how: str) -> str:
    """A tooltip saying what HeyGen charges and how (`how`, a sentence), with a word about sandbox money."""
    if price is None:
        return how
    connection = session.connection
    sandbox = PRETEND if connection is not None and connection.sandbox else ""
    charged = "HeyGen does not charge for this." if price.is_zero else f"HeyGen charges {price}."
    return f"{charged} {how}{sandbox}".strip()


def check_balance(
    parent: QWidget, session: Session, price: Money | None, what: str, go_text: str, go: Callable[[], None]
) -> QMessageBox | None:
    """Run `go()` now when the balance covers `price` (or cannot tell); otherwise ask first, saying how much
    is missing, and return the open question (keep it alive until it is answered)."""
    balance = session.balance
    missing = None if price is None or balance is None else balance.shortfall(price)
    if missing is None:
        go()
        return None
    return ask(
        parent,
        "Not enough money left",
        f"{what} costs {price}: {missing} more than your account has.",
        "HeyGen will probably refuse it. Add money in HeyGen first, or go ahead to try anyway.",
        go_text,
        go,
    )
