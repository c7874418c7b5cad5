"""Generate AI photos of a person from eight choices, keep the ones you like, and make an avatar of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from heygen_studio.api import (
    Age,
    Ethnicity,
    Gender,
    HeyGenError,
    Orientation,
    PhotoPrompt,
    Pose,
    Style,
)
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import PaidAction
from heygen_studio.services.avatar_builder import add_named_look
from heygen_studio.services.thumbnails import Thumbnails
from heygen_studio.storage.library_jobs import JobKind, JobState, LibraryJob
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.generate_form import CountedText, chosen, enum_combo
from heygen_studio.ui.widgets.layouts import clear_layout
from heygen_studio.ui.widgets.paid_action import check_balance, price_of, price_tip, price_words, priced

if TYPE_CHECKING:
    from heygen_studio.services.library_jobs import LibraryJobs
    from heygen_studio.session import Session

RESULT = QSize(120, 120)
RESULTS_PER_ROW = 2  # the four photos in two rows, so the form is never wider than the Library's side pane
V3_NOTE = (
    "With HeyGen's current API these choices are written into one description, and HeyGen makes "
    "one new avatar from it (a prompt avatar, {price}). It appears under My avatars."
)
V2_NOTE = "HeyGen makes four photos ({price}). Keep the ones you like and make an avatar of them."


class GeneratePhotosForm(QWidget):
    """`results_shown(QWidget)` once a generation's photos are laid out: the widget to scroll into view."""

    results_shown = Signal(object)

    def __init__(
        self, session: Session, thumbnails: Thumbnails, jobs: LibraryJobs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.thumbnails = thumbnails
        self.jobs = jobs
        self.job: LibraryJob | None = None
        self.money_prompt: QMessageBox | None = None  # "not enough money left", while it is open
        self._expecting = False
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Maya")
        self.age = enum_combo(Age, Age.YOUNG_ADULT)
        self.gender = enum_combo(Gender, Gender.UNSPECIFIED)
        self.ethnicity = enum_combo(Ethnicity, Ethnicity.UNSPECIFIED)
        self.orientation = enum_combo(Orientation, Orientation.SQUARE)
        self.pose = enum_combo(Pose, Pose.HALF_BODY)
        self.style_choice = enum_combo(Style, Style.REALISTIC)
        self.appearance = CountedText(
            1000,
            "What the person looks like and wears, e.g. "
            "“short curly hair, navy blazer, friendly smile, office background”",
        )
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.generate_button = QPushButton("Generate photos")
        self.generate_button.setObjectName("primaryButton")
        self.generate_button.clicked.connect(self._generate)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.results = QGridLayout()
        self.picks: list[tuple[QCheckBox, str]] = []
        self.keep_button = QPushButton("Make an avatar of the chosen photos")
        self.keep_button.clicked.connect(self._keep)
        self.keep_button.hide()

        form = QFormLayout()
        for title, widget in (
            ("Name", self.name),
            ("Age", self.age),
            ("Gender", self.gender),
            ("Ethnicity", self.ethnicity),
            ("Framing", self.orientation),
            ("Pose", self.pose),
            ("Style", self.style_choice),
            ("Appearance", self.appearance),
        ):
            form.addRow(title, widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.generate_button)
        layout.addWidget(self.status)
        layout.addLayout(self.results)
        layout.addWidget(self.keep_button)
        layout.addStretch(1)
        self.name.textChanged.connect(self._validate)
        self.appearance.valid_changed.connect(self._validate)
        jobs.changed.connect(self._job_changed)
        session.connection_changed.connect(self.refresh)
        session.balance_changed.connect(lambda _: self.refresh())  # prices in the account's unit
        self.refresh()

    def refresh(self) -> None:
        api = self.session.api
        note = V3_NOTE if api is None or api.generation == "v3" else V2_NOTE
        price = price_of(self.session, PaidAction.AI_PHOTOS)
        self.note.setText(note.format(price=price_words(price)))
        self.generate_button.setText(priced("Generate photos", price))
        keep = self._keep_price()
        self.keep_button.setText(priced("Make an avatar of the chosen photos", keep))
        self.keep_button.setToolTip(price_tip(self.session, keep, "The chosen photos become one avatar and its looks."))
        self._validate()

    def _keep_price(self) -> Money | None:
        """Making a group of the kept photos: one call for the avatar, one per other photo (free on v2)."""
        kept = max(sum(box.isChecked() for box, _ in self.picks), 1)
        first = price_of(self.session, PaidAction.CREATE_AVATAR)
        more = price_of(self.session, PaidAction.ADD_PHOTO, kept - 1)
        return None if first is None or more is None else first + more

    def prompt(self) -> PhotoPrompt:
        return PhotoPrompt(
            self.name.text().strip(),
            chosen(self.age, Age),
            chosen(self.gender, Gender),
            chosen(self.ethnicity, Ethnicity),
            chosen(self.orientation, Orientation),
            chosen(self.pose, Pose),
            chosen(self.style_choice, Style),
            self.appearance.text(),
        )

    def _validate(self) -> None:
        ready = bool(self.name.text().strip()) and self.appearance.is_valid() and self.session.api is not None
        self.generate_button.setEnabled(ready)
        self.generate_button.setToolTip(
            price_tip(self.session, price_of(self.session, PaidAction.AI_PHOTOS), "One call makes the photos.")
            if ready
            else "Give the person a name and describe their appearance first."
        )

    def _generate(self) -> None:
        prompt = self.prompt()

        def go() -> None:
            self._clear_results()
            self._expecting = True
            self.status.setText("Sending…")
            self.jobs.start(JobKind.PHOTOS, prompt.name, None, lambda api: api.generate_photos(prompt))

        self.money_prompt = check_balance(
            self,
            self.session,
            price_of(self.session, PaidAction.AI_PHOTOS),
            f"AI photos of “{prompt.name}”",
            "Generate anyway",
            go,
        )

    def _job_changed(self, job: LibraryJob) -> None:
        if job.kind is not JobKind.PHOTOS:
            return
        if self._expecting and job.state is JobState.STARTING:
            self.job, self._expecting = job, False
        if self.job is None or job.id != self.job.id:
            return
        self.job = job
        if job.state is JobState.DONE:
            self.show_results(job)
        elif job.state is JobState.FAILED:
            self.status.setText(f"No photos: {job.detail}")
            set_tone(self.status, Tone.BAD)
        else:
            self.status.setText(f"Generating… {job.detail or ''}")
            set_tone(self.status, Tone.PLAIN)

    def show_results(self, job: LibraryJob) -> None:
        """Show a finished generation's photos side by side, each with a Keep box (v2)."""
        self.job = job
        self._clear_results()
        urls = job.result.get("image_urls") or []
        legacy = job.generation == "v2"
        self.status.setText(
            "Tick the photos to keep, then make an avatar of them."
            if legacy
            else "Your new avatar is ready under My avatars."
        )
        set_tone(self.status, Tone.GOOD)
        first_picture: QLabel | None = None
        for number, url in enumerate(urls):
            row, column = 2 * (number // RESULTS_PER_ROW), number % RESULTS_PER_ROW
            picture = QLabel("Loading…")
            if first_picture is None:
                first_picture = picture
            picture.setFixedSize(RESULT)
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.results.addWidget(picture, row, column)
            self.session.tasks.spawn(self._load(picture, url), "generated photo")
            if legacy:
                keep = QCheckBox("Keep")
                keep.toggled.connect(lambda _: self.refresh())  # the price follows the photos kept
                self.results.addWidget(keep, row + 1, column, Qt.AlignmentFlag.AlignHCenter)
                self.picks.append((keep, url))
        self.keep_button.setVisible(legacy and bool(urls))
        if urls:
            self.results_shown.emit(self.keep_button if legacy else first_picture)

    async def _load(self, label: QLabel, url: str) -> None:
        try:
            image = await self.thumbnails.image(url, RESULT)
        except Exception:  # noqa: BLE001  (shown as text; the photo can still be kept)
            label.setText("No preview")
            return
        label.setPixmap(QPixmap.fromImage(image))

    def _clear_results(self) -> None:
        clear_layout(self.results)
        self.picks.clear()
        self.keep_button.hide()

    def _keep(self) -> None:
        urls = [url for box, url in self.picks if box.isChecked()]
        if not urls:
            self.status.setText("Tick at least one photo to keep.")
            set_tone(self.status, Tone.BAD)
            return
        name = self.job.label if self.job else self.name.text().strip()

        def go() -> None:
            self.keep_button.setEnabled(False)
            self.session.tasks.spawn(self._make_group(name, urls), "make avatar from AI photos")

        self.money_prompt = check_balance(
            self, self.session, self._keep_price(), f"Making “{name}”", "Make it anyway", go
        )

    async def _make_group(self, name: str, urls: list[str]) -> None:
        """Upload the kept photos, make a group of the first, and add the others as its looks."""
        self.status.setText(f"Making “{name}” from {len(urls)} photo(s)…")
        try:
            api = self.session.require_api()
            refs = []
            for url in urls:
                data = await self.thumbnails.fetch(url)
                mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
                refs.append((await api.upload_photo(data, mime, "ai-photo")).ref)
            created = await api.create_photo_avatar(name, refs[0])
            for number, ref in enumerate(refs[1:], start=2):
                await add_named_look(api, created.group.id, ref, name, number)
        except (HeyGenError, OSError) as error:
            self.status.setText(f"The avatar was not made: {error}")
            set_tone(self.status, Tone.BAD)
            self.keep_button.setEnabled(True)
            return
        self.status.setText(f"“{name}” is ready under My avatars with {len(urls)} look(s).")
        set_tone(self.status, Tone.GOOD)
        self._clear_results()
        self.keep_button.setEnabled(True)
        self.session.avatars_changed.emit()
