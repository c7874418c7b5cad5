"""Generate new looks of an avatar from a prompt; on the legacy API the avatar must be trained first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from heygen_studio.api import AvatarGroup, HeyGenApi, Orientation, Pose, Status, Style
from heygen_studio.domain.money import Money
from heygen_studio.domain.pricing import PaidAction
from heygen_studio.storage.library_jobs import JobKind
from heygen_studio.ui.style import Tone, set_tone
from heygen_studio.ui.widgets.generate_form import CountedText, chosen, enum_combo
from heygen_studio.ui.widgets.paid_action import check_balance, price_of, price_tip, price_words, priced

if TYPE_CHECKING:
    from heygen_studio.services.library_jobs import LibraryJobs
    from heygen_studio.session import Session

UNTRAINED = (
    "HeyGen's legacy (v2) API can only make new looks of a trained avatar. Training takes a few "
    "minutes and costs {price}; you can keep using the app meanwhile."
)


class GenerateLooksForm(QWidget):
    def __init__(self, session: Session, jobs: LibraryJobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.jobs = jobs
        self.group: AvatarGroup | None = None
        self._public = False  # a preset was chosen: no looks can be made of it
        self.money_prompt: QMessageBox | None = None  # "not enough money left", while it is open
        self.heading = QLabel("Choose one of your avatars first.")
        self.heading.setWordWrap(True)
        self.prompt = CountedText(1000, "Describe the new look, e.g. “in a red sweater at a sunny café”")
        self.orientation = enum_combo(Orientation, Orientation.SQUARE)
        self.pose = enum_combo(Pose, Pose.HALF_BODY)
        self.style_choice = enum_combo(Style, Style.REALISTIC)
        self.generate_button = QPushButton("Generate looks")
        self.generate_button.setObjectName("primaryButton")
        self.generate_button.clicked.connect(self._generate)
        self.train_note = QLabel()
        self.train_note.setWordWrap(True)
        set_tone(self.train_note, Tone.WARN)
        self.train_button = QPushButton()
        self.train_button.clicked.connect(self._train)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        for title, widget in (
            ("Prompt", self.prompt),
            ("Framing", self.orientation),
            ("Pose", self.pose),
            ("Style", self.style_choice),
        ):
            form.addRow(title, widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.train_note)
        layout.addWidget(self.train_button)
        layout.addWidget(self.generate_button)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.prompt.valid_changed.connect(lambda _: self._update())
        session.connection_changed.connect(self._show)
        session.balance_changed.connect(lambda _: self._show())  # prices in the account's unit
        self.set_group(None)

    @property
    def needs_training(self) -> bool:
        api = self.session.api
        return (
            api is not None
            and api.generation == "v2"
            and self.group is not None
            and self.group.status is not Status.COMPLETED
        )

    def set_group(self, group: AvatarGroup | None) -> None:
        self.group = group if group is None or not group.is_public else None
        self._public = group is not None and group.is_public
        self.status.clear()
        self._show()

    def _show(self) -> None:
        """The heading and buttons, with the prices of the connected account."""
        if self._public:
            self.heading.setText("New looks can only be made of your own avatars. Switch to My avatars.")
        elif self.group is None:
            self.heading.setText("Choose one of your avatars first.")
        else:
            self.heading.setText(
                f"New looks of “{self.group.name}” ({price_words(self._looks_price())}; they appear in this avatar)."
            )
        self._update()

    def _update(self) -> None:
        training = self.group is not None and self.group.status in (Status.PENDING, Status.PROCESSING)
        self.train_note.setVisible(self.needs_training)
        self.train_button.setVisible(self.needs_training)
        self.train_button.setEnabled(not training)
        training_price = price_of(self.session, PaidAction.TRAINING)
        self.train_note.setText(UNTRAINED.format(price=price_words(training_price)))
        self.train_button.setText("Training…" if training else priced("Train this avatar", training_price))
        self.train_button.setToolTip(price_tip(self.session, training_price, "Training is needed once per avatar."))
        ready = self.group is not None and not self.needs_training and self.prompt.is_valid()
        price = self._looks_price()
        self.generate_button.setText(priced("Generate looks", price))
        self.generate_button.setEnabled(ready)
        self.generate_button.setToolTip(
            price_tip(self.session, price, "One call makes the new looks.")
            if ready
            else (
                "Train this avatar first."
                if self.needs_training
                else "Choose one of your avatars and describe the look."
            )
        )

    def _looks_price(self) -> Money | None:
        return price_of(self.session, PaidAction.NEW_LOOK)

    def _generate(self) -> None:
        group = self.group
        if group is None:
            return
        prompt, orientation = self.prompt.text(), chosen(self.orientation, Orientation)
        pose, style = chosen(self.pose, Pose), chosen(self.style_choice, Style)

        def go() -> None:
            self.jobs.start(
                JobKind.LOOKS,
                prompt[:60],
                group.id,
                lambda api: api.generate_looks(group.id, prompt, orientation, pose, style),
            )
            self.status.setText("Generating looks… they appear in this avatar when ready (see Jobs below).")

        self.money_prompt = check_balance(
            self, self.session, self._looks_price(), f"New looks of “{group.name}”", "Generate anyway", go
        )

    def _train(self) -> None:
        group = self.group
        if group is None:
            return

        async def train(api: HeyGenApi) -> str:
            await api.train(group.id)
            return group.id

        def go() -> None:
            self.jobs.start(JobKind.TRAIN, f"Training {group.name}", group.id, train)
            self.train_button.setEnabled(False)
            self.train_button.setText("Training…")
            self.status.setText("Training started. This form unlocks when it is done.")

        self.money_prompt = check_balance(
            self,
            self.session,
            price_of(self.session, PaidAction.TRAINING),
            f"Training “{group.name}”",
            "Train anyway",
            go,
        )
