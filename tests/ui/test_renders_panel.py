"""Renders panel against the real sandbox over loopback: run, cancel, stop, fail and retry, open, play, copy, delete,
remove from the list, thumbnails and dates after a restart, Tab order."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from desktop_urls import catching_urls, no_program_for
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from heygen_studio.api import NotFoundError
from heygen_studio.api.models import Resolution
from heygen_studio.config import Generation, Paths, Settings
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import Engine
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.accounts import Endpoint
from heygen_studio.services.render_queue import DECISION_MESSAGE, QueueTiming
from heygen_studio.session import Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.render_jobs import JobStatus
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.main_window import PANELS, MainWindow
from heygen_studio.ui.models.renders_model import RenderItem
from heygen_studio.ui.panels.renders import RendersPanel
from heygen_studio.ui.widgets.render_texts import THUMB

FAST = QueueTiming(poll_first_s=0.05, poll_max_s=0.2, error_backoff_max_s=0.5, lease_s=5.0, idle_s=0.1)
VOICE = VoiceRef("demo-en-us-ava", "Ava")

RENDERS_ROW = [slot.title for slot in PANELS].index(RendersPanel.title)


@pytest.fixture(scope="module")
def heygen() -> Iterator[SandboxServer]:
    """The sandbox on loopback standing in for api.heygen.com; each render stage takes 0.3 s."""
    server = SandboxServer(SandboxConfig(job_seconds=0.3, credits=100000))
    server.start()
    yield server
    server.stop()


@dataclass
class World:
    session: Session
    window: MainWindow
    panel: RendersPanel
    out: Path
    heygen: SandboxServer

    def navigation(self) -> str:
        """What the Renders entry of the window's navigation reads."""
        return self.window.navigation.item(RENDERS_ROW).text()

    async def project(self, title: str, look_id: str | None = None) -> Project:
        """A ready project on the account's first finished look (or on `look_id`)."""
        looks = await self.session.require_api().list_looks()
        look = next(look for look in looks.items if look.status is None or look.status.value == "completed")
        ref = (
            LookRef(look_id, "Nobody")
            if look_id
            else LookRef(look.id, look.name, look.group_id, look.preview_image_url)
        )
        return Project(title=title, look=ref, voice=VOICE, scenes=(Scene(script="Hello and welcome to the show."),))

    def row(self, title: str) -> RenderItem | None:
        """The newest row with this title (the model keeps them newest first)."""
        return next((item for item in self.panel.model.items() if item.job.title == title), None)

    async def sandbox(self, control: str, plan: dict[str, object] | None = None) -> None:
        """POST to one of the sandbox's own controls: `faults` (with a fault plan) or `reset-faults`."""
        async with httpx.AsyncClient(base_url=f"{self.heygen.url}/_sandbox/") as http:
            (await http.post(control, json=plan)).raise_for_status()

    def videos_created(self) -> int:
        return int(httpx.get(f"{self.heygen.url}/_sandbox/counts").json().get("videos_created", 0))


@pytest.fixture(scope="module")
def slow_heygen() -> Iterator[SandboxServer]:
    """A sandbox whose renders take minutes, as HeyGen's do: time to stop one while it is being made."""
    server = SandboxServer(SandboxConfig(job_seconds=120, credits=100000))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def world(
    paths: Paths,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
    loop_running: object,
    heygen: SandboxServer,
    tmp_path: Path,
) -> Iterator[World]:
    yield from make_world(paths, qtbot, qloop, heygen, tmp_path)


@pytest.fixture
def slow_world(
    paths: Paths,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
    loop_running: object,
    slow_heygen: SandboxServer,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[World]:
    """On v3, or on the generation given by indirect parametrization."""
    yield from make_world(paths, qtbot, qloop, slow_heygen, tmp_path, getattr(request, "param", "v3"))


@pytest.fixture(scope="module")
def poor_heygen() -> Iterator[SandboxServer]:
    """A sandbox whose legacy account has 1 credit left."""
    server = SandboxServer(SandboxConfig(job_seconds=0.3, credits=1))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def poor_v2_world(
    paths: Paths,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
    loop_running: object,
    poor_heygen: SandboxServer,
    tmp_path: Path,
) -> Iterator[World]:
    yield from make_world(paths, qtbot, qloop, poor_heygen, tmp_path, generation="v2")


@pytest.fixture(scope="module")
def poor_v3_heygen() -> Iterator[SandboxServer]:
    """A sandbox whose USD wallet has $1.00 left."""
    server = SandboxServer(SandboxConfig(job_seconds=0.3, balance=1.0))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def poor_v3_world(
    paths: Paths,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
    loop_running: object,
    poor_v3_heygen: SandboxServer,
    tmp_path: Path,
) -> Iterator[World]:
    yield from make_world(paths, qtbot, qloop, poor_v3_heygen, tmp_path)


def make_world(
    paths: Paths,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
    heygen: SandboxServer,
    tmp_path: Path,
    generation: Generation = "v3",
) -> Iterator[World]:
    """The app's window on the Renders panel, connected to `heygen`, saving videos in tmp_path/videos."""
    tasks = TaskRegistry()
    session = Session(
        paths, Settings(), tasks, secrets=SecretStore(MemoryKeyring()), endpoint=Endpoint(heygen.url, heygen.url)
    )
    session.renders.queue.timing = FAST
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.show_panel("Renders")
    panel = window.current_panel()
    assert isinstance(panel, RendersPanel)
    out = tmp_path / "videos"

    async def connect() -> None:
        await session.accounts.add("Work", "sandbox", generation)
        assert await session.use_profile("Work")
        await session.renders.set_output_dir(out)

    qloop.run_until_complete(connect())
    yield World(session, window, panel, out, heygen)
    qloop.run_until_complete(tasks.aclose())
    qloop.run_until_complete(panel.aclose())
    qloop.run_until_complete(session.aclose())


def button(panel: RendersPanel, row: RenderItem, text: str) -> QPushButton:
    """With `row`'s render selected, the action button a user sees with this text."""
    offered = shown_texts(panel, row)
    assert text in offered, f"no “{text}” button; the selected render offers {offered}"
    return next(b for b in panel.action_buttons.values() if b.text() == text)


def shown_box(panel: RendersPanel) -> QMessageBox:
    boxes = [box for box in panel.findChildren(QMessageBox) if box.isVisible()]
    assert len(boxes) == 1
    return boxes[0]


async def finished_render(world: World, wait_until: Any, title: str = "Welcome") -> RenderItem:
    world.session.render_requested.emit(await world.project(title))
    await wait_until(lambda: world.row(title) is not None)
    row = world.row(title)
    assert row is not None
    await wait_until(lambda: row.status == "Ready to watch", within=15)
    return row


def test_a_render_runs_to_ready_to_watch_and_the_window_counts_it_while_it_runs(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        assert world.navigation() == "Renders" and world.panel.empty_card.isVisible()
        world.session.render_requested.emit(await world.project("Welcome"))
        await wait_until(lambda: world.navigation() == "Renders (1)")
        row = world.row("Welcome")
        assert row is not None and world.panel.view.isVisible() and not world.panel.empty_card.isVisible()
        assert "about 2 s of video · $0.12" in row.details()  # 2.4 s at $0.05 a second
        await wait_until(lambda: row.status == "Ready to watch", within=15)
        await wait_until(lambda: world.navigation() == "Renders")
        file = Path(row.job.file_path or "")
        assert file.parent == world.out and file.name == "Welcome.mp4"
        assert (await asyncio.to_thread(file.read_bytes))[4:8] == b"ftyp"
        assert re.search(r"\$0\.12 · took 0:0\d", row.details()), row.details()
        assert shown_texts(world.panel, row) == {
            "Play",
            "Open file",
            "Show in folder",
            "Copy link",
            "Delete on HeyGen",
            "Remove from list",
        }
        await wait_until(lambda: row.thumbnail is not None)  # the look's picture, not the 🎬 placeholder
        assert world.session.renders.queue.jobs.get(row.job.id).status.value == "downloaded"  # type: ignore[union-attr]

    qloop.run_until_complete(scenario())


def test_cancel_while_waiting_its_turn_sends_nothing_to_heygen(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        world.session.renders.queue.concurrency = 1  # the account renders one video at a time
        world.session.render_requested.emit(await world.project("First"))
        await wait_until(lambda: (first := world.row("First")) is not None and first.job.remote_id is not None)
        first_row = world.row("First")
        assert first_row is not None
        created = world.videos_created()
        world.session.render_requested.emit(await world.project("Second"))
        await wait_until(lambda: world.row("Second") is not None)
        second = world.row("Second")
        assert second is not None
        assert second.status == "Waiting its turn on this computer"
        await wait_until(lambda: world.navigation() == "Renders (1)")  # only the one at HeyGen is running
        assert "rendering for 0:0" in first_row.details() and "HeyGen usually takes" in first_row.details()
        button(world.panel, second, "Cancel").click()
        await wait_until(lambda: second.status == "Cancelled")
        assert button(world.panel, second, "Try again").isEnabled()
        await wait_until(lambda: first_row.status == "Ready to watch", within=15)
        await asyncio.sleep(0.3)  # a free slot now: a cancelled render must still not be sent
        assert second.status == "Cancelled" and second.job.remote_id is None
        assert world.videos_created() == created
        assert second.job.title_token not in " ".join(v.title or "" for v in world.heygen.state.videos.values())

    qloop.run_until_complete(scenario())


def test_a_refused_render_fails_with_details_and_can_be_tried_again(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        created = world.videos_created()
        world.session.render_requested.emit(await world.project("Gone", look_id="look-that-does-not-exist"))
        await wait_until(lambda: world.row("Gone") is not None)
        failed = world.row("Gone")
        assert failed is not None
        await wait_until(lambda: failed.status == "Failed")
        assert world.navigation() == "Renders"
        request_id = failed.job.request_id
        assert request_id

        button(world.panel, failed, "Details").click()
        box = shown_box(world.panel)
        assert "look-that-does-not-exist" in box.text() and "not found" in box.text()
        assert box.informativeText() == f"HeyGen request id: {request_id}"
        box.button(QMessageBox.StandardButton.Ok).click()
        assert not box.isVisible()

        button(world.panel, failed, "Try again").click()
        await wait_until(lambda: world.panel.model.rowCount() == 2)
        again = world.row("Gone")
        assert again is not None and again is not failed and again.job.id != failed.job.id
        await wait_until(lambda: again.status == "Failed")
        assert again.job.request_id and again.job.request_id != request_id  # sent anew, not a replay
        assert failed.status == "Failed" and failed.job.request_id == request_id  # the old one stays
        assert world.videos_created() == created

    qloop.run_until_complete(scenario())


def test_a_finished_render_opens_shows_its_folder_plays_and_copies_its_link(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    from heygen_studio.ui.widgets.render_player import RenderPlayer

    async def scenario() -> None:
        row = await finished_render(world, wait_until)
        file = Path(row.job.file_path or "")

        with catching_urls("file") as catcher:
            button(world.panel, row, "Open file").click()
            await wait_until(lambda: len(catcher.opened) == 1)
            button(world.panel, row, "Show in folder").click()
            await wait_until(lambda: len(catcher.opened) == 2)
        assert [Path(url.toLocalFile()) for url in catcher.opened] == [file, world.out]

        button(world.panel, row, "Play").click()
        player = world.panel.findChild(RenderPlayer)
        assert player is not None and player.isVisible()
        assert Path(player.player.source().toLocalFile()) == file and player.windowTitle() == "Welcome"
        player.close()

        QGuiApplication.clipboard().clear()
        button(world.panel, row, "Copy link").click()
        await wait_until(lambda: QGuiApplication.clipboard().text().startswith("http"))
        assert "Link copied" in world.panel.message.text() and world.panel.message.isVisible()
        async with httpx.AsyncClient() as http:
            video = await http.get(QGuiApplication.clipboard().text())
        assert video.status_code == 200 and video.content == await asyncio.to_thread(file.read_bytes)
        assert world.panel.message.property("tone") == "good"

        world.session.render_requested.emit(Project(title="No avatar yet"))  # Scenes lets this through
        await wait_until(lambda: "Link copied" not in world.panel.message.text())
        assert world.panel.message.property("tone") == "bad"  # a refusal never shows in the green of good news

    qloop.run_until_complete(scenario())


def test_good_news_above_the_list_clears_itself_and_a_refusal_stays_until_the_next_action(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        row = await finished_render(world, wait_until)
        message = world.panel.message
        world.panel.message_timer.setInterval(300)  # a few seconds in the app

        world.session.render_requested.emit(Project(title="No avatar yet"))  # Scenes lets this through
        await wait_until(message.isVisible)
        refusal = message.text()
        await asyncio.sleep(0.8)
        assert message.isVisible() and message.text() == refusal and message.property("tone") == "bad"

        button(world.panel, row, "Copy link").click()
        assert not message.isVisible()  # the next action puts the old refusal away
        await wait_until(lambda: "Link copied" in message.text() and message.isVisible())
        await wait_until(lambda: not message.isVisible())
        assert QGuiApplication.clipboard().text().startswith("http")  # only the words went, not the link

    qloop.run_until_complete(scenario())


def test_heygen_out_of_reach_is_said_above_the_list_until_it_answers_again(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        project = await world.project("Offline")
        await world.sandbox("faults", {"drop_next": 1000, "path_prefix": "/v3/videos"})
        message = world.panel.message
        try:
            world.session.render_requested.emit(project)
            await wait_until(lambda: message.isVisible() and "HeyGen cannot be reached" in message.text(), within=20)
            assert message.property("tone") == "bad"
        finally:
            await world.sandbox("reset-faults")
        await wait_until(lambda: not message.isVisible(), within=20)
        await wait_until(
            lambda: (row := world.row("Offline")) is not None and row.status == "Ready to watch", within=20
        )
        assert world.videos_created() >= 1

    qloop.run_until_complete(scenario())


def test_delete_on_heygen_asks_first_then_deletes_the_remote_video_only(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        row = await finished_render(world, wait_until)
        api = world.session.require_api()
        remote_id = row.job.remote_id or ""

        button(world.panel, row, "Delete on HeyGen").click()
        box = shown_box(world.panel)
        assert "Delete “Welcome” from your HeyGen account?" in box.text()
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.2)
        assert (await api.video_status(remote_id)).video_url

        button(world.panel, row, "Delete on HeyGen").click()
        shown_box(world.panel).button(QMessageBox.StandardButton.Yes).click()
        await wait_until(lambda: "deleted from your HeyGen account" in row.details())
        with pytest.raises(NotFoundError):
            await api.video_status(remote_id)
        assert await asyncio.to_thread(Path(row.job.file_path or "").exists)  # the file on this computer stays
        assert row.status == "Ready to watch"
        shown = shown_texts(world.panel, row)
        # nothing left on HeyGen to link to or delete
        assert shown == {"Play", "Open file", "Show in folder", "Remove from list"}
        assert not world.panel.view.horizontalScrollBar().isVisible()  # rows fit the list: no sideways scroll

    qloop.run_until_complete(scenario())


def shown_texts(panel: RendersPanel, row: RenderItem) -> set[str]:
    """The actions the bar offers with `row`'s render selected."""
    panel.select(row.job.id)
    return {b.text() for b in panel.action_buttons.values() if not b.isHidden()}


async def rendering_at_heygen(world: World, wait_until: Any, title: str) -> RenderItem:
    """A render HeyGen has taken and is making (it takes minutes on the slow sandbox)."""
    world.session.render_requested.emit(await world.project(title))
    await wait_until(lambda: (row := world.row(title)) is not None and row.job.remote_id is not None)
    row = world.row(title)
    assert row is not None
    await wait_until(lambda: "Stop…" in shown_texts(world.panel, row))
    return row


@pytest.mark.parametrize("slow_world", ["v3", "v2"], indirect=True)  # DELETE /v3/videos/{id}, v1 video.delete
def test_stop_and_delete_at_heygen_ends_a_render_being_made_and_it_is_never_downloaded(
    slow_world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    world = slow_world

    async def scenario() -> None:
        other = await rendering_at_heygen(world, wait_until, "Carries on")
        row = await rendering_at_heygen(world, wait_until, "Too long")
        remote_id = row.job.remote_id or ""
        await wait_until(lambda: world.navigation() == "Renders (2)")

        button(world.panel, row, "Stop…").click()
        box = shown_box(world.panel)
        assert "Stop following “Too long”?" in box.text()
        assert box.defaultButton().text() == "Keep following" and box.escapeButton().text() == "Keep following"
        box.defaultButton().click()  # keep following: nothing changes
        await asyncio.sleep(0.2)
        assert row.status in ("Queued at HeyGen", "Starting at HeyGen") and "Stop…" in shown_texts(world.panel, row)

        button(world.panel, row, "Stop…").click()
        next(b for b in shown_box(world.panel).buttons() if b.text() == "Stop and delete at HeyGen").click()
        await wait_until(lambda: row.status == "Stopped by you")
        await wait_until(lambda: "deleted from your HeyGen account" in row.details())
        assert "deleted it from your HeyGen account" in world.panel.message.text()
        with pytest.raises(NotFoundError):
            await world.session.require_api().video_status(remote_id)
        assert {"Try again", "Remove from list"} <= shown_texts(world.panel, row) and "Stop…" not in shown_texts(
            world.panel, row
        )
        await wait_until(lambda: world.navigation() == "Renders (1)")  # only the other one is running now
        await asyncio.sleep(0.5)  # the queue keeps working: the stopped render stays stopped, nothing downloads
        job = world.session.renders.queue.jobs.get(row.job.id)
        assert job is not None and job.status.value == "cancelled" and job.lease_owner is None
        assert not world.out.exists() or not any(world.out.iterdir())
        assert other.status in ("Queued at HeyGen", "Starting at HeyGen")  # the other render carries on

        world.panel.clear_button.click()  # the stopped render goes; the one HeyGen is making stays
        await wait_until(lambda: world.row("Too long") is None)
        assert world.row("Carries on") is other and not world.panel.clear_button.isEnabled()

    qloop.run_until_complete(scenario())


def test_stop_following_only_leaves_the_video_at_heygen_and_stops_asking_about_it(
    slow_world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    world = slow_world

    async def scenario() -> None:
        row = await rendering_at_heygen(world, wait_until, "Keep it there")
        remote_id = row.job.remote_id or ""
        button(world.panel, row, "Stop…").click()
        next(b for b in shown_box(world.panel).buttons() if b.text() == "Stop following only").click()
        await wait_until(lambda: row.status == "Stopped by you")
        assert "It stays in your HeyGen account" in world.panel.message.text()
        assert "deleted" not in row.details()
        status = await world.session.require_api().video_status(remote_id)
        assert status.status.value in ("waiting", "pending", "processing")  # HeyGen still has it
        assert "Delete on HeyGen" in shown_texts(world.panel, row)  # it can still be deleted there later

    qloop.run_until_complete(scenario())


def test_finished_failed_and_cancelled_renders_leave_the_list_and_their_files_stay(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        assert not world.panel.clear_button.isEnabled()  # nothing finished yet
        done = await finished_render(world, wait_until, "Kept file")
        file = Path(done.job.file_path or "")
        world.session.render_requested.emit(await world.project("Refused", look_id="look-that-does-not-exist"))
        await wait_until(lambda: (row := world.row("Refused")) is not None and row.status == "Failed")
        await wait_until(world.panel.clear_button.isEnabled)

        button(world.panel, done, "Remove from list").click()
        await wait_until(lambda: world.row("Kept file") is None)
        assert await asyncio.to_thread(file.exists) and f"Its video stays at {file}" in world.panel.message.text()
        assert world.row("Refused") is not None

        again = RendersPanel(world.session)  # as after a restart: what was removed stays removed
        await wait_until(lambda: again.model.rowCount() == 1)
        assert [item.job.title for item in again.model.items()] == ["Refused"]
        again.deleteLater()

        world.panel.clear_button.click()
        await wait_until(lambda: not world.panel.model.rowCount())
        assert world.panel.empty_card.isVisible() and not world.panel.clear_button.isEnabled()
        assert await asyncio.to_thread(file.exists)

    qloop.run_until_complete(scenario())


def test_after_a_restart_a_render_shows_its_downloaded_thumbnail_and_when_it_was_made(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        row = await finished_render(world, wait_until, "Same title")
        jpg = Path(row.job.file_path or "").with_suffix(".jpg")
        assert jpg.exists()
        world.session.render_requested.emit(await world.project("Same title"))
        await wait_until(lambda: world.panel.model.rowCount() == 2)
        second = world.row("Same title")
        assert second is not None and second is not row
        await wait_until(lambda: second.status == "Ready to watch", within=15)

        again = RendersPanel(world.session)  # a new panel loads everything from the database, as after a restart
        again.resize(900, 600)
        again.show()
        await wait_until(lambda: again.model.rowCount() == 2)
        restored = again.model.item(row.job.id)
        assert restored is not None
        expected = QImage(str(jpg)).scaled(
            THUMB, THUMB * 9 // 16, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        await wait_until(lambda: restored.thumbnail is not None and restored.thumbnail.toImage() == expected)
        for job in (row.job, second.job):  # two rows of one title tell when each was made
            made = time.strftime("%H:%M", time.localtime(job.created_at))
            shown = again.model.item(job.id)
            assert shown is not None and shown.details().startswith(f"Today {made} · ")
        again.deleteLater()

    qloop.run_until_complete(scenario())


def test_tab_goes_from_the_list_to_the_selected_renders_actions_and_arrows_choose_the_render(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any, qtbot: QtBot
) -> None:
    async def scenario() -> None:
        for title in ("Oldest", "Middle", "Newest"):
            world.session.render_requested.emit(await world.project(title, look_id="look-that-does-not-exist"))
            await wait_until(lambda title=title: (row := world.row(title)) is not None and row.status == "Failed")
        again = RendersPanel(world.session)  # rows made oldest first, as when the app starts
        again.resize(900, 700)
        again.show()
        again.activateWindow()
        await wait_until(lambda: again.model.rowCount() == 3 and again.isActiveWindow())
        assert again.selected_job() is not None and again.selected_job().title == "Newest"  # type: ignore[union-attr]
        again.clear_button.setFocus()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is again.view
        qtbot.keyClick(again.view, Qt.Key.Key_Down)
        assert again.selected_job().title == "Middle"  # type: ignore[union-attr]
        assert "Middle" in again.selected_label.text()
        visited: list[str] = []
        for _ in range(3):  # a failed render offers: Try again, Details, Remove from list
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            visited.append(QApplication.focusWidget().text())  # type: ignore[attr-defined]
        assert visited == ["Try again", "Details", "Remove from list"]
        again.deleteLater()

    qloop.run_until_complete(scenario())


def test_open_file_and_show_in_folder_say_what_happened_when_nothing_can_open_them(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        row = await finished_render(world, wait_until, "Nowhere to play")
        file = Path(row.job.file_path or "")
        with no_program_for("file"):
            button(world.panel, row, "Open file").click()
            await wait_until(lambda: any(box.isVisible() for box in world.panel.findChildren(QMessageBox)))
            box = shown_box(world.panel)
            assert "No program on this computer is set up to open .mp4 files" in box.text()
            assert box.informativeText() == str(file)
            QGuiApplication.clipboard().clear()
            next(b for b in box.buttons() if b.text() == "Copy path").click()
            assert QGuiApplication.clipboard().text() == str(file)
            await wait_until(lambda: not box.isVisible())

            button(world.panel, row, "Show in folder").click()
            await wait_until(lambda: any(box.isVisible() for box in world.panel.findChildren(QMessageBox)))
            box = shown_box(world.panel)
            assert "No file manager" in box.text() and box.informativeText() == str(file.parent)
            box.button(QMessageBox.StandardButton.Close).click()

        await asyncio.to_thread(file.rename, file.with_name("moved.mp4"))
        with catching_urls("file") as catcher:
            button(world.panel, row, "Open file").click()
            await wait_until(lambda: any(box.isVisible() for box in world.panel.findChildren(QMessageBox)))
        assert catcher.opened == []
        box = shown_box(world.panel)
        assert "is no longer in its folder: it was moved, renamed or deleted" in box.text()
        box.button(QMessageBox.StandardButton.Close).click()

    qloop.run_until_complete(scenario())


def test_a_one_minute_avatar_iv_1080p_render_of_a_photo_avatar_shows_its_price_of_three_dollars(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        minute = " ".join(["word"] * 150)  # 150 words: 60 s at the usual speaking rate
        project = replace(
            await world.project("One minute"),
            scenes=(Scene(script=minute),),
            resolution=Resolution.FHD_1080P,
            engine=Engine.AVATAR_IV,
        )
        world.session.render_requested.emit(project)
        await wait_until(lambda: world.row("One minute") is not None)
        row = world.row("One minute")
        assert row is not None
        assert "about 60 s of video · $3.00" in row.details()
        stored = world.session.renders.queue.jobs.get(row.job.id)
        assert stored is not None and stored.cost == Money.usd("3.00")  # kept with the job, exactly

        again = RendersPanel(world.session)  # the price is read back from the database, as after a restart
        await wait_until(lambda: again.model.item(row.job.id) is not None)
        assert "$3.00" in again.model.item(row.job.id).details()
        again.deleteLater()

    qloop.run_until_complete(scenario())


def test_try_again_asks_first_when_the_balance_asked_afresh_no_longer_covers_the_render(
    poor_v2_world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    world = poor_v2_world

    async def scenario() -> None:
        world.session.render_requested.emit(await world.project("Costly", look_id="look-that-does-not-exist"))
        await wait_until(lambda: (row := world.row("Costly")) is not None and row.status == "Failed")
        failed = world.row("Costly")
        assert failed is not None
        assert "3 credits" in failed.details()  # 2.4 s billed as one 30-second step of 6 credits a minute

        button(world.panel, failed, "Try again").click()
        await wait_until(lambda: any(box.isVisible() for box in world.panel.findChildren(QMessageBox)))
        box = shown_box(world.panel)
        assert box.text() == (
            "Trying “Costly” again costs 3 credits: 2 credits more than your account has (1 credit left)."
        )
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.3)
        assert world.panel.model.rowCount() == 1  # nothing was queued

        button(world.panel, failed, "Try again").click()
        await wait_until(lambda: any(box.isVisible() for box in world.panel.findChildren(QMessageBox)))
        next(b for b in shown_box(world.panel).buttons() if b.text() == "Try again anyway").click()
        await wait_until(lambda: world.panel.model.rowCount() == 2)  # the user's choice: sent anyway

    qloop.run_until_complete(scenario())


def test_submit_again_after_a_lost_answer_also_asks_first_when_the_balance_no_longer_covers_it(
    poor_v2_world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    world = poor_v2_world

    async def scenario() -> None:
        world.session.render_requested.emit(await world.project("Lost", look_id="look-that-does-not-exist"))
        await wait_until(lambda: (row := world.row("Lost")) is not None and row.status == "Failed")
        row = world.row("Lost")
        assert row is not None
        jobs = world.session.renders.queue.jobs  # as when the connection broke while HeyGen was answering
        jobs.update(row.job.id, status=JobStatus.SUBMITTING, needs_decision=True, error=DECISION_MESSAGE)
        world.session.renders.queue.changed.emit(row.job.id)
        await wait_until(lambda: row.status == "Needs your decision")

        button(world.panel, row, "Submit again").click()
        await wait_until(lambda: any(box.isVisible() for box in world.panel.findChildren(QMessageBox)))
        box = shown_box(world.panel)
        assert "costs 3 credits: 2 credits more than your account has" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.3)
        assert row.status == "Needs your decision" and row.job.needs_decision  # nothing was sent

    qloop.run_until_complete(scenario())


def test_a_render_refused_for_lack_of_money_asks_with_the_amount_missing_when_tried_again(
    poor_v3_world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    world = poor_v3_world

    async def scenario() -> None:
        minute = " ".join(["word"] * 150)  # 60 s: $3.00 on Avatar IV at 1080p, and the wallet has $1.00
        world.session.render_requested.emit(replace(await world.project("Too dear"), scenes=(Scene(script=minute),)))
        await wait_until(lambda: (row := world.row("Too dear")) is not None and row.status == "Failed")
        refused = world.row("Too dear")
        assert refused is not None and "$3.00" in refused.details()
        created = world.videos_created()

        button(world.panel, refused, "Try again").click()
        await wait_until(lambda: any(box.isVisible() for box in world.panel.findChildren(QMessageBox)))
        box = shown_box(world.panel)
        assert box.text() == "Trying “Too dear” again costs $3.00: $2.00 more than your account has ($1.00 left)."
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.3)
        assert world.panel.model.rowCount() == 1 and world.videos_created() == created  # nothing sent, nothing paid

    qloop.run_until_complete(scenario())


def test_a_deletion_heygen_refuses_leaves_the_render_stopped_and_says_so(
    slow_world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    world = slow_world

    async def scenario() -> None:
        row = await rendering_at_heygen(world, wait_until, "Hard to delete")
        await world.sandbox("faults", {"error_rate": 1.0, "methods": ["DELETE"]})
        try:
            button(world.panel, row, "Stop…").click()
            next(b for b in shown_box(world.panel).buttons() if b.text() == "Stop and delete at HeyGen").click()
            await wait_until(lambda: "but HeyGen did not delete it" in world.panel.message.text(), within=30)
        finally:
            await world.sandbox("reset-faults")
        assert world.panel.message.property("tone") == "bad"
        assert "You can delete it later with Delete on HeyGen" in world.panel.message.text()
        assert row.status == "Stopped by you" and "deleted" not in row.details()
        button(world.panel, row, "Delete on HeyGen").click()  # it can be deleted once HeyGen answers again
        shown_box(world.panel).button(QMessageBox.StandardButton.Yes).click()
        await wait_until(lambda: "deleted from your HeyGen account" in row.details())

    qloop.run_until_complete(scenario())


def test_cancel_a_moment_too_late_says_the_render_was_already_sent(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        world.session.renders.queue.concurrency = 1  # the account renders one video at a time
        world.session.render_requested.emit(await world.project("Busy"))
        await wait_until(lambda: (busy := world.row("Busy")) is not None and busy.job.remote_id is not None)
        world.session.render_requested.emit(await world.project("Late"))
        await wait_until(lambda: world.row("Late") is not None)
        late = world.row("Late")
        assert late is not None and late.status == "Waiting its turn on this computer"
        # the queue (here or in another copy of the app) takes it at the moment the user clicks
        world.session.renders.queue.jobs.update(late.job.id, status=JobStatus.SUBMITTING)
        button(world.panel, late, "Cancel").click()
        await wait_until(lambda: "had just been sent to HeyGen" in world.panel.message.text())
        await wait_until(lambda: late.status == "Ready to watch", within=15)  # and it was made

    qloop.run_until_complete(scenario())


def test_stop_while_a_finished_video_downloads_keeps_nothing_half_written(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        # downloads (the video's and the window's pictures) stall at 4 kB
        await world.sandbox("faults", {"media_stall_next": 50, "media_stall_s": 30.0, "media_fault_at_bytes": 4096})
        try:
            world.session.render_requested.emit(await world.project("Stuck download"))
            await wait_until(
                lambda: (
                    (row := world.row("Stuck download")) is not None
                    and row.status == "Downloading…"
                    and row.job.file_path is not None
                ),
                within=15,
            )
            row = world.row("Stuck download")
            assert row is not None
            part = Path(f"{row.job.file_path}.part")
            await wait_until(
                lambda: any(
                    request.path.endswith(".mp4") and request.stalled
                    for request in list(world.heygen.state.media_requests)
                ),
                within=20,
            )
            # its first 4 kB are on disk, and it waits for more (stopped between two pieces, httpx's stream
            # would be left to the garbage collector, which closes it in another task: anyio refuses that)
            await wait_until(lambda: part.exists() and part.stat().st_size >= 4096, within=20)
            await asyncio.sleep(0.1)

            button(world.panel, row, "Stop…").click()
            box = shown_box(world.panel)
            assert "Stop downloading “Stuck download”?" in box.text() and "HeyGen has made it" in box.informativeText()
            next(b for b in box.buttons() if b.text() == "Stop following only").click()
            await wait_until(lambda: row.status == "Stopped by you", within=20)
        finally:
            await world.sandbox("reset-faults")
        await asyncio.sleep(0.5)  # the queue carries on: nothing downloads it again
        assert not await asyncio.to_thread(part.exists)
        assert not await asyncio.to_thread(Path(row.job.file_path or "").exists)
        assert row.status == "Stopped by you" and "Copy link" not in shown_texts(world.panel, row)
        assert {"Try again", "Delete on HeyGen", "Remove from list"} <= shown_texts(world.panel, row)

    qloop.run_until_complete(scenario())


def test_a_double_click_on_try_again_sends_one_render(
    world: World, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        world.session.render_requested.emit(await world.project("Twice", look_id="look-that-does-not-exist"))
        await wait_until(lambda: (row := world.row("Twice")) is not None and row.status == "Failed")
        failed = world.row("Twice")
        assert failed is not None
        again = button(world.panel, failed, "Try again")
        again.click()
        again.click()  # a double click: the second comes before anything was sent
        await wait_until(lambda: world.panel.model.rowCount() >= 2)
        await asyncio.sleep(0.5)
        assert world.panel.model.rowCount() == 2 and again.isEnabled()  # one new render, and the button is back

    qloop.run_until_complete(scenario())
