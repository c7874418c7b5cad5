"""The chosen look: large preview, its video, facts, and what can be done with it on this API."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api import AvatarGroup, HeyGenError, Look, Status
from heygen_studio.domain.pricing import PaidAction
from heygen_studio.services.thumbnails import Thumbnails
from heygen_studio.storage.library_jobs import JobKind
from heygen_studio.ui.consent import CONSENT_OPENED, open_consent_page
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.paid_action import check_balance, price_of, price_tip, priced

if TYPE_CHECKING:
    from PySide6.QtMultimedia import QMediaPlayer
    from PySide6.QtMultimediaWidgets import QVideoWidget

    from heygen_studio.services.library_jobs import LibraryJobs
    from heygen_studio.session import Session

log = logging.getLogger(__name__)
PREVIEW = QSize(200, 200)  # with the job list below, the details fit a 1024x700 window without scrolling
STATUS_WORDS = {
    Status.COMPLETED: "Ready",
    Status.PROCESSING: "Being prepared…",
    Status.PENDING: "Waiting",
    Status.PENDING_CONSENT: "Waiting for consent",
    Status.FAILED: "Failed",
}


def engine_name(engine: str) -> str:
    """avatar_iv → Avatar IV."""
    head, _, tail = engine.partition("_")
    return f"{head.capitalize()} {tail.upper()}".strip()


def describe_status(status: Status | None) -> str:
    return STATUS_WORDS.get(status, "Ready") if status is not None else "Ready"


class LookDetails(QWidget):
    """Shows one look; emits `renamed(Look)` and `deleted(str)` after HeyGen agreed, `navigate(title)` to
    ask for another panel (Scenes, once a look is chosen)."""

    renamed = Signal(object)
    deleted = Signal(str)
    navigate = Signal(str)

    def __init__(
        self, session: Session, thumbnails: Thumbnails, jobs: LibraryJobs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.thumbnails = thumbnails
        self.jobs = jobs
        self.look: Look | None = None
        self.group: AvatarGroup | None = None
        self._player: QMediaPlayer | None = None
        self._video: QVideoWidget | None = None
        self.confirm: QMessageBox | None = None
        self.money_prompt: QMessageBox | None = None  # "not enough money left", while it is open

        self.preview = QLabel("Choose a look to see it here.")
        self.preview.setObjectName("hint")
        self.preview.setFixedSize(PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Name of this look")
        self.name_edit.returnPressed.connect(self._rename)
        self.facts = QFormLayout()
        self.status_label, self.orientation_label, self.size_label, self.engines_label = (QLabel() for _ in range(4))
        for title, label in (
            ("Status", self.status_label),
            ("Orientation", self.orientation_label),
            ("Size", self.size_label),
            ("Works with", self.engines_label),
        ):
            self.facts.addRow(title, label)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.use_button = QPushButton("Use in my video")
        self.use_button.setObjectName("primaryButton")
        self.use_button.clicked.connect(self._use)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self._ask_delete)
        self.consent_button = QPushButton("Open consent page")
        self.consent_button.setToolTip("HeyGen needs the person in the photo to approve this avatar in a browser")
        self.consent_button.clicked.connect(self._open_consent)
        self.motion_button = QPushButton("Add motion")
        self.motion_button.clicked.connect(self._add_motion)
        self.sound_button = QPushButton("Add sound effect")
        self.sound_button.clicked.connect(self._add_sound)

        actions = QHBoxLayout()  # Delete apart from the legacy extras: the pane stays narrow enough for 1024 px
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        extras = QHBoxLayout()
        for button in (self.motion_button, self.sound_button):
            extras.addWidget(button)
        extras.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        self.video_slot = QVBoxLayout()
        layout.addLayout(self.video_slot)
        layout.addWidget(self.name_edit)
        layout.addLayout(self.facts)
        layout.addWidget(self.use_button)
        layout.addWidget(self.consent_button)
        layout.addLayout(actions)
        layout.addLayout(extras)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.show_look(None, None)
        session.balance_changed.connect(self._balance_changed)

    # --- showing -------------------------------------------------------------------------------

    def show_look(self, look: Look | None, group: AvatarGroup | None) -> None:
        self.look, self.group = look, group
        self.message.clear()
        self.message.hide()  # no empty line taking room in a small window
        self._stop_video()
        enabled = look is not None
        for widget in (self.name_edit, self.use_button, self.delete_button, self.motion_button, self.sound_button):
            widget.setEnabled(enabled)
        if look is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("Choose a look to see it here.")
            self.name_edit.clear()
            for label in (self.status_label, self.orientation_label, self.size_label, self.engines_label):
                label.clear()
            self.consent_button.hide()
            return
        self.name_edit.setText(look.name)
        self.status_label.setText(look.error or describe_status(look.status))
        self.orientation_label.setText((look.preferred_orientation or "—").capitalize())
        size = f"{look.image_width} × {look.image_height} px" if look.image_width and look.image_height else "—"
        self.size_label.setText(size)
        self.engines_label.setText(", ".join(engine_name(engine) for engine in look.supported_engines) or "—")
        self._apply_capabilities(look, group)
        self.preview.setText("Loading…")
        if look.preview_image_url:
            self.session.tasks.spawn(self._load_preview(look), "look preview")
        if look.preview_video_url:
            self._play(look.preview_video_url)

    def _balance_changed(self, _balance: object) -> None:
        if self.look is not None:  # the prices, in the account's unit
            self._apply_capabilities(self.look, self.group)

    def _apply_capabilities(self, look: Look, group: AvatarGroup | None) -> None:
        api = self.session.api
        generation = api.generation if api else "v3"
        public = bool(group and group.is_public)
        self.use_button.setEnabled(look.status in (None, Status.COMPLETED))
        self.use_button.setToolTip("" if self.use_button.isEnabled() else "This look is not ready yet.")
        _allow(
            self.name_edit,
            not public and generation == "v3",
            "HeyGen's presets can't be renamed."
            if public
            else "The legacy (v2) API can't rename looks; switch to the current API in Settings.",
        )
        self.name_edit.setReadOnly(not self.name_edit.isEnabled())
        self.name_edit.setEnabled(True)
        if not self.name_edit.isReadOnly():
            self.name_edit.setToolTip("Type a new name and press Enter to rename the look")
        _allow(self.delete_button, not public, "HeyGen's presets can't be deleted.")
        legacy_reason = "Only the legacy (v2) API offers this; with v3 describe movement in a scene's motion prompt."
        _allow(
            self.motion_button,
            generation == "v2" and not public,
            legacy_reason if generation != "v2" else "Only your own avatars can get motion.",
        )
        _allow(
            self.sound_button,
            generation == "v2" and not public,
            legacy_reason if generation != "v2" else "Only your own avatars can get a sound effect.",
        )
        self.motion_button.setVisible(generation == "v2")
        self.sound_button.setVisible(generation == "v2")
        for button, label, action, how in (
            (self.motion_button, "Add motion", PaidAction.MOTION, "It makes a new, moving look of this one."),
            (self.sound_button, "Add sound effect", PaidAction.SOUND_EFFECT, ""),
        ):
            price = price_of(self.session, action) if generation == "v2" else None
            button.setText(priced(label, price))
            if button.isEnabled():
                button.setToolTip(price_tip(self.session, price, how))
        needs_consent = bool(group and (group.status is Status.PENDING_CONSENT or group.consent_status == "pending"))
        self.consent_button.setVisible(generation == "v3" and needs_consent)

    async def _load_preview(self, look: Look) -> None:
        try:
            image = await self.thumbnails.image(look.preview_image_url or "", PREVIEW * self.devicePixelRatioF())
        except Exception as error:  # noqa: BLE001  (a missing preview is shown, never fatal)
            log.info("Preview of %s not loaded: %r", look.id, error)
            image = None
        if self.look is not look:
            return  # another look was chosen meanwhile
        if image is None or image.isNull():
            self.preview.setText("No preview picture")
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        self.preview.setPixmap(pixmap)

    def _play(self, url: str) -> None:
        from PySide6.QtMultimedia import QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        if self._player is None:
            self._video = QVideoWidget()
            self._video.setMinimumHeight(200)
            self.video_slot.addWidget(self._video)
            self._player = QMediaPlayer(self)
            self._player.setVideoOutput(self._video)
            self._player.setLoops(QMediaPlayer.Loops.Infinite)
        assert self._video is not None
        self._video.show()
        self._player.setSource(QUrl(url))
        self._player.play()

    def _stop_video(self) -> None:
        if self._player is not None and self._video is not None:
            self._player.stop()
            self._video.hide()

    # --- actions -------------------------------------------------------------------------------

    def _use(self) -> None:
        if self.look is None:
            return
        self.session.look_chosen.emit(self.look)
        self.navigate.emit("Scenes")

    def _rename(self) -> None:
        look = self.look
        name = self.name_edit.text().strip()
        if look is None or self.name_edit.isReadOnly() or name == look.name:
            return
        if not name:
            self._say("Type a name for the look first.", Tone.BAD)
            return
        self.session.tasks.spawn(self._do_rename(look, name), "rename look")

    async def _do_rename(self, look: Look, name: str) -> None:
        try:
            renamed = await self.session.require_api().rename_look(look.id, name)
        except HeyGenError as error:
            self._say(f"Not renamed: {error}", Tone.BAD)
            return
        if self.look is look:
            self.look = renamed
            self._say("Renamed.", Tone.GOOD)
        self.renamed.emit(renamed)

    def _ask_delete(self) -> None:
        look = self.look
        if look is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete this look?",
            f"Delete “{look.name}” from HeyGen? Videos already made with it are kept, "
            "but you can't make new ones with it.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _: self._confirmed(look) if box.clickedButton() is delete else None)
        self.confirm = box
        box.open()

    def _confirmed(self, look: Look) -> None:
        self.session.tasks.spawn(self._do_delete(look), "delete look")

    async def _do_delete(self, look: Look) -> None:
        try:
            await self.session.require_api().delete_look(look.id)
        except HeyGenError as error:
            self._say(f"Not deleted: {error}", Tone.BAD)
            return
        if self.look is look:
            self.show_look(None, None)
        self.deleted.emit(look.id)
        self.session.avatars_changed.emit()

    def _open_consent(self) -> None:
        if self.group is not None:
            self.session.tasks.spawn(self._do_consent(self.group), "consent page")

    async def _do_consent(self, group: AvatarGroup) -> None:
        try:
            await open_consent_page(self.session.require_api(), group.id)
        except HeyGenError as error:
            self._say(f"No consent page: {error}", Tone.BAD)
            return
        self._say(CONSENT_OPENED, Tone.GOOD)

    def _add_motion(self) -> None:
        look = self.look
        if look is None:
            return

        def go() -> None:
            self.jobs.start(
                JobKind.MOTION, f"Motion for {look.name}", look.group_id, lambda api: api.add_motion(look.id)
            )
            self._say("Adding motion: a new moving look appears in this avatar when it is ready.", Tone.GOOD)

        self.money_prompt = check_balance(
            self,
            self.session,
            price_of(self.session, PaidAction.MOTION),
            f"Motion for “{look.name}”",
            "Add motion anyway",
            go,
        )

    def _add_sound(self) -> None:
        look = self.look
        if look is not None:
            self.session.tasks.spawn(self._do_sound(look), "add sound effect")

    async def _do_sound(self, look: Look) -> None:
        try:
            await self.session.require_api().add_sound_effect(look.id)
        except HeyGenError as error:
            self._say(f"No sound effect added: {error}", Tone.BAD)
            return
        self._say("Sound effect added.", Tone.GOOD)

    def _say(self, text: str, tone: Tone) -> None:
        set_tone(self.message, tone, text)
        self.message.setVisible(bool(text))


def _allow(widget: QWidget, allowed: bool, reason: str) -> None:
    widget.setEnabled(allowed)
    widget.setToolTip("" if allowed else reason)
