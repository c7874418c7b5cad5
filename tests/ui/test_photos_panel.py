"""The Photos panel with the sample photos and the real sandbox over loopback."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from desktop_urls import UrlCatcher, catching_urls
from PIL import Image
from PySide6.QtWidgets import QMainWindow, QMessageBox

from heygen_studio.api import Status
from heygen_studio.config import Paths, Settings
from heygen_studio.domain.money import Money
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.faults import FaultPlan
from heygen_studio.session import Session
from heygen_studio.storage.avatar_jobs import AvatarJobs, JobState
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.storage.uploaded_assets import UploadedAssets, content_hash
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.panels.photos import READY, PhotosPanel
from heygen_studio.ui.widgets.photo_shelf import PHOTO_ROLE

SAMPLES = ("astronaut.png", "camera.png", "chelsea.png")


class Window(QMainWindow):
    """Stands for the MainWindow: records the panel it was asked to show."""

    def __init__(self, panel: PhotosPanel) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.setCentralWidget(panel)
        panel.navigate.connect(self.show_panel)

    def show_panel(self, title: str) -> None:
        self.shown.append(title)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in SAMPLES:
        shutil.copy(sample_photo(name), folder / name)
    return folder


@pytest.fixture
def session(paths: Paths, qloop: asyncio.AbstractEventLoop, loop_running: object) -> Iterator[Session]:
    """A session on the app's loop, marked running throughout as in the app (the panel starts work when built)."""
    tasks = TaskRegistry()
    session = Session(
        paths, Settings(), tasks, secrets=SecretStore(MemoryKeyring()), sandbox_config=SandboxConfig(job_seconds=0.1)
    )
    yield session
    qloop.run_until_complete(tasks.aclose())
    qloop.run_until_complete(session.aclose())


@pytest.fixture
def panel(session: Session, qtbot, qloop: asyncio.AbstractEventLoop) -> Iterator[PhotosPanel]:  # type: ignore[no-untyped-def]
    panel = PhotosPanel(session)
    panel.builder.poll_s = 0.05
    window = Window(panel)
    qtbot.addWidget(window)
    yield panel
    window.close()
    # As in the app: background work stops before the window is deleted, so no task touches a deleted
    # widget (without this, a photo check finishing in the session's teardown crashed the test run).
    qloop.run_until_complete(session.tasks.aclose())


def checked(panel: PhotosPanel) -> bool:
    return all(panel.model.item(row).data(PHOTO_ROLE) is not None for row in range(panel.model.rowCount()))


def select(panel: PhotosPanel, *names: str) -> None:
    from PySide6.QtCore import QItemSelectionModel

    selection = panel.list.selectionModel()
    selection.clearSelection()
    for row in range(panel.model.rowCount()):
        item = panel.model.item(row)
        if item.text() in names:
            selection.select(item.index(), QItemSelectionModel.SelectionFlag.Select)
            selection.setCurrentIndex(item.index(), QItemSelectionModel.SelectionFlag.NoUpdate)


async def add_and_check(panel: PhotosPanel, wait_until, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    panel.add_paths(paths)
    await wait_until(lambda: checked(panel), within=20)


def test_empty_panel_says_what_to_do(panel: PhotosPanel) -> None:
    assert panel.pages.currentIndex() == 0
    assert "Drag a photo here or click Add photos…" in panel.empty.text()
    assert "512×512" in panel.empty.text()
    assert not panel.create_button.isEnabled()


def test_sample_photos_get_the_right_badges_and_reasons(panel: PhotosPanel, photos: Path, qloop, wait_until) -> None:  # type: ignore[no-untyped-def]
    qloop.run_until_complete(add_and_check(panel, wait_until, [photos / name for name in SAMPLES]))
    verdicts = {
        panel.model.item(row).text(): panel.model.item(row).data(PHOTO_ROLE).verdict
        for row in range(panel.model.rowCount())
    }
    assert verdicts == {"astronaut.png": "pass", "camera.png": "warn", "chelsea.png": "fail"}

    select(panel, "chelsea.png")
    lines = panel.details.line_texts()
    assert lines[0][0] == "bad" and "451×300" in lines[0][1] and "512×512" in lines[0][1]
    assert (
        "warn",
        "!  We couldn't find a front-facing face in this photo. HeyGen needs one clear face looking "
        "at the camera: use a portrait photo.",
    ) in lines
    assert [button.text() for button in panel.details.fix_buttons] == ["Enlarge to 512 pixels"]
    assert "soft or blurry" in panel.details.fix_buttons[0].toolTip()  # the price of enlarging is said first
    assert not any("Facing the camera" in text for _, text in lines)  # no face: nothing to say it faces us

    select(panel, "camera.png")
    tones = [tone for tone, _ in panel.details.line_texts()]
    assert tones[0] == "warn" and "turned away" in panel.details.line_texts()[0][1]
    assert "bad" not in tones

    select(panel, "astronaut.png")
    assert {tone for tone, _ in panel.details.line_texts()} == {"good"}
    assert panel.details.verdict.text() == "<b>This photo is ready for HeyGen.</b>"


def test_fix_writes_a_new_checked_photo_and_leaves_the_original_alone(
    panel: PhotosPanel, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    webp = tmp_path / "portrait.webp"
    with Image.open(sample_photo("astronaut.png")) as image:
        image.convert("RGB").save(webp, "WEBP")
    original = webp.read_bytes()
    qloop.run_until_complete(add_and_check(panel, wait_until, [webp]))
    select(panel, "portrait.webp")
    assert [button.text() for button in panel.details.fix_buttons] == ["Convert to JPEG"]
    panel.details.fix_buttons[0].click()
    qloop.run_until_complete(wait_until(lambda: panel.model.rowCount() == 2 and checked(panel), within=20))
    fixed = panel.model.item(1).data(PHOTO_ROLE)
    assert fixed.path.suffix == ".jpg" and fixed.path.parent == panel.session.paths.data_dir / "photos"
    assert fixed.verdict == "pass" and fixed.report.format == "JPEG"
    assert webp.read_bytes() == original
    assert "Your original is unchanged" in panel.status.text()


def test_a_small_photo_enlarged_is_accepted_with_a_warning_about_quality(
    panel: PhotosPanel, photos: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    qloop.run_until_complete(add_and_check(panel, wait_until, [photos / "chelsea.png"]))
    select(panel, "chelsea.png")
    panel.details.fix_buttons[0].click()
    qloop.run_until_complete(wait_until(lambda: panel.model.rowCount() == 2 and checked(panel), within=20))
    enlarged = panel.model.item(1).data(PHOTO_ROLE)
    assert (enlarged.report.width, enlarged.report.height) == (770, 512) and not enlarged.report.errors
    assert "may look soft or blurry" in panel.status.text() and panel.status.property("tone") == "warn"


def test_a_transparent_png_is_called_transparent_and_can_be_put_on_white(
    panel: PhotosPanel, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    from PIL import ImageDraw

    picture = Image.open(sample_photo("astronaut.png")).convert("RGBA")
    mask = Image.new("L", picture.size, 0)
    ImageDraw.Draw(mask).ellipse((60, 0, 460, 512), fill=255)
    picture.putalpha(mask)
    picture.save(tmp_path / "cut-out.png")
    qloop.run_until_complete(add_and_check(panel, wait_until, [tmp_path / "cut-out.png"]))
    select(panel, "cut-out.png")
    texts = " ".join(text for _, text in panel.details.line_texts())
    assert "transparent parts" in texts and "overexposed" not in texts
    assert [button.text() for button in panel.details.fix_buttons] == ["Put on a white background"]
    panel.details.fix_buttons[0].click()
    qloop.run_until_complete(wait_until(lambda: panel.model.rowCount() == 2 and checked(panel), within=20))
    assert panel.model.item(1).data(PHOTO_ROLE).verdict == "pass"


def test_a_file_that_is_not_an_image_shows_no_check_it_never_ran(
    panel: PhotosPanel, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "notes.jpg").write_text("This is not a photo.\n")
    qloop.run_until_complete(add_and_check(panel, wait_until, [tmp_path / "notes.jpg"]))
    select(panel, "notes.jpg")
    lines = panel.details.line_texts()
    assert [tone for tone, _ in lines] == ["bad"] and "not an image" in lines[0][1]
    assert panel.details.fix_buttons == []


def test_pasted_picture_is_saved_as_png_in_the_data_folder(panel: PhotosPanel, qloop, wait_until) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    QApplication.clipboard().setImage(QImage(str(sample_photo("astronaut.png"))))
    panel.paste()
    qloop.run_until_complete(wait_until(lambda: panel.model.rowCount() == 1 and checked(panel), within=20))
    photo = panel.model.item(0).data(PHOTO_ROLE)
    assert photo.path.parent == panel.session.paths.data_dir / "photos"
    assert photo.report.format == "PNG" and photo.verdict == "pass"


def test_upload_twice_sends_the_photo_once(
    panel: PhotosPanel,
    session: Session,
    photos: Path,
    qloop,  # type: ignore[no-untyped-def]
    wait_until,
) -> None:
    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await add_and_check(panel, wait_until, [photos / "astronaut.png"])
        for _ in range(2):
            select(panel, "astronaut.png")
            panel.upload_button.click()
            await wait_until(lambda: panel._work is None and "Uploaded" in panel.status.text())
        assert "already on HeyGen" in panel.status.text()

    qloop.run_until_complete(scenario())
    assert session._sandbox.server.state.counts["uploads"] == 1  # type: ignore[union-attr]


def test_cancel_an_upload(panel: PhotosPanel, session: Session, photos: Path, qloop, wait_until) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await add_and_check(panel, wait_until, [photos / "astronaut.png"])
        session._sandbox.server.state.faults = FaultPlan(stall_next=1, stall_s=5.0, path_prefix="/v3/assets")  # type: ignore[union-attr]
        select(panel, "astronaut.png")
        panel.upload_button.click()
        await wait_until(lambda: not panel.cancel_button.isHidden() and "Uploading" in panel.status.text())
        await asyncio.sleep(0.2)
        panel.cancel_button.click()
        await wait_until(lambda: panel._work is None)

    qloop.run_until_complete(scenario())
    assert panel.status.text().startswith("Stopped.")
    assert panel.cancel_button.isHidden() and panel.upload_button.isEnabled()
    digest = content_hash((photos / "astronaut.png").read_bytes())
    assert UploadedAssets(session.db).find(digest, "sandbox", "v3") is None


def test_create_avatar_from_a_good_and_a_warned_photo(
    panel: PhotosPanel,
    session: Session,
    photos: Path,  # type: ignore[no-untyped-def]
    qloop,
    wait_until,
) -> None:
    changed: list[bool] = []
    session.avatars_changed.connect(lambda: changed.append(True))

    async def scenario() -> Money:
        await session.use_sandbox(remember=False)
        await wait_until(lambda: session.balance is not None)
        await add_and_check(panel, wait_until, [photos / name for name in SAMPLES])
        select(panel, *SAMPLES)
        panel.name.setText("Anna")
        assert panel.create_button.text() == "Create avatar from 2 photos · $2.00"  # one $1.00 call per photo
        assert "2 photos → $2.00" in panel.create_button.toolTip() and "pretend money" in panel.create_button.toolTip()
        assert "chelsea.png can't be used" in panel.selection_note.text()
        before = wallet(session)
        panel.create_button.click()
        assert panel.create_button.text() == "Create avatar anyway · $2.00"
        assert "camera.png has warnings" in panel.status.text()
        panel.create_button.click()
        assert panel.money_prompt is None  # $25.00 covers it: no question
        await wait_until(lambda: panel.status.text() == READY, within=20)
        return before - wallet(session)

    spent = qloop.run_until_complete(scenario())
    counts = session._sandbox.server.state.counts  # type: ignore[union-attr]
    assert changed and counts["uploads"] == 2 and counts["groups_created"] == 1
    assert spent == Money.usd(2)  # what the button said is what the wallet lost
    panel.library_button.click()
    assert panel.window().shown == ["Library"]


def wallet(session: Session) -> Money:
    return session._sandbox.server.state.account.purse.amount  # type: ignore[union-attr]


def test_create_avatar_costing_more_than_is_left_asks_first(
    paths: Paths,
    photos: Path,
    qtbot,
    qloop,  # type: ignore[no-untyped-def]
    loop_running,
    wait_until,
) -> None:
    tasks = TaskRegistry()
    session = Session(
        paths,
        Settings(),
        tasks,
        secrets=SecretStore(MemoryKeyring()),
        sandbox_config=SandboxConfig(job_seconds=0.1, balance=1.5),
    )
    panel = PhotosPanel(session)
    window = Window(panel)
    qtbot.addWidget(window)

    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await wait_until(lambda: session.balance is not None)
        await add_and_check(panel, wait_until, [photos / "astronaut.png", photos / "camera.png"])
        select(panel, "astronaut.png", "camera.png")
        panel.name.setText("Anna")
        panel.create_button.click()  # camera.png has warnings: asked first
        panel.create_button.click()
        box = panel.money_prompt
        assert box is not None and box.isVisible()  # opened, not exec'd: the loop keeps running
        assert "costs $2.00: $0.50 more than your account has" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.2)
        assert session._sandbox.server.state.counts["groups_created"] == 0  # type: ignore[union-attr]
        assert panel._work is None and wallet(session) == Money.usd("1.5")

        panel.create_button.click()  # asked again; this time go ahead: HeyGen takes $1.00, then refuses
        next(b for b in panel.money_prompt.buttons() if b.text() == "Create avatar anyway").click()  # type: ignore[union-attr]
        await wait_until(lambda: not panel.retry_button.isHidden(), within=20)
        assert wallet(session) == Money.usd("0.5")
        await wait_until(lambda: session.balance is not None and session.balance.remaining == Money.usd("0.5"))
        panel.retry_button.click()  # what is left (one more photo, $1.00) is re-checked against $0.50
        box = panel.money_prompt
        assert box is not None and "costs $1.00: $0.50 more" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()

    qloop.run_until_complete(scenario())
    assert session._sandbox.server.state.counts["groups_created"] == 1  # type: ignore[union-attr]
    window.close()
    qloop.run_until_complete(tasks.aclose())
    qloop.run_until_complete(session.aclose())


def test_a_job_left_midway_is_finished_after_a_restart(
    panel: PhotosPanel,
    session: Session,
    photos: Path,  # type: ignore[no-untyped-def]
    qloop,
    wait_until,
) -> None:
    paths = [photos / "astronaut.png", photos / "camera.png"]
    digests = [content_hash(path.read_bytes()) for path in paths]
    job = AvatarJobs(session.db).create("sandbox", "v3", "Left over", digests, [str(p) for p in paths])

    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await wait_until(lambda: panel.status.text() == READY, within=20)

    qloop.run_until_complete(scenario())
    assert AvatarJobs(session.db).get(job.id).state is JobState.DONE  # type: ignore[union-attr]
    assert session._sandbox.server.state.counts["groups_created"] == 1  # type: ignore[union-attr]


@pytest.fixture
def browser() -> Iterator[UrlCatcher]:
    with catching_urls("http") as catcher:
        yield catcher


def test_an_avatar_waiting_for_consent_offers_the_consent_page(
    paths: Paths,
    photos: Path,
    browser: UrlCatcher,  # type: ignore[no-untyped-def]
    qtbot,
    qloop,
    loop_running,
    wait_until,
) -> None:
    tasks = TaskRegistry()
    session = Session(
        paths,
        Settings(),
        tasks,
        secrets=SecretStore(MemoryKeyring()),
        sandbox_config=SandboxConfig(job_seconds=0.1, consent_required=True),
    )
    panel = PhotosPanel(session)
    panel.builder.poll_s = 0.05
    window = Window(panel)
    qtbot.addWidget(window)

    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        await add_and_check(panel, wait_until, [photos / "astronaut.png"])
        select(panel, "astronaut.png")
        panel.name.setText("Anna")
        panel.create_button.click()
        await wait_until(lambda: panel._work is None and not panel.consent_button.isHidden(), within=20)
        assert "HeyGen needs the consent of the person in the photo before “Anna” can be used" in panel.status.text()
        assert "shows as ready in the Library" in panel.status.text()
        assert not panel.library_button.isHidden()
        panel.consent_button.click()
        await wait_until(lambda: bool(browser.opened))
        assert "The consent page opened in your browser" in panel.status.text()
        async with httpx.AsyncClient() as client:  # the person approves in the browser
            assert (await client.get(browser.opened[0].toString())).status_code == 200
        group = await session.require_api().get_group(panel._consent_group or "")
        assert group.status is Status.COMPLETED and group.name == "Anna"

    try:
        qloop.run_until_complete(scenario())
    finally:
        window.close()
        qloop.run_until_complete(tasks.aclose())
        qloop.run_until_complete(session.aclose())
    assert len(browser.opened) == 1


def kept_reports(session: Session) -> dict[str, bool]:
    """Name → whether a report is kept, from the photo list on disk."""
    import json

    file = session.paths.data_dir / "photos.json"
    if not file.exists():
        return {}
    return {
        Path(entry["path"]).name: entry["report"] is not None
        for entry in json.loads(file.read_text(encoding="utf-8"))["photos"]
    }


def restart(panel: PhotosPanel, session: Session, qtbot) -> Window:  # type: ignore[no-untyped-def]
    """A window with a new Photos page on the same data folder, as after quitting and starting the app again."""
    panel.window().close()
    window = Window(PhotosPanel(session))
    qtbot.addWidget(window)
    return window


def verdicts(panel: PhotosPanel) -> dict[str, str]:
    return {
        panel.model.item(row).text(): panel.model.item(row).data(PHOTO_ROLE).verdict
        for row in range(panel.model.rowCount())
    }


def test_photos_and_verdicts_are_kept_across_a_restart_and_a_missing_one_is_dropped_with_a_note(
    panel: PhotosPanel, session: Session, photos: Path, qtbot, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(photos / "astronaut.png", photos / "gone.png")
    names = [*SAMPLES, "gone.png"]
    qloop.run_until_complete(add_and_check(panel, wait_until, [photos / name for name in names]))
    qloop.run_until_complete(wait_until(lambda: kept_reports(session) == {name: True for name in names}))
    (photos / "gone.png").unlink()
    shutil.copy(photos / "astronaut.png", photos / "camera.png")  # changed since: checked again

    window = restart(panel, session, qtbot)
    again = window.centralWidget()
    qloop.run_until_complete(wait_until(lambda: again.model.rowCount() == 3 and checked(again), within=20))
    assert verdicts(again) == {"astronaut.png": "pass", "camera.png": "pass", "chelsea.png": "fail"}
    assert again.pages.currentIndex() == 1
    assert "1 photo you added before is no longer there" in again.status.text() and "gone.png" in again.status.text()
    qloop.run_until_complete(wait_until(lambda: set(kept_reports(session)) == set(SAMPLES)))

    select(again, "chelsea.png")
    assert any("451×300" in text for _, text in again.details.line_texts())  # the kept verdict's reasons
    again.remove_button.click()
    qloop.run_until_complete(wait_until(lambda: set(kept_reports(session)) == {"astronaut.png", "camera.png"}))
    assert (photos / "chelsea.png").exists()  # taken off the page, not deleted
    assert [again.model.item(row).text() for row in range(again.model.rowCount())] == ["astronaut.png", "camera.png"]


def test_a_damaged_photo_list_is_moved_aside_and_the_page_starts_empty(
    session: Session, qtbot, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    damaged = session.paths.data_dir / "photos.json"
    damaged.write_bytes(b"{\xff not json")
    panel = PhotosPanel(session)
    window = Window(panel)
    qtbot.addWidget(window)
    qloop.run_until_complete(wait_until(lambda: "could not be read" in panel.status.text()))
    aside = [path for path in session.paths.data_dir.iterdir() if path.name.startswith("photos.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == b"{\xff not json"
    assert panel.model.rowCount() == 0 and panel.pages.currentIndex() == 0
    window.close()
    qloop.run_until_complete(session.tasks.aclose())


def test_the_page_fits_a_1024x700_window_with_open_the_library_in_view(
    panel: PhotosPanel, photos: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QStackedWidget

    from heygen_studio.ui.main_window import add_scrollable

    window = panel.window()
    stack = QStackedWidget()  # as in the main window: the page scrolls when its content can't fit
    add_scrollable(stack, panel)
    window.setCentralWidget(stack)
    stack.resize(804, 656)  # what a panel gets in a 1024x700 window
    window.resize(804, 656)
    window.show()
    qloop.run_until_complete(add_and_check(panel, wait_until, [photos / name for name in SAMPLES]))
    select(panel, "camera.png")  # the photo with the longest list of checks
    panel.library_button.show()  # as once an avatar is made
    qloop.run_until_complete(asyncio.sleep(0.1))
    page = stack.currentWidget()
    assert page.verticalScrollBar().maximum() == 0 and page.horizontalScrollBar().maximum() == 0
    button = panel.library_button
    assert button.visibleRegion().boundingRect().size() == button.size()  # whole, not cut off


def test_on_the_legacy_api_create_avatar_shows_the_training_it_runs(
    panel: PhotosPanel,
    session: Session,  # type: ignore[no-untyped-def]
    photos: Path,
    qloop,
    wait_until,
) -> None:
    from heygen_studio.session import Connection

    async def scenario() -> None:
        await session.use_sandbox(remember=False)
        url = session.connection.base_url  # type: ignore[union-attr]
        await session._switch(Connection("v2", url, url, "sandbox"))
        await wait_until(lambda: session.balance is not None)
        await add_and_check(panel, wait_until, [photos / "astronaut.png"])
        select(panel, "astronaut.png")
        panel.name.setText("Anna")

    qloop.run_until_complete(scenario())
    assert panel.create_button.text() == "Create avatar · 4 credits"  # the photos are free; training is not
    assert "trains the avatar" in panel.create_button.toolTip()
