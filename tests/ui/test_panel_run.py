"""Panel.run: a panel's background work stops with its connection or the panel, and says HeyGen's errors."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from heygen_studio.api.errors import NetworkError
from heygen_studio.session import Session
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone


class FakeSession(QObject):
    """What a Panel uses of the Session: its task registry and the connection signal."""

    connection_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.tasks = TaskRegistry()


class SayingPanel(Panel):
    title = "Test"
    icon_name = "photos"
    summary = "A panel for the test."
    next_step = "Nothing to do."

    def __init__(self, session: FakeSession) -> None:
        super().__init__(cast(Session, session))
        self.said: list[tuple[str, Tone]] = []

    def say(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        self.said.append((text, tone))


@pytest.fixture
def panel(qtbot: QtBot, qloop: asyncio.AbstractEventLoop) -> SayingPanel:
    panel = SayingPanel(FakeSession())
    qtbot.addWidget(panel)
    return panel


async def forever() -> None:
    await asyncio.Event().wait()


def test_a_new_connection_cancels_the_old_ones_work_but_not_work_for_any_account(
    panel: SayingPanel, qloop: asyncio.AbstractEventLoop
) -> None:
    async def scenario() -> None:
        listing = panel.run(forever(), "list avatars")
        saving = panel.run(forever(), "save a file", per_connection=False)
        assert listing is not None and saving is not None
        await asyncio.sleep(0)
        cast(FakeSession, panel.session).connection_changed.emit()
        await asyncio.sleep(0)
        assert listing.cancelled() and not saving.done()
        await panel.aclose()  # closing the panel stops the rest
        assert saving.cancelled()

    qloop.run_until_complete(scenario())


def test_a_heygen_error_is_said_in_the_panel_unless_the_caller_takes_it(
    panel: SayingPanel, qloop: asyncio.AbstractEventLoop
) -> None:
    async def fails() -> None:
        raise NetworkError("HeyGen can't be reached.")

    async def scenario() -> None:
        said = panel.run(fails(), "load")
        taken: list[Exception] = []
        handled = panel.run(fails(), "load again", on_error=taken.append)
        assert said is not None and handled is not None
        await asyncio.gather(said, handled)
        assert panel.said == [("HeyGen can't be reached.", Tone.BAD)]
        assert [str(error) for error in taken] == ["HeyGen can't be reached."]

    qloop.run_until_complete(scenario())


def test_other_errors_reach_the_apps_error_handler(panel: SayingPanel, qloop: asyncio.AbstractEventLoop) -> None:
    async def breaks() -> None:
        raise KeyError("bug")

    seen: list[BaseException] = []
    qloop.set_exception_handler(lambda loop, context: seen.append(context["exception"]))

    async def scenario() -> None:
        task = panel.run(breaks(), "bug")
        assert task is not None
        with pytest.raises(KeyError):
            await task
        await asyncio.sleep(0)

    qloop.run_until_complete(scenario())
    assert panel.said == [] and isinstance(seen[0], KeyError)
