"""Desktop notifications: freedesktop over D-Bus without waiting for the answer, else a tray balloon; never raises."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from heygen_studio.config import APP_NAME

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
NOTIFY_SIGNATURE = "susssasa{sv}i"  # app_name, replaces_id (uint32), icon, summary, body, actions, hints, timeout
EXPIRE_MS = 8000
ANSWER_TIMEOUT_S = 25.0  # D-Bus's own default; the UI never waits for it, only the background task does

_tray: QSystemTrayIcon | None = None
_sending: set[asyncio.Task[None]] = set()  # running tasks are only weakly referenced by asyncio


@dataclass(frozen=True)
class Notification:
    """What the user is told, and whether it is bad news."""

    title: str
    body: str
    failed: bool = False

    @property
    def icon(self) -> str:
        return "dialog-error" if self.failed else "video-x-generic"


def notify(title: str, body: str, *, failed: bool = False) -> None:
    """Tell the user something finished, outside the window. Returns at once: the notification is sent
    in the background on the running asyncio loop (the tray balloon when there is none); silent on failure."""
    note = Notification(title, body, failed)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop to talk to D-Bus without blocking
        _notify_tray_safely(note)
        return
    task = loop.create_task(_deliver(note), name="desktop notification")
    _sending.add(task)
    task.add_done_callback(_sending.discard)


async def _deliver(note: Notification) -> None:
    if not await _notify_dbus(note):
        _notify_tray_safely(note)


async def _notify_dbus(note: Notification) -> bool:
    """True when the notification service took it (or got it and has not answered yet); False when there
    is no session bus, it cannot be reached or nobody there shows notifications."""
    try:
        from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call
        from jeepney.io.asyncio import open_dbus_router
        from jeepney.io.common import RouterClosed
    except ImportError:  # not Linux
        return False
    message = new_method_call(
        DBusAddress(OBJECT_PATH, BUS_NAME, BUS_NAME),
        "Notify",
        NOTIFY_SIGNATURE,
        (APP_NAME, 0, note.icon, note.title, note.body, [], {}, EXPIRE_MS),
    )
    try:
        async with asyncio.timeout(ANSWER_TIMEOUT_S), open_dbus_router("SESSION") as router:
            reply = await router.send_and_get_reply(message)
    except TimeoutError:
        log.debug("The notification service did not answer in %.0f s", ANSWER_TIMEOUT_S)
        return True  # it was sent; a balloon as well could show the same news twice
    # No DBUS_SESSION_BUS_ADDRESS (KeyError), an address jeepney cannot use (RuntimeError, ValueError), a bus
    # that refuses or drops us (OSError, EOFError, jeepney's AuthenticationError is a ValueError, RouterClosed).
    except (KeyError, RuntimeError, ValueError, OSError, EOFError, RouterClosed) as error:
        log.debug("Desktop notification over D-Bus failed: %r", error)
        return False
    if reply.header.message_type == MessageType.error:
        log.debug(
            "The notification service refused: %s %s", reply.header.fields.get(HeaderFields.error_name), reply.body
        )
        return False  # usually org.freedesktop.DBus.Error.ServiceUnknown: nobody shows notifications
    return True


def _notify_tray_safely(note: Notification) -> None:
    try:
        _notify_tray(note)
    except RuntimeError as error:  # the tray icon's C++ object is gone (the app is quitting)
        log.debug("Tray notification failed: %r", error)


def _notify_tray(note: Notification) -> None:
    global _tray
    app = QApplication.instance()
    if not isinstance(app, QApplication) or not QSystemTrayIcon.isSystemTrayAvailable():
        return
    if _tray is None:
        _tray = QSystemTrayIcon(app.windowIcon(), app)
        _tray.show()
    icon = QSystemTrayIcon.MessageIcon.Warning if note.failed else QSystemTrayIcon.MessageIcon.Information
    _tray.showMessage(note.title, note.body, icon, EXPIRE_MS)
