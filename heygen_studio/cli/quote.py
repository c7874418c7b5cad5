"""`heygen-studio quote PROJECT.hgproj`: a project's cost, scene by scene, and whether the balance covers it."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heygen_studio.api import HeyGenApi, HeyGenError, NotFoundError
from heygen_studio.api.mapping import ENGINE_NAMES
from heygen_studio.cli.render import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    add_connection_options,
    add_draft_option,
    connected,
    read_project,
    run_cli,
)
from heygen_studio.config import app_paths
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.domain.pricing import AvatarType, Engine, VideoQuote
from heygen_studio.domain.project import Project, format_duration
from heygen_studio.domain.quotes import image_video_saving, quote_project
from heygen_studio.logging_setup import setup_logging

CURRENCY_NAMES = {Currency.USD: "US dollars", Currency.CREDITS: "credits"}
AVATAR_TYPE_NAMES = {
    AvatarType.PHOTO: "photo avatar",
    AvatarType.DIGITAL_TWIN: "digital twin",
    AvatarType.STUDIO: "studio avatar",
}


@dataclass(frozen=True)
class Quoted:
    """A project's price on one account, with what it was priced as."""

    project: Project
    generation: str
    avatar_type: AvatarType
    quote: VideoQuote
    balance: Balance | None

    @property
    def engine(self) -> Engine:
        """What renders it: the project's engine on v3; the legacy API always renders on Avatar IV."""
        return self.project.engine if self.generation == "v3" else Engine.AVATAR_IV

    @property
    def saves(self) -> Money | None:
        """What a quick video saves against creating an avatar from its photo first (None for other videos)."""
        return image_video_saving(self.generation) if self.project.is_image_video else None

    @property
    def shortfall(self) -> Money | None:
        return None if self.balance is None else self.balance.shortfall(self.quote.total)

    @property
    def fits(self) -> bool | None:
        """True when the balance covers the total, False when it does not, None when the balance cannot tell."""
        balance = self.balance
        uncapped = balance is not None and balance.billing_type is BillingType.USAGE_BASED and not balance.spending_cap
        if self.quote.total.is_zero or uncapped:
            return True
        if balance is None or not balance.can_tell(self.quote.total):
            return None
        return self.shortfall is None


def _avatar_type(value: str | None) -> AvatarType:
    """HeyGen's avatar_type of a look; a photo avatar when it does not say (or says something new)."""
    try:
        return AvatarType(value or AvatarType.PHOTO)
    except ValueError:
        return AvatarType.PHOTO


async def avatar_type_of(api: HeyGenApi, project: Project) -> tuple[AvatarType, str | None]:
    """The avatar type of the project's look as HeyGen says (photo avatar when it has none), and a note when the
    look could not be found (then the type the project saved, if any)."""
    look = project.look
    if look is None or not look.look_id:
        return AvatarType.PHOTO, None
    try:
        return _avatar_type((await api.get_look(look.look_id)).avatar_type), None
    except NotFoundError:
        saved = _avatar_type(look.avatar_type)
        return saved, (
            f"The look {look.name or look.look_id!r} is not in this account; priced as a {AVATAR_TYPE_NAMES[saved]}."
        )


async def quoted(api: HeyGenApi, project: Project) -> tuple[Quoted, str | None]:
    """Price `project` on the account `api` is connected to; a note for anything the price had to assume."""
    try:
        account = await api.account()
        avatar_type, note = await avatar_type_of(api, project)
    except HeyGenError as error:
        raise CliError(f"Cannot get the account's balance from HeyGen: {error}") from error
    balance = account.balance
    quote = quote_project(project, api.generation, api.limits, balance.billing_type if balance else None, avatar_type)
    if quote is None:
        raise CliError(
            f"HeyGen publishes no API price for {project.engine.value} videos, so this project cannot be "
            "quoted. Choose Avatar IV or Avatar III in the Scenes editor to see a price."
        )
    return Quoted(project, api.generation, avatar_type, quote, balance), note


def _money(money: Money) -> dict[str, str]:
    return {**money.to_json(), "text": money.format()}


def as_json(result: Quoted) -> dict[str, Any]:
    quote, balance, shortfall = result.quote, result.balance, result.shortfall
    available = None if balance is None else balance.available()
    return {
        "title": result.project.title,
        "generation": result.generation,
        "engine": result.engine.value,
        "draft": result.project.draft,
        "image_video": result.project.is_image_video,
        "saves": None if result.saves is None else _money(result.saves),
        "avatar_type": result.avatar_type.value,
        "resolution": result.project.resolution.value,
        "currency": quote.total.currency.value,
        "rate": {
            "per_second": _money(quote.rate.per_second),
            "step_seconds": quote.rate.step_seconds,
            "describe": quote.rate.describe(),
            "source": quote.rate.source,
        },
        "scenes": [
            {"number": number, "seconds": round(seconds, 3), "cost": _money(cost)}
            for number, seconds, cost in quote.per_scene()
        ],
        "seconds": round(quote.seconds, 3),
        "total": _money(quote.total),
        "balance": None
        if balance is None
        else {
            "billing_type": balance.billing_type.value,
            "currency": balance.currency.value,
            "available": None if available is None else _money(available),
            "describe": balance.describe(),
        },
        "fits": result.fits,
        "shortfall": None if shortfall is None else _money(shortfall),
    }


def as_text(result: Quoted) -> str:
    quote = result.quote
    lines = [f"Scene {number}: {format_duration(seconds)}, {cost}" for number, seconds, cost in quote.per_scene()]
    what = f"{ENGINE_NAMES[result.engine]}, {AVATAR_TYPE_NAMES[result.avatar_type]}, {result.project.resolution.value}"
    if result.project.draft:
        what = f"draft: {what}"
    lines.append(f"Total: {format_duration(quote.seconds)}, {quote.total} ({what}; {quote.rate.describe()})")
    if result.saves is not None:
        lines.append(f"Made straight from the photo: no avatar to create, which saves {result.saves}.")
    balance = result.balance
    known = balance is not None and (balance.billing_type is BillingType.USAGE_BASED or balance.remaining is not None)
    head = f"Balance: {balance.describe()}" if balance is not None and known else "Balance unknown"
    if result.fits is None and balance is not None and known and balance.currency is not quote.total.currency:
        verdict = (
            f"cannot tell whether it fits: the account counts {CURRENCY_NAMES[balance.currency]} and "
            f"HeyGen prices this video in {CURRENCY_NAMES[quote.total.currency]}."
        )
    elif result.fits is None:
        verdict = "cannot tell whether it fits."
    else:
        verdict = "it fits." if result.fits else f"{result.shortfall} more is needed."
    lines.append(f"{head}: {verdict}")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heygen-studio quote",
        description="What a project will cost with HeyGen: each scene's expected length and price, the total, "
        "and whether the account's balance covers it (nothing is sent). Exit status: 0 it fits, "
        "1 it does not fit or the balance cannot tell, 2 the project or the connection is the problem.",
    )
    parser.add_argument("project", type=Path, metavar="PROJECT.hgproj")
    add_connection_options(parser)
    parser.add_argument("--json", action="store_true", help="print the quote as JSON")
    add_draft_option(parser)
    return parser


async def _quote(args: argparse.Namespace) -> int:
    project = await read_project(args)
    paths = app_paths().ensure()
    setup_logging(paths.log_file, to_stderr=False)
    async with connected(args, paths) as (api, _):
        result, note = await quoted(api, project)
    if note:
        print(f"heygen-studio: {note}", file=sys.stderr)
    print(json.dumps(as_json(result), indent=2) if args.json else as_text(result), flush=True)
    return EXIT_OK if result.fits else EXIT_FAILED


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return run_cli(_quote(args))
