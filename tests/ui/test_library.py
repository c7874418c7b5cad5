"""Library panel against the real sandbox over loopback: browse, search, presets, details, actions, jobs, cache."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QMessageBox, QStackedWidget

from heygen_studio.api import AvatarGroup, Status
from heygen_studio.app import StudioApp
from heygen_studio.config import Paths, Settings
from heygen_studio.domain.money import Money
from heygen_studio.resources import sample_photo
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.services.thumbnails import Thumbnails
from heygen_studio.session import Connection, Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.library_jobs import JobKind, JobState
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.storage.thumbnail_cache import ThumbnailCache
from heygen_studio.tasks import TaskRegistry
from heygen_studio.ui.main_window import add_scrollable
from heygen_studio.ui.models.filtered_list import BADGE_ROLE
from heygen_studio.ui.models.looks_model import LooksModel
from heygen_studio.ui.panels.library import LibraryPanel
from heygen_studio.ui.widgets.look_card import CARD


def make_session(paths: Paths) -> Session:
    return Session(
        paths,
        Settings(),
        TaskRegistry(),
        secrets=SecretStore(MemoryKeyring()),
        sandbox_config=SandboxConfig(job_seconds=0.2),
    )


async def open_panel(session: Session, wait_until: Any, generation: str = "v3") -> LibraryPanel:
    panel = LibraryPanel(session, poll_s=0.05)
    panel.resize(1200, 800)
    await session.use_sandbox()
    if generation == "v2":
        url = session.connection.base_url  # type: ignore[union-attr]
        await session._switch(Connection("v2", url, url, "sandbox"))
    await wait_until(lambda: panel.groups_model.rowCount() > 0 and panel.looks_model.rowCount() > 0)
    return panel


async def close(panel: LibraryPanel, session: Session) -> None:
    await session.tasks.aclose()
    await panel.aclose()
    await session.aclose()


def names(model: Any) -> list[str]:
    return [model.item(row).name for row in range(model.rowCount())]


def test_browse_search_sort_and_presets(paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until)
        assert names(panel.groups_model) == ["Eileen (demo)"]
        assert sorted(names(panel.looks_model)) == ["Eileen — studio", "Eileen — warm light"]
        assert panel.details.look is not None and panel.details.status_label.text() == "Ready"
        assert panel.details.size_label.text() == "768 × 768 px"
        panel.search.setText("studio")
        assert names(panel.looks_model) == ["Eileen — studio"]
        panel.search.clear()
        panel.sort.setCurrentIndex(0)  # by name
        assert names(panel.looks_model) == ["Eileen — studio", "Eileen — warm light"]
        panel.ownership.setCurrentIndex(1)
        await wait_until(lambda: "Aria (preset)" in names(panel.groups_model))
        assert "Eileen (demo)" not in names(panel.groups_model)
        await wait_until(
            lambda: panel.details.look is not None and panel.details.group is not None and panel.details.group.is_public
        )
        assert not panel.details.delete_button.isEnabled()
        assert "presets" in panel.details.delete_button.toolTip()
        assert panel.groups_heading.text() == "HeyGen's presets"
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_a_new_avatar_is_chosen_when_it_appears_and_a_refresh_keeps_the_choice(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until)
        assert panel.current_group().name == "Eileen (demo)"  # type: ignore[union-attr]
        api = session.require_api()
        asset = await api.upload_photo(sample_photo("astronaut.png").read_bytes(), "image/png", "astronaut.png")
        await api.create_photo_avatar("Anna", asset.ref)
        session.avatars_changed.emit()  # as the Photos page does once the avatar is made
        await wait_until(lambda: panel.current_group() is not None and panel.current_group().name == "Anna")
        await wait_until(lambda: panel.looks_heading.text() == "Looks of Anna")
        panel.ownership.setCurrentIndex(1)  # looking at HeyGen's presets while another avatar is made
        await wait_until(lambda: "Aria (preset)" in names(panel.groups_model))
        await api.create_photo_avatar("Ben", asset.ref)
        session.avatars_changed.emit()
        await wait_until(lambda: panel.current_group() is not None and panel.current_group().name == "Ben")
        assert panel.ownership_name == "private"
        eileen = panel.groups_model.row_of(lambda group: group.name == "Eileen (demo)")
        panel.groups_view.setCurrentIndex(panel.groups_model.index(eileen))
        await panel.reload()  # nothing new: the avatar the user chose stays chosen
        assert panel.current_group().name == "Eileen (demo)"  # type: ignore[union-attr]
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_rename_delete_with_confirmation_and_use(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until)
        chosen: list[Any] = []
        session.look_chosen.connect(chosen.append)
        look = panel.details.look
        panel.details.use_button.click()
        assert chosen == [look]

        panel.details.name_edit.setText("Eileen — renamed")
        panel.details.name_edit.returnPressed.emit()
        await wait_until(lambda: "Eileen — renamed" in names(panel.looks_model))

        panel.details._ask_delete()
        box = panel.details.confirm
        assert box is not None and box.isVisible()  # opened, not exec'd: the loop keeps running
        box.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.2)
        assert panel.looks_model.rowCount() == 2
        doomed = panel.details.look
        panel.details._ask_delete()
        box = panel.details.confirm
        next(b for b in box.buttons() if b.text() == "Delete").click()
        await wait_until(lambda: panel.looks_model.rowCount() == 1)
        assert doomed is not None and doomed.id not in [look.id for look in panel.looks_model.all_items()]
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_ai_photos_on_v2_keep_two_of_four(paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until, "v2")
        form = panel.photos_form
        form.name.setText("Maya")
        form.appearance.edit.setPlainText("short curly hair, navy blazer, friendly smile")
        assert form.appearance.counter.text().startswith("45 / 1000")
        assert form.generate_button.isEnabled()
        stack = QStackedWidget()  # as in the main window: the page scrolls when its content can't fit
        add_scrollable(stack, panel)
        stack.resize(804, 656)  # what a panel gets in a 1024x700 window
        stack.show()
        panel.tabs.setCurrentWidget(panel.photos_page)
        form.generate_button.click()
        await wait_until(lambda: len(form.picks) == 4, within=15)
        await asyncio.sleep(0.1)
        page = stack.currentWidget()
        assert page.verticalScrollBar().maximum() == 0 and page.horizontalScrollBar().maximum() == 0  # no stray bar
        assert panel.job_list.visibleRegion().boundingRect().height() == panel.job_list.height()  # Jobs not cut off
        await wait_until(lambda: not form.keep_button.visibleRegion().isEmpty())  # scrolled to the results
        form.picks[0][0].setChecked(True)
        form.picks[2][0].setChecked(True)
        form.keep_button.click()
        await wait_until(lambda: "Maya" in names(panel.groups_model), within=15)
        api = session.require_api()
        maya = next(group for group in (await api.list_groups()).items if group.name == "Maya")
        looks = (await api.list_looks(maya.id)).items
        assert len(looks) == 2 and "Maya — look 2" in [look.name for look in looks]  # not two looks called Maya
        assert panel.current_group() is not None and panel.current_group().name == "Maya"  # opens on the new one
        form.appearance.edit.setPlainText("x" * 1001)
        assert not form.generate_button.isEnabled() and "too many" in form.appearance.counter.text()
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_paid_clicks_show_their_price_and_ask_when_the_balance_is_short(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        session = Session(
            paths,
            Settings(),
            TaskRegistry(),
            secrets=SecretStore(MemoryKeyring()),
            sandbox_config=SandboxConfig(job_seconds=0.2, balance=0.5),
        )
        panel = await open_panel(session, wait_until)
        await wait_until(lambda: session.balance is not None)
        looks, photos = panel.looks_form, panel.photos_form
        assert looks.generate_button.text() == "Generate looks · $1.00" and "($1.00;" in looks.heading.text()
        assert photos.generate_button.text() == "Generate photos · $1.00" and "$1.00" in photos.note.text()
        photos.name.setText("Maya")
        photos.appearance.edit.setPlainText("short curly hair")
        assert "HeyGen charges $1.00" in photos.generate_button.toolTip()
        assert "pretend money" in photos.generate_button.toolTip()
        photos.generate_button.click()
        box = photos.money_prompt
        assert box is not None and box.isVisible()
        assert "costs $1.00: $0.50 more than your account has" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        looks.prompt.edit.setPlainText("in a red sweater")
        looks.generate_button.click()
        assert looks.money_prompt is not None and "$0.50 more" in looks.money_prompt.text()
        looks.money_prompt.button(QMessageBox.StandardButton.Cancel).click()
        await asyncio.sleep(0.2)
        assert await panel.jobs.recent() == []  # nothing was sent
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_untrained_v2_group_offers_training(paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until, "v2")
        api = session.require_api()
        from heygen_studio.resources import sample_photo

        asset = await api.upload_photo(sample_photo("astronaut.png").read_bytes(), "image/png")
        await api.create_photo_avatar("Fresh", asset.ref)
        panel.reload()
        await wait_until(lambda: "Fresh" in names(panel.groups_model))
        fresh = panel.groups_model.row_of(lambda g: g.name == "Fresh")
        panel.groups_view.setCurrentIndex(panel.groups_model.index(fresh))
        form = panel.looks_form
        form.prompt.edit.setPlainText("in a red sweater")
        assert form.needs_training and not form.generate_button.isEnabled()
        assert not form.train_button.isHidden() and "trained" in form.train_note.text()
        assert form.train_button.text() == "Train this avatar · 4 credits"
        assert "costs 4 credits" in form.train_note.text()
        credits = session._sandbox.server.state.account.legacy.amount  # type: ignore[union-attr]
        form.train_button.click()
        await wait_until(lambda: not form.needs_training and form.generate_button.isEnabled(), within=15)
        assert credits - session._sandbox.server.state.account.legacy.amount == Money.credits(4)  # type: ignore[union-attr]
        assert form.generate_button.text() == "Generate looks · 1 credit"
        assert panel.photos_form.generate_button.text() == "Generate photos · 1 credit"
        panel.looks_view.setCurrentIndex(panel.looks_model.index(0))
        await wait_until(lambda: panel.details.look is not None)
        assert panel.details.motion_button.text() == "Add motion · 1 credit"
        assert panel.details.sound_button.text() == "Add sound effect · free"
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_job_resumes_after_restart(paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until)
        group = panel.current_group()
        assert group is not None
        panel.jobs.poll_s = 60.0  # the first check happens, the next is far away: "quit" mid-job
        panel.jobs.start(
            JobKind.LOOKS, "beach look", group.id, lambda api: api.generate_looks(group.id, "at the beach", *_framing())
        )
        await wait_until(lambda: any(job.state is JobState.RUNNING for job in panel.jobs.store.recent("sandbox", "v3")))
        await session.tasks.aclose()
        session.tasks = TaskRegistry()  # the "restarted" app: same database, same sandbox
        restarted = LibraryPanel(session, poll_s=0.05)
        await restarted.jobs.resume()
        await wait_until(lambda: restarted.jobs.store.recent("sandbox", "v3")[0].state is JobState.DONE, within=15)
        await wait_until(lambda: restarted.job_list.count() > 0 and "done" in restarted.job_list.item(0).text())
        await restarted.aclose()
        await close(panel, session)

    qloop.run_until_complete(scenario())


def _framing() -> tuple[Any, Any, Any]:
    from heygen_studio.api import Orientation, Pose, Style

    return Orientation.SQUARE, Pose.HALF_BODY, Style.REALISTIC


def test_thumbnail_disk_cache_reused_without_network(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until)
        looks = list(panel.looks_model.all_items())
        await panel.aclose()
        fetched: list[str] = []

        def counting_client() -> httpx.AsyncClient:
            async def hook(request: httpx.Request) -> None:
                fetched.append(str(request.url))

            return httpx.AsyncClient(event_hooks={"request": [hook]})

        for _ in range(2):
            cache = ThumbnailCache(paths.cache_dir / "fresh")
            thumbnails = Thumbnails(cache, session.tasks, client_factory=counting_client)
            model = LooksModel(thumbnails)
            model.set_items(looks)
            for look in looks:
                thumbnails.request(look.preview_image_url or "", 1.0)
            await wait_until(
                lambda thumbnails=thumbnails: all(
                    thumbnails.pixmap(look.preview_image_url or "", 1.0) for look in looks
                )
            )
            assert len(fetched) == len(looks)  # fetched once on the first pass; the second is served from disk
            await thumbnails.aclose()
            cache.close()
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_quitting_the_app_closes_the_library_cache(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    studio = StudioApp(
        paths,
        Settings(),
        sandbox=True,
        secrets=SecretStore(MemoryKeyring()),
        sandbox_config=SandboxConfig(job_seconds=0.2),
    )

    async def scenario() -> None:
        window = await studio.start()
        library = window.panel(LibraryPanel)
        await wait_until(lambda: library.looks_model.rowCount() > 0)
        await studio.aclose()
        with pytest.raises(sqlite3.ProgrammingError):  # the thumbnail index is closed, not left to the OS
            library.cache.total_bytes()

    qloop.run_until_complete(scenario())


def test_group_strip_fits_one_row_and_job_messages_wrap(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        session = make_session(paths)
        panel = await open_panel(session, wait_until)
        panel.show()
        panel.ownership.setCurrentIndex(1)  # five presets: three photo avatars, a studio avatar, a digital twin
        await wait_until(lambda: panel.groups_model.rowCount() == 5)
        strip = panel.groups_view
        await wait_until(lambda: strip.viewport().height() == CARD.height())  # no empty band below the cards
        panel.resize(520, 800)  # the cards no longer fit side by side: a scroll bar, and the cards still whole
        await wait_until(lambda: strip.horizontalScrollBar().isVisible())
        assert strip.viewport().height() == CARD.height()
        panel.job_list.clear()
        panel.job_list.addItem("New looks for Eileen — failed: " + "HeyGen could not use this photo. " * 6)
        await asyncio.sleep(0.1)
        assert panel.job_list.horizontalScrollBar().maximum() == 0  # wrapped, not scrolling sideways
        assert panel.job_list.visualItemRect(panel.job_list.item(0)).height() > panel.fontMetrics().height() * 2
        await close(panel, session)

    qloop.run_until_complete(scenario())


async def avatar_waiting_for_consent(paths: Paths) -> tuple[Session, LibraryPanel, str]:
    """A sandbox session whose new photo avatar “Anna” waits for consent, and a Library re-checking fast."""
    session = Session(
        paths,
        Settings(),
        TaskRegistry(),
        secrets=SecretStore(MemoryKeyring()),
        sandbox_config=SandboxConfig(job_seconds=0.1, consent_required=True),
    )
    panel = LibraryPanel(session, poll_s=0.05, recheck_s=0.1)
    await session.use_sandbox(remember=False)
    api = session.require_api()
    asset = await api.upload_photo(sample_photo("astronaut.png").read_bytes(), "image/png", "astronaut.png")
    group_id = (await api.create_photo_avatar("Anna", asset.ref)).group.id
    return session, panel, group_id


def test_an_avatar_waiting_for_consent_turns_ready_without_refresh(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        session, panel, group_id = await avatar_waiting_for_consent(paths)
        api = session.require_api()
        session.avatars_changed.emit()  # as the Photos panel does after making the avatar

        def anna() -> AvatarGroup | None:
            row = panel.groups_model.row_of(lambda group: group.id == group_id)
            return panel.groups_model.item(row) if row >= 0 else None

        def badge() -> str:
            row = panel.groups_model.row_of(lambda group: group.id == group_id)
            return panel.groups_model.index(row).data(BADGE_ROLE) if row >= 0 else "(not listed)"

        await wait_until(lambda: badge() == "Needs consent", within=20)
        panel.groups_view.setCurrentIndex(
            panel.groups_model.index(panel.groups_model.row_of(lambda group: group.id == group_id))
        )
        await wait_until(lambda: panel.details.look is not None and not panel.details.consent_button.isHidden())
        listing = panel.loading
        async with httpx.AsyncClient() as client:  # the person approves in their browser
            assert (await client.get(await api.consent_url(group_id))).status_code == 200

        await wait_until(lambda: badge() == "", within=10)
        assert panel.loading is listing  # no new listing: nobody pressed Refresh
        assert anna() is not None and anna().status is Status.COMPLETED  # type: ignore[union-attr]
        assert panel.current_group() is not None and panel.current_group().id == group_id  # type: ignore[union-attr]
        await wait_until(lambda: panel.details.consent_button.isHidden() and panel.details.use_button.isEnabled())
        await wait_until(lambda: panel.rechecking is not None and panel.rechecking.done())  # nothing waits any more
        await close(panel, session)

    qloop.run_until_complete(scenario())


def test_rechecking_stops_when_the_account_changes(
    paths: Paths, qloop: asyncio.AbstractEventLoop, wait_until: Any
) -> None:
    async def scenario() -> None:
        session, panel, _ = await avatar_waiting_for_consent(paths)
        panel.reload()
        await wait_until(lambda: panel.rechecking is not None and not panel.rechecking.done(), within=20)
        checking = panel.rechecking
        url = session.connection.base_url  # type: ignore[union-attr]
        await session._switch(Connection("v2", url, url, "sandbox"))
        await wait_until(checking.done)
        await close(panel, session)

    qloop.run_until_complete(scenario())
