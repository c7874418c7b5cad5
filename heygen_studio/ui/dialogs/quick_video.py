"""A quick video from one photo: what it says, a voice and a shape, priced next to making an avatar first."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api import HeyGenApi, HeyGenError
from heygen_studio.api.limits import limits_for
from heygen_studio.api.models import AspectRatio, Voice
from heygen_studio.domain.pricing import VideoQuote
from heygen_studio.domain.project import Project, Scene, VoiceRef, format_duration
from heygen_studio.domain.quotes import image_video_saving, quote_project
from heygen_studio.services.photo_checks import CheckedPhoto
from heygen_studio.services.render_queue import NotSaved
from heygen_studio.ui.panels.scenes_layout import ASPECTS
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.generate_form import CountedText
from heygen_studio.ui.widgets.paid_action import check_balance, price_list, priced
from heygen_studio.ui.widgets.photo_details import NOT_CONNECTED
from heygen_studio.ui.widgets.voice_picker import VoicePickerDialog, describe_voice, load_all_voices

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from heygen_studio.session import Session

Runner = Callable[[Coroutine[Any, Any, None], str], object]

NEEDS_V3 = (
    "Quick videos need HeyGen's v3 API (it animates a photo directly); this account uses the legacy v2 API. "
    "Add a v3 API key in Settings, or try the sandbox."
)
THUMBNAIL_SIDE = 96


def quick_video_blocker(session: Session) -> str:
    """Why this connection can make no quick video, in words that say what to do; "" when it can."""
    api = session.api
    if api is None:
        return NOT_CONNECTED
    return NEEDS_V3 if api.generation != "v3" else ""


class QuickVideoDialog(QDialog):
    """Open with `.open()`: one checked photo becomes an image video (v3 `type: "image"`, no avatar created),
    queued in the session's render queue. `navigate("Renders")` when the user wants to follow it there."""

    navigate = Signal(str)

    def __init__(self, session: Session, photo: CheckedPhoto, run: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.photo = photo
        self._run = run
        self._voices: list[Voice] = []
        self._voices_error = ""  # why the voices could not be loaded, for the voice picker
        self._voice: Voice | None = None
        self.voice_dialog: VoicePickerDialog | None = None
        self.money_prompt: QMessageBox | None = None
        self._queued: tuple[str, str, AspectRatio] | None = None  # what was last queued: not again unchanged
        self._closed = False  # once closed, work still running leaves the (deleted) widgets alone
        self.setWindowTitle("Quick video")
        self.resize(560, 460)

        picture = QLabel()
        picture.setPixmap(
            QPixmap.fromImage(photo.thumbnail).scaled(
                THUMBNAIL_SIDE,
                THUMBNAIL_SIDE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        intro = QLabel(
            f"<b>{photo.path.name}</b><br>HeyGen makes the person in this photo say your words. "
            "No avatar is created: the photo itself is animated."
        )
        intro.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(picture)
        top.addWidget(intro, 1)

        self.script = CountedText(self._max_characters(), "What should the person in the photo say?")
        self.script.edit.setFixedHeight(110)
        self.voice_label = QLabel("No voice chosen yet")
        self.voice_label.setWordWrap(True)
        self.voice_button = QPushButton("Choose a voice…")
        self.voice_button.clicked.connect(self.choose_voice)
        voice_row = QHBoxLayout()
        voice_row.addWidget(self.voice_label, 1)
        voice_row.addWidget(self.voice_button)
        self.aspect = QComboBox()
        for value, text, use in ASPECTS:  # the Scenes editor's shapes, in the same words
            self.aspect.addItem(text, value)
            self.aspect.setItemData(self.aspect.count() - 1, use, Qt.ItemDataRole.ToolTipRole)
        self.aspect.setToolTip("The shape of the video")
        form = QFormLayout()
        form.addRow("Script", self.script)
        form.addRow("Voice", voice_row)
        form.addRow("Shape", self.aspect)

        self.price = QLabel()
        self.price.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.renders_button = buttons.addButton("Open Renders", QDialogButtonBox.ButtonRole.ActionRole)
        self.renders_button.clicked.connect(self._open_renders)
        self.renders_button.hide()
        self.render_button = buttons.addButton("Render", QDialogButtonBox.ButtonRole.ActionRole)
        self.render_button.setObjectName("primaryButton")
        self.render_button.clicked.connect(self.render_video)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.price)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.script.edit.textChanged.connect(self._update)
        self.aspect.currentIndexChanged.connect(self._update)
        session.connection_changed.connect(self._connection_changed)
        session.balance_changed.connect(self._balance_changed)
        self._connection_changed()

    # --- what is asked for --------------------------------------------------------------------------

    def project(self) -> Project:
        """The quick video as it stands: one scene, the photo instead of a look."""
        voice = self._voice
        return Project(
            title=f"Quick video – {self.photo.path.stem}",
            voice=VoiceRef(voice.id, voice.name, voice.language) if voice is not None else None,
            aspect_ratio=AspectRatio(self.aspect.currentData()),
            scenes=(Scene(script=self.script.text()),),
            photo_path=str(self.photo.path),
        )

    def quote(self) -> VideoQuote | None:
        """What rendering it costs in the account's unit (the photo rate of its engine); None when not known."""
        api = self.session.api
        if api is None:
            return None
        balance = self.session.balance
        billing = balance.billing_type if balance else None
        return quote_project(self.project(), api.generation, api.limits, billing)

    def _max_characters(self) -> int:
        api = self.session.api
        return (api.limits if api is not None else limits_for("v3")).max_script_chars

    def _update(self) -> None:
        blocker = quick_video_blocker(self.session)
        quote = None if blocker else self.quote()
        total = quote.total if quote is not None else None
        self.render_button.setText(priced("Render", total) if self.script.text() else "Render")
        missing = self._missing(blocker)
        self.render_button.setEnabled(not missing)
        self.render_button.setToolTip(missing or "Queue this video; it is followed and downloaded on the Renders page.")
        self.price.setText(self._price_text(quote))
        set_tone(self.price, Tone.PLAIN)
        if blocker:
            set_tone(self.status, Tone.WARN, blocker)
        elif self.status.text() in (NEEDS_V3, NOT_CONNECTED):
            set_tone(self.status, Tone.PLAIN, "")  # connected to v3 again

    def _balance_changed(self, _balance: object) -> None:
        self._update()

    def _missing(self, blocker: str) -> str:
        if blocker:
            return blocker
        if not self.script.text():
            return "Write what the person in the photo says."
        if not self.script.is_valid():
            return f"The script is longer than HeyGen takes ({self.script.limit} characters): shorten it."
        if self._voice is None:
            return "Choose a voice."
        if self._queued == self._asked():
            return "This video is in the render queue. Change the script, voice or shape to make another one."
        return ""

    def _asked(self) -> tuple[str, str, AspectRatio]:
        return self.script.text(), self._voice.id if self._voice else "", AspectRatio(self.aspect.currentData())

    def _price_text(self, quote: VideoQuote | None) -> str:
        if quote is None:
            return ""
        text = (
            f"<b>{quote.total}</b> for {format_duration(quote.seconds)} of speech at {quote.rate.per_second} a second."
            if quote.seconds
            else f"HeyGen charges {quote.rate.per_second} a second of video."
        )
        saved = image_video_saving(price_list(self.session))  # None where the account pays in credits
        if saved is not None and not saved.is_zero:
            text += (
                f" Creating an avatar first would cost {quote.total + saved}: this is <b>{saved} less than "
                "creating an avatar</b>."
            )
        connection = self.session.connection
        return text + (
            " On the sandbox this is pretend money." if connection is not None and connection.sandbox else ""
        )

    # --- voices -------------------------------------------------------------------------------------

    def choose_voice(self) -> None:
        dialog = VoicePickerDialog(self)
        dialog.voice_chosen.connect(self.set_voice)
        self.voice_dialog = dialog
        self._fill_voice_dialog()
        dialog.open()

    def set_voice(self, voice: Voice) -> None:
        self._voice = voice
        self.voice_label.setText(describe_voice(voice))
        self._update()

    def _fill_voice_dialog(self) -> None:
        if self.voice_dialog is None:
            return
        if self._voices:
            self.voice_dialog.set_voices(self._voices, self._voice.id if self._voice else None)
        elif self._voices_error:
            self.voice_dialog.set_error(self._voices_error)

    async def _load_voices(self, api: HeyGenApi) -> None:
        voices = await load_all_voices(api)
        if self._closed:
            return
        self._voices = voices
        if self._voice is not None and all(voice.id != self._voice.id for voice in self._voices):
            self._voice = None  # a voice of another account
            self.voice_label.setText("No voice chosen yet")
        self._fill_voice_dialog()
        self._update()

    def _voices_failed(self, error: Exception) -> None:
        self._voices_error = f"Voices could not be loaded: {error}"
        self._fill_voice_dialog()

    def _connection_changed(self) -> None:
        self._voices, self._voices_error = [], ""
        self.script.limit = self._max_characters()
        self.script.edit.textChanged.emit()  # the counter follows the new limit
        api = self.session.api
        if api is not None and not quick_video_blocker(self.session):
            self._run(self._voices_then(api), "load voices for a quick video")
        self._update()

    async def _voices_then(self, api: HeyGenApi) -> None:
        try:
            await self._load_voices(api)
        except HeyGenError as error:
            if not self._closed:
                self._voices_failed(error)

    # --- rendering ----------------------------------------------------------------------------------

    def render_video(self) -> None:
        """Queue the quick video, asking first when it costs more than is left."""
        if self._missing(quick_video_blocker(self.session)):
            return
        project, quote, asked = self.project(), self.quote(), self._asked()
        self.money_prompt = check_balance(
            self,
            self.session,
            quote.total if quote is not None else None,
            "This quick video",
            "Render anyway",
            lambda: self._queue(project, quote, asked),
        )

    def _queue(self, project: Project, quote: VideoQuote | None, asked: tuple[str, str, AspectRatio]) -> None:
        self.render_button.setEnabled(False)
        set_tone(self.status, Tone.PLAIN, "Adding it to the render queue…")
        self._run(self._enqueue(project, quote, asked), "queue a quick video")

    async def _enqueue(self, project: Project, quote: VideoQuote | None, asked: tuple[str, str, AspectRatio]) -> None:
        """Queue `project`; the form may be closed (and its widgets deleted) before this starts or ends."""
        renders = self.session.renders
        try:
            job = await renders.queue.enqueue(project, await renders.output_dir())
        except (ValueError, HeyGenError, NotSaved) as error:  # NotReadyToRender, InvalidRequestError, NotConnected
            if self._closed:  # nothing was queued: the Renders page shows no new row
                return
            set_tone(self.status, Tone.BAD, f"Not rendered (nothing was sent or charged): {error}")
            self._update()
            return
        if self._closed:
            return  # queued all the same: it shows on the Renders page
        self._queued = asked
        cost = f", about {quote.total}" if quote is not None else ""
        set_tone(
            self.status,
            Tone.GOOD,
            f"Added to the render queue: “{job.title}”{cost}. Follow it on the Renders page: it is downloaded "
            "there when HeyGen has made it.",
        )
        self.renders_button.show()
        self._update()

    def _open_renders(self) -> None:
        self.navigate.emit("Renders")
        self.accept()

    def done(self, result: int) -> None:
        self._closed = True
        super().done(result)
