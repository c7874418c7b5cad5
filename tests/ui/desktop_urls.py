"""A stand-in for the desktop in UI tests: the URLs the app asks QDesktopServices to open."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices


class UrlCatcher(QObject):
    """Stands in for the desktop (browser, file manager, player): remembers what it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url)


@contextlib.contextmanager
def catching_urls(scheme: str) -> Iterator[UrlCatcher]:
    """While inside, QDesktopServices.openUrl hands `scheme` URLs to a UrlCatcher instead of the desktop."""
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler(scheme, catcher, "open")
    try:
        yield catcher
    finally:
        QDesktopServices.unsetUrlHandler(scheme)


@contextlib.contextmanager
def no_program_for(scheme: str) -> Iterator[None]:
    """While inside, the desktop has no program for `scheme` URLs: QDesktopServices.openUrl answers False
    (its handler here cannot be called, as when xdg-open finds nothing to open a file with)."""
    nobody = QObject()
    QDesktopServices.setUrlHandler(scheme, nobody, "no_such_program")
    try:
        yield
    finally:
        QDesktopServices.unsetUrlHandler(scheme)
