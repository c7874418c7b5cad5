"""The look a project uses: its thumbnail (fetched off the UI thread) and name, or what to do to choose one."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from heygen_studio.api.tls import tls_context
from heygen_studio.domain.project import LookRef
from heygen_studio.ui.style import Tone, set_tone

log = logging.getLogger(__name__)

THUMB = 56


async def fetch_thumbnail(url: str) -> QImage | None:
    """The image at `url` scaled to a thumbnail, decoded in a thread; None if it can't be had."""
    import httpx  # with the first picture, not at start

    try:
        async with httpx.AsyncClient(timeout=20.0, follow_redirects=True, verify=tls_context()) as client:
            response = await client.get(url)
            response.raise_for_status()
    except httpx.HTTPError as error:
        log.info("Look thumbnail unavailable: %s", error)
        return None

    def decode(data: bytes) -> QImage | None:
        image = QImage.fromData(data)
        if image.isNull():
            return None
        return image.scaled(
            THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    return await asyncio.to_thread(decode, response.content)


class LookBadge(QWidget):
    """Shows the chosen look; `set_look(None)` says to choose one in the Library."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = QLabel()
        self.picture.setFixedSize(THUMB, THUMB)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #eef0f5; border-radius: 8px; color: #8a90a0;")
        self.name = QLabel()
        self.name.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        text = QVBoxLayout()
        text.addWidget(self.name)
        text.addWidget(self.hint)
        text.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.picture)
        layout.addLayout(text, 1)
        self._url: str | None = None
        self.set_look(None)

    def set_look(self, look: LookRef | None, problem: str = "") -> bool:
        """Show `look`; True when its thumbnail should now be fetched (see `wanted_url`, `show_image`)."""
        if look is None:
            self.name.setText("No look chosen yet")
            self.hint.setText(problem or "Open the Library and choose a look for this video.")
            self.picture.setText("?")
            self.picture.setPixmap(QPixmap())
            self._url = None
            return False
        self.name.setText(look.name or look.look_id)
        self.hint.setText(problem or "To change it, choose another look in the Library.")
        set_tone(self.hint, Tone.BAD if problem else Tone.PLAIN)
        if look.preview_image_url == self._url:
            return False
        self._url = look.preview_image_url
        self.picture.setPixmap(QPixmap())
        self.picture.setText("…" if self._url else "No\npreview")
        return bool(self._url)

    @property
    def wanted_url(self) -> str | None:
        return self._url

    def show_image(self, url: str, image: QImage | None) -> None:
        """Put a fetched thumbnail in place if it still belongs to the look shown."""
        if url != self._url:
            return
        if image is None:
            self.picture.setText("No\npreview")
        else:
            self.picture.setPixmap(QPixmap.fromImage(image))
