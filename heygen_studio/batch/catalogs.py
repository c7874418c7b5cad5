"""The account's looks and voices a sheet's look and voice columns are checked against, fetched from HeyGen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from heygen_studio.api import HeyGenApi
from heygen_studio.api.models import Page
from heygen_studio.batch.rows import LOOK_COLUMNS, VOICE_COLUMNS, Catalog
from heygen_studio.batch.sheets import Sheet
from heygen_studio.domain.project import LookRef, VoiceRef

MAX_LIST_PAGES = 40  # of each list: looks (private, then public) and voices
_Item = TypeVar("_Item")


async def _every(fetch: Callable[[str | None], Awaitable[Page[_Item]]]) -> list[_Item]:
    items: list[_Item] = []
    token = None
    for _ in range(MAX_LIST_PAGES):
        page = await fetch(token)
        items.extend(page.items)
        token = page.next_token
        if token is None:
            break
    return items


async def account_catalog(api: HeyGenApi, sheet: Sheet) -> Catalog:
    """The account's looks and voices, fetched only when the sheet has a column that chooses them."""
    looks: list[LookRef] | None = None
    voices: list[VoiceRef] | None = None
    if sheet.keys & set(LOOK_COLUMNS):
        looks = [
            LookRef(look.id, look.name, look.group_id, look.preview_image_url, look.avatar_type, look.supported_engines)
            for look in [
                *await _every(lambda token: api.list_looks(ownership="private", token=token)),
                *await _every(lambda token: api.list_looks(ownership="public", token=token)),
            ]
        ]
    if sheet.keys & set(VOICE_COLUMNS):
        voices = [
            VoiceRef(voice.id, voice.name, voice.language)
            for voice in await _every(lambda token: api.list_voices(token=token))
        ]
    return Catalog.of(looks, voices)
