"""The app on a home whose sandbox another, stuck copy holds: a plain message and the welcome page, no crash."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from heygen_studio.app import StudioApp
from heygen_studio.config import Paths, Settings
from heygen_studio.sandbox import shared
from heygen_studio.sandbox.state_lock import StateLock, home_state_file


def test_a_stuck_holder_of_the_home_sandbox_is_named_and_the_welcome_page_shown(
    paths: Paths, qtbot: QtBot, qloop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shared, "JOIN_WAIT_S", 0.3)
    stuck = StateLock(home_state_file(paths.data_dir))
    assert stuck.acquire()  # like a copy of the app frozen before it serves the sandbox
    studio = StudioApp(paths, Settings(), sandbox=True)

    async def scenario() -> str:
        window = await studio.start()
        qtbot.addWidget(window)
        [box] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "sandbox-in-use" and w.isVisible()
        ]
        assert window.showing_welcome() and studio.session.api is None
        text = box.text()
        box.close()
        window.close()
        await studio.wait_closed()
        await studio.aclose()
        return text

    try:
        text = qloop.run_until_complete(scenario())
    finally:
        stuck.release()
    assert "is in use by another process and it does not answer" in text
    assert "close the other HeyGen Studio" in text
