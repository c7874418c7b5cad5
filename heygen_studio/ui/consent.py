"""HeyGen's consent page for an avatar group, opened in the user's browser (Library and Photos)."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from heygen_studio.api import HeyGenApi

CONSENT_OPENED = "The consent page opened in your browser. Come back once the person has approved."


async def open_consent_page(api: HeyGenApi, group_id: str) -> None:
    """Ask HeyGen for the group's consent page and open it in the browser; HeyGenError if there is none."""
    QDesktopServices.openUrl(QUrl(await api.consent_url(group_id)))
