"""Photos: where the user adds and checks the face photos that become avatars."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from heygen_studio.api import HeyGenApi
from heygen_studio.domain.money import Money
from heygen_studio.domain.photo_rules import IMAGE_VIDEO_MAX_BYTES
from heygen_studio.domain.pricing import PaidAction
from heygen_studio.services.avatar_builder import AvatarBuilder, avatar_price, price_left
from heygen_studio.services.avatar_work import AvatarWork
from heygen_studio.services.photo_checks import CheckedPhoto, Verdict
from heygen_studio.storage.avatar_jobs import AvatarJob
from heygen_studio.ui.consent import CONSENT_OPENED, open_consent_page
from heygen_studio.ui.panels.base import Panel
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.paid_action import check_balance, price_list, price_of, price_tip, priced
from heygen_studio.ui.widgets.photo_shelf import PhotoShelf

if TYPE_CHECKING:
    from heygen_studio.session import Session
    from heygen_studio.ui.dialogs.quick_video import QuickVideoDialog


READY = "Your avatar is ready — open the Library to see its looks."
NEEDS_CONSENT = (
    "HeyGen needs the consent of the person in the photo before “{name}” can be used. Click "
    "Open consent page: it opens in your browser, where that person approves it. Once they have, "
    "“{name}” shows as ready in the Library."
)
PHOTO_FILTER = "Photos (*.jpg *.jpeg *.png *.webp *.heic *.gif *.bmp *.tif *.tiff);;All files (*)"


class PhotosPanel(Panel):
    title = "Photos"
    icon_name = "photos"
    summary = (
        "Start here: add a photo of a face. HeyGen Studio checks that it is clear and "
        "facing the camera, then turns it into an avatar that can talk."
    )
    next_step = "Add a well-lit, front-facing photo of one person to begin."

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.builder = AvatarBuilder(session.db)
        self.avatar_work = AvatarWork(
            self.builder, self._progress, self._finished, lambda text: self.say(text, Tone.BAD)
        )
        self._work: asyncio.Task[None] | None = None  # the upload or avatar job running now
        self._confirmed_warnings = False
        self._consent_group: str | None = None  # the group waiting for consent, once a job ends so
        self.money_prompt: QMessageBox | None = None  # "not enough money left", while it is open
        self.quick_video: QuickVideoDialog | None = None  # the quick video form, while it is open
        self.shelf = PhotoShelf(
            session.paths.data_dir, lambda coro, name: self.run(coro, name, per_connection=False), self
        )
        # The shelf's parts the panel (and its tests) read.
        self.model, self.list, self.details = self.shelf.model, self.shelf.list, self.shelf.details
        self.pages, self.empty, self.remove_button = self.shelf.pages, self.shelf.empty, self.shelf.remove_button
        self.shelf.message.connect(self.say)
        self.shelf.selection_changed.connect(self._selection_changed)
        self.details.quick_video_requested.connect(self.open_quick_video)
        self._build()
        self.setAcceptDrops(True)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self)
        paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        paste.activated.connect(self.paste)
        session.connection_changed.connect(self._connection_changed)
        session.balance_changed.connect(lambda _: self._update_actions())  # the account's unit is known now
        if session.api is not None:
            QTimer.singleShot(0, self._connection_changed)

    # --- layout ------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.clear_placeholder()
        self.add_button = QPushButton("Add photos…")
        self.add_button.setObjectName("primaryButton")
        self.add_button.clicked.connect(self.choose_files)
        add_hint = QLabel("or drag photos onto this page, or paste one with Ctrl+V")
        add_hint.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(add_hint)
        top.addStretch(1)
        top.addWidget(self.remove_button)

        self.name = QLineEdit()
        self.name.setPlaceholderText("Name your avatar, e.g. Anna at the office")
        self.name.setMaxLength(100)
        self.name.textChanged.connect(self._update_actions)
        self.upload_button = QPushButton("Upload only")
        self.upload_button.setToolTip(
            "Send the selected photos to HeyGen without making an avatar yet. "
            "A photo already sent is not sent again. Uploading costs nothing."
        )
        self.upload_button.clicked.connect(self.upload_selected)
        self.create_button = QPushButton("Create avatar")
        self.create_button.setObjectName("primaryButton")
        self.create_button.clicked.connect(self.create_avatar)
        create_row = QHBoxLayout()
        create_row.addWidget(QLabel("Avatar name:"))
        create_row.addWidget(self.name, 1)
        create_row.addWidget(self.upload_button)
        create_row.addWidget(self.create_button)
        self.selection_note = QLabel()
        self.selection_note.setProperty("tone", Tone.WARN.value)
        self.selection_note.setWordWrap(True)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.retry_button = QPushButton("Try again")
        self.retry_button.clicked.connect(self._retry)
        self.library_button = QPushButton("Open the Library")
        self.library_button.setObjectName("primaryButton")
        self.library_button.clicked.connect(self.open_library)
        self.consent_button = QPushButton("Open consent page")
        self.consent_button.setObjectName("primaryButton")
        self.consent_button.setToolTip("Opens HeyGen's consent page in your browser, for the person in the photo")
        self.consent_button.clicked.connect(self.open_consent)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)
        status_row.addWidget(self.retry_button)
        status_row.addWidget(self.consent_button)
        status_row.addWidget(self.library_button)
        for widget in (self.progress, self.cancel_button, self.retry_button, self.consent_button, self.library_button):
            widget.hide()

        self.content.addLayout(top)
        self.content.addWidget(self.shelf, 1)
        self.content.addLayout(create_row)
        self.content.addWidget(self.selection_note)
        self.content.addLayout(status_row)
        self._update_actions()

    # --- adding photos -----------------------------------------------------------------------------

    def add_paths(self, paths: list[Path]) -> None:
        """Add photos to the list and check each in the background; a photo already listed is selected."""
        self.shelf.add_paths(paths)

    def _selection_changed(self) -> None:
        self._confirmed_warnings = False
        self._update_actions()

    def choose_files(self) -> None:
        dialog = QFileDialog(self, "Add photos", str(Path.home()), PHOTO_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda files: self.add_paths([Path(f) for f in files]))
        dialog.open()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        data = event.mimeData()
        if data.hasImage() or any(url.isLocalFile() for url in data.urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.shelf.take(event.mimeData())
        event.acceptProposedAction()

    def paste(self) -> None:
        self.shelf.take(QApplication.clipboard().mimeData())

    # --- upload and create avatar ------------------------------------------------------------------

    def _usable(self) -> tuple[list[CheckedPhoto], list[CheckedPhoto]]:
        """(photos HeyGen will take, photos with errors) among the selection."""
        photos = self.shelf.selected_photos()
        return [p for p in photos if p.verdict is not Verdict.FAIL], [p for p in photos if p.verdict is Verdict.FAIL]

    def _update_actions(self) -> None:
        usable, refused = self._usable()
        busy = self._work is not None
        connected = self.session.api is not None
        self.remove_button.setEnabled(self.list.selectionModel().hasSelection())
        self.upload_button.setEnabled(bool(usable) and connected and not busy)
        self.create_button.setEnabled(bool(usable) and connected and not busy and bool(self.name.text().strip()))
        count = len(usable)
        price = self._avatar_price(count)
        label = (
            "Create avatar anyway"
            if self._confirmed_warnings
            else "Create avatar"
            if count <= 1
            else f"Create avatar from {count} photos"
        )
        self.create_button.setText(priced(label, price) if usable else label)
        if busy:
            return
        if not connected:
            tip = "Connect to HeyGen first: add your API key in Settings, or try the sandbox."
        elif not usable:
            tip = (
                "Select photos with a green or amber badge to make an avatar."
                if self.model.rowCount()
                else "Add a photo first."
            )
        elif not self.name.text().strip():
            tip = "Type a name for the avatar."
        else:
            tip = "The first selected photo makes the avatar; the others become extra looks. " + price_tip(
                self.session, price, self._price_how(count)
            )
        self.create_button.setToolTip(tip)
        self.selection_note.setText(
            f"{_names(refused)} can't be used until fixed, so only the other "
            f"{'photo is' if count == 1 else f'{count} photos are'} used."
            if refused and usable
            else ""
        )
        self.selection_note.setVisible(bool(refused and usable))

    def upload_selected(self) -> None:
        api = self.session.api
        usable, _ = self._usable()
        if api is None or not usable:
            return
        self._start(self._upload([p.path for p in usable], api), "upload photos")

    async def _upload(self, paths: list[Path], api: HeyGenApi) -> None:
        self.say(await self.avatar_work.upload(api, self._account(), paths), Tone.GOOD)

    def create_avatar(self) -> None:
        api = self.session.api
        usable, _ = self._usable()
        name = self.name.text().strip()
        if api is None or not usable or not name:
            return
        warned = [p for p in usable if p.verdict is Verdict.WARN]
        if warned and not self._confirmed_warnings:
            self._confirmed_warnings = True
            self._update_actions()
            self.say(
                f"{_names(warned)} {'has' if len(warned) == 1 else 'have'} warnings: HeyGen will take "
                "them, but the avatar may look less natural. Click “Create avatar anyway” to go ahead, "
                "or fix the photos first.",
                Tone.WARN,
            )
            return
        self._confirmed_warnings = False
        self._update_actions()
        paths = [p.path for p in usable]
        photos = f"{len(paths)} photo{'s' if len(paths) > 1 else ''}"
        self.money_prompt = check_balance(
            self,
            self.session,
            self._avatar_price(len(paths)),
            f"Making “{name}” from {photos}",
            "Create avatar anyway",
            lambda: self._create(api, name, paths),
        )

    def _create(self, api: HeyGenApi, name: str, paths: list[Path]) -> None:
        if api is not self.session.api or self._work is not None:
            return  # the account changed, or another job started, while the question was open
        self._start(self.avatar_work.create(api, self._account(), name, paths), "create avatar")

    def _avatar_price(self, photos: int) -> Money | None:
        api = self.session.api
        trained = api is not None and api.generation == "v2"  # the legacy API trains the new avatar
        return avatar_price(price_list(self.session), photos, trained=trained) if photos else None

    def _price_how(self, photos: int) -> str:
        api = self.session.api
        each = price_of(self.session, PaidAction.CREATE_AVATAR)
        if api is not None and api.generation == "v2":
            return "The legacy API trains the avatar once it is made; the photos themselves cost nothing."
        if each is None or each.is_zero:
            return ""
        return (
            f"Each photo is one call at {each}: {photos} photo{'s' if photos > 1 else ''} → "
            f"{self._avatar_price(photos)}."
        )

    def _finished(self, job: AvatarJob) -> None:
        self.session.avatars_changed.emit()
        if job.needs_consent:
            self._consent_group = job.group_id
            self.say(NEEDS_CONSENT.format(name=job.name), Tone.WARN)
            self.consent_button.show()
        else:
            self.say(READY, Tone.GOOD)
        self.library_button.show()

    def _progress(self, text: str, fraction: float | None) -> None:
        self.say(text)
        self._set_progress(fraction)

    def _retry(self) -> None:
        """Carry the job on, asking first when what is left of it now costs more than the balance."""
        api, job = self.session.api, self.avatar_work.job
        if api is None or job is None or not self.avatar_work.resumable:
            return

        def go() -> None:
            if api is self.session.api and job is self.avatar_work.job and self._work is None:
                self._start(self.avatar_work.carry_on(api), "resume avatar")

        self.money_prompt = check_balance(
            self, self.session, price_left(job, price_list(self.session)), f"Finishing “{job.name}”", "Try anyway", go
        )

    def _start(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._hide_consent()
        self.library_button.hide()
        self.retry_button.hide()
        self._work = self.run(self._working(coro), name, on_error=self._interrupted)
        self.cancel_button.show()
        self._set_progress(0.0)
        self._update_actions()

    async def _working(self, coro: Coroutine[Any, Any, None]) -> None:
        try:
            await coro
        finally:
            self.cancel_button.hide()
            self.progress.hide()
            self._work = None
            self._update_actions()

    def _interrupted(self, error: Exception) -> None:
        """HeyGen's error stopped the upload or job: nothing is lost, and Try again carries it on."""
        self.say(f"{error} Nothing is lost: click Try again when ready.", Tone.BAD)
        self.session.refresh_balance()  # what is left, for the price check on Try again
        self.retry_button.setVisible(self.avatar_work.resumable)

    def cancel(self) -> None:
        """Stop the upload or avatar job; an avatar job stopped this way is not resumed."""
        if self._work is None:
            return
        self.avatar_work.stop()
        self._work.cancel()
        self.say("Stopped. Anything HeyGen already finished stays in your Library.", Tone.WARN)

    def open_consent(self) -> None:
        api, group_id = self.session.api, self._consent_group
        if api is not None and group_id is not None:
            self.run(self._open_consent(api, group_id), "consent page", on_error=self._no_consent_page)

    async def _open_consent(self, api: HeyGenApi, group_id: str) -> None:
        await open_consent_page(api, group_id)
        self.say(
            f"{CONSENT_OPENED} Then open the Library and click Refresh: the avatar shows as ready there.", Tone.GOOD
        )

    def _no_consent_page(self, error: Exception) -> None:
        self.say(f"No consent page: {error}", Tone.BAD)

    def _hide_consent(self) -> None:
        self._consent_group = None
        self.consent_button.hide()

    def open_library(self) -> None:
        self.navigate.emit("Library")

    # --- quick video -----------------------------------------------------------------------------

    def open_quick_video(self, photo: CheckedPhoto) -> None:
        """The form that turns `photo` and a script into an image video, without making an avatar."""
        from heygen_studio.ui.dialogs.quick_video import QuickVideoDialog  # with the Scenes widgets: not at start

        dialog = QuickVideoDialog(self.session, photo, lambda coro, name: self.run(coro, name), self)
        dialog.navigate.connect(self.navigate)
        dialog.finished.connect(lambda _result: self._quick_video_closed(dialog))
        self.quick_video = dialog
        dialog.open()  # window-modal: no other photo's form opens while this one is open

    def _quick_video_closed(self, dialog: QuickVideoDialog) -> None:
        if self.quick_video is dialog:
            self.quick_video = None
        dialog.deleteLater()

    def _quick_video_access(self) -> None:
        from heygen_studio.ui.dialogs.quick_video import quick_video_blocker  # once connected: after the first paint

        api = self.session.api
        limit = min(IMAGE_VIDEO_MAX_BYTES, api.limits.max_upload_bytes) if api is not None else IMAGE_VIDEO_MAX_BYTES
        self.details.set_quick_video_access(quick_video_blocker(self.session), limit)

    # --- connection ------------------------------------------------------------------------------

    def _account(self) -> str:
        connection = self.session.connection
        return connection.account_id if connection is not None else ""

    def _connection_changed(self) -> None:
        """Stop work meant for the old account (its job resumes next time) and resume this account's jobs."""
        if self._work is not None:  # the base class cancelled it
            self.say("")
        self.avatar_work.forget()
        self._hide_consent()
        self._update_actions()
        self._quick_video_access()
        api, connection = self.session.api, self.session.connection
        if api is not None and connection is not None:
            self.run(self._resume(api, connection.account_id), "resume avatar jobs")

    async def _resume(self, api: HeyGenApi, account: str) -> None:
        await asyncio.sleep(0)  # let a cancelled task finish first
        if self._work is not None:
            return
        jobs = await self.avatar_work.unfinished(api, account)
        if jobs:
            self.avatar_work.job = jobs[0]
            self.say(f"Carrying on making “{jobs[0].name}” where it stopped…")
            self._start(self.avatar_work.resume(api, jobs), "resume avatar jobs")

    # --- status row ------------------------------------------------------------------------------

    def say(self, text: str, tone: Tone = Tone.PLAIN) -> None:
        set_tone(self.status, tone, text)

    def _set_progress(self, fraction: float | None) -> None:
        self.progress.show()
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))


def _names(photos: list[CheckedPhoto]) -> str:
    names = [photo.path.name for photo in photos]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
