"""Generate new looks of an avatar from a prompt; on the legacy API the avatar must be trained first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from heygen_studio.api import AvatarGroup, HeyGenApi, Orientation, Pose, Status, Style
from heygen_studio.storage.library_jobs import JobKind
from heygen_studio.ui.style import set_tone
from heygen_studio.ui.widgets.generate_form import CountedText, chosen, enum_combo

if TYPE_CHECKING:
    from heygen_studio.services.library_jobs import LibraryJobs
    from heygen_studio.session import Session

UNTRAINED = ("HeyGen's legacy (v2) API can only make new looks of a trained avatar. Training takes a few "
             "minutes and costs 4 credits; you can keep using the app meanwhile.")


class GenerateLooksForm(QWidget):
    def __init__(self, session: Session, jobs: LibraryJobs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.jobs = jobs
        self.group: AvatarGroup | None = None
        self.heading = QLabel("Choose one of your avatars first.")
        self.heading.setWordWrap(True)
        self.prompt = CountedText(1000, "Describe the new look, e.g. “in a red sweater at a sunny café”")
        self.orientation = enum_combo(Orientation, Orientation.SQUARE)
        self.pose = enum_combo(Pose, Pose.HALF_BODY)
        self.style_choice = enum_combo(Style, Style.REALISTIC)
        self.generate_button = QPushButton("Generate looks")
        self.generate_button.setObjectName("primaryButton")
        self.generate_button.clicked.connect(self._generate)
        self.train_note = QLabel(UNTRAINED)
        self.train_note.setWordWrap(True)
        set_tone(self.train_note, "warn")
        self.train_button = QPushButton("Train this avatar (4 credits)")
        self.train_button.clicked.connect(self._train)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        for title, widget in (("Prompt", self.prompt), ("Framing", self.orientation), ("Pose", self.pose),
                              ("Style", self.style_choice)):
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
        self.set_group(None)

    @property
    def needs_training(self) -> bool:
        api = self.session.api
        return (api is not None and api.generation == "v2" and self.group is not None
                and self.group.status is not Status.COMPLETED)

    def set_group(self, group: AvatarGroup | None) -> None:
        self.group = group if group is None or not group.is_public else None
        self.status.clear()
        if group is not None and group.is_public:
            self.heading.setText("New looks can only be made of your own avatars. Switch to My avatars.")
        elif self.group is None:
            self.heading.setText("Choose one of your avatars first.")
        else:
            self.heading.setText(f"New looks of “{self.group.name}” (1 credit; they appear in this avatar).")
        self._update()

    def _update(self) -> None:
        training = self.group is not None and self.group.status in (Status.PENDING, Status.PROCESSING)
        self.train_note.setVisible(self.needs_training)
        self.train_button.setVisible(self.needs_training)
        self.train_button.setEnabled(not training)
        self.train_button.setText("Training…" if training else "Train this avatar (4 credits)")
        ready = self.group is not None and not self.needs_training and self.prompt.is_valid()
        self.generate_button.setEnabled(ready)
        self.generate_button.setToolTip("" if ready else (
            "Train this avatar first." if self.needs_training else "Choose one of your avatars and describe the look."))

    def _generate(self) -> None:
        group = self.group
        if group is None:
            return
        prompt, orientation = self.prompt.text(), chosen(self.orientation, Orientation)
        pose, style = chosen(self.pose, Pose), chosen(self.style_choice, Style)
        self.jobs.start(JobKind.LOOKS, prompt[:60], group.id,
                        lambda api: api.generate_looks(group.id, prompt, orientation, pose, style))
        self.status.setText("Generating looks… they appear in this avatar when ready (see Jobs below).")

    def _train(self) -> None:
        group = self.group
        if group is None:
            return

        async def train(api: HeyGenApi) -> str:
            await api.train(group.id)
            return group.id

        self.jobs.start(JobKind.TRAIN, f"Training {group.name}", group.id, train)
        self.train_button.setEnabled(False)
        self.train_button.setText("Training…")
        self.status.setText("Training started. This form unlocks when it is done.")
