"""Desktop notifications reach a real freedesktop notification service on the private session bus, without blocking."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from jeepney import HeaderFields, MessageType, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from PySide6.QtCore import QTimer

from heygen_studio.config import APP_NAME
from heygen_studio.services.notifications import BUS_NAME, notify

RUN_THIS = 'run: xvfb-run -a -s "-screen 0 1440x900x24" scripts/with-keychain.sh .venv/bin/pytest tests/ui'
DO_NOT_QUEUE = 4
PRIMARY_OWNER = 1


@dataclass(frozen=True)
class Call:
    """One Notify call as the service received it."""

    signature: str
    args: tuple[Any, ...]


class NotificationService:
    """org.freedesktop.Notifications on the session bus, served from a thread: records each Notify call
    with its D-Bus signature and answers it with an id, unless `answers` is False (a hung daemon)."""

    def __init__(self, answers: bool) -> None:
        self.answers = answers
        self.calls: list[Call] = []
        self._stop = threading.Event()
        self._conn = open_dbus_connection("SESSION")
        reply = self._conn.send_and_get_reply(message_bus.RequestName(BUS_NAME, DO_NOT_QUEUE), timeout=5)
        assert reply.body == (PRIMARY_OWNER,), f"{BUS_NAME} is already taken on this bus"
        self._thread = threading.Thread(target=self._serve, name="fake notification service", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            fields = message.header.fields
            if message.header.message_type == MessageType.method_call and fields.get(HeaderFields.member) == "Notify":
                self.calls.append(Call(fields.get(HeaderFields.signature, ""), message.body))
                if self.answers:
                    self._conn.send(new_method_return(message, "u", (len(self.calls),)))

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._conn.close()


def _service(answers: bool) -> Iterator[NotificationService]:
    if not os.environ.get("HEYGEN_STUDIO_PRIVATE_KEYCHAIN") or not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.skip(f"Not on a private session bus, so your desktop's notifications are left alone; {RUN_THIS}")
    service = NotificationService(answers)
    yield service
    service.close()


@pytest.fixture
def service() -> Iterator[NotificationService]:
    yield from _service(answers=True)


@pytest.fixture
def hung_service() -> Iterator[NotificationService]:
    yield from _service(answers=False)


def test_finished_and_failed_renders_are_announced_with_the_freedesktop_signature(
    qloop: asyncio.AbstractEventLoop, wait_until: Any, service: NotificationService
) -> None:
    async def announce() -> None:
        notify("Your video is ready", "“Hello” was saved to /videos.")
        notify("A render failed", "“Hello”: HeyGen could not make this video.", failed=True)
        await wait_until(lambda: len(service.calls) == 2)

    qloop.run_until_complete(announce())
    assert service.calls == [
        Call(
            "susssasa{sv}i",
            (APP_NAME, 0, "video-x-generic", "Your video is ready", "“Hello” was saved to /videos.", [], {}, 8000),
        ),
        Call(
            "susssasa{sv}i",
            (
                APP_NAME,
                0,
                "dialog-error",
                "A render failed",
                "“Hello”: HeyGen could not make this video.",
                [],
                {},
                8000,
            ),
        ),
    ]


def test_a_notification_service_that_never_answers_does_not_hold_up_the_window(
    qloop: asyncio.AbstractEventLoop, wait_until: Any, hung_service: NotificationService
) -> None:
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(len(hung_service.calls)))

    async def announce() -> None:
        timer.start(10)
        notify("Your video is ready", "“Hello” was saved to /videos.")
        assert hung_service.calls == []  # notify() came back before anything was asked of the bus
        await wait_until(lambda: hung_service.calls != [])
        # Still unanswered, and the window's own timers go on firing meanwhile.
        await wait_until(lambda: ticks.count(1) >= 5)
        timer.stop()

    qloop.run_until_complete(announce())
    assert [call.args[3] for call in hung_service.calls] == ["Your video is ready"]
