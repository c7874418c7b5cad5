"""Desktop notifications: freedesktop over D-Bus, else a tray balloon, else nothing; never raises."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from heygen_studio.config import APP_NAME

log = logging.getLogger(__name__)

_tray: QSystemTrayIcon | None = None


def notify(title: str, body: str, *, failed: bool = False) -> None:
    """Tell the user something finished, outside the window; best effort and silent on any failure."""
    try:
        if _notify_dbus(title, body, failed) or _notify_tray(title, body, failed):
            return
    except Exception as error:  # a notification is a courtesy: it must never break the app
        log.debug("Desktop notification failed: %r", error)


def _notify_dbus(title: str, body: str, failed: bool) -> bool:
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface, QDBusMessage
    except ImportError:
        return False
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    interface = QDBusInterface("org.freedesktop.Notifications", "/org/freedesktop/Notifications",
                               "org.freedesktop.Notifications", bus)
    if not interface.isValid():
        return False
    icon = "dialog-error" if failed else "video-x-generic"
    reply = interface.call("Notify", APP_NAME, 0, icon, title, body, [], {}, 8000)
    return reply.type() != QDBusMessage.MessageType.ErrorMessage


def _notify_tray(title: str, body: str, failed: bool) -> bool:
    global _tray
    app = QApplication.instance()
    if not isinstance(app, QApplication) or not QSystemTrayIcon.isSystemTrayAvailable():
        return False
    if _tray is None:
        _tray = QSystemTrayIcon(app.windowIcon(), app)
        _tray.show()
    icon = QSystemTrayIcon.MessageIcon.Warning if failed else QSystemTrayIcon.MessageIcon.Information
    _tray.showMessage(title, body, icon, 8000)
    return True
