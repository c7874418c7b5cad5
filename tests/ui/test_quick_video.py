"""A quick video from the Photos panel: a checked photo and a script become an image video, with no avatar made."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import av
import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox
from test_photos_panel import Window, add_and_check, checked, select, wallet
from waiting import until_value

from heygen_studio.api.models import AspectRatio, VideoKind
from heygen_studio.config import Paths, Settings
from heygen_studio.domain.money import Money
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.session import Connection, Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.render_jobs import JobStatus
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.dialogs.quick_video import NEEDS_V3, QuickVideoDialog
from heygen_studio.ui.panels.photos import PhotosPanel
from heygen_studio.ui.widgets.photo_shelf import PHOTO_ROLE

SCRIPT = "Hello! This photo is talking to you, and nobody had to make an avatar first."


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(job_seconds=0.1)


@pytest.fixture
def session(
    paths: Paths, sandbox_config: SandboxConfig, qloop: asyncio.AbstractEventLoop, loop_running: object
) -> Iterator[Session]:
    tasks = TaskRegistry()
    session = Session(paths, Settings(), tasks, secrets=SecretStore(MemoryKeyring()), sandbox_config=sandbox_config)
    session.renders.queue.output_dir = paths.data_dir / "videos"  # never the real Videos folder
    yield session
    qloop.run_until_complete(tasks.aclose())
    qloop.run_until_complete(session.aclose())


@pytest.fixture
def panel(session: Session, qtbot, qloop: asyncio.AbstractEventLoop) -> Iterator[PhotosPanel]:  # type: ignore[no-untyped-def]
    panel = PhotosPanel(session)
    window = Window(panel)
    qtbot.addWidget(window)
    yield panel
    window.close()
    qloop.run_until_complete(session.tasks.aclose())


def portrait(folder: Path, side: int) -> Path:
    """The sample portrait as a `side`-pixel JPEG, as a phone or camera would save it."""
    path = folder / f"portrait-{side}.jpg"
    with Image.open(sample_photo("astronaut.png")) as image:
        image.convert("RGB").resize((side, side), Image.Resampling.LANCZOS).save(path, quality=90)
    return path


async def open_form(panel: PhotosPanel, wait_until) -> QuickVideoDialog:  # type: ignore[no-untyped-def]
    assert panel.details.quick_button.isEnabled()
    panel.details.quick_button.click()
    dialog = panel.quick_video
    assert dialog is not None and dialog.isVisible()  # opened, not exec'd: the loop keeps running
    dialog.choose_voice()
    picker = dialog.voice_dialog
    assert picker is not None
    await wait_until(lambda: picker.list.count() > 0)
    picker.list.setCurrentRow(0)
    picker.use_button.click()
    return dialog


def test_a_good_photo_becomes_an_image_video_with_its_price_and_no_avatar(
    panel: PhotosPanel, session: Session, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> tuple[QuickVideoDialog, int, int]:
        await session.use_sandbox(remember=False)
        await wait_until(lambda: session.balance is not None)
        api = session.require_api()
        groups = len((await api.list_groups()).items)
        await add_and_check(panel, wait_until, [portrait(tmp_path, 900)])
        select(panel, "portrait-900.jpg")
        assert panel.details.quick_line_texts() == [
            ("good", "✓  HeyGen can make this photo talk as it is: no avatar to create first.")
        ]
        dialog = await open_form(panel, wait_until)
        assert not dialog.render_button.isEnabled() and "Write what" in dialog.render_button.toolTip()
        dialog.script.edit.setPlainText(SCRIPT)
        dialog.aspect.setCurrentIndex(dialog.aspect.findText("9:16 portrait"))
        quote = dialog.quote()
        assert quote is not None and quote.rate.per_second == Money.usd("0.05")  # Avatar IV's photo rate
        assert dialog.render_button.text() == f"Render · {quote.total}"
        price = dialog.price.text()
        assert f"<b>{quote.total}</b> for about 6 s of speech at $0.05 a second" in price
        assert f"would cost {quote.total + Money.usd(1)}" in price and "$1.00 less than creating an avatar" in price
        before = wallet(session)
        dialog.render_button.click()
        await wait_until(lambda: "Added to the render queue" in dialog.status.text())
        assert not dialog.renders_button.isHidden() and not dialog.render_button.isEnabled()  # not twice by mistake
        [job] = await session.renders.queue.all_jobs()
        spec = job.video_spec()
        assert spec.kind is VideoKind.IMAGE and spec.aspect_ratio is AspectRatio.PORTRAIT and job.cost == quote.total
        [job] = await until_value(
            session.renders.queue.all_jobs, lambda jobs: jobs[0].status.is_final, "the video made", within=60
        )
        assert job.status is JobStatus.DOWNLOADED and job.file_path, job.error
        with av.open(job.file_path) as video:  # the photo itself, animated at the shape chosen
            stream = video.streams.video[0]
            assert stream.height > stream.width
        spent = before - wallet(session)
        assert Money.zero(spent.currency) < spent < Money.usd(1)  # the render, and no $1.00 avatar
        assert sandbox(session).counts["uploads"] == 1  # the photo, once
        return dialog, groups, len((await api.list_groups()).items)

    dialog, groups_before, groups_after = qloop.run_until_complete(scenario())
    assert groups_after == groups_before and sandbox(session).counts["groups_created"] == 0  # no avatar was made
    dialog.renders_button.click()
    assert panel.window().shown == ["Renders"] and not dialog.isVisible()


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(job_seconds=0.1, balance=0.1)])
def test_a_quick_video_costing_more_than_is_left_asks_first(
    panel: PhotosPanel, session: Session, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await wait_until(lambda: session.balance is not None)
        await add_and_check(panel, wait_until, [sample_photo("astronaut.png")])
        select(panel, "astronaut.png")
        dialog = await open_form(panel, wait_until)
        dialog.script.edit.setPlainText(SCRIPT)
        dialog.render_button.click()
        box = dialog.money_prompt
        assert box is not None and box.isVisible()  # opened, not exec'd
        assert "This quick video costs $0.30: $0.20 more than your account has" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.2)
        assert await session.renders.queue.all_jobs() == [] and dialog.render_button.isEnabled()
        dialog.render_button.click()
        next(b for b in dialog.money_prompt.buttons() if b.text() == "Render anyway").click()  # type: ignore[union-attr]
        await until_value(session.renders.queue.all_jobs, bool, "the render in the queue")

    qloop.run_until_complete(scenario())


def test_a_photo_too_large_to_animate_says_why_and_a_smaller_copy_can_be_animated(
    panel: PhotosPanel, session: Session, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    big = portrait(tmp_path, 2600)
    original = big.read_bytes()

    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await add_and_check(panel, wait_until, [big])
        select(panel, big.name)
        assert panel.details.verdict.text() == "<b>This photo is ready for HeyGen.</b>"  # fine for an avatar
        [(tone, text)] = panel.details.quick_line_texts()
        assert tone == "bad" and "2600×2600 pixels" in text and "at most 2048 pixels on each side" in text
        assert not panel.details.quick_button.isEnabled()
        assert [button.text() for button in panel.details.quick_fix_buttons] == ["Make a smaller copy"]
        panel.details.quick_fix_buttons[0].click()
        await wait_until(lambda: panel.model.rowCount() == 2 and checked(panel), within=20)

    qloop.run_until_complete(scenario())
    smaller = panel.model.item(1).data(PHOTO_ROLE)
    assert (smaller.report.width, smaller.report.height) == (2048, 2048)
    assert "Your original is unchanged" in panel.status.text() and big.read_bytes() == original
    select(panel, smaller.path.name)
    assert panel.details.quick_line_texts()[0][0] == "good" and panel.details.quick_button.isEnabled()


def test_on_the_legacy_api_a_quick_video_says_it_needs_v3(
    panel: PhotosPanel, session: Session, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        url = session.connection.base_url  # type: ignore[union-attr]
        await session._switch(Connection("v2", url, url, "sandbox"))
        await add_and_check(panel, wait_until, [sample_photo("astronaut.png")])
        select(panel, "astronaut.png")

    qloop.run_until_complete(scenario())
    assert panel.details.quick_line_texts() == [("warn", f"!  {NEEDS_V3}")]
    assert not panel.details.quick_button.isEnabled() and panel.details.quick_button.toolTip() == NEEDS_V3


def sandbox(session: Session):  # type: ignore[no-untyped-def]
    return session._sandbox.server.state  # type: ignore[union-attr]


def test_closing_the_form_while_it_queues_keeps_the_render_and_touches_no_closed_widget(
    panel: PhotosPanel, session: Session, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    errors: list[dict[str, object]] = []
    qloop.set_exception_handler(lambda _loop, context: errors.append(context))

    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await add_and_check(panel, wait_until, [sample_photo("astronaut.png")])
        select(panel, "astronaut.png")
        dialog = await open_form(panel, wait_until)
        dialog.script.edit.setPlainText(SCRIPT)
        dialog.render_button.click()
        dialog.reject()  # closed at once; Qt deletes it on its next turn
        jobs = await until_value(session.renders.queue.all_jobs, bool, "the render in the queue")
        assert [job.video_spec().kind for job in jobs] == [VideoKind.IMAGE]
        await asyncio.sleep(0.2)  # the form's task has ended by now

    qloop.run_until_complete(scenario())
    assert errors == [] and panel.quick_video is None
    panel.details.quick_button.click()  # and it opens again
    assert panel.quick_video is not None and panel.quick_video.isVisible()


def test_an_open_form_follows_a_switch_to_the_legacy_api_and_back(
    panel: PhotosPanel, session: Session, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> QuickVideoDialog:
        await session.use_sandbox(remember=False)
        await add_and_check(panel, wait_until, [sample_photo("astronaut.png")])
        select(panel, "astronaut.png")
        dialog = await open_form(panel, wait_until)
        dialog.script.edit.setPlainText(SCRIPT)
        assert dialog.render_button.isEnabled()
        url = session.connection.base_url  # type: ignore[union-attr]
        await session._switch(Connection("v2", url, url, "sandbox"))
        assert not dialog.render_button.isEnabled() and dialog.status.text() == NEEDS_V3
        assert dialog.price.text() == "" and dialog.render_button.text() == "Render"  # no price it could not charge
        await session.use_sandbox(remember=False)
        return dialog

    dialog = qloop.run_until_complete(scenario())
    assert dialog.render_button.isEnabled() and dialog.status.text() == ""
