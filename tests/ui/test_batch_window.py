"""The Batch step from the Scenes editor against the sandbox: a sheet's rows checked and priced, a sample row
first, then the rest through the render queue, the results sheet; bad sheets send nothing."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_urls import catching_urls
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from test_quick_video import sandbox, sandbox_config
from waiting import until_value

from heygen_studio.config import Paths, Settings
from heygen_studio.domain.money import Money
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.session import Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.render_jobs import JobStatus
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.dialogs.batch_window import BatchWindow
from heygen_studio.ui.models.batch_rows_model import STATUS_COLUMN
from heygen_studio.ui.panels.scenes import ScenesPanel

__all__ = ["sandbox_config"]  # a fixture shared with the quick video tests

SHEET = (
    "first_name,team\n"
    "Zoë,Ventes\n"
    "Łukasz,\n"  # an empty cell
    "José,Ops\n"
    "Ана\n"  # a row with its last column missing
    "Chloé,Design\n"
)


@pytest.fixture
def session(paths: Paths, sandbox_config: SandboxConfig, loop_running: object) -> Session:
    """Closed by `panel`, while the panel is still there (a render finishing asks for the balance, which it hears)."""
    return Session(
        paths, Settings(), TaskRegistry(), secrets=SecretStore(MemoryKeyring()), sandbox_config=sandbox_config
    )


@pytest.fixture
def panel(session: Session, qloop: asyncio.AbstractEventLoop) -> Iterator[ScenesPanel]:
    panel = ScenesPanel(session)  # not qtbot's: it would delete the panel before the session is closed
    panel.resize(1200, 800)
    yield panel
    if panel.batch_window is not None:
        panel.batch_window.close()
    qloop.run_until_complete(session.tasks.aclose())
    qloop.run_until_complete(session.aclose())
    panel.close()
    panel.deleteLater()


async def open_batch(panel: ScenesPanel, session: Session, tmp_path: Path, wait_until) -> BatchWindow:  # type: ignore[no-untyped-def]
    """The welcome project (title and script with {first_name} and {team}) open in Scenes, then its Batch step."""
    await session.use_sandbox(remember=False)
    await wait_until(lambda: session.balance is not None)
    await session.renders.set_output_dir(tmp_path / "videos")
    look = (await session.require_api().list_looks(ownership="private")).items[0]
    project = tmp_path / "welcome.hgproj"
    project.write_text(
        Project(
            title="Welcome {first_name}",
            look=LookRef(look.id, look.name),
            voice=VoiceRef("demo-en-us-ava"),
            scenes=(Scene(script="Hi {first_name}, welcome to {team}!"),),
        ).dumps(),
        encoding="utf-8",
    )
    panel.open_file(project)
    await wait_until(lambda: panel.project is not None)
    panel.batch_button.click()
    window = panel.batch_window
    assert window is not None and window.isVisible()  # shown, not exec'd: the loop keeps running
    return window


def sheet(tmp_path: Path, text: str = SHEET, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def drop(window: BatchWindow, path: Path) -> None:
    """`path` dragged onto the window and dropped, as a file manager does."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    actions, buttons, keys = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(20, 20), actions, data, buttons, keys)
    enter.ignore()
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window.dropEvent(QDropEvent(QPointF(20, 20), actions, data, buttons, keys))


def statuses(window: BatchWindow) -> dict[str, str]:
    model = window.model
    return {model.index(i, 1).data(): model.index(i, STATUS_COLUMN).data() for i in range(model.rowCount())}


def select(window: BatchWindow, name: str) -> None:
    model = window.model
    row = next(i for i in range(model.rowCount()) if model.index(i, 1).data() == name)
    window.table.selectRow(row)


def test_five_rows_show_their_first_lines_reasons_and_the_total_against_the_balance(
    panel: ScenesPanel, session: Session, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        window = await open_batch(panel, session, tmp_path, wait_until)
        assert not window.sample_button.isEnabled() and not window.rest_button.isEnabled()
        drop(window, sheet(tmp_path))  # dropped from the file manager
        await wait_until(lambda: window.plan is not None and not window._busy)
        assert statuses(window) == {
            "Zoë": "Ready",
            "Łukasz": "Can't render: {team} is empty in this row",
            "José": "Ready",
            "Ана": "Can't render: {team} is empty in this row",
            "Chloé": "Ready",
        }
        model = window.model
        assert [model.index(i, 2).data() for i in (0, 2, 4)] == [
            "Hi Zoë, welcome to Ventes!",
            "Hi José, welcome to Ops!",
            "Hi Chloé, welcome to Design!",
        ]
        prices = [Money.usd(model.index(i, 4).data().removeprefix("$")) for i in (0, 2, 4)]
        assert model.index(1, 4).data() == "" and model.index(1, 3).data() == ""  # a refused row has no price
        total = prices[0] + prices[1] + prices[2]
        text = window.total.text()
        assert text.startswith(f"3 of 5 rows can render: <b>{total}</b>")
        assert "Balance: " in text and "it fits" in text and "pretend money" in text
        assert window.sample_button.text() == f"Render this one first · {prices[0]}"  # the first good row is chosen
        assert sandbox(session).counts.get("videos_created", 0) == 0  # nothing sent by reading

    qloop.run_until_complete(scenario())


def test_sample_then_the_rest_renders_exactly_the_good_rows_once_and_writes_the_results(
    panel: ScenesPanel, session: Session, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        window = await open_batch(panel, session, tmp_path, wait_until)
        window.open_sheet(sheet(tmp_path))
        await wait_until(lambda: window.plan is not None and not window._busy)
        before = session.balance.describe()  # type: ignore[union-attr]
        assert f"Balance: {before}" in window.total.text()
        select(window, "José")
        row = window.selected_row()
        assert row is not None and window.sample_button.text() == f"Render this one first · {row.cost}"
        assert not window.rest_button.isEnabled() and "Render one row first" in window.rest_button.toolTip()
        window.sample_button.click()
        await wait_until(lambda: window.jobs.get(4) is not None and window.jobs[4].status is JobStatus.DOWNLOADED)
        await wait_until(lambda: window.rest_button.isEnabled())
        assert "Row 4 (rendered first): downloaded" in window.progress.text()
        assert not window.watch_button.isHidden()
        rest = window.rest()
        assert [r.number for r in rest] == [2, 6]
        assert window.rest_button.text() == f"Looks good: render the other 2 rows · {rest[0].cost + rest[1].cost}"
        window.rest_button.click()
        box = window.prompt
        assert box is not None and box.isVisible()  # asked once, opened not exec'd
        assert "These 2 videos cost" in box.text() and "pretend money" in box.text()
        next(b for b in box.buttons() if b.text() == "Render 2 videos").click()
        await wait_until(
            lambda: len(window.jobs) == 3 and all(j.status is JobStatus.DOWNLOADED for j in window.jobs.values()),
            within=60,
        )
        await wait_until(lambda: window.results_button.isEnabled())
        jobs = await session.renders.queue.all_jobs()  # in Renders too
        assert sorted(job.title for job in jobs) == ["Welcome Chloé", "Welcome José", "Welcome Zoë"]
        assert sandbox(session).counts["videos_created"] == 3  # each good row once, no refused row
        assert sorted(Path(job.file_path or "").name for job in jobs) == [
            "Welcome Chloé.mp4",
            "Welcome José.mp4",
            "Welcome Zoë.mp4",
        ]
        assert "3 done, 0 failed, 0 left" in window.progress.text() and "spent" in window.progress.text()
        results = await until_value(
            lambda: asyncio.to_thread(_read, tmp_path / "videos" / "people results.csv"), _all_done, "results"
        )
        assert [(line["row"], line["status"]) for line in results] == [
            ("2", "downloaded"),
            ("3", "refused"),
            ("4", "downloaded"),
            ("5", "refused"),
            ("6", "downloaded"),
        ]
        assert not window.again_button.isEnabled()  # nothing failed
        with catching_urls("file") as desktop:
            window.results_button.click()
            window.folder_button.click()
        assert [url.toLocalFile() for url in desktop.opened] == [
            str(tmp_path / "videos" / "people results.csv"),
            str(tmp_path / "videos"),
        ]
        assert window.rest() == [] and window.rest_button.isHidden()  # not twice by mistake
        assert window.message.isHidden()  # “in the render queue” said while they were
        session.refresh_balance()
        await wait_until(lambda: f"Balance: {session.balance.describe()}" in window.total.text())  # type: ignore[union-attr]
        assert f"Balance: {before}" not in window.total.text()  # the balance now, not when the sheet was read

    qloop.run_until_complete(scenario())


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def _all_done(lines: list[dict[str, str]]) -> bool:
    return len(lines) == 5 and all(line["status"] in ("downloaded", "refused") for line in lines)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (bytes(range(256)) * 4, "it is not a sheet of rows"),
        (b"", "empty"),
        ("first_name,first_name\nZoë,Zoé\n".encode(), "first_name"),
        ("Zoë,Ventes\nJosé,Ops\n".encode(), "first row should name the columns"),
    ],
    ids=["binary", "empty", "duplicate headers", "no header"],
)
def test_a_bad_sheet_gets_the_plain_message_and_nothing_is_sent(
    panel: ScenesPanel, session: Session, tmp_path: Path, qloop, wait_until, content: bytes, says: str
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        window = await open_batch(panel, session, tmp_path, wait_until)
        path = tmp_path / "people.csv"
        path.write_bytes(content)
        window.open_sheet(path)
        await wait_until(lambda: not window._busy and "Nothing was sent" in window.message.text())
        assert says in window.message.text() and window.model.rowCount() == 0
        assert not window.sample_button.isEnabled() and not window.rest_button.isEnabled()
        assert await session.renders.queue.all_jobs() == []

    qloop.run_until_complete(scenario())


def test_listening_to_a_row_speaks_its_filled_script_and_is_free_again(
    panel: ScenesPanel, session: Session, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        window = await open_batch(panel, session, tmp_path, wait_until)
        bar = window.listen
        assert not bar.listen_button.isEnabled() and "Choose a row" in bar.status.text()
        window.open_sheet(sheet(tmp_path))
        await wait_until(lambda: window.plan is not None and not window._busy)
        select(window, "Chloé")
        assert bar.listen_button.isEnabled() and bar.status.text().startswith("Free on the sandbox")
        bar.listen_button.click()
        await wait_until(lambda: bar.playing, within=10)
        row = window.selected_row()
        assert row is not None and row.project is not None
        [(_, request)] = panel.listening._requests(row.project)
        heard = panel.speech.cache.get(request)
        assert (
            request.text == "Hi Chloé, welcome to Design!"
            and heard is not None
            and [w.word for w in heard.words][1] == "Chloé"
        )
        bar.stop_button.click()
        assert bar.status.text() == "Already heard: free"
        select(window, "Łukasz")  # a row that can't render has nothing to hear
        assert not bar.listen_button.isEnabled()
        assert sandbox(session).counts.get("videos_created", 0) == 0

    qloop.run_until_complete(scenario())


@pytest.mark.parametrize("sandbox_config", [SandboxConfig(job_seconds=0.1, balance=0.15)])
def test_failed_rows_fixed_in_the_sheet_are_sent_again_and_only_they(
    panel: ScenesPanel, session: Session, tmp_path: Path, qloop, wait_until
) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        window = await open_batch(panel, session, tmp_path, wait_until)
        people = sheet(tmp_path)
        window.open_sheet(people)
        await wait_until(lambda: window.plan is not None and not window._busy)
        window.sample_button.click()  # row 2, $0.10 of the $0.15
        await wait_until(lambda: window.rest_button.isEnabled())
        window.rest_button.click()  # $0.20 more: HeyGen refuses the call for want of money
        answer(window, ("Render 2 videos", "Render anyway"))
        await wait_until(lambda: window.failed_rows() == [4, 6], within=30)
        assert window.again_button.text() == "Send failed rows again (2)" and window.again_button.isEnabled()
        assert statuses(window)["Chloé"].startswith("Failed: ")
        assert window.rest_button.isHidden()  # failed rows go again only when asked to
        people.write_text(SHEET.replace("Chloé,Design", "Chloé,Design team"), encoding="utf-8")  # fixed
        state = sandbox(session)
        with state.lock:  # money added on heygen.com
            state.account.purse.amount += Money.usd(5)
        session.refresh_balance()
        window.again_button.click()
        answer(window, ("Send anyway",))
        await wait_until(lambda: window.failed_rows() == [] and not window._open_rows() and not window._busy, within=60)
        jobs = await session.renders.queue.all_jobs()
        made = sorted(job.video_spec().scenes[0].script for job in jobs if job.status is JobStatus.DOWNLOADED)
        assert made == ["Hi Chloé, welcome to Design team!", "Hi José, welcome to Ops!", "Hi Zoë, welcome to Ventes!"]
        assert sum(job.status is JobStatus.FAILED for job in jobs) == 2  # the failed renders stay in Renders
        assert state.counts["videos_created"] == 3  # the sample was not made again
        assert "3 done, 0 failed, 0 left" in window.progress.text()

    qloop.run_until_complete(scenario())


def answer(window: BatchWindow, choices: tuple[str, ...]) -> None:
    """Click the first of `choices` on the question the window opened, if it opened one."""
    box = window.prompt
    if box is not None and box.isVisible():
        next(button for button in box.buttons() if button.text() in choices).click()
